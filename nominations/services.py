"""Every write to nominations and nominees.

Each service runs in one transaction, checks who is acting and what must already
hold, and appends a history row. Errors are NominationError subclasses whose message
a person can act on; the API and the pages show it as it is.
"""

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from awards.enums import Cohort, NomineeKind
from awards.models import Category, Programme
from awards.rules import is_organiser
from mail.enums import EmailKind
from mail.errors import NotAllowed, ServiceError, TransitionNotAllowed  # NotAllowed, TransitionNotAllowed: re-exported
from mail.services import email_queue

from . import rules
from .enums import (
    ALLOWED_TRANSITIONS,
    ConsentGiver,
    ConsentPurpose,
    NominationStatus,
    PersonKind,
    PublicityLevel,
    Relationship,
    Source,
)
from .matching import NomineeIndex, alias_key, lookalike_patterns, match_key
from .models import (
    Consent,
    IdentityAccess,
    Nomination,
    NominationHistory,
    NominationSequence,
    Nominee,
    NomineeGroup,
    NomineeHistory,
)
from .outcomes import status_shown
from .selectors import hash_token


class NominationError(ServiceError):
    """A write of nominations the rules refuse."""


class NotEligible(NominationError):
    pass


class DuplicateNomination(NominationError):
    status_code = 409

    def __init__(self, message: str, *, first_reference: str):
        super().__init__(message, field="nominee")
        self.first_reference = first_reference

    @property
    def code(self) -> str:
        return "duplicate_nomination"

    def details(self) -> dict:
        return {"first_reference": self.first_reference} if self.first_reference else {}


@dataclass(frozen=True)
class PersonInput:
    legal_first_name: str
    legal_last_name: str
    date_of_birth: date | None = None
    cohort: str = ""
    preferred_name: str = ""
    pronunciation: str = ""
    area: str = ""
    kind: str = PersonKind.YOUNG_PERSON


@dataclass(frozen=True)
class NominatorInput:
    name: str
    email: str
    relationship: str
    known_recently: bool
    phone: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ReasonsInput:
    achievement: str
    why_it_matters: str
    anything_else: str = ""


def _actor_label(actor, *, holds_private_link: bool = False) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "nominator (private link)" if holds_private_link else "system"


def _user_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def eligibility_problems(*, category: Category, person: PersonInput, programme: Programme) -> list[tuple[str, str]]:
    """Why this person cannot be nominated in this category: (field, message) pairs, empty when eligible."""
    problems: list[tuple[str, str]] = []
    if category.nominee_kind == NomineeKind.ADULT:
        return problems
    if person.date_of_birth is None:
        return [("date_of_birth", "Enter the young person's date of birth.")]
    age = age_on(person.date_of_birth, programme.age_reference_date)
    when = programme.age_reference_date.strftime("%-d %B %Y")
    if age < 0 or age > 25:
        problems.append(("date_of_birth", f"A nominee must be aged 0 to 25 on {when}; this date of birth gives {age}."))
    elif category.min_age is not None and age < category.min_age:
        problems.append(
            ("date_of_birth", f"{category.name} is for young people aged {category.min_age} or over on {when}; "
             f"this young person will be {age}.")
        )
    elif category.max_age is not None and age > category.max_age:
        problems.append(
            ("date_of_birth", f"{category.name} is for young people aged up to {category.max_age} on {when}; "
             f"this young person will be {age}.")
        )
    if person.cohort not in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER):
        problems.append(("cohort", "Say whether the young person is in care or a care leaver."))
    elif category.cohort != Cohort.ANY and person.cohort != category.cohort:
        problems.append(
            ("cohort", f"{category.name} is for {Cohort(category.cohort).label.lower()}s only; "
             f"this young person is recorded as {Cohort(person.cohort).label.lower()}.")
        )
    return problems


