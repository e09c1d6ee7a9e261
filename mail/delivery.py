"""Sending one message of the outbox, as the task worker does: claim it under a lock (so no second
worker sends it), build it with the builder its kind registered (mail.registry), send it, and
record the outcome: sent, not needed, or failed (tried again after a back-off, then shown to
organisers).

The claim is a lease (`PROUD_MAIL_CLAIM_SECONDS`, 5 minutes by default). A worker killed while it
holds one (SIGKILL, the machine lost) leaves the message "sending"; once the lease is over,
`send_queued_email` (the scheduler's outbox sweep, every minute) claims it again and sends it, so it
is not lost. Every claim counts an attempt, and the attempt number fences the claim: a worker whose
lease ran out and was taken over cannot record the outcome over the new holder's.

What "sent once" can mean with SMTP: the mail server takes responsibility for a message when it
answers 250 to the end of its data, and we record "sent" just after that answer. A worker that dies
between the two (a few milliseconds in each send) leaves a message that was delivered but is not
recorded; it is sent again after the lease, and arrives twice. Nothing in SMTP closes that window
(there is no idempotency key); a message lost instead would be worse for an invitation. Both copies
carry the same Message-ID (`<proud-delivery-ID.TIMESTAMP@domain>`), so mail systems that drop
duplicates by Message-ID show it once. Everywhere else (a worker killed while building the message,
connecting, or in the SMTP conversation before the end of the data) the message is sent once."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .enums import DeliveryStatus
from .models import EmailDelivery
from .registry import kind_of

logger = logging.getLogger(__name__)

# Back-off between attempts to send one e-mail; after the last, the delivery is failed and shown.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A message claimed this long ago and still "sending" although its lease is long over: nothing is
# taking it again (no sweep running), so organisers see it and may retry it by hand.
STUCK_AFTER = timedelta(minutes=15)


def worker_name() -> str:
    """Who holds a claim: the host and process, for an operator reading the outbox (no personal data)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim_lease() -> timedelta:
    """How long a claim holds. It must outlast the slowest send that still succeeds: every SMTP
    step may take EMAIL_TIMEOUT (a system check warns when the lease is shorter than 8 of them)."""
    return timedelta(seconds=settings.PROUD_MAIL_CLAIM_SECONDS)


def message_id(delivery: EmailDelivery) -> str:
    """One Message-ID per message of the outbox, the same on every attempt: a copy sent again
    after a worker died at the worst moment is recognisably the same message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "proud.invalid"
    return f"<proud-delivery-{delivery.pk}.{int(delivery.created_at.timestamp())}@{domain}>"


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
        message.extra_headers.setdefault("Message-ID", message_id(delivery))
        message.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        delivery = delivery_failed(delivery, error)
        logger.warning("E-mail delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, type(error).__name__)
        return delivery.status, delivery
    delivery_sent(delivery)
    return DeliveryStatus.SENT, delivery


def claimable(now: datetime, waiting: timedelta = timedelta(0)) -> Q:
    """Due to be sent: waiting and due (for at least `waiting`), or claimed by a worker whose
    lease is over."""
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - waiting) | Q(
        status=DeliveryStatus.SENDING, claim_expires_at__lt=now
    )


def deliveries_due(now: datetime | None = None, *, orphans_only: bool = False) -> list[int]:
    """Messages due to be sent: waiting and due, or claimed by a worker whose lease is over. With
    `orphans_only`, those due for longer than a lease: a message just queued has a task of its own
    on the queue, and the scheduler's sweep leaves it to that task."""
    now = now or timezone.now()
    waiting = claim_lease() if orphans_only else timedelta(0)
    due = EmailDelivery.objects.filter(claimable(now, waiting)).order_by("next_attempt_at", "pk")
    return list(due.values_list("pk", flat=True))


def delivery_claim(delivery_id: int, now: datetime | None = None) -> EmailDelivery | None:
    """Take a due message for sending (or one whose last holder's lease is over), or None when it
    is not due, being sent or sent. Committed before sending, so no second worker sends it too.
    A message whose holders died on every attempt is failed instead, for organisers to see."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().filter(claimable(now), pk=delivery_id).first()
        if delivery is None:
            return None
        if delivery.status == DeliveryStatus.SENDING:
            logger.warning(
                "E-mail delivery %s: the claim of %s ran out (attempt %s); taking it again",
                delivery.pk, delivery.claimed_by or "a worker", delivery.attempts,
            )
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.last_error = "The worker sending it stopped on every attempt."
                delivery.claim_expires_at = None
                delivery.save(update_fields=["status", "last_error", "claim_expires_at", "updated_at"])
                return None
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.claimed_by = worker_name()
        delivery.claim_expires_at = now + claim_lease()
        delivery.save(update_fields=["status", "attempts", "claimed_by", "claim_expires_at", "updated_at"])
    return delivery


def _held(delivery: EmailDelivery):
    """This worker's claim on the message, as a filter: the attempt number fences it."""
    return EmailDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts)


def delivery_sent(delivery: EmailDelivery, now: datetime | None = None) -> None:
    """Record the message sent, and let the app it is about follow (an invitation becomes "sent").
    Recorded even when the claim ran out meanwhile (the message did go), with a warning: a worker
    that took it over may send it a second time."""
    now = now or timezone.now()
    with transaction.atomic():
        if EmailDelivery.objects.filter(pk=delivery.pk, attempts__gt=delivery.attempts).exists():
            logger.warning(
                "E-mail delivery %s was sent after its claim ran out (attempt %s): it may arrive twice",
                delivery.pk, delivery.attempts,
            )
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, sent_at=now, last_error="", claim_expires_at=None, updated_at=now
        )
        after_sent = kind_of(delivery.kind).after_sent
        if after_sent is not None:
            after_sent(delivery, now)


def delivery_skipped(delivery: EmailDelivery, reason: str) -> None:
    """Its builder found nothing left to say (a reminder whose work is done): never sent."""
    _held(delivery).update(
        status=DeliveryStatus.SKIPPED, last_error=reason[:300], claim_expires_at=None, updated_at=timezone.now()
    )


def delivery_failed(delivery: EmailDelivery, error: Exception, now: datetime | None = None) -> EmailDelivery:
    """Record a failed attempt: try again after a back-off, or give up after the last and show it.
    Not recorded when this worker's claim was taken over meanwhile: the new holder's outcome counts."""
    now = now or timezone.now()
    message = f"{type(error).__name__}: {error}"[:300]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.last_error = message
    delivery.claim_expires_at = None
    _held(delivery).update(
        status=delivery.status, next_attempt_at=delivery.next_attempt_at, last_error=message,
        claim_expires_at=None, updated_at=now,
    )
    return delivery
