import pytest
from django.core import mail
from rest_framework.test import APIClient

from awards.enums import Role
from events.enums import InvitationStatus
from events.links import link_create
from events.models import Invitation
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitation_create, invitations_send, rsvp_respond
from mail.enums import DeliveryStatus
from nominations.models import Nomination

from .factories import (
    CategoryFactory,
    EventFactory,
    NomineeFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
    delivery_for,
)
from .worlds import World, cleared_nominee, confirmed_finalists, user_with_role


@pytest.fixture(autouse=True)
def _fresh_cache_and_roles(settings):
    """Rate limits and throttles live in the cache: each test starts with an empty one of its own
    (in memory, so tests without a database can run)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Hashing passwords properly is slow by design; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _two_factor_off(settings):
    """Two-factor sign-in is off unless a test turns it on (tests/test_auth.py does)."""
    settings.PROUD_REQUIRE_2FA = False


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def category(programme):
    return CategoryFactory(programme=programme, name="Positive Choices", slug="positive-choices")


@pytest.fixture
def organiser(programme):
    return user_with_role(programme, Role.ORGANISER, "organiser")


@pytest.fixture
def staff_user(programme):
    return user_with_role(programme, Role.STAFF, "staffer")


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- the event and its night ---------------------------------------------------------------


@pytest.fixture
def event(programme):
    return EventFactory(programme=programme)


@pytest.fixture
def sent_invitation(event, category, organiser, django_capture_on_commit_callbacks):
    """A finalist's invitation, sent, and the token of its link."""
    nominee = cleared_nominee(event.programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh")
    confirmed_finalists(event.programme, category, [nominee])
    invitation = finalist_invitations_create(event=event, actor=organiser).created[0]
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(event=event, actor=organiser)
    invitation.refresh_from_db()
    mail.outbox.clear()
    return invitation, link_create(invitation)


@pytest.fixture
def night(event, category, organiser):
    """Two award categories with finalists, each finalist accepted with guests."""
    second = CategoryFactory(programme=event.programme, name="Talent", display_order=5)
    finalists = confirmed_finalists(event.programme, category, [cleared_nominee(event.programme) for _ in range(2)])
    finalists += confirmed_finalists(event.programme, second, [cleared_nominee(event.programme) for _ in range(2)])
    finalist_invitations_create(event=event, actor=organiser)
    invitations = list(event.invitations.order_by("pk"))
    for number, invitation in enumerate(invitations):
        invitation.status = InvitationStatus.SENT
        invitation.save()
        party = [GuestInput(name="")] + [GuestInput(name=f"Guest {number}-{g}", relationship="family") for g in range(number % 3)]
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=tuple(party)))
    return {"categories": [category, second], "finalists": finalists, "invitations": invitations}


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
    failed = delivery_for(
        sent,
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
