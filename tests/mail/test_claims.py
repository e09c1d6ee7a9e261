"""The claim on a message being sent is a lease: a worker that dies holding it (SIGKILL, the machine
lost) leaves the message "sending", and once the lease is over the outbox sweep takes it again and
sends it, once; a worker whose lease ran out cannot record an outcome over the one that took over.
(tests/test_scale_out.py kills a real worker in the middle of a queue.)"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone

from events.services import invitation_create
from mail.delivery import MAX_ATTEMPTS, delivery_claim, delivery_failed, delivery_send, delivery_sent, message_id, worker_name
from mail.enums import DeliveryStatus, EmailKind
from mail.models import EmailDelivery
from mail.tasks import send_due_email
from tests.factories import delivery_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(event, organiser):
    invitation = invitation_create(event=event, actor=organiser, kind="vip", addressee_name="Cllr B", addressee_email="b@example.org")
    return delivery_for(invitation, kind=EmailKind.INVITATION, key=f"invitation:{invitation.pk}:1", next_attempt_at=timezone.now())


def held_by_a_dead_worker(delivery, *, lease_left: timedelta, attempts: int = 1):
    """As a worker killed while sending leaves it: "sending", claimed by a process that is gone."""
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=attempts, claimed_by="door-host:4242",
        claim_expires_at=timezone.now() + lease_left,
    )


def test_a_claim_says_who_holds_it_and_until_when(delivery, settings):
    settings.PROUD_MAIL_CLAIM_SECONDS = 120
    before = timezone.now()

    claimed = delivery_claim(delivery.pk)

    stored = EmailDelivery.objects.get(pk=delivery.pk)
    assert (stored.status, stored.attempts, stored.claimed_by) == (DeliveryStatus.SENDING, 1, worker_name())
    assert before + timedelta(seconds=120) <= stored.claim_expires_at <= timezone.now() + timedelta(seconds=120)
    assert claimed.claim_expires_at == stored.claim_expires_at
    assert delivery_claim(delivery.pk) is None  # held: nobody else takes it


def test_a_message_whose_worker_died_is_sent_once_when_its_claim_runs_out(delivery):
    held_by_a_dead_worker(delivery, lease_left=timedelta(minutes=2))
    call_command("send_queued_email")
    assert mail.outbox == []  # the lease still holds: the worker may be alive and sending

    EmailDelivery.objects.filter(pk=delivery.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    call_command("send_queued_email")
    call_command("send_queued_email")  # and again: nothing twice

    (message,) = mail.outbox
    assert message.to == ["b@example.org"]
    stored = EmailDelivery.objects.get(pk=delivery.pk)
    assert (stored.status, stored.attempts, stored.claimed_by, stored.claim_expires_at) == (
        DeliveryStatus.SENT, 2, worker_name(), None,
    )


def test_a_worker_whose_claim_was_taken_over_cannot_record_its_failure(delivery):
    slow = delivery_claim(delivery.pk)  # the first worker claims it, then hangs past its lease
    EmailDelivery.objects.filter(pk=delivery.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    outcome, _ = delivery_send(delivery.pk)  # a second worker takes it over and sends it
    assert outcome == DeliveryStatus.SENT

    delivery_failed(slow, ConnectionResetError("the first worker's connection dropped"))

    stored = EmailDelivery.objects.get(pk=delivery.pk)
    assert (stored.status, stored.attempts, stored.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_late_success_is_recorded_with_a_warning_that_it_may_arrive_twice(delivery, caplog):
    slow = delivery_claim(delivery.pk)
    EmailDelivery.objects.filter(pk=delivery.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    taken_over = delivery_claim(delivery.pk)
    assert taken_over.attempts == 2

    delivery_sent(slow)

    assert EmailDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    assert f"E-mail delivery {delivery.pk} was sent after its claim ran out (attempt 1): it may arrive twice" in caplog.text


def test_every_attempt_at_a_message_carries_the_same_message_id(delivery, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    delivery_send(delivery.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    EmailDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    delivery_send(delivery.pk)

    (message,) = mail.outbox
    assert message.message()["Message-ID"] == message_id(delivery)
    assert message_id(delivery) == f"<proud-delivery-{delivery.pk}.{int(delivery.created_at.timestamp())}@example.org>"


def test_a_message_whose_worker_died_on_every_attempt_is_failed_for_organisers_to_see(delivery):
    held_by_a_dead_worker(delivery, lease_left=timedelta(seconds=-1), attempts=MAX_ATTEMPTS)

    call_command("send_queued_email")

    stored = EmailDelivery.objects.get(pk=delivery.pk)
    assert (stored.status, stored.last_error, mail.outbox) == (
        DeliveryStatus.FAILED, "The worker sending it stopped on every attempt.", [],
    )


def test_a_claim_shorter_than_a_slow_send_is_warned_about(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT, settings.PROUD_MAIL_CLAIM_SECONDS = 30, 60
    assert [w.id for w in run_checks() if w.id.startswith("mail.")] == ["mail.W002"]
    settings.PROUD_MAIL_CLAIM_SECONDS = 240
    assert [w.id for w in run_checks() if w.id.startswith("mail.")] == []
    settings.EMAIL_TIMEOUT = None
    assert [w.id for w in run_checks() if w.id.startswith("mail.")] == ["mail.W001"]


def test_the_scheduler_s_sweep_leaves_a_message_just_queued_to_its_own_task(delivery, settings):
    settings.PROUD_MAIL_CLAIM_SECONDS = 300

    assert send_due_email.call(orphans_only=True) == {}  # queued a moment ago: its task sends it
    EmailDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=301))
    assert send_due_email.call(orphans_only=True) == {"sent": 1}  # its task was lost: the sweep sends it
