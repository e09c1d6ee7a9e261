"""Plain predicates and the sets they test against: who an invitation goes to, which nominations
are in the final, when a private link opens the RSVP page."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from nominations.enums import NominationStatus, PersonKind, Relationship
from nominations.services import age_on

from .enums import LINK_OPEN_STATUSES, InvitationKind
from .models import Invitation

# Statuses of a nomination that has reached the final: shortlisted, then the results.
FINALIST_STATUSES = (
    NominationStatus.SHORTLISTED,
    NominationStatus.FINALIST,
    NominationStatus.WINNER,
    NominationStatus.HIGHLY_COMMENDED,
)


# Nominators who care for the young person day to day: the invitation goes to them.
CARER_RELATIONSHIPS = (Relationship.FOSTER_CARER, Relationship.RESIDENTIAL_WORKER)


def link_is_open(invitation: Invitation, now: datetime | None = None) -> bool:
    """A link opens the RSVP page while the invitation is sent or answered, until the event ends."""
    now = now or timezone.now()
    return invitation.status in LINK_OPEN_STATUSES and now < invitation.event.ends_at


# From this age a young person gets their own link at a safe contact; younger, with their carer.
OWN_LINK_AGE = 11


def has_own_say(invitation: Invitation) -> bool:
    """A finalist's invitation for one young person: they have their own "How you'd like to be
    celebrated" link (a group's or an adult's invitation has none)."""
    return (
        invitation.kind == InvitationKind.FINALIST
        and invitation.nomination is not None
        and invitation.nomination.nominee_id is not None
        and invitation.nomination.nominee.kind == PersonKind.YOUNG_PERSON
    )


def own_link_goes_direct(invitation: Invitation) -> bool:
    """Their link goes to the young person themselves: aged 11 or over on the night, with a safe
    contact their allocated worker recorded. Otherwise it is inside their carer's invitation."""
    if not has_own_say(invitation):
        return False
    nominee = invitation.nomination.nominee
    if not nominee.safe_contact_email or nominee.date_of_birth is None:
        return False
    return age_on(nominee.date_of_birth, timezone.localdate(invitation.event.starts_at)) >= OWN_LINK_AGE


def choices_open(invitation: Invitation, now: datetime | None = None) -> bool:
    """They can change their mind until the day before the night (then the badges are printed)."""
    now = now or timezone.now()
    return timezone.localdate(now) <= timezone.localdate(invitation.event.starts_at) - timedelta(days=1)
