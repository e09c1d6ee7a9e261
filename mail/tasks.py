"""Background work of the outbox (django-tasks: in process in development, the database queue and
`manage.py db_worker` in production)."""

from __future__ import annotations

from django_tasks import task

from .delivery import deliveries_due, delivery_send
from .enums import DeliveryStatus

# The outbox sweep goes before the messages waiting on the queue: it is how a message whose worker
# died is recovered, and how the health check sees that a worker is alive (config/health.py).
SWEEP_PRIORITY = 50


@task()
def deliver_email(delivery_id: int) -> str:
    """Send one message of the outbox; a failure is put back on the queue for after its back-off."""
    outcome, delivery = delivery_send(delivery_id)
    if outcome == DeliveryStatus.PENDING:
        enqueue_delivery(delivery.pk, run_after=delivery.next_attempt_at)
    return outcome


@task(priority=SWEEP_PRIORITY)
def send_due_email(orphans_only: bool = False) -> dict[str, int]:
    """Send every message that is due: first attempts whose task was lost, retries when the backend
    cannot defer, and messages whose worker died holding them once the claim has run out. A message
    being sent by a live worker is not sent again. Run every minute by the scheduler with
    `orphans_only` (a message queued less than a lease ago is left to its own task)."""
    outcomes: dict[str, int] = {}
    for delivery_id in deliveries_due(orphans_only=orphans_only):
        outcome, _ = delivery_send(delivery_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def enqueue_delivery(delivery_id: int, run_after=None) -> None:
    """Put a delivery on the task queue. A backend that cannot defer (the in-process one of
    development) leaves a retry to `manage.py send_queued_email`, which sends whatever is due."""
    if run_after is not None:
        if not deliver_email.get_backend().supports_defer:
            return
        deliver_email.using(run_after=run_after).enqueue(delivery_id)
        return
    deliver_email.enqueue(delivery_id)