def _check_can_submit(*, category: Category, programme: Programme, at: datetime, enforce_window: bool = True) -> None:
    if category.programme_id != programme.pk:
        raise NotEligible(f"The category '{category.name}' is not part of {programme.name}.", field="category")
    if not category.is_active:
        raise NotEligible(f"The category '{category.name}' is not taking nominations.", field="category")
    if enforce_window and not programme.window_is_open(at):
        if at < programme.nominations_open_at:
            opens = timezone.localtime(programme.nominations_open_at).strftime("%-d %B %Y")
            raise NotEligible(f"Nominations for {programme.name} open on {opens}.")
        raise NotEligible(f"Nominations for {programme.name} are closed.")


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise NotEligible(" ".join(m for _, m in problems), field=field)


def _reserve_references(programme: Programme, count: int = 1) -> list[str]:
    """Hand out the next `count` references of the programme. Updating the sequence row locks it
    until the transaction ends, so nominations of one programme are made one after another."""
    sequence, _ = NominationSequence.objects.get_or_create(programme=programme)
    NominationSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + count)
    last = NominationSequence.objects.values_list("last_number", flat=True).get(pk=sequence.pk)
    return [f"{programme.reference_prefix}-{number:04d}" for number in range(last - count + 1, last + 1)]


def _next_references(programme: Programme, count: int) -> list[str]:
    """The next `count` references as _reserve_references would hand them out now, read without
    taking them (or the lock)."""
    last = NominationSequence.objects.filter(programme=programme).values_list("last_number", flat=True).first() or 0
    return [f"{programme.reference_prefix}-{number:04d}" for number in range(last + 1, last + count + 1)]


def _nominee_candidates(*, programme: Programme, kinds: list[str]):
    """The records a new nomination can be attached to or flagged against: not merged away."""
    return Nominee.objects.filter(programme=programme, merged_into__isnull=True, kind__in=kinds)


def _new_nominee(*, programme: Programme, person: PersonInput, lookalike: Nominee | None = None) -> Nominee:
    """An unsaved, checked nominee record for this person. The database holds its constraint (a
    young person has a birth date; eligibility has already insisted on one)."""
    names = dict(first_name=person.legal_first_name, last_name=person.legal_last_name, date_of_birth=person.date_of_birth)
    nominee = Nominee(
        programme=programme,
        kind=person.kind,
        legal_first_name=person.legal_first_name,
        legal_last_name=person.legal_last_name,
        preferred_name=person.preferred_name,
        pronunciation=person.pronunciation,
        date_of_birth=person.date_of_birth,
        cohort=person.cohort if person.kind == PersonKind.YOUNG_PERSON else "",
        area=person.area,
        match_key=match_key(**names),
        alias_key=alias_key(**names),
        possible_duplicate_of=lookalike,
    )
    _full_clean(nominee, exclude=["programme", "possible_duplicate_of", "match_key", "alias_key"], validate_constraints=False)
    return nominee


def _full_clean(instance, **options) -> None:
    """full_clean, its first problem raised as a NominationError naming the field."""
    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise NominationError(f"{field.replace('_', ' ').capitalize()}: {' '.join(messages)}", field=field) from exc


def _find_or_create_nominee(*, programme: Programme, person: PersonInput) -> Nominee:
    """Attach to the nominee this person already is (exact names and birth date), or create
    one and flag a look-alike (short forms, or the same names with another birth date, or the
    same surname and birth date) for an organiser to merge or keep apart.
    (nominations_create_many asks the same of a NomineeIndex for many people at once.)"""
    names = dict(first_name=person.legal_first_name, last_name=person.legal_last_name, date_of_birth=person.date_of_birth)
    candidates = _nominee_candidates(programme=programme, kinds=[person.kind]).order_by("id")
    existing = candidates.filter(match_key=match_key(**names)).first()
    if existing is not None:
        return existing
    lookalike = None
    if person.date_of_birth:
        prefix, suffix = lookalike_patterns(**names)
        lookalike = candidates.filter(
            Q(alias_key=alias_key(**names)) | Q(match_key__startswith=prefix) | Q(match_key__endswith=suffix)
        ).first()
    nominee = _new_nominee(programme=programme, person=person, lookalike=lookalike)
    nominee.save()
    return nominee


