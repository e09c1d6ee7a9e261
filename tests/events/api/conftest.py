import re
from dataclasses import dataclass

import pytest
from django.core import mail

from awards.enums import Role
from events.enums import DeliveryStatus, InvitationStatus
from events.models import EmailDelivery, Event, Guest, Invitation, InvitationHistory
from events.services import finalist_invitations_create, invitation_create, invitations_send, link_create
from nominations.models import Nomination

from ...conftest import user_with_role
from ...factories import NomineeFactory, PanelFactory, PanelMemberFactory, ProgrammeFactory, UserFactory
from ..conftest import cleared_nominee, confirmed_finalists

ROLES = ("anonymous", "nominator", "staff", "event_staff", "panel_member", "other_organiser", "organiser")
OUTSIDERS = ("nominator", "staff", "event_staff", "panel_member", "other_organiser")

# Names that must never reach anyone through the invitations API: the finalists' legal surnames
# (their publicity level shows a first name only, or nothing).
SECRET_SURNAMES = ("Featherstonehaugh", "Quillfeather")


@dataclass
class World:
    event: Event
    organiser: object
    sent: Invitation  # Rowan's finalist invitation, sent; announce name "Rowan"
    blocked: Invitation  # Sable's finalist invitation, a draft the safeguarding gate holds back
    presenter: Invitation  # a draft presenter's invitation, free to send
    token: str  # a live private link of `sent`
    failed: EmailDelivery  # a reminder about `sent` that used every retry


@pytest.fixture
def world(event, category, organiser, django_capture_on_commit_callbacks) -> World:
    programme = event.programme
    rowan = cleared_nominee(programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    sable = NomineeFactory(programme=programme, legal_first_name="Sable", legal_last_name="Quillfeather")
    confirmed_finalists(programme, category, [rowan, sable])
    finalist_invitations_create(event=event, actor=organiser)
    # The e-mail goes out on commit, as in production: Rowan's invitation is then "sent".
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(event=event, actor=organiser)
    sent = Invitation.objects.get(nomination__nominee=rowan)
    blocked = Invitation.objects.get(nomination__nominee=sable)
    assert (sent.status, blocked.status) == (InvitationStatus.SENT, InvitationStatus.DRAFT)
    presenter = invitation_create(
        event=event,
        actor=organiser,
        kind="presenter",
        addressee_name="Margaret Oduya",
        addressee_email="sheriff@example.org",
        title="High Sheriff",
    )
    failed = EmailDelivery.objects.create(
        invitation=sent,
        kind="reminder",
        key=f"reminder:{sent.pk}:7d",
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        next_attempt_at=event.starts_at,
    )
    mail.outbox.clear()
    return World(event=event, organiser=organiser, sent=sent, blocked=blocked, presenter=presenter, token=link_create(sent), failed=failed)


@pytest.fixture
def people(programme, organiser, world) -> dict:
    """One user per role. The nominator made Rowan's nomination, so even they hold a link to it."""
    nominator = UserFactory(username="nominator")
    Nomination.objects.filter(pk=world.sent.nomination_id).update(nominator_user=nominator)
    return {
        "anonymous": None,
        "nominator": nominator,
        "staff": user_with_role(programme, Role.STAFF, "staffer"),
        "event_staff": user_with_role(programme, Role.EVENT_STAFF, "door"),
        "panel_member": PanelMemberFactory(panel=PanelFactory(programme=programme)).user,
        "other_organiser": user_with_role(ProgrammeFactory(), Role.ORGANISER, "other-organiser"),
        "organiser": organiser,
    }


def snapshot() -> tuple:
    """Everything a write could change, to show that a refused one changed nothing."""
    return (
        list(Event.objects.order_by("pk").values_list()),
        list(Invitation.objects.order_by("pk").values_list()),
        list(Guest.objects.order_by("pk").values_list()),
        list(EmailDelivery.objects.order_by("pk").values_list()),
        list(InvitationHistory.objects.order_by("pk").values_list()),
    )


LINK = re.compile(r"/rsvp/([A-Za-z0-9_-]{20,})/")


def token_from(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)
