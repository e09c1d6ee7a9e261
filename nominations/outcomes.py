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


# What the nominator reads about their nomination, by the status they may see: what happened,
# kindly, and what comes next. Every nominee is recognised, not only the finalists.
WHAT_NEXT = {
    NominationStatus.DRAFT: "You have not sent it yet.",
    NominationStatus.SUBMITTED: "Thank you for sending it. The awards team checks every nomination, then a panel, "
    "including young people in care, reads it.",
    NominationStatus.ELIGIBLE: "The panel is reading it now, with every other nomination for this award.",
    NominationStatus.INELIGIBLE: "It could not go forward for this award: the awards team will have been in touch "
    "about why. If something has changed, contact them.",
    NominationStatus.SHORTLISTED: "{name} is a finalist. The person who looks after them will receive an invitation to "
    "the celebration night.",
    NominationStatus.FINALIST: "{name} is a finalist. The person who looks after them will receive an invitation to "
    "the celebration night.",
    NominationStatus.NOT_SHORTLISTED: "The panel read every nomination with care, and {name} is not one of this "
    "year's finalists. Being nominated matters: every young person nominated is recognised, and {name} will "
    "receive a certificate and a letter saying why you nominated them.",
    NominationStatus.WINNER: "{name} won the award on the night. Thank you for nominating them.",
    NominationStatus.HIGHLY_COMMENDED: "{name} was highly commended on the night. Thank you for nominating them.",
    NominationStatus.WITHDRAWN: "This nomination was withdrawn.",
}

# What withdrawing does, said before the nominator does it: the panel has considered it from
# "not shortlisted" on, so "the panel will not consider it" would no longer be true.
WITHDRAW_EFFECT = {
    NominationStatus.DRAFT: "The panel will not see it.",
    NominationStatus.SUBMITTED: "The panel will not consider it.",
    NominationStatus.ELIGIBLE: "The panel will stop considering it.",
    NominationStatus.INELIGIBLE: "It is closed for good.",
    NominationStatus.NOT_SHORTLISTED: "It is removed from the awards, and {name} will not receive the certificate "
    "and letter every nominee gets.",
}
FINALIST_WITHDRAW_EFFECT = "{name} will no longer be a finalist and will not be invited to the celebration night."


def what_next(nomination, name: str, *, today: date | None = None) -> tuple[str, str]:
    """(what happened and what comes next, what withdrawing would do), as the nominator may see it."""
    shown = status_shown(nomination, today=today)
    effect = WITHDRAW_EFFECT.get(shown, FINALIST_WITHDRAW_EFFECT)
    return WHAT_NEXT[shown].format(name=name), effect.format(name=name)
