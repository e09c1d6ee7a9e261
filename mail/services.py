"""The outbox as the rest of the system uses it: queue a message with the change that causes it,
retry one by hand, find those due. (Sending, with its claim and its outcome, is mail.delivery, run by
the task worker.) Who may retry is for the app whose page or API offers it to check: the outbox
knows no roles."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .delivery import STUCK_AFTER
from .enums import DeliveryStatus
from .errors import ServiceError
from .models import EmailDelivery
from .registry import kind_of
from .tasks import enqueue_delivery


def email_queue(*, kind: str, about: models.Model, key: str, programme_id: int | None = None) -> EmailDelivery | None:
    """Put a message in the outbox, in the caller's transaction, and have it sent once that
    commits. `key` says what the message is: queued twice, it is one message (None the second
    time). Call it inside the transaction of the change the message is about, so the two are
    saved together or not at all."""
    kind_of(kind)  # refuse a kind nobody builds now, not when a worker tries to send it
    with transaction.atomic():
        delivery, created = EmailDelivery.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "content_type": ContentType.objects.get_for_model(about),
                "object_id": about.pk,
                "programme_id": programme_id,
                "next_attempt_at": timezone.now(),
            },
        )
    if not created:
        return None
    # robust: a task queue that refuses must not undo the change; `send_queued_email` sends it later.
    transaction.on_commit(lambda: enqueue_delivery(delivery.pk), robust=True)
    return delivery


def delivery_can_retry(delivery: EmailDelivery, now: datetime | None = None) -> bool:
    """Failed, or stuck while sending (its worker stopped): a person may send it again."""
    now = now or timezone.now()
    return delivery.status == DeliveryStatus.FAILED or (
        delivery.status == DeliveryStatus.SENDING and delivery.updated_at < now - STUCK_AFTER
    )


def delivery_retry(*, delivery: EmailDelivery) -> EmailDelivery:
    """Send a failed message again (or one stuck while sending, once a person has checked it did
    not arrive), from the first attempt. The caller checks who may."""
    with transaction.atomic():
        locked = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status not in (DeliveryStatus.FAILED, DeliveryStatus.SENDING):
            raise ServiceError(f"This message is {locked.get_status_display().lower()}; only a failed one is retried.")
        locked.status = DeliveryStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.claim_expires_at = None
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "claim_expires_at", "updated_at"])
        transaction.on_commit(lambda: enqueue_delivery(locked.pk), robust=True)
    return locked