def _check_nomination(
    *,
    programme: Programme,
    category: Category,
    nominator: NominatorInput,
    person: PersonInput | None,
    group_name: str = "",
    group_members: list[PersonInput] | None = None,
    submit: bool = True,
    enforce_window: bool = True,
    at: datetime,
) -> tuple[PersonInput | None, list[PersonInput]]:
    """Everything nomination_create checks before writing: raises NotEligible naming the rule, or
    returns the person (or group members) with the kind the category gives them."""
    if submit:
        _check_can_submit(category=category, programme=programme, at=at, enforce_window=enforce_window)
    elif category.programme_id != programme.pk:
        raise NotEligible(f"The category '{category.name}' is not part of {programme.name}.", field="category")
    if not nominator.known_recently:
        raise NotEligible(
            "Nominators must have worked with or known the young person in the last 12 months.",
            field="nominator_known_recently",
        )
    kind = category.nominee_kind
    if kind == NomineeKind.GROUP:
        members = group_members or []
        if not group_name.strip():
            raise NotEligible("Give the group a name.", field="group_name")
        if not members:
            raise NotEligible("Name at least one young person in the group.", field="group_members")
        members = [replace(m, kind=PersonKind.YOUNG_PERSON) for m in members]
        for member in members:
            _raise_problems(eligibility_problems(category=category, person=member, programme=programme))
        return None, members
    if person is None:
        raise NotEligible("Tell us who you are nominating.", field="nominee")
    # The category decides whether this is a young person or an adult.
    person = replace(person, kind=PersonKind.ADULT if kind == NomineeKind.ADULT else PersonKind.YOUNG_PERSON)
    if kind == NomineeKind.ADULT and nominator.relationship != Relationship.PEER:
        raise NotEligible(
            f"{category.name} is for young people to nominate a carer or member of staff.",
            field="nominator_relationship",
        )
    _raise_problems(eligibility_problems(category=category, person=person, programme=programme))
    return person, []


def _find_or_create_group(*, programme: Programme, name: str, members: list[Nominee]) -> tuple[NomineeGroup, list[int]]:
    """The programme's group of this name (spacing and case aside) with exactly these young people,
    or a new one: nominating the same group twice gives one record, as for one young person. The
    same name with other members is another group (two projects may share a name).

    Returns the group and the ids of every record of that same group, oldest first: a merge of two
    young people, or nominations made before groups were matched, can leave twins, and a
    nominator's earlier nomination may be on any of them."""
    name = " ".join(name.split())
    wanted = {member.pk for member in members}
    same = [
        group
        for group in NomineeGroup.objects.filter(programme=programme, name__iexact=name).prefetch_related("members").order_by("pk")
        if {member.pk for member in group.members.all()} == wanted
    ]
    if same:
        return same[0], [group.pk for group in same]
    group = NomineeGroup.objects.create(programme=programme, name=name)
    group.members.set(members)
    return group, [group.pk]


def _already_nominated(category: Category, first_reference: str) -> DuplicateNomination:
    see = f": see nomination {first_reference}" if first_reference else ""
    who = "this group" if category.nominee_kind == NomineeKind.GROUP else "this young person"
    return DuplicateNomination(
        f"You have already nominated {who} for {category.name}{see}."
        + (" You can add to it by contacting the awards team." if first_reference else ""),
        first_reference=first_reference,
    )


def _email_key(email: str) -> str:
    # What nomination_one_per_nominator_nominee_category compares (Lower) and iexact finds.
    return email.lower()


