"""Background work of events: sending the outbox (django-tasks: in process in development, the
database queue and `manage.py db_worker` in production)."""

from __future__ import annotations

import logging

from django_tasks import task

from . import services

logger = logging.getLogger(__name__)


@task()
def deliver_email(delivery_id: int) -> str:
    """Send one message of the outbox. Claimed under a lock first, so it is never sent twice;
    a failure is recorded and tried again later, never dropped."""
    from .emails import build_message

    delivery = services.delivery_claim(delivery_id)
    if delivery is None:
        return "not due"
    try:
        build_message(delivery).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        delivery = services.delivery_failed(delivery, error)
        logger.warning("E-mail delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, type(error).__name__)
        if delivery.status == "pending":
            enqueue_delivery(delivery.pk, run_after=delivery.next_attempt_at)
        return delivery.status
    services.delivery_sent(delivery)
    return "sent"


def enqueue_delivery(delivery_id: int, run_after=None) -> None:
    """Put a delivery on the task queue. A backend that cannot defer (the in-process one of
    development) leaves a retry to `manage.py send_queued_email`, which sends whatever is due."""
    if run_after is not None:
        if not deliver_email.get_backend().supports_defer:
            return
        deliver_email.using(run_after=run_after).enqueue(delivery_id)
        return
    deliver_email.enqueue(delivery_id)
