"""A nomination's moves through its lifecycle (DESIGN.md): one transition service that locks the row,
checks the allowed moves and who may make them, and records who, when, from, to and why."""


from django.db import transaction
from django.utils import timezone

from awards.rules import is_organiser
from mail.errors import NotAllowed, TransitionNotAllowed  # NotAllowed, TransitionNotAllowed: re-exported

from .. import rules
from ..enums import (
    ALLOWED_TRANSITIONS,
    NominationStatus,
)
from ..models import (
    Nomination,
    NominationHistory,
)
from ..outcomes import status_shown
from .base import (
    NominationError,
    PersonInput,
    _actor_label,
    _check_can_submit,
    _raise_problems,
    _user_or_none,
    eligibility_problems,
)


def nomination_transition(
    *,
    nomination: Nomination,
    to: str,
    actor,
    reason: str = "",
    holds_private_link: bool = False,
    authorised: bool = False,
) -> Nomination:
    """Move a nomination along the lifecycle.

    Guarantees: the row is locked while it changes; only moves in ALLOWED_TRANSITIONS
    by someone the rules allow; moving to submitted re-checks eligibility; refusals name
    the rule; a history row records who, when, from, to and why. Nothing is deleted.
    `authorised=True` is for other services that have already checked the actor (a consent
    refusal withdraws nominations on the young person's behalf).
    """
    if to not in NominationStatus.values:
        raise TransitionNotAllowed(f"'{to}' is not a nomination status.", field="to")
    with transaction.atomic():
        locked = (
            # Lock the nomination row only: PostgreSQL cannot lock the nullable side of a join.
            Nomination.objects.select_for_update(of=("self",))
            .select_related("programme", "category", "nominee")
            .get(pk=nomination.pk)
        )
        current = locked.status
        if to not in ALLOWED_TRANSITIONS[current]:
            # Named as the actor is shown it: a nominator's refused move must not tell a winner apart.
            seen = current if authorised or is_organiser(actor, locked.programme_id) else status_shown(locked)
            raise TransitionNotAllowed(
                f"A nomination that is {NominationStatus(seen).label.lower()} cannot become "
                f"{NominationStatus(to).label.lower()}.",
                field="to",
            )
        if not authorised and not rules.can_transition(actor, locked, to, holds_private_link=holds_private_link):
            raise NotAllowed("You do not have permission to make this change.")
        event_date = locked.programme.event_date
        if to == NominationStatus.WITHDRAWN and event_date and timezone.localdate() > event_date:
            raise TransitionNotAllowed("The awards night has passed: nominations can no longer be withdrawn.", field="to")
        if to == NominationStatus.INELIGIBLE and not reason.strip():
            raise NominationError("Give a reason when marking a nomination not eligible.", field="reason")
        if to == NominationStatus.SUBMITTED:
            _check_can_submit(category=locked.category, programme=locked.programme, at=timezone.now())
            if locked.nominee_id is not None:
                nominee = locked.nominee
                _raise_problems(
                    eligibility_problems(
                        category=locked.category,
                        person=PersonInput(
                            legal_first_name=nominee.legal_first_name,
                            legal_last_name=nominee.legal_last_name,
                            date_of_birth=nominee.date_of_birth,
                            cohort=nominee.cohort,
                            kind=nominee.kind,
                        ),
                        programme=locked.programme,
                    )
                )
            locked.submitted_at = timezone.now()
        locked.status = to
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        NominationHistory.objects.create(
            nomination=locked,
            action=f"nominations.nomination.{to}",
            from_status=current,
            to_status=to,
            actor=_user_or_none(actor),
            actor_label=_actor_label(actor, holds_private_link=holds_private_link),
            reason=reason.strip(),
        )
    nomination.status = locked.status
    nomination.submitted_at = locked.submitted_at
    return locked


def nomination_withdraw(*, nomination: Nomination, actor, reason: str = "", holds_private_link: bool = False) -> Nomination:
    return nomination_transition(
        nomination=nomination, to=NominationStatus.WITHDRAWN, actor=actor, reason=reason, holds_private_link=holds_private_link
    )