def _new_nomination(
    *,
    programme: Programme,
    category: Category,
    nominee: Nominee | None,
    group: NomineeGroup | None,
    reference: str,
    nominator: NominatorInput,
    reasons: ReasonsInput,
    user,
    source: str,
    submit: bool,
    at: datetime,
    validate_unique: bool = True,
) -> Nomination:
    """An unsaved, checked nomination."""
    nomination = Nomination(
        programme=programme,
        category=category,
        nominee=nominee,
        group=group,
        reference=reference,
        status=NominationStatus.SUBMITTED if submit else NominationStatus.DRAFT,
        source=source,
        nominator_name=nominator.name,
        nominator_email=nominator.email,
        nominator_phone=nominator.phone,
        nominator_organisation=nominator.organisation,
        nominator_relationship=nominator.relationship,
        nominator_known_recently=nominator.known_recently,
        # An organiser importing others' nominations is not their nominator.
        nominator_user=None if source == Source.IMPORT else _user_or_none(user),
        achievement=reasons.achievement,
        why_it_matters=reasons.why_it_matters,
        anything_else=reasons.anything_else,
        submitted_at=at if submit else None,
    )
    _full_clean(
        nomination, exclude=["programme", "category", "nominee", "group", "nominator_user"], validate_unique=validate_unique
    )
    return nomination


def _creation_history(nomination: Nomination, *, user, source: str, submit: bool) -> list[NominationHistory]:
    label = _actor_label(user) if _user_or_none(user) else "nominator"
    rows = [
        NominationHistory(
            nomination=nomination,
            action="nominations.nomination.created",
            to_status=NominationStatus.DRAFT,
            actor=_user_or_none(user),
            actor_label=label,
            reason=f"via {Source(source).label.lower()}",
        )
    ]
    if submit:
        rows.append(
            NominationHistory(
                nomination=nomination,
                action="nominations.nomination.submitted",
                from_status=NominationStatus.DRAFT,
                to_status=NominationStatus.SUBMITTED,
                actor=_user_or_none(user),
                actor_label=label,
            )
        )
    return rows


def _queue_received(nomination: Nomination) -> None:
    """The nominator's receipt with their private link, in the outbox with the nomination: sent
    after the commit, retried while the mail server is down, never lost. The link is made when the
    message is built (nomination_link_create), so its token is never stored."""
    email_queue(
        kind=EmailKind.NOMINATION_RECEIVED,
        about=nomination,
        key=f"nomination_received:{nomination.pk}",
        programme_id=nomination.programme_id,
    )


def nomination_link_create(nomination: Nomination) -> str:
    """A new private link for the nominator: returns its token, keeps only the hash. An earlier
    link of the same nomination stops working (the e-mail that carries this one replaces it)."""
    token = secrets.token_urlsafe(32)
    Nomination.objects.filter(pk=nomination.pk).update(access_token_hash=hash_token(token))
    nomination.access_token_hash = hash_token(token)
    return token


def nomination_create(
    *,
    programme: Programme,
    category: Category,
    nominator: NominatorInput,
    reasons: ReasonsInput,
    person: PersonInput | None = None,
    group_name: str = "",
    group_members: list[PersonInput] | None = None,
    user=None,
    source: str = Source.FORM,
    submit: bool = True,
    enforce_window: bool = True,
    at: datetime | None = None,
) -> Nomination:
    """Create a nomination and, by default, submit it.

    Guarantees: eligibility (window, category, age, cohort) is checked before anything
    is written; the young person is attached to their existing nominee record when the
    names and date of birth match; the same nominator cannot nominate the same young
    person twice in one category; all or nothing, the nominator's receipt included: it is in
    the outbox with the nomination (except for imports, which send none) and carries the private
    link, made when it is sent.
    `enforce_window=False` is for importing nominations that were collected elsewhere
    while the window was open.
    """
    at = at or timezone.now()
    person, members = _check_nomination(
        programme=programme,
        category=category,
        nominator=nominator,
        person=person,
        group_name=group_name,
        group_members=group_members,
        submit=submit,
        enforce_window=enforce_window,
        at=at,
    )
    try:
        with transaction.atomic():
            # Taking the reference first locks the programme's sequence row, so two nominations of
            # the same new young person cannot both miss each other and create two records.
            (reference,) = _reserve_references(programme)
            nominee = group = None
            if category.nominee_kind == NomineeKind.GROUP:
                group, records = _find_or_create_group(
                    programme=programme, name=group_name, members=[_find_or_create_nominee(programme=programme, person=m) for m in members]
                )
                mine = Q(group_id__in=records)
            else:
                nominee = _find_or_create_nominee(programme=programme, person=person)
                mine = Q(nominee=nominee)
            first = (
                Nomination.objects.filter(mine, category=category, nominator_email__iexact=nominator.email)
                .exclude(status=NominationStatus.WITHDRAWN)
                .values_list("reference", flat=True)
                .first()
            )
            if first:
                raise _already_nominated(category, first)
            nomination = _new_nomination(
                programme=programme,
                category=category,
                nominee=nominee,
                group=group,
                reference=reference,
                nominator=nominator,
                reasons=reasons,
                user=user,
                source=source,
                submit=submit,
                at=at,
            )
            nomination.save()
            NominationHistory.objects.bulk_create(_creation_history(nomination, user=user, source=source, submit=submit))
            if source != Source.IMPORT:
                _queue_received(nomination)
    except IntegrityError as exc:
        # Two identical submissions racing: the database constraint is the last line.
        if "nomination_one_per_nominator" in str(exc):
            raise _already_nominated(category, "") from exc
        raise
    return nomination


