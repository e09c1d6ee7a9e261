"""Who may do what to nominations and nominees: plain (user, obj) -> bool predicates."""

from awards.rules import is_organiser, is_staff_member

from .enums import ALLOWED_TRANSITIONS, NOMINATOR_TRANSITIONS, NominationStatus


def is_allocated_worker(user, nominee) -> bool:
    """The young person's allocated worker, while they hold the staff role in the programme."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and nominee.allocated_worker_id == user.pk
        and is_staff_member(user, nominee.programme_id)
    )


def can_view_identity(user, nominee) -> bool:
    """Identity fields: organisers of the programme and the allocated worker only."""
    return is_organiser(user, nominee.programme_id) or is_allocated_worker(user, nominee)


def can_record_safeguarding(user, nominee) -> bool:
    return can_view_identity(user, nominee)


def can_manage_nominations(user, programme) -> bool:
    return is_organiser(user, programme)


def is_nominator(user, nomination) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and nomination.nominator_user_id == user.pk


def can_transition(user, nomination, to: str, *, holds_private_link: bool = False) -> bool:
    """Organisers make every move the lifecycle allows; the nominator may submit and withdraw their own."""
    if to not in ALLOWED_TRANSITIONS.get(nomination.status, ()):
        return False
    if is_organiser(user, nomination.programme_id):
        return True
    if holds_private_link or is_nominator(user, nomination):
        return (nomination.status, to) in NOMINATOR_TRANSITIONS
    return False


def can_withdraw(user, nomination, *, holds_private_link: bool = False) -> bool:
    return can_transition(user, nomination, NominationStatus.WITHDRAWN, holds_private_link=holds_private_link)
