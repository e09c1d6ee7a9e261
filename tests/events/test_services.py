"""Invitations: creation from the shortlist, the safeguarding gate, RSVP, capacity and the outbox."""

import datetime as dt
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from awards.enums import Role
from events.enums import AccessNeed, Dietary, InvitationKind, InvitationStatus
from events.models import Event, Guest, Invitation
from events.selectors import gate_problems
from events.services import (
    CapacityFull,
    EventError,
    GateClosed,
    GuestInput,
    LinkNotValid,
    RsvpAnswer,
    RsvpClosed,
    finalist_invitations_create,
    invitation_change_allowance,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_expire,
    invitations_send,
    quote_approve,
    rsvp_reminders_queue,
    rsvp_respond,
)
from mail.delivery import MAX_ATTEMPTS
from mail.enums import DeliveryStatus, EmailKind
from mail.models import EmailDelivery
from nominations.enums import ConsentPurpose, NominationStatus, PublicityLevel, Relationship
from nominations.services import NotAllowed, consent_withdraw
from tests.conftest import user_with_role
from tests.factories import EventFactory, InvitationFactory, NominationFactory, NomineeFactory, UserFactory
from tests.worlds import cleared_nominee, confirmed_finalists

# Real commits, so e-mail queued "on commit" is sent as it is in production.
pytestmark = pytest.mark.django_db(transaction=True)


def accept(*guests: str, **principal) -> RsvpAnswer:
    return RsvpAnswer(attending=True, party=(GuestInput(name="", **principal), *(GuestInput(name=g, relationship="family") for g in guests)))