def _inputs_from_data(data: dict) -> dict:
    """nomination_create's inputs from the checked data of NominationCreateSerializer."""
    nominee = data.get("nominee")
    return dict(
        person=PersonInput(**nominee) if nominee else None,
        group_name=data.get("group_name", ""),
        group_members=[PersonInput(**m) for m in data.get("group_members", [])],
        nominator=NominatorInput(
            name=data["nominator_name"],
            email=data["nominator_email"],
            phone=data.get("nominator_phone", ""),
            organisation=data.get("nominator_organisation", ""),
            relationship=data["nominator_relationship"],
            known_recently=data["nominator_known_recently"],
        ),
        reasons=ReasonsInput(
            achievement=data["achievement"],
            why_it_matters=data["why_it_matters"],
            anything_else=data.get("anything_else", ""),
        ),
    )


def nomination_create_from_data(
    data: dict, *, programme: Programme, category: Category, user, source: str, enforce_window: bool = True
) -> Nomination:
    """nomination_create from the checked input of NominationCreateSerializer (API, import)."""
    return nomination_create(
        programme=programme, category=category, **_inputs_from_data(data), user=user, source=source, enforce_window=enforce_window
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
) -> list[Nomination | NominationError]:
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
    results: list[Nomination | NominationError] = []
    with transaction.atomic():
        # Taking the references first locks the programme's sequence row, as nomination_create does.
        # Handed out to the drafts accepted, in order, as one at a time would.
        if not drafts:
            references = []
        elif write:
            references = _reserve_references(programme, len(drafts))
        else:
            references = _next_references(programme, len(drafts))
        checked: list[tuple[NominationDraft, dict, PersonInput] | NominationError] = []
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
        people = [item[2] for item in checked if not isinstance(item, NominationError)]
        indexes = _nominee_indexes(programme=programme, people=people)
        stored_ids = {record for person in people if (record := indexes[person.kind].exact(_match_key(person))) is not None}
        # (nominee, category, nominator's e-mail) of nominations not withdrawn -> the reference
        nominated: dict[tuple[int, int, str], str] = {}
        for ids in _chunks(sorted(stored_ids)):
            for nominee_id, category_id, email, reference in (
                Nomination.objects.filter(nominee_id__in=ids)
                .exclude(status=NominationStatus.WITHDRAWN)
                .order_by("id")
                .values_list("nominee_id", "category_id", "nominator_email", "reference")
            ):
                nominated.setdefault((nominee_id, category_id, _email_key(email)), reference)

        accepted = 0
        new_nominees: dict[int, Nominee] = {}  # negative stand-in ids for records not yet saved
        lookalike_in_batch: dict[int, int] = {}
        for item in checked:
            if isinstance(item, NominationError):
                results.append(item)
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
                    record = -(len(new_nominees) + 1)
                else:
                    nominee = new_nominees.get(record)
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
                    validate_unique=False,  # the references are checked below, all at once
                )
            except ServiceError as exc:
                results.append(exc)
                continue
            if record > 0:
                nomination.nominee_id = record
            elif record not in new_nominees:
                new_nominees[record] = nominee
                index.add(record, key, alias)
                if lookalike is not None and lookalike < 0:
                    lookalike_in_batch[record] = lookalike
            nominated[(record, draft.category.pk, _email_key(inputs["nominator"].email))] = nomination.reference
            results.append(nomination)
            accepted += 1

        refused = [r for r in results if isinstance(r, NominationError)]
        if refused:
            transaction.set_rollback(True)
            return results
        nominations = list(results)
        if not write:
            # Placeholders, not taken: nominations from the form may have used them meanwhile.
            return results
        taken = set()
        for references_chunk in _chunks([n.reference for n in nominations]):
            taken.update(Nomination.objects.filter(reference__in=references_chunk).values_list("reference", flat=True))
        if taken:
            raise NominationError(f"Reference {min(taken)} is already in use: the nomination sequence needs repair.")
        # Saved in the order made, so the records get ids in that order (the index's "first").
        Nominee.objects.bulk_create(list(new_nominees.values()), batch_size=_CHUNK)
        flagged = []
        for record, lookalike in lookalike_in_batch.items():
            new_nominees[record].possible_duplicate_of = new_nominees[lookalike]
            flagged.append(new_nominees[record])
        if flagged:
            Nominee.objects.bulk_update(flagged, ["possible_duplicate_of"], batch_size=_CHUNK)
        Nomination.objects.bulk_create(nominations, batch_size=_CHUNK)
        # Built a chunk at a time: two history rows per nomination, held at once, were 140 MB at 20,000.
        for chunk in _chunks(nominations):
            NominationHistory.objects.bulk_create(
                [row for n in chunk for row in _creation_history(n, user=user, source=source, submit=True)]
            )
    return results


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


