"""Many nominations at once (a spreadsheet import): each checked by the same rules and matched the
same way as one at a time, in order, then written in bulk, all or nothing."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from awards.enums import NomineeKind
from awards.models import Category, Programme
from mail.errors import ServiceError  # NotAllowed, TransitionNotAllowed: re-exported

from ..enums import (
    NominationStatus,
    PersonKind,
    Source,
)
from ..matching import NomineeIndex, alias_key, lookalike_patterns, match_key
from ..models import (
    Nomination,
    NominationHistory,
    Nominee,
)
from .base import NominationError, NotEligible, PersonInput
from .intake import (
    _already_nominated,
    _check_nomination,
    _creation_history,
    _email_key,
    _inputs_from_data,
    _new_nomination,
    _new_nominee,
    _next_references,
    _nominee_candidates,
    _reserve_references,
)


@dataclass(frozen=True)
class NominationDraft:
    """One nomination of many for nominations_create_many: a category and the checked input of
    NominationCreateSerializer (a person, not a group)."""

    category: Category
    data: dict


_CHUNK = 1000  # rows per bulk insert and ids per IN (...) list


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def nominations_create_many(
    *,
    programme: Programme,
    drafts: list[NominationDraft],
    user,
    source: str,
    enforce_window: bool = True,
    at: datetime | None = None,
    write: bool = True,
) -> list[Nomination | ServiceError]:
    """Create many nominations at once (a spreadsheet import), each submitted.

    Guarantees: each draft is checked by the same rules as nomination_create and matched to
    nominee records the same way, in order, as if each were made after those before it (a young
    person named twice gets one record; a look-alike earlier in the batch is flagged; a repeat of
    an earlier draft is a duplicate). The result has, for each draft, its nomination or the error
    refusing it. All or nothing: when any draft is refused, nothing is written. A fixed number of
    queries per thousand drafts, whatever the size of the programme.
    Only for Source.IMPORT: it sends no receipt e-mail and keeps no private-link token.
    `write=False` (an import's dry run) gives the same verdicts from reads alone: no lock is taken,
    so nominations coming in from the public form meanwhile do not wait for it. Its references
    are only placeholders in the programme's format, never handed out.
    """
    if source != Source.IMPORT:
        raise ValueError(
            f"nominations_create_many is only for imports (source={Source.IMPORT.value!r}), not {str(source)!r}: "
            "it sends no receipt e-mail and keeps no private link; use nomination_create."
        )
    at = at or timezone.now()
    with transaction.atomic():
        # Taking the references first locks the programme's sequence row, as nomination_create does.
        # Handed out to the drafts accepted, in order, as one at a time would.
        if not drafts:
            references = []
        elif write:
            references = _reserve_references(programme, len(drafts))
        else:
            references = _next_references(programme, len(drafts))
        checked = _check(programme=programme, drafts=drafts, enforce_window=enforce_window, at=at)
        batch = _match(programme=programme, checked=checked, references=references, user=user, source=source, at=at)
        if any(isinstance(result, ServiceError) for result in batch.results):
            transaction.set_rollback(True)
            return batch.results
        if write:
            _write(batch, user=user, source=source)
        # Without write, the references are placeholders, not taken: nominations from the form
        # may have used them meanwhile.
    return batch.results


# Each draft, checked: its inputs and the person it names, or why it is refused.
Checked = tuple[NominationDraft, dict, PersonInput] | ServiceError


def _check(*, programme: Programme, drafts: list[NominationDraft], enforce_window: bool, at: datetime) -> list[Checked]:
    """Each draft by the rules nomination_create checks before it writes anything."""
    checked: list[Checked] = []
    for draft in drafts:
        inputs = _inputs_from_data(draft.data)
        try:
            if draft.category.nominee_kind == NomineeKind.GROUP:
                raise NotEligible(f"{draft.category.name} is for groups, which this cannot create.", field="category")
            person, _ = _check_nomination(
                programme=programme,
                category=draft.category,
                nominator=inputs["nominator"],
                person=inputs["person"],
                enforce_window=enforce_window,
                at=at,
            )
        except ServiceError as exc:
            checked.append(exc)
        else:
            checked.append((draft, inputs, person))
    return checked


@dataclass
class _Batch:
    """The drafts matched, in order: for each its unsaved nomination or why it is refused; the new
    nominee records to save (under negative stand-in ids), and look-alikes found within the batch."""

    results: list[Nomination | ServiceError] = field(default_factory=list)
    new_nominees: dict[int, Nominee] = field(default_factory=dict)
    lookalike_in_batch: dict[int, int] = field(default_factory=dict)


def _already_nominated_keys(people: list[PersonInput], indexes: dict[str, NomineeIndex]) -> dict[tuple[int, int, str], str]:
    """(nominee, category, nominator's e-mail) of the stored nominations not withdrawn of the people
    named -> the first one's reference."""
    stored_ids = {record for person in people if (record := indexes[person.kind].exact(_match_key(person))) is not None}
    nominated: dict[tuple[int, int, str], str] = {}
    for ids in _chunks(sorted(stored_ids)):
        for nominee_id, category_id, email, reference in (
            Nomination.objects.filter(nominee_id__in=ids)
            .exclude(status=NominationStatus.WITHDRAWN)
            .order_by("id")
            .values_list("nominee_id", "category_id", "nominator_email", "reference")
        ):
            nominated.setdefault((nominee_id, category_id, _email_key(email)), reference)
    return nominated


def _match(
    *, programme: Programme, checked: list[Checked], references: list[str], user, source: str, at: datetime
) -> _Batch:
    """Match each checked draft to a nominee record as one at a time would: a stored record, one
    made earlier in the batch, or a new one (flagged when it looks like another)."""
    people = [item[2] for item in checked if not isinstance(item, ServiceError)]
    indexes = _nominee_indexes(programme=programme, people=people)
    nominated = _already_nominated_keys(people, indexes)
    batch = _Batch()
    accepted = 0
    for item in checked:
        if isinstance(item, ServiceError):
            batch.results.append(item)
            continue
        draft, inputs, person = item
        index = indexes[person.kind]
        lookalike = None
        names = dict(first_name=person.legal_first_name, last_name=person.legal_last_name, date_of_birth=person.date_of_birth)
        key, alias = match_key(**names), alias_key(**names)
        try:
            record = index.exact(key)
            nominee = None
            if record is None:
                if person.date_of_birth:
                    lookalike = index.lookalike(alias, *lookalike_patterns(**names))
                nominee = _new_nominee(programme=programme, person=person)
                if lookalike is not None and lookalike > 0:
                    nominee.possible_duplicate_of_id = lookalike
                record = -(len(batch.new_nominees) + 1)
            else:
                nominee = batch.new_nominees.get(record)
            first = nominated.get((record, draft.category.pk, _email_key(inputs["nominator"].email)))
            if first:
                raise _already_nominated(draft.category, first)
            nomination = _new_nomination(
                programme=programme,
                category=draft.category,
                nominee=nominee,
                group=None,
                reference=references[accepted],
                nominator=inputs["nominator"],
                reasons=inputs["reasons"],
                user=user,
                source=source,
                submit=True,
                at=at,
                validate_unique=False,  # the references are checked when written, all at once
            )
        except ServiceError as exc:
            batch.results.append(exc)
            continue
        if record > 0:
            nomination.nominee_id = record
        elif record not in batch.new_nominees:
            batch.new_nominees[record] = nominee
            index.add(record, key, alias)
            if lookalike is not None and lookalike < 0:
                batch.lookalike_in_batch[record] = lookalike
        nominated[(record, draft.category.pk, _email_key(inputs["nominator"].email))] = nomination.reference
        batch.results.append(nomination)
        accepted += 1
    return batch


def _write(batch: _Batch, *, user, source: str) -> None:
    """Save a batch in which every draft was accepted: new records, their look-alike flags, the
    nominations and their history, in bulk."""
    nominations = list(batch.results)
    taken = set()
    for references_chunk in _chunks([n.reference for n in nominations]):
        taken.update(Nomination.objects.filter(reference__in=references_chunk).values_list("reference", flat=True))
    if taken:
        raise NominationError(f"Reference {min(taken)} is already in use: the nomination sequence needs repair.")
    # Saved in the order made, so the records get ids in that order (the index's "first").
    Nominee.objects.bulk_create(list(batch.new_nominees.values()), batch_size=_CHUNK)
    flagged = []
    for record, lookalike in batch.lookalike_in_batch.items():
        batch.new_nominees[record].possible_duplicate_of = batch.new_nominees[lookalike]
        flagged.append(batch.new_nominees[record])
    if flagged:
        Nominee.objects.bulk_update(flagged, ["possible_duplicate_of"], batch_size=_CHUNK)
    Nomination.objects.bulk_create(nominations, batch_size=_CHUNK)
    # Built a chunk at a time: two history rows per nomination, held at once, were 140 MB at 20,000.
    for chunk in _chunks(nominations):
        NominationHistory.objects.bulk_create(
            [row for n in chunk for row in _creation_history(n, user=user, source=source, submit=True)]
        )


def _match_key(person: PersonInput) -> str:
    return match_key(first_name=person.legal_first_name, last_name=person.legal_last_name, date_of_birth=person.date_of_birth)


def _nominee_indexes(*, programme: Programme, people: list[PersonInput]) -> dict[str, NomineeIndex]:
    """A NomineeIndex per kind of person, of the programme's stored records these people can match,
    read in one pass over the programme's records in id order."""
    wanted: dict[str, list] = {kind: [] for kind in PersonKind.values}
    for person in people:
        names = dict(first_name=person.legal_first_name, last_name=person.legal_last_name, date_of_birth=person.date_of_birth)
        wanted[person.kind].append((match_key(**names), alias_key(**names), *lookalike_patterns(**names)))
    indexes = {kind: NomineeIndex(keys) for kind, keys in wanted.items()}
    kinds = [kind for kind, keys in wanted.items() if keys]
    if kinds:
        stored = (
            _nominee_candidates(programme=programme, kinds=kinds)
            .order_by("id")
            .values_list("id", "kind", "match_key", "alias_key")
        )
        for nominee_id, kind, key, alias in stored.iterator(chunk_size=5000):
            indexes[kind].add(nominee_id, key, alias)
    return indexes
