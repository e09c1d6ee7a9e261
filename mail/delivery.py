"""Sending one message of the outbox, as the task worker does: claim it under a lock (so no second
worker sends it), build it with the builder its kind registered (mail.registry), send it, and
record the outcome: sent, not needed, or failed (tried again after a back-off, then shown to
organisers)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .enums import DeliveryStatus
from .models import EmailDelivery
from .registry import kind_of

logger = logging.getLogger(__name__)

# Back-off between attempts to send one e-mail; after the last, the delivery is failed and shown.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A message claimed this long ago and still "sending": its worker died, or the mail server hung.
STUCK_AFTER = timedelta(minutes=15)


def delivery_send(delivery_id: int) -> tuple[str, EmailDelivery | None]:
    """Send one message if it is due. Returns the outcome ("sent", "skipped", "pending" to be
    tried again, "failed", or "not due") and the delivery. A failure of the mail server, or of
    building the message, is recorded and retried, never dropped."""
    delivery = delivery_claim(delivery_id)
    if delivery is None:
        return "not due", None
    try:
        message = kind_of(delivery.kind).build(delivery)
        if message is None:
            delivery_skipped(delivery, "Nothing left to send when it was due.")
            return DeliveryStatus.SKIPPED, delivery
        message.extra_headers.setdefault("X-PROUD-Delivery", delivery.key)
        message.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        delivery = delivery_failed(delivery, error)
        logger.warning("E-mail delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, type(error).__name__)
        return delivery.status, delivery
    delivery_sent(delivery)
    return DeliveryStatus.SENT, delivery


def delivery_claim(delivery_id: int, now: datetime | None = None) -> EmailDelivery | None:
    """Take a due message for sending, or None when it is not due, being sent or sent.
    Committed before sending, so no second worker sends it too."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update()
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.save(update_fields=["status", "attempts", "updated_at"])
    return delivery


def delivery_sent(delivery: EmailDelivery, now: datetime | None = None) -> None:
    """Record the message sent, and let the app it is about follow (an invitation becomes "sent")."""
    now = now or timezone.now()
    with transaction.atomic():
        EmailDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now, last_error="", updated_at=now)
        after_sent = kind_of(delivery.kind).after_sent
        if after_sent is not None:
            after_sent(delivery, now)


def delivery_skipped(delivery: EmailDelivery, reason: str) -> None:
    """Its builder found nothing left to say (a reminder whose work is done): never sent."""
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SKIPPED, last_error=reason[:300], updated_at=timezone.now()
    )


def delivery_failed(delivery: EmailDelivery, error: Exception, now: datetime | None = None) -> EmailDelivery:
    """Record a failed attempt: try again after a back-off, or give up after the last and show it."""
    now = now or timezone.now()
    message = f"{type(error).__name__}: {error}"[:300]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.last_error = message
    delivery.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
    return delivery