def _nominee_history(nominee: Nominee, action: str, actor, **detail) -> None:
    NomineeHistory.objects.create(
        nominee=nominee, action=action, actor=_user_or_none(actor), actor_label=_actor_label(actor), detail=detail
    )


def nominee_record_safeguarding(
    *,
    nominee: Nominee,
    actor,
    attendance_safe: bool,
    publicity_level: str,
    photography_allowed: bool,
    notes: str | None = None,
) -> Nominee:
    """Record the safeguarding check: whether attending is safe, how the name may be
    announced and whether photographs may be taken. Organisers and the allocated worker only.
    A name level other than anonymous, and photographs, need the matching consent given now."""
    if not rules.can_record_safeguarding(actor, nominee):
        raise NotAllowed("Only organisers and the young person's allocated worker can record the safeguarding check.")
    if publicity_level not in PublicityLevel.values:
        raise NominationError(f"'{publicity_level}' is not a publicity level.", field="publicity_level")
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        current = {c.purpose: c.given for c in locked.consents.filter(withdrawn_at__isnull=True)}
        # Nothing about me without me: a name is read out, a photo taken, only with consent recorded now.
        if publicity_level != PublicityLevel.ANONYMOUS and current.get(ConsentPurpose.NAME_READ_OUT) is not True:
            raise NominationError(
                "Record consent to the name being read out before choosing a publicity level other than anonymous.",
                field="publicity_level",
            )
        if photography_allowed and current.get(ConsentPurpose.PHOTOGRAPHED) is not True:
            raise NominationError(
                "Record consent to being photographed before allowing photographs.", field="photography_allowed"
            )
        locked.attendance_safe = attendance_safe
        locked.publicity_level = publicity_level
        locked.photography_allowed = photography_allowed
        locked.safeguarding_checked_at = timezone.now()
        locked.safeguarding_checked_by = _user_or_none(actor)
        fields = ["attendance_safe", "publicity_level", "photography_allowed", "safeguarding_checked_at", "safeguarding_checked_by"]
        if notes is not None:
            locked.safeguarding_notes = notes
            fields.append("safeguarding_notes")
        locked.save(update_fields=fields)
        _nominee_history(
            locked,
            "nominations.nominee.safeguarding_checked",
            actor,
            attendance_safe=attendance_safe,
            publicity_level=publicity_level,
            photography_allowed=photography_allowed,
        )
    return locked


