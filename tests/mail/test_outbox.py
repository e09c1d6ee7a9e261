"""The one outbox: every kind of e-mail the system sends is stored with the change that causes it,
sent once after the commit, and built when it is sent (mail.registry)."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from awards.enums import Role
from data_protection.enums import RequesterRelationship
from data_protection.services import subject_access_request_create
from events.services import (
    GuestInput,
    RsvpAnswer,
    celebration_remind,
    finalist_invitations_create,
    invitation_create,
    invitations_send,
    rsvp_reminders_queue,
    rsvp_respond,
)
from mail.enums import DeliveryStatus, EmailKind
from mail.models import EmailDelivery
from mail.registry import registered_kinds
from mail.services import email_queue
from night.letters import letter_approve, letters_send
from night.recognition import certificates_send
from nominations.selectors import nomination_for_private_link
from nominations.services import NominatorInput, PersonInput, ReasonsInput, nomination_create, nominee_record_safeguarding
from shortlisting.models import PanelMember
from shortlisting.services import assignment_run, panel_member_add, panel_send_reminders, review_save
from tests.conftest import user_with_role
from tests.factories import (
    CriterionFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
    UserFactory,
)
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mail", "awards", "nominations", "shortlisting", "events", "night", "dashboard", "data_protection", "demo", "config")


def nominate(category):
    return nomination_create(
        programme=category.programme,
        category=category,
        person=PersonInput(legal_first_name="Alfie", legal_last_name="Moss", date_of_birth=timezone.localdate().replace(year=2012), cohort="child_in_care"),
        nominator=NominatorInput(name="Pat Carer", email="pat@example.org", relationship="foster_carer", known_recently=True),
        reasons=ReasonsInput(achievement="Joined the youth council.", why_it_matters="Found their voice."),
    )


def panel_with_work(programme, organiser):
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme)
    CriterionFactory(category=link.category)
    member = PanelMemberFactory(panel=link.panel, user=UserFactory(email="member@example.org"))
    NominationFactory(programme=programme, category=link.category, status="eligible")
    assignment_run(panel=link.panel, actor=organiser)
    return link.panel, member


# Each kind, made the way the system makes it: (what to do, to whom it goes).
def _nomination_received(programme, category, organiser, event):
    nominate(category)
    return ["pat@example.org"]


def _panel_invitation(programme, category, organiser, event):
    panel = PanelCategoryFactory(panel__programme=programme, category=category).panel
    panel_member_add(panel=panel, actor=organiser, email="new.member@example.org")
    return ["new.member@example.org"]


def _panel_reminder(programme, category, organiser, event):
    panel, _member = panel_with_work(programme, organiser)
    panel_send_reminders(panel=panel, actor=organiser)
    return ["member@example.org"]


def _invitation(programme, category, organiser, event):
    invitation_create(event=event, actor=organiser, kind="vip", addressee_name="Cllr B Example", addressee_email="b@example.org")
    invitations_send(event=event, actor=organiser)
    return ["b@example.org"]


def _sent_invitation(event, organiser):
    invitation = invitation_create(event=event, actor=organiser, kind="vip", addressee_name="C", addressee_email="c@example.org")
    invitation.status = "sent"
    invitation.save()
    return invitation


def _reminder(programme, category, organiser, event):
    _sent_invitation(event, organiser)
    rsvp_reminders_queue(now=event.rsvp_deadline - timezone.timedelta(days=1))
    return ["c@example.org"]


def _confirmation(programme, category, organiser, event):
    invitation = _sent_invitation(event, organiser)
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name="C"),)))
    return ["c@example.org"]


def _young_finalist(programme, category, organiser, event, **nominee):
    confirmed_finalists(programme, category, [cleared_nominee(programme, **nominee)])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    return invitation


def _celebration(programme, category, organiser, event):
    _young_finalist(programme, category, organiser, event, safe_contact_email="own@example.org")
    invitations_send(event=event, actor=organiser)
    return ["own@example.org"]


def _celebration_reminder(programme, category, organiser, event):
    invitation = _young_finalist(programme, category, organiser, event)
    invitation.status = "sent"
    invitation.save()
    celebration_remind(invitation=invitation, actor=organiser)
    return [invitation.addressee_email]


def _own_choice_changed(programme, category, organiser, event):
    """The young person chose to be named by their first name; the check is then made stricter."""
    invitation = _young_finalist(
        programme, category, organiser, event, safe_contact_email="own@example.org", own_publicity_level="first_name",
        own_choices_at=timezone.now(),
    )
    invitation.status = "sent"
    invitation.save()
    nominee_record_safeguarding(
        nominee=invitation.nomination.nominee, actor=organiser, attendance_safe=True, publicity_level="anonymous",
        photography_allowed=False,
    )
    return ["own@example.org"]


def _password_reset(programme, category, organiser, event):
    UserFactory(email="forgetful@example.org")
    Client().post("/accounts/password_reset/", {"email": "forgetful@example.org"})
    return ["forgetful@example.org"]


def _subject_access(programme, category, organiser, event):
    organiser.email = "organiser@example.org"
    organiser.save()
    nominee = NomineeFactory(programme=programme)
    subject_access_request_create(nominee=nominee, actor=organiser, requester_name="A", requester_relationship=RequesterRelationship.CARER)
    return ["organiser@example.org"]


def _certificate(programme, category, organiser, event):
    NominationFactory(programme=programme, category=category, status="eligible", nominator_email="carer@example.org")
    certificates_send(event=event, actor=organiser)
    return ["carer@example.org"]


def _letter(programme, category, organiser, event):
    nomination = NominationFactory(programme=programme, category=category, status="eligible", nominator_email="carer@example.org")
    letter_approve(nomination=nomination, actor=organiser, quote="They never gave up.", nominator_named=False)
    letters_send(event=event, actor=organiser)
    return ["carer@example.org"]


MADE_BY = {
    EmailKind.NOMINATION_RECEIVED: _nomination_received,
    EmailKind.PANEL_INVITATION: _panel_invitation,
    EmailKind.PANEL_REMINDER: _panel_reminder,
    EmailKind.INVITATION: _invitation,
    EmailKind.REMINDER: _reminder,
    EmailKind.CONFIRMATION: _confirmation,
    EmailKind.CELEBRATION: _celebration,
    EmailKind.CELEBRATION_REMINDER: _celebration_reminder,
    EmailKind.OWN_CHOICE_CHANGED: _own_choice_changed,
    EmailKind.PASSWORD_RESET: _password_reset,
    EmailKind.SUBJECT_ACCESS: _subject_access,
    EmailKind.CERTIFICATE: _certificate,
    EmailKind.LETTER: _letter,
}


def test_every_kind_has_a_builder_and_a_test():
    assert registered_kinds() == set(EmailKind.values) == set(MADE_BY)


@pytest.mark.parametrize("kind", EmailKind.values)
def test_each_kind_is_stored_with_its_change_and_sent_once_after_the_commit(
    kind, programme, category, organiser, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        recipients = MADE_BY[kind](programme, category, organiser, event)
        queued = EmailDelivery.objects.get(kind=kind)
        assert (queued.status, mail.outbox) == (DeliveryStatus.PENDING, [])  # nothing goes before the commit

    for callback in callbacks:
        callback()
    call_command("send_queued_email")  # run again: nothing is sent twice

    (message,) = [m for m in mail.outbox if m.extra_headers.get("X-PROUD-Delivery") == queued.key]
    assert message.to == recipients
    assert EmailDelivery.objects.get(pk=queued.pk).status == DeliveryStatus.SENT


@pytest.mark.parametrize("kind", EmailKind.values)
def test_a_change_that_is_rolled_back_leaves_no_e_mail(kind, programme, category, organiser, event):
    with pytest.raises(RuntimeError), transaction.atomic():
        MADE_BY[kind](programme, category, organiser, event)
        assert EmailDelivery.objects.filter(kind=kind).exists()
        raise RuntimeError("the change fails after the message was queued")

    assert not EmailDelivery.objects.filter(kind=kind).exists()
    assert mail.outbox == []


def test_a_reminder_whose_work_is_done_by_then_is_not_sent(programme, organiser, django_capture_on_commit_callbacks):
    panel, member = panel_with_work(programme, organiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        panel_send_reminders(panel=panel, actor=organiser)
    for assignment in member.assignments.all():
        scores = {criterion.pk: 1 for criterion in assignment.nomination.category.criteria.all()}
        review_save(assignment=assignment, actor=member.user, scores=scores, submit=True)

    for callback in callbacks:
        callback()

    assert mail.outbox == []
    assert EmailDelivery.objects.get(kind=EmailKind.PANEL_REMINDER).status == DeliveryStatus.SKIPPED


def test_a_kind_nobody_builds_is_refused_when_queued(category):
    with pytest.raises(Exception, match="No app builds e-mails of kind 'postcard'"):
        email_queue(kind="postcard", about=category, key="postcard:1")
    assert not EmailDelivery.objects.exists()


def test_no_code_sends_mail_but_the_outbox():
    """Every e-mail is built by a registered builder and sent by mail.delivery, nowhere else."""
    sending = re.compile(r"\b(send_mail|send_mass_mail|mail_admins|mail_managers)\b|mail\.get_connection|\.send\(fail_silently")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if sending.search(line) and path.relative_to(ROOT).as_posix() != "mail/delivery.py"
    ]
    assert offenders == []


def test_panel_members_found_by_role_only_get_their_own_link(programme, organiser, django_capture_on_commit_callbacks):
    """The invitation's link to choose a password is made when it is sent, for that member only."""
    panel = PanelCategoryFactory(panel__programme=programme).panel
    with django_capture_on_commit_callbacks(execute=True):
        panel_member_add(panel=panel, actor=organiser, email="new.member@example.org")

    (message,) = mail.outbox
    member = PanelMember.objects.get(panel=panel)
    assert message.to == [member.user.email]
    assert re.search(r"/accounts/reset/[^/]+/[^/\s]+/", message.body)
    assert user_with_role(programme, Role.STAFF).email not in message.body


def test_the_receipt_link_made_when_sent_opens_the_nomination(category, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominate(category)

    (message,) = mail.outbox
    token = re.search(r"/n/([A-Za-z0-9_-]{40,})/", message.body).group(1)
    assert nomination_for_private_link(token) == nomination
    assert "Moss" not in message.subject + message.body
