"""Merging two records of the same young person: nominations, consents and the safeguarding check
move to the record kept, the stricter answers winning."""


from django.db import transaction
from django.utils import timezone

from mail.errors import NotAllowed  # NotAllowed, TransitionNotAllowed: re-exported

from .. import rules
from ..enums import (
    ALLOWED_TRANSITIONS,
    NominationStatus,
    PublicityLevel,
)
from ..models import (
    Consent,
    Nomination,
    NominationHistory,
    NominationSequence,
    Nominee,
)
from .base import NominationError, _actor_label, _user_or_none
from .lifecycle import nomination_transition
from .safeguarding import _apply_consent_refusal, _nominee_history

_FILLABLE = ("preferred_name", "say_first_name", "say_last_name", "chosen_name", "area", "allocated_worker_name")


_PUBLICITY_ORDER = [
    PublicityLevel.ANONYMOUS,
    PublicityLevel.FIRST_NAME,
    PublicityLevel.FIRST_NAME_INITIAL,
    PublicityLevel.FULL_NAME,
]


def nominee_merge(*, keep: Nominee, merge: Nominee, actor, reason: str = "") -> Nominee:
    """Merge `merge` into `keep`: every nomination, group membership and consent moves to
    `keep`; blank fields of `keep` are filled from `merge`; `merge` is kept, marked merged.

    Guarantees: no nomination is lost; the stricter safeguarding answer of the two wins
    (publicity, photography, attendance, any refusal of consent) and both records'
    safeguarding notes are kept. Where both had a nomination from the same nominator in the
    same category, the less advanced one is withdrawn as a duplicate (kept, with history);
    where neither can be withdrawn, the merge is refused.
    """
    if not rules.can_manage_nominations(actor, keep.programme_id):
        raise NotAllowed("Only organisers of this programme can merge nominees.")
    if keep.pk == merge.pk:
        raise NominationError("Choose two different nominees to merge.", field="merge")
    if keep.programme_id != merge.programme_id:
        raise NominationError("Nominees of different programmes cannot be merged.", field="merge")
    order = list(NominationStatus.values)
    with transaction.atomic():
        # Nominations are made under the programme's sequence lock, an import for the whole time
        # between matching its rows to stored records and writing them: taking it first keeps a
        # merge from landing in between and leaving new nominations on the record merged away.
        sequence, _ = NominationSequence.objects.get_or_create(programme_id=keep.programme_id)
        NominationSequence.objects.select_for_update().filter(pk=sequence.pk).get()
        locked = {n.pk: n for n in Nominee.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk]).order_by("pk")}
        keep, merge = locked[keep.pk], locked[merge.pk]
        if keep.merged_into_id or merge.merged_into_id:
            raise NominationError("One of these nominees has already been merged.", field="merge")
        nominations = list(
            Nomination.objects.select_for_update(of=("self",)).filter(nominee__in=[keep, merge]).order_by("pk")
        )
        live: dict[tuple[str, int], Nomination] = {}
        duplicates = []
        for nomination in nominations:
            if nomination.status == NominationStatus.WITHDRAWN:
                continue
            pair = (nomination.nominator_email.lower(), nomination.category_id)
            if pair not in live:
                live[pair] = nomination
                continue
            first = live[pair]
            # The less advanced of the two goes; on a tie, the later one.
            later = nomination if order.index(nomination.status) <= order.index(first.status) else first
            live[pair] = first if later is nomination else nomination
            duplicates.append(later)
        for duplicate in duplicates:
            if NominationStatus.WITHDRAWN not in ALLOWED_TRANSITIONS[duplicate.status]:
                raise NominationError(
                    f"{duplicate.reference} duplicates another nomination but is "
                    f"{duplicate.get_status_display().lower()}: sort it out before merging.",
                    field="merge",
                )
            nomination_transition(
                nomination=duplicate,
                to=NominationStatus.WITHDRAWN,
                actor=actor,
                reason="Duplicate of a nomination from the same nominator, found when merging nominee records.",
            )
        for nomination in nominations:
            if nomination.nominee_id == merge.pk:
                Nomination.objects.filter(pk=nomination.pk).update(nominee=keep)
                NominationHistory.objects.create(
                    nomination=nomination,
                    action="nominations.nominee.merged",
                    actor=_user_or_none(actor),
                    actor_label=_actor_label(actor),
                    reason=reason or f"Nominee #{merge.pk} merged into #{keep.pk}",
                )
        for group in merge.groups.all():
            group.members.remove(merge)
            group.members.add(keep)
        _merge_consents(keep=keep, merge=merge, actor=actor)
        _merge_safeguarding(keep=keep, merge=merge)
        merge.merged_into = keep
        merge.possible_duplicate_of = None
        merge.save(update_fields=["merged_into", "possible_duplicate_of"])
        Nominee.objects.filter(possible_duplicate_of=merge).update(possible_duplicate_of=keep)
        _nominee_history(keep, "nominations.nominee.merged", actor, merged=merge.pk, reason=reason)
        _nominee_history(merge, "nominations.nominee.merged_into", actor, into=keep.pk, reason=reason)
    return keep


def _merge_consents(*, keep: Nominee, merge: Nominee, actor) -> None:
    """Both records' consents move to `keep`. Where both have a current answer for a purpose,
    a refusal wins over a consent (else the latest stands); every refusal is applied again."""
    now = timezone.now()
    by_purpose: dict[str, list[Consent]] = {}
    for consent in Consent.objects.filter(nominee__in=[keep, merge], withdrawn_at__isnull=True).order_by("given_at", "id"):
        by_purpose.setdefault(consent.purpose, []).append(consent)
    standing = []
    for answers in by_purpose.values():
        refusals = [c for c in answers if not c.given]
        stands = (refusals or answers)[-1]
        standing.append(stands)
        for consent in answers:
            if consent.pk != stands.pk:
                consent.withdrawn_at = now
                consent.withdrawn_by = _user_or_none(actor)
                consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    Consent.objects.filter(nominee=merge).update(nominee=keep)
    for consent in standing:
        if not consent.given:
            _apply_consent_refusal(keep, consent.purpose, actor)


def _merge_safeguarding(*, keep: Nominee, merge: Nominee) -> None:
    keep.refresh_from_db()
    fields = [f for f in _FILLABLE if not getattr(keep, f) and getattr(merge, f)]
    for field in fields:
        setattr(keep, field, getattr(merge, field))
    if keep.allocated_worker_id is None and merge.allocated_worker_id is not None:
        keep.allocated_worker_id = merge.allocated_worker_id
        fields.append("allocated_worker")
    if merge.safeguarding_notes and merge.safeguarding_notes not in keep.safeguarding_notes:
        keep.safeguarding_notes = "\n\n".join(n for n in (keep.safeguarding_notes, merge.safeguarding_notes) if n)
        fields.append("safeguarding_notes")
    stricter = min(keep.publicity_level, merge.publicity_level, key=_PUBLICITY_ORDER.index)
    if stricter != keep.publicity_level:
        keep.publicity_level = stricter
        fields.append("publicity_level")
    if keep.photography_allowed and not merge.photography_allowed:
        keep.photography_allowed = False
        fields.append("photography_allowed")
    if merge.attendance_safe is False and keep.attendance_safe is not False:
        keep.attendance_safe = False
        fields.append("attendance_safe")
    if keep.possible_duplicate_of_id == merge.pk:
        keep.possible_duplicate_of = None
        fields.append("possible_duplicate_of")
    if fields:
        keep.save(update_fields=fields)