def consent_record(
    *, nominee: Nominee, purpose: str, given: bool, given_by: str, actor, given_by_name: str = "", at: datetime | None = None
) -> Consent:
    """Record consent (or its refusal) for one purpose, replacing the current answer for it."""
    if not rules.can_record_safeguarding(actor, nominee):
        raise NotAllowed("Only organisers and the young person's allocated worker can record consent.")
    if purpose not in ConsentPurpose.values:
        raise NominationError(f"'{purpose}' is not a consent purpose.", field="purpose")
    if given_by not in ConsentGiver.values:
        raise NominationError(f"'{given_by}' is not someone who can give consent.", field="given_by")
    now = timezone.now()
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        Consent.objects.filter(nominee=locked, purpose=purpose, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=_user_or_none(actor)
        )
        consent = Consent.objects.create(
            nominee=locked,
            purpose=purpose,
            given=given,
            given_by=given_by,
            given_by_name=given_by_name,
            given_at=at or now,
            recorded_by=_user_or_none(actor),
        )
        if not given:
            _apply_consent_refusal(locked, purpose, actor)
        _nominee_history(locked, "nominations.consent.recorded", actor, purpose=purpose, given=given, given_by=given_by)
    return consent


def consent_withdraw(*, nominee: Nominee, purpose: str, actor) -> Consent:
    """Withdraw the current consent for a purpose. Every later output honours it."""
    if not rules.can_record_safeguarding(actor, nominee):
        raise NotAllowed("Only organisers and the young person's allocated worker can withdraw consent.")
    with transaction.atomic():
        locked = Nominee.objects.select_for_update().get(pk=nominee.pk)
        consent = Consent.objects.filter(nominee=locked, purpose=purpose, withdrawn_at__isnull=True).first()
        if consent is None:
            raise NominationError("There is no current consent for that purpose to withdraw.", field="purpose")
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = _user_or_none(actor)
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        _apply_consent_refusal(locked, purpose, actor)
        _nominee_history(locked, "nominations.consent.withdrawn", actor, purpose=purpose)
    return consent


def _apply_consent_refusal(nominee: Nominee, purpose: str, actor=None) -> None:
    """Make every later output honour a refusal or withdrawal of consent."""
    if purpose == ConsentPurpose.NOMINATION:
        for nomination in Nomination.objects.filter(nominee=nominee).order_by("id"):
            if NominationStatus.WITHDRAWN in ALLOWED_TRANSITIONS[nomination.status]:
                nomination_transition(
                    nomination=nomination,
                    to=NominationStatus.WITHDRAWN,
                    actor=actor,
                    reason="Consent to being nominated was refused or withdrawn.",
                    authorised=True,
                )
    elif purpose == ConsentPurpose.NAME_READ_OUT and nominee.publicity_level != PublicityLevel.ANONYMOUS:
        nominee.publicity_level = PublicityLevel.ANONYMOUS
        nominee.save(update_fields=["publicity_level"])
    elif purpose == ConsentPurpose.PHOTOGRAPHED and nominee.photography_allowed:
        nominee.photography_allowed = False
        nominee.save(update_fields=["photography_allowed"])
    elif purpose == ConsentPurpose.ATTENDING and nominee.attendance_safe:
        nominee.attendance_safe = False
        nominee.save(update_fields=["attendance_safe"])


_FILLABLE = ("preferred_name", "pronunciation", "area", "allocated_worker_name")
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


def identity_access_record(*, user, nominee_ids, context: str) -> None:
    """Log that `user` read the identity fields of these nominees (one insert however many)."""
    rows = [
        IdentityAccess(user=_user_or_none(user), username=_actor_label(user), nominee_id=pk, context=context)
        for pk in dict.fromkeys(nominee_ids)
        if pk is not None
    ]
    if rows:
        IdentityAccess.objects.bulk_create(rows)
