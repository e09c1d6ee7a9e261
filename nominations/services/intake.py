"""Nominations coming in one at a time (the public form, the API): checked, matched to the young
person's record, stored with the nominator's receipt in the outbox, and the nominator's private link."""

import secrets
from dataclasses import replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from awards.enums import NomineeKind
from awards.models import Category, Programme
from mail.enums import EmailKind
from mail.services import email_queue

from ..enums import (
    NominationStatus,
    PersonKind,
    Relationship,
    Source,
)
from ..matching import alias_key, lookalike_patterns, match_key
from ..models import (
    Nomination,
    NominationHistory,
    NominationSequence,
    Nominee,
    NomineeGroup,
)
from ..selectors import hash_token
from .base import (
    DuplicateNomination,
    NominatorInput,
    NotEligible,
    PersonInput,
    ReasonsInput,
    _actor_label,
    _check_can_submit,
    _full_clean,
    _raise_problems,
    _user_or_none,
    eligibility_problems,
)


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
        say_first_name=person.say_first_name,
        say_last_name=person.say_last_name,
        date_of_birth=person.date_of_birth,
        cohort=person.cohort if person.kind == PersonKind.YOUNG_PERSON else "",
        area=person.area,
        match_key=match_key(**names),
        alias_key=alias_key(**names),
        possible_duplicate_of=lookalike,
    )
    _full_clean(nominee, exclude=["programme", "possible_duplicate_of", "match_key", "alias_key"], validate_constraints=False)
    return nominee


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