def closed_port() -> int:
    """A loopback port with nothing listening: a mail server that is down, for real."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2


# --- creating invitations from the shortlist ----------------------------------------------


def test_finalist_invitations_come_from_confirmed_shortlists_only_and_once(event, category, organiser):
    finalists = confirmed_finalists(event.programme, category, [cleared_nominee(event.programme) for _ in range(2)])
    NominationFactory(programme=event.programme, category=category, status=NominationStatus.SHORTLISTED)  # not confirmed

    first = finalist_invitations_create(event=event, actor=organiser)
    again = finalist_invitations_create(event=event, actor=organiser)

    assert sorted(i.nomination_id for i in first.created) == sorted(n.pk for n in finalists)
    assert all(i.status == InvitationStatus.DRAFT and i.guest_allowance == event.default_guest_allowance for i in first.created)
    assert again.created == [] and again.already_invited == 2
    assert Invitation.objects.count() == 2


def test_a_finalist_invitation_goes_to_the_carer_or_else_the_allocated_worker(event, category, organiser):
    worker = UserFactory(username="worker", email="worker@example.org", first_name="Sam", last_name="Worker")
    by_carer, by_teacher = confirmed_finalists(
        event.programme, category, [cleared_nominee(event.programme, allocated_worker=worker) for _ in range(2)]
    )
    by_teacher.nominator_relationship = Relationship.TEACHER
    by_teacher.save()

    finalist_invitations_create(event=event, actor=organiser)

    assert Invitation.objects.get(nomination=by_carer).addressee_email == by_carer.nominator_email
    assert Invitation.objects.get(nomination=by_teacher).addressee_email == "worker@example.org"


def test_only_organisers_of_the_programme_create_and_send(event, programme, staff_user):
    other_organiser = user_with_role(EventFactory().programme, Role.ORGANISER)
    for actor in (staff_user, other_organiser):
        with pytest.raises(NotAllowed):
            finalist_invitations_create(event=event, actor=actor)
        with pytest.raises(NotAllowed):
            invitations_send(event=event, actor=actor)


def test_a_finalist_invitation_needs_a_nomination_in_the_database_too(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(event=event, kind=InvitationKind.FINALIST)


def test_finalists_are_invited_from_the_shortlist_not_by_hand(event, organiser):
    with pytest.raises(EventError, match="confirmed shortlist"):
        invitation_create(event=event, actor=organiser, kind="finalist", addressee_name="A", addressee_email="a@example.org")


# --- the safeguarding gate ----------------------------------------------------------------


def test_the_gate_blocks_finalists_without_a_check_or_consent_and_says_why(event, category, organiser):
    cleared = cleared_nominee(event.programme)
    unchecked = NomineeFactory(programme=event.programme)
    unsafe = cleared_nominee(event.programme, attendance_safe=False)
    no_consent = cleared_nominee(event.programme)
    consent_withdraw(nominee=no_consent, purpose=ConsentPurpose.ATTENDING, actor=organiser)
    confirmed_finalists(event.programme, category, [cleared, unchecked, unsafe, no_consent])
    finalist_invitations_create(event=event, actor=organiser)

    result = invitations_send(event=event, actor=organiser)

    by_nominee = {i.nomination.nominee_id: i for i in Invitation.objects.select_related("nomination")}
    assert [i.pk for i in result.queued] == [by_nominee[cleared.pk].pk]
    assert result.blocked[by_nominee[unchecked.pk].pk] == [
        "the safeguarding check has not been recorded.",
        "no consent to attend the event is recorded.",
    ]
    assert result.blocked[by_nominee[unsafe.pk].pk] == ["the safeguarding check does not confirm that attending is safe."]
    # Withdrawing consent to attend also takes back "attending is safe" (nominations service).
    assert result.blocked[by_nominee[no_consent.pk].pk] == [
        "the safeguarding check does not confirm that attending is safe.",
        "no consent to attend the event is recorded.",
    ]
    assert Invitation.objects.filter(status=InvitationStatus.DRAFT).count() == 3
    assert len(mail.outbox) == 1


def test_a_withdrawn_finalist_cannot_be_sent_again(sent_invitation, organiser):
    invitation, _ = sent_invitation
    invitation.nomination.status = NominationStatus.WITHDRAWN
    invitation.nomination.save()

    with pytest.raises(GateClosed, match="not in the final"):
        invitation_resend(invitation=invitation, actor=organiser)
    assert EmailDelivery.objects.filter(kind=EmailKind.INVITATION).count() == 1


def test_other_invitations_pass_no_gate(event, organiser):
    presenter = invitation_create(
        event=event, actor=organiser, kind="presenter", addressee_name="Dr A Example", addressee_email="a@example.org",
        title="High Sheriff of Northshire",
    )
    assert gate_problems(presenter) == []
    assert invitations_send(event=event, actor=organiser).queued == [presenter]


# --- e-mail -------------------------------------------------------------------------------


def test_the_invitation_email_names_the_finalist_by_known_name_and_never_in_the_subject(event, category, organiser):
    nominee = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    (nomination,) = confirmed_finalists(event.programme, category, [nominee])
    nomination.achievement = "Rowan Featherstonehaugh organised the whole football tournament."
    nomination.save()
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    quote_approve(invitation=invitation, actor=organiser, quote="Rowan organised the whole football tournament.")
    invitations_send(event=event, actor=organiser)

    (message,) = mail.outbox
    everything = message.subject + message.body + "".join(str(a[1]) for a in message.attachments)
    assert "Featherstonehaugh" not in everything
    # No name in the subject (lock screens show it); the body names the finalist by their known name.
    assert "Rowan" not in message.subject and message.subject.startswith("A finalist's invitation")
    assert "Rowan F. is a finalist" in message.body
    assert '"Rowan organised the whole football tournament."' in message.body
    assert message.to == [invitation.addressee_email]
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT


def test_no_quote_without_an_organisers_approval(sent_invitation):
    invitation, _ = sent_invitation
    Invitation.objects.filter(pk=invitation.pk).update(quote="Unreviewed words", quote_approved_at=None)
    from events.emails import build_message

    delivery = EmailDelivery.objects.get(invitation=invitation, kind=EmailKind.INVITATION)
    assert "Unreviewed words" not in build_message(delivery).body


def test_the_calendar_attachment_opens_in_a_parser(event, organiser):
    invitation_create(event=event, actor=organiser, kind="vip", addressee_name="Cllr B Example", addressee_email="b@example.org")
    invitations_send(event=event, actor=organiser)

    (message,) = mail.outbox
    ((name, content, mimetype),) = message.attachments
    calendar = Calendar.from_ical(content)
    (entry,) = calendar.walk("VEVENT")
    assert (name, mimetype) == ("proud-awards.ics", "text/calendar")
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == event.ends_at.replace(microsecond=0)
    assert str(entry["summary"]) == event.name
    assert event.venue_name in str(entry["location"])


def test_a_young_persons_address_gets_the_invitation_too(sent_invitation, organiser):
    invitation, _ = sent_invitation
    Invitation.objects.filter(pk=invitation.pk).update(young_person_email="rowan@example.org")
    invitation_resend(invitation=invitation, actor=organiser)
    assert mail.outbox[-1].to == [invitation.addressee_email, "rowan@example.org"]


def test_a_mail_server_that_is_down_delays_the_invitation_and_loses_nothing(event, organiser, settings, mail_server_down):
    invitation = invitation_create(event=event, actor=organiser, kind="performer", addressee_name="C", addressee_email="c@example.org")

    invitations_send(event=event, actor=organiser)

    delivery = EmailDelivery.objects.get(invitation=invitation)
    invitation.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert invitation.status == InvitationStatus.QUEUED

    call_command("send_queued_email")  # not due yet: nothing happens
    assert EmailDelivery.objects.get(pk=delivery.pk).attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    EmailDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    call_command("send_queued_email")
    call_command("send_queued_email")  # nothing left: never sent twice

    delivery.refresh_from_db()
    invitation.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert invitation.status == InvitationStatus.SENT


def test_after_the_last_retry_the_failure_is_shown_and_can_be_retried_by_hand(event, organiser, settings, mail_server_down):
    from events.services import delivery_retry

    invitation = invitation_create(event=event, actor=organiser, kind="performer", addressee_name="C", addressee_email="c@example.org")
    invitations_send(event=event, actor=organiser)
    for _ in range(MAX_ATTEMPTS - 1):
        EmailDelivery.objects.update(next_attempt_at=timezone.now())
        call_command("send_queued_email")

    delivery = EmailDelivery.objects.get(invitation=invitation)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    from events.selectors import event_counts

    assert event_counts(event)["failed_emails"] == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery_retry(delivery=delivery, actor=organiser)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_a_message_being_sent_is_not_claimed_again(sent_invitation):
    from mail.delivery import delivery_claim

    invitation, _ = sent_invitation
    delivery = EmailDelivery.objects.create(
        about=invitation, kind=EmailKind.REMINDER, key="reminder:test", next_attempt_at=timezone.now()
    )
    assert delivery_claim(delivery.pk) is not None
    assert delivery_claim(delivery.pk) is None


def test_the_database_queue_and_its_worker_send_the_invitation(event, organiser, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks import task_backends

    task_backends._settings = None  # reload from the overridden settings
    task_backends.__dict__.pop("settings", None)
    try:
        from django_tasks_db.models import DBTaskResult

        invitation = invitation_create(event=event, actor=organiser, kind="compere", addressee_name="D", addressee_email="d@example.org")
        with transaction.atomic():
            invitations_send(event=event, actor=organiser)
        assert mail.outbox == [] and DBTaskResult.objects.count() == 1

        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)

        invitation.refresh_from_db()
        assert len(mail.outbox) == 1 and invitation.status == InvitationStatus.SENT
    finally:
        task_backends._settings = None
        task_backends.__dict__.pop("settings", None)


# --- RSVP ---------------------------------------------------------------------------------


def test_accepting_saves_the_party_counts_seats_and_confirms_by_email(sent_invitation):
    invitation, _ = sent_invitation
    answer = RsvpAnswer(
        attending=True,
        party=(
            GuestInput(name="ignored for a finalist", dietary=(Dietary.VEGETARIAN,), photography_consent=True),
            GuestInput(name="Jo Carer", relationship="carer", access_needs=(AccessNeed.WHEELCHAIR,), transport_needed=True),
        ),
    )

    result = rsvp_respond(invitation=invitation, answer=answer)

    guests = list(Guest.objects.filter(invitation=invitation).order_by("position"))
    assert result.changed and result.invitation.status == InvitationStatus.ACCEPTED
    assert [g.name for g in guests] == ["", "Jo Carer"]  # the finalist's line keeps no copy of a name
    assert guests[0].dietary == ["vegetarian"] and guests[0].photography_consent
    assert guests[1].access_needs == ["wheelchair"] and guests[1].transport_needed
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 2
    (confirmation,) = mail.outbox
    assert "Jo Carer" in confirmation.body and "Featherstonehaugh" not in confirmation.body


def test_the_same_answer_twice_changes_nothing(sent_invitation):
    invitation, _ = sent_invitation
    rsvp_respond(invitation=invitation, answer=accept("Jo Carer"))
    history = invitation.history.count()

    again = rsvp_respond(invitation=invitation, answer=accept("Jo Carer "))

    assert not again.changed
    assert invitation.history.count() == history
    assert len(mail.outbox) == 1
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 2


def test_changing_the_answer_moves_the_seats(sent_invitation):
    invitation, _ = sent_invitation
    rsvp_respond(invitation=invitation, answer=accept("Jo", "Sam"))
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 3
    rsvp_respond(invitation=invitation, answer=accept("Jo"))
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 2
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=False))
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 0
    assert not Guest.objects.filter(invitation=invitation).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED


@pytest.mark.parametrize(
    "answer, field, message",
    [
        (accept("A", "B", "C"), "guests", "up to 2 guests; you named 3"),
        (accept("Jo", ""), "guests[2].name", "Guest 2: enter their name"),
        (accept("Jo", dietary=("caviar",)), "invitee[0].dietary", "'caviar' is not a dietary choice"),
        (accept(access_needs=("other",)), "invitee[0].access_other", "what the other access need is"),
        (accept(dietary_other="x" * 501), "invitee[0].dietary_other", "under 500 characters"),
    ],
)
def test_bad_answers_are_refused_naming_the_problem_and_change_nothing(sent_invitation, answer, field, message):
    invitation, _ = sent_invitation
    with pytest.raises(EventError, match=message.replace("(", r"\(")) as refused:
        rsvp_respond(invitation=invitation, answer=answer)
    assert refused.value.field == field
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and not invitation.guests.exists()
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 0


def test_the_last_seats_are_not_overbooked(sent_invitation):
    invitation, _ = sent_invitation
    Event.objects.filter(pk=invitation.event_id).update(capacity=3, seats_taken=1)
    with pytest.raises(CapacityFull, match="only 2 seats are left"):
        rsvp_respond(invitation=invitation, answer=accept("Jo", "Sam"))
    rsvp_respond(invitation=invitation, answer=accept("Jo"))
    assert Event.objects.get(pk=invitation.event_id).seats_taken == 3


def test_the_database_refuses_an_overbooked_event():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(capacity=5, seats_taken=6)


def test_answers_close_at_the_deadline(sent_invitation):
    invitation, _ = sent_invitation
    after = invitation.event.rsvp_deadline + dt.timedelta(minutes=1)
    with pytest.raises(RsvpClosed, match="awards@example.org"):
        rsvp_respond(invitation=invitation, answer=accept(), now=after)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT


def test_a_revoked_invitation_cannot_be_answered_and_gives_its_seats_back(sent_invitation, organiser):
    invitation, _ = sent_invitation
    rsvp_respond(invitation=invitation, answer=accept("Jo"))

    invitation_revoke(invitation=invitation, actor=organiser, reason="Placement moved; not safe to attend")

    assert Event.objects.get(pk=invitation.event_id).seats_taken == 0
    with pytest.raises(LinkNotValid):
        rsvp_respond(invitation=invitation, answer=accept())


def test_revoking_needs_a_reason(sent_invitation, organiser):
    invitation, _ = sent_invitation
    with pytest.raises(EventError, match="Say why"):
        invitation_revoke(invitation=invitation, actor=organiser, reason=" ")


def test_the_allowance_cannot_go_below_the_guests_already_coming(sent_invitation, organiser):
    invitation, _ = sent_invitation
    rsvp_respond(invitation=invitation, answer=accept("Jo", "Sam"))
    with pytest.raises(EventError, match="2 guests are already coming"):
        invitation_change_allowance(invitation=invitation, actor=organiser, allowance=1)
    assert invitation_change_allowance(invitation=invitation, actor=organiser, allowance=4).guest_allowance == 4


# --- reminders and expiry -----------------------------------------------------------------


def test_reminders_go_once_per_stage_to_those_who_have_not_answered(sent_invitation, event, organiser):
    invitation, _ = sent_invitation
    answered = invitation_create(event=event, actor=organiser, kind="vip", addressee_name="E", addressee_email="e@example.org")
    invitations_send(event=event, actor=organiser)
    rsvp_respond(invitation=Invitation.objects.get(pk=answered.pk), answer=RsvpAnswer(attending=False))
    mail.outbox.clear()
    six_days_before = event.rsvp_deadline - dt.timedelta(days=6)

    assert rsvp_reminders_queue(now=event.rsvp_deadline - dt.timedelta(days=10)) == 0
    assert rsvp_reminders_queue(now=six_days_before) == 1
    assert rsvp_reminders_queue(now=six_days_before) == 0
    assert rsvp_reminders_queue(now=event.rsvp_deadline - dt.timedelta(days=1)) == 1

    assert [m.to for m in mail.outbox] == [[invitation.addressee_email]] * 2
    assert "/rsvp/" in mail.outbox[0].body


def test_unanswered_invitations_expire_after_the_deadline(sent_invitation, event):
    invitation, _ = sent_invitation
    assert invitations_expire(now=event.rsvp_deadline - dt.timedelta(hours=1)) == 0
    assert invitations_expire(now=event.rsvp_deadline + dt.timedelta(hours=1)) == 1
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.EXPIRED


def test_no_legal_surname_of_a_first_name_only_finalist_in_any_email(event, category, organiser):
    nominee = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    assert nominee.publicity_level == PublicityLevel.FIRST_NAME
    confirmed_finalists(event.programme, category, [nominee])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    invitations_send(event=event, actor=organiser)
    invitation.refresh_from_db()
    rsvp_respond(invitation=invitation, answer=accept("Jo"))
    rsvp_reminders_queue(now=event.rsvp_deadline - dt.timedelta(days=1))
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.SENT)
    rsvp_reminders_queue(now=event.rsvp_deadline - dt.timedelta(days=1))

    kinds = set(EmailDelivery.objects.values_list("kind", flat=True))
    assert kinds == {EmailKind.INVITATION, EmailKind.CONFIRMATION, EmailKind.REMINDER}
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "Featherstonehaugh" not in message.subject + message.body


# --- the event and invitation details -----------------------------------------------------


def test_an_organiser_creates_the_event_once_with_times_in_order(programme, organiser, staff_user):
    from events.services import event_save

    start = timezone.now() + dt.timedelta(days=60)
    values = dict(
        name="Celebration night", venue_name="Stadium suite", venue_address="1 Stadium Way", starts_at=start,
        doors_open_at=start - dt.timedelta(minutes=30), ends_at=start + dt.timedelta(hours=3),
        rsvp_deadline=start - dt.timedelta(days=14), capacity=250, organiser_contact_name="Awards team",
        organiser_contact_email="awards@example.org",
    )
    with pytest.raises(NotAllowed):
        event_save(actor=staff_user, programme=programme, **values)
    with pytest.raises(EventError, match="Doors must open before the start") as refused:
        event_save(actor=organiser, programme=programme, **{**values, "doors_open_at": start + dt.timedelta(minutes=5)})
    assert refused.value.field == "doors_open_at" and not Event.objects.exists()

    event = event_save(actor=organiser, programme=programme, **values)
    with pytest.raises(EventError, match="already has its event"):
        event_save(actor=organiser, programme=programme, **values)
    with pytest.raises(EventError, match="Organiser contact email"):
        event_save(actor=organiser, programme=programme, event=event, organiser_contact_email="not an address")
    assert Event.objects.get(pk=event.pk).organiser_contact_email == "awards@example.org"


def test_the_programmes_event_date_follows_its_night(programme, organiser):
    from events.services import event_save

    # 19:00 to 00:30 UK time: the night's last day is the day after it starts.
    start = dt.datetime(2027, 6, 18, 19, 0, tzinfo=dt.timezone.utc) - dt.timedelta(hours=1)  # BST
    values = dict(
        name="Celebration night", venue_name="Stadium suite", venue_address="1 Stadium Way", starts_at=start,
        doors_open_at=start, ends_at=start + dt.timedelta(hours=5, minutes=30), rsvp_deadline=start - dt.timedelta(days=14),
        capacity=250, organiser_contact_name="Awards team", organiser_contact_email="awards@example.org",
    )
    assert programme.event_date is None

    event = event_save(actor=organiser, programme=programme, **values)
    programme.refresh_from_db()
    assert programme.event_date == dt.date(2027, 6, 19)

    later = start + dt.timedelta(days=7)
    event_save(actor=organiser, programme=programme, event=event, starts_at=later, doors_open_at=later, ends_at=later + dt.timedelta(hours=3))
    programme.refresh_from_db()
    assert programme.event_date == dt.date(2027, 6, 25)


def test_capacity_cannot_drop_below_the_seats_taken(sent_invitation, organiser):
    from events.services import event_save

    invitation, _ = sent_invitation
    rsvp_respond(invitation=invitation, answer=accept("Jo"))
    with pytest.raises(EventError, match="2 seats are already taken"):
        event_save(actor=organiser, programme=invitation.event.programme, event=invitation.event, capacity=1)


def test_invitation_details_change_but_a_finalist_keeps_the_announce_name(sent_invitation, organiser):
    from events.services import invitation_update_details

    invitation, _ = sent_invitation
    changed = invitation_update_details(invitation=invitation, actor=organiser, addressee_email="new.carer@example.org")
    assert changed.addressee_email == "new.carer@example.org"
    with pytest.raises(EventError, match="announce name"):
        invitation_update_details(invitation=invitation, actor=organiser, invitee_name="Rowan Featherstonehaugh")
    with pytest.raises(EventError, match="Young person email"):
        invitation_update_details(invitation=invitation, actor=organiser, young_person_email="nope")
