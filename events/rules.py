"""Plain predicates and the sets they test against: who an invitation goes to, which nominations
are in the final, when a private link opens the RSVP page."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from nominations.enums import NominationStatus, Relationship

from .enums import LINK_OPEN_STATUSES
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
