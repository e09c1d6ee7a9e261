import pytest
from django.core import mail
from django.utils import timezone

from events.enums import InvitationStatus
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitations_send, link_create, rsvp_respond
from nominations.enums import ConsentPurpose, NominationStatus, PublicityLevel
from shortlisting.enums import ShortlistState
from shortlisting.models import Shortlist

from ..factories import CategoryFactory, ConsentFactory, EventFactory, NominationFactory, NomineeFactory, PanelFactory


@pytest.fixture
def event(programme):
    return EventFactory(programme=programme)


def cleared_nominee(programme, **kwargs):
    """A nominee whose safeguarding check is complete, with consent to attend and be named."""
    nominee = NomineeFactory(
        programme=programme,
        **{
            "safeguarding_checked_at": timezone.now(),
            "attendance_safe": True,
            "publicity_level": PublicityLevel.FIRST_NAME,
            **kwargs,
        },
    )
    for purpose in (ConsentPurpose.NOMINATION, ConsentPurpose.ATTENDING, ConsentPurpose.NAME_READ_OUT):
        ConsentFactory(nominee=nominee, purpose=purpose)
    return nominee


def confirmed_finalists(programme, category, nominees):
    """Shortlisted nominations in a confirmed shortlist of `category`, one per nominee."""
    nominations = [
        NominationFactory(programme=programme, category=category, nominee=n, status=NominationStatus.SHORTLISTED)
        for n in nominees
    ]
    shortlist = Shortlist.objects.create(
        category=category, panel=PanelFactory(programme=programme), state=ShortlistState.CONFIRMED
    )
    shortlist.finalists.set(nominations)
    return nominations


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
