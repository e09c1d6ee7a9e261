"""Winners are announced on the night. Until the day after the programme's event, a nomination
recorded as winner or highly commended shows as a finalist to everyone but the programme's
organisers: its nominator, allocated staff, the young person's carers. A result seen early on a
phone spoils the moment the young person walks up on stage."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from .enums import NominationStatus

SEALED = frozenset({NominationStatus.WINNER, NominationStatus.HIGHLY_COMMENDED})


def outcomes_announced(programme, *, today: date | None = None) -> bool:
    """True from the day after the programme's event (UK time); never while no event date is set."""
    if programme.event_date is None:
        return False
    return (today or timezone.localdate()) > programme.event_date


def status_shown(nomination, *, today: date | None = None) -> str:
    """The status as anyone but an organiser of the programme may see it."""
    if nomination.status in SEALED and not outcomes_announced(nomination.programme, today=today):
        return NominationStatus.FINALIST
    return nomination.status


def status_shown_label(nomination, *, today: date | None = None) -> str:
    return str(NominationStatus(status_shown(nomination, today=today)).label)


def _announced(today: date | None) -> Q:
    """outcomes_announced, in SQL (a missing event date is never past)."""
    return Q(programme__event_date__lt=today or timezone.localdate())


def status_shown_filter(statuses, *, today: date | None = None) -> Q:
    """Nominations whose shown status is one of `statuses`: asking for winners before the night
    finds none, asking for finalists finds the sealed winners too."""
    announced = _announced(today)
    wanted = set(statuses)
    condition = Q(status__in=wanted - SEALED)
    if wanted & SEALED:
        condition |= Q(status__in=wanted & SEALED) & announced
    if NominationStatus.FINALIST in wanted:
        condition |= Q(status__in=SEALED) & ~announced
    return condition


def status_shown_expression(*, organised, today: date | None = None) -> Case:
    """The shown status in SQL, for sorting: the recorded one in the `organised` programmes."""
    sealed = Q(status__in=SEALED) & ~Q(programme_id__in=organised) & ~_announced(today)
    return Case(When(sealed, then=Value(NominationStatus.FINALIST.value)), default=F("status"), output_field=CharField())
