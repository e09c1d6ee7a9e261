"""Worlds the tests of several apps build on: cleared finalists in confirmed shortlists, the
invitations world of the API tests and what its checks compare. The fixtures that return them are
in tests/conftest.py."""

import re
from dataclasses import dataclass

from django.utils import timezone

from events.models import Event, Guest, Invitation, InvitationHistory
from events.selectors import guest_name
from mail.models import EmailDelivery
from nominations.enums import ConsentPurpose, NominationStatus, PublicityLevel
from shortlisting.enums import ShortlistState
from shortlisting.models import Shortlist

from .factories import ConsentFactory, NominationFactory, NomineeFactory, PanelFactory


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


def guests_by_name(event, audience="room") -> dict:
    """The event's guests by the name `audience` sees (a finalist's own line keeps no name of its
    own: it is composed from the nominee, events.selectors.guest_name)."""
    guests = Guest.objects.filter(event=event).select_related(
        "table", "invitation__nomination__nominee", "invitation__nomination__group"
    )
    return {guest_name(g, audience): g for g in guests}
