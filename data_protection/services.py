"""Data protection: the access log for organisers, subject access requests, erasure of one young
person on request, and retention (DESIGN.md rules 6 and 7).

Everything about one young person spans every app (nominee, consents, nominations, panel
conflicts and reviews, invitations, guests), so these services live in events, the app that may
read them all. Reads that decide who sees what are the selectors at the top; every write is a
service below that checks who acts, runs in one transaction and leaves history.

Erasure and retention share one anonymisation, built as a plan before anything is written: the
plan sets each identifying field to its erased value and scrubs the names, e-mail addresses and
phone numbers out of the free text that stays (history reasons and details), so

- a dry run is the same plan, counted and not saved;
- running again finds nothing left to change, and writes nothing (no new history either);
- what stays is what the reports and the audit trail need: records and their ids, programme,
  category, statuses, cohort and kind, consent purposes and answers, scores, seats, who did what
  and when.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from awards.enums import Role
from awards.models import Programme
from awards.rules import is_organiser, programme_ids_with_role
from events.enums import GuestRelationship, InvitationKind, InvitationStatus, ItemKind
from events.models import CelebrationLink, Guest, Invitation, InvitationHistory, InvitationLink, RunningOrderItem
from events.services import invitation_revoke
from mail.enums import DeliveryStatus, EmailKind
from mail.errors import NotAllowed, ServiceError
from mail.models import EmailDelivery
from mail.services import email_queue
from nominations.enums import ALLOWED_TRANSITIONS, NominationStatus, PersonKind, PublicityLevel
from nominations.models import (
    Consent,
    IdentityAccess,
    Nomination,
    NominationHistory,
    Nominee,
    NomineeGroup,
    NomineeHistory,
)
from nominations.redaction import redact
from nominations.services import identity_access_record, nomination_transition
from shortlisting.models import Conflict, PanelMember, Review, ShortlistHistory

from .enums import RequesterRelationship, SubjectAccessStatus
from .export import WITHHOLDABLE_PARTS, person_records, release_data, subject_access_gather
from .models import SubjectAccessRequest, SubjectAccessRequestHistory

ERASED_NAME = "Erased"
ERASED_TEXT = "[erased]"
# A young person's record must keep a date of birth (a database constraint); this one is no one's.
ERASED_BIRTH_DATE = date(1900, 1, 1)
ERASED_KEY_PREFIX = "erased:"
# Reserved by RFC 2606: an address that can never receive mail. Each one is unique so the
# one-nomination-per-nominator constraint still holds.
ERASED_EMAIL_DOMAIN = "erased.invalid"
ERASURE_WITHDRAW_REASON = "The young person's personal data was erased on request."
RETENTION_ACTOR = "retention"


class DataProtectionError(ServiceError):
    status_code = 409


def _actor_label(actor) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return RETENTION_ACTOR if actor is None else "system"


def _user_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def is_erased(nominee: Nominee) -> bool:
    return nominee.match_key.startswith(ERASED_KEY_PREFIX)


# --- selectors ---------------------------------------------------------------------------------


def organised_programme_ids(user) -> list[int]:
    return programme_ids_with_role(user, Role.ORGANISER)


def nominees_for_data_protection(user) -> QuerySet[Nominee]:
    """Records an organiser may act on: those of the programmes they organise (not allocated
    staff, who may read identity but do not answer requests or erase)."""
    return Nominee.objects.filter(programme_id__in=organised_programme_ids(user))


def identity_accesses_visible_to(user) -> QuerySet[IdentityAccess]:
    return IdentityAccess.objects.filter(nominee__programme_id__in=organised_programme_ids(user))


def subject_access_requests_visible_to(user) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(programme_id__in=organised_programme_ids(user))


@dataclass
class Holdings:
    """How much is held about one person, for the person's page and the erasure check."""

    nominations: int
    withdrawable: int
    consents: int
    invitations: int
    revocable: int
    guests: int
    accesses: int


def _withdrawable(nomination: Nomination, today: date) -> bool:
    event_date = nomination.programme.event_date
    return NominationStatus.WITHDRAWN in ALLOWED_TRANSITIONS[nomination.status] and not (event_date and today > event_date)


def _revocable(invitation: Invitation, now) -> bool:
    return invitation.status not in (InvitationStatus.REVOKED, InvitationStatus.EXPIRED) and now < invitation.event.ends_at


def person_holdings(family: list[Nominee]) -> Holdings:
    ids = [n.pk for n in family]
    nominations = list(Nomination.objects.filter(nominee_id__in=ids).select_related("programme"))
    invitations = list(Invitation.objects.filter(nomination__in=nominations).select_related("event"))
    today, now = timezone.localdate(), timezone.now()
    return Holdings(
        nominations=len(nominations),
        withdrawable=sum(_withdrawable(n, today) for n in nominations),
        consents=Consent.objects.filter(nominee_id__in=ids).count(),
        invitations=len(invitations),
        revocable=sum(_revocable(i, now) for i in invitations),
        guests=Guest.objects.filter(invitation__in=invitations).count(),
        accesses=IdentityAccess.objects.filter(nominee_id__in=ids).count(),
    )


# --- the anonymisation plan --------------------------------------------------------------------

# What the counts are called in reports, by model: one, several.
CHANGE_LABELS = {
    Nominee: ("young person's record", "young people's records"),
    Consent: ("consent (who gave it)", "consents (who gave them)"),
    Nomination: ("nomination (nominator and statements)", "nominations (nominator and statements)"),
    NomineeGroup: ("group name", "group names"),
    Invitation: ("invitation", "invitations"),
    Guest: ("guest", "guests"),
    Review: ("panel comment", "panel comments"),
    Conflict: ("conflict reason", "conflict reasons"),
    PanelMember: ("panel member's care details", "panel members' care details"),
    SubjectAccessRequest: ("subject access copy", "subject access copies"),
    EmailDelivery: ("e-mail error message", "e-mail error messages"),
    RunningOrderItem: ("running order item", "running order items"),
    NominationHistory: ("nomination history entry", "nomination history entries"),
    NomineeHistory: ("record history entry", "record history entries"),
    InvitationHistory: ("invitation history entry", "invitation history entries"),
    ShortlistHistory: ("shortlist history entry", "shortlist history entries"),
    SubjectAccessRequestHistory: ("subject access history entry", "subject access history entries"),
}
LINKS_LABEL = ("private RSVP link (deleted)", "private RSVP links (deleted)")
OWN_LINKS_LABEL = ("young person's own link (deleted)", "young people's own links (deleted)")
OUTBOX_LABEL = ("unsent e-mail (deleted)", "unsent e-mails (deleted)")


def _label(labels: tuple[str, str], count: int) -> str:
    return labels[0] if count == 1 else labels[1]


_PLACEHOLDER_NAMES = {ERASED_NAME.casefold(), ERASED_TEXT.casefold(), "erased"}


class Scrubber:
    """Hides the given names (every form, as blind review does) and literal strings (e-mail
    addresses, phone numbers) in free text. Results are remembered: history reasons repeat."""

    def __init__(self, names: Iterable[str] = (), literals: Iterable[str] = ()):
        self.names = sorted({n.strip() for n in names if n and n.strip() and n.strip().casefold() not in _PLACEHOLDER_NAMES})
        wanted = {s.strip() for s in literals if s and len(s.strip()) >= 5 and not s.strip().endswith("@" + ERASED_EMAIL_DOMAIN)}
        alternatives = "|".join(re.escape(s) for s in sorted(wanted, key=len, reverse=True))
        # Whole words only: an area called "North" must not eat the start of "Northtown".
        self.literals = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if wanted else None
        self._seen: dict[str, str] = {}

    def text(self, value: str) -> str:
        if not value or (not self.names and self.literals is None):
            return value
        if value not in self._seen:
            scrubbed = self.literals.sub(ERASED_TEXT, value) if self.literals is not None else value
            self._seen[value] = redact(scrubbed, self.names, placeholder=ERASED_TEXT) if self.names else scrubbed
        return self._seen[value]

    def json(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.json(item) for key, item in value.items()}
        return value


class Plan:
    """The changes an anonymisation would make, in memory until `save()`."""

    def __init__(self, scrubber: Scrubber, own: Scrubber | None = None):
        self.scrubber = scrubber
        # For text shared with other young people (group statements, running order): only the
        # person's own names are hidden there.
        self.own = own or scrubber
        self._changed: dict[type, dict[int, tuple[models.Model, set[str]]]] = defaultdict(dict)
        self._deletes: list[tuple[tuple[str, str], QuerySet, int]] = []
        self._side_updates: list[tuple[QuerySet, dict]] = []

    def set(self, obj: models.Model, **values) -> None:
        fields = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in fields:
            setattr(obj, name, values[name])
        if fields:
            entry = self._changed[type(obj)].setdefault(obj.pk, (obj, set()))
            entry[1].update(fields)

    def scrub(self, obj: models.Model, *names: str, own: bool = False) -> None:
        scrubber = self.own if own else self.scrubber
        values = {}
        for name in names:
            value = getattr(obj, name)
            values[name] = scrubber.text(value) if isinstance(value, str) else scrubber.json(value)
        self.set(obj, **values)

    def delete(self, label: tuple[str, str], queryset: QuerySet) -> None:
        count = queryset.count()
        if count:
            self._deletes.append((label, queryset, count))

    def update_others(self, queryset: QuerySet, **values) -> None:
        """A change to rows outside the scope that follows from it (not counted, no history)."""
        self._side_updates.append((queryset, values))

    def changed(self, model: type) -> list[models.Model]:
        return [obj for obj, _ in self._changed.get(model, {}).values()]

    def counts(self) -> dict[str, int]:
        result = {}
        for model, entries in self._changed.items():
            if entries:
                result[_label(CHANGE_LABELS[model], len(entries))] = len(entries)
        for labels, _, count in self._deletes:
            result[_label(labels, count)] = count
        return result

    def is_empty(self) -> bool:
        return not any(self._changed.values()) and not self._deletes

    def save(self) -> None:
        now = timezone.now()
        for model, entries in self._changed.items():
            by_fields: dict[frozenset[str], list[models.Model]] = defaultdict(list)
            for obj, names in entries.values():
                if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                    obj.updated_at = now
                    names = names | {"updated_at"}
                by_fields[frozenset(names)].append(obj)
            for names, objs in by_fields.items():
                model.objects.bulk_update(objs, sorted(names), batch_size=500)
        for _, queryset, _ in self._deletes:
            queryset.delete()
        for queryset, values in self._side_updates:
            queryset.update(**values)


def _person_names(nominee: Nominee) -> list[str]:
    return [nominee.legal_first_name, nominee.legal_last_name, nominee.preferred_name]


def _erase_nominee(plan: Plan, nominee: Nominee) -> None:
    plan.set(
        nominee,
        legal_first_name=ERASED_NAME,
        legal_last_name=ERASED_NAME,
        preferred_name="",
        say_first_name="",
        say_last_name="",
        chosen_name="",
        date_of_birth=ERASED_BIRTH_DATE if nominee.kind == PersonKind.YOUNG_PERSON else None,
        area="",
        allocated_worker_id=None,
        allocated_worker_name="",
        publicity_level=PublicityLevel.ANONYMOUS,
        photography_allowed=False,
        safeguarding_notes="",
        safe_contact_email="",
        own_publicity_level="",
        own_photos="",
        match_key=f"{ERASED_KEY_PREFIX}{nominee.pk}",
        alias_key=f"{ERASED_KEY_PREFIX}{nominee.pk}",
        possible_duplicate_of_id=None,
    )


def _erase_nomination(plan: Plan, nomination: Nomination) -> None:
    plan.set(
        nomination,
        nominator_name=ERASED_NAME,
        nominator_email=f"nomination-{nomination.pk}@{ERASED_EMAIL_DOMAIN}",
        nominator_phone="",
        nominator_organisation="",
        nominator_user_id=None,
        achievement=ERASED_TEXT,
        why_it_matters=ERASED_TEXT,
        anything_else="",
        access_token_hash="",
    )


def _erase_invitation(plan: Plan, invitation: Invitation) -> None:
    plan.set(
        invitation,
        addressee_name=ERASED_NAME,
        addressee_email=f"invitation-{invitation.pk}@{ERASED_EMAIL_DOMAIN}",
        young_person_email="",
        invitee_name=ERASED_NAME if invitation.kind != InvitationKind.FINALIST else "",
        title="",
        quote="",
        quote_approved_at=None,
        quote_approved_by_id=None,
    )


def _erase_guest(plan: Plan, guest: Guest) -> None:
    # Food and access needs can reveal health and religion: they go with the name.
    plan.set(guest, name=ERASED_NAME, dietary=[], dietary_other="", access_needs=[], access_other="")


def _erase_request(plan: Plan, request: SubjectAccessRequest, now) -> None:
    # The request stays (who asked in what capacity, who reviewed and released it, when); the
    # copy of the data and the requester's name and notes go.
    if request.data_erased_at is None:
        plan.set(request, data={}, requester_name="", notes="", data_erased_at=now)
    plan.scrub(request, "withheld_reason")


def _identifying(nominees, consents, nominations, invitations, guests) -> tuple[list[str], list[str]]:
    names: list[str] = []
    literals: list[str] = []
    for nominee in nominees:
        names += _person_names(nominee)
        names.append(nominee.allocated_worker_name)
        literals.append(nominee.area)
    names += [c.given_by_name for c in consents]
    for nomination in nominations:
        names.append(nomination.nominator_name)
        literals += [nomination.nominator_email, nomination.nominator_phone, nomination.nominator_organisation]
    for invitation in invitations:
        names += [invitation.addressee_name, invitation.invitee_name]
        literals += [invitation.addressee_email, invitation.young_person_email]
    # The finalist's own line carries their announce name, which comes from the names above (or is
    # "A young person from our care", whose words must not be hidden everywhere).
    names += [g.name for g in guests if g.relationship != GuestRelationship.FINALIST]
    return names, literals


def _plan_shared(plan: Plan, *, nominees, consents, nominations, invitations, guests, nominee_ids, nomination_ids, invitation_ids) -> None:
    """What erasure and retention both do, given the rows in scope."""
    now = timezone.now()
    for nominee in nominees:
        _erase_nominee(plan, nominee)
    for consent in consents:
        plan.set(consent, given_by_name="")
    for nomination in nominations:
        _erase_nomination(plan, nomination)
    for invitation in invitations:
        _erase_invitation(plan, invitation)
    for guest in guests:
        _erase_guest(plan, guest)
    # Another record flagged as a look-alike of an erased one has nothing left to compare with.
    plan.update_others(
        Nominee.objects.filter(possible_duplicate_of_id__in=nominee_ids).exclude(pk__in=nominee_ids), possible_duplicate_of=None
    )
    for conflict in Conflict.objects.filter(nominee_id__in=nominee_ids).exclude(reason=""):
        plan.set(conflict, reason="")
    for review in Review.objects.filter(assignment__nomination_id__in=nomination_ids).exclude(comment=""):
        plan.set(review, comment="")
    for request in SubjectAccessRequest.objects.filter(nominee_id__in=nominee_ids):
        _erase_request(plan, request, now)
    for delivery in EmailDelivery.objects.filter(invitation__in=invitation_ids).exclude(last_error=""):
        plan.set(delivery, last_error="")
    plan.delete(LINKS_LABEL, InvitationLink.objects.filter(invitation_id__in=invitation_ids))
    plan.delete(OWN_LINKS_LABEL, CelebrationLink.objects.filter(invitation_id__in=invitation_ids))
    plan.delete(OUTBOX_LABEL, EmailDelivery.objects.filter(invitation__in=invitation_ids, status=DeliveryStatus.PENDING))

    # The audit trail stays: only names and addresses are taken out of its free text.
    for entry in NominationHistory.objects.filter(nomination_id__in=nomination_ids).exclude(reason=""):
        plan.scrub(entry, "reason")
    for entry in NomineeHistory.objects.filter(nominee_id__in=nominee_ids):
        plan.scrub(entry, "detail")
    for entry in InvitationHistory.objects.filter(invitation_id__in=invitation_ids):
        plan.scrub(entry, "detail")
    for entry in SubjectAccessRequestHistory.objects.filter(request__nominee_id__in=nominee_ids):
        plan.scrub(entry, "detail")
    categories = {n.category_id for n in nominations}
    for entry in ShortlistHistory.objects.filter(shortlist__category_id__in=categories):
        plan.scrub(entry, "reason", "detail", own=True)


def _plan_person(family: list[Nominee]) -> Plan:
    ids = [n.pk for n in family]
    nominees = list(Nominee.objects.filter(pk__in=ids).order_by("pk"))
    consents = list(Consent.objects.filter(nominee_id__in=ids))
    nominations = list(Nomination.objects.filter(nominee_id__in=ids).order_by("pk"))
    invitations = list(Invitation.objects.filter(nomination__in=nominations).order_by("pk"))
    guests = list(Guest.objects.filter(invitation__in=invitations))
    names, literals = _identifying(nominees, consents, nominations, invitations, guests)
    own = [name for nominee in nominees for name in _person_names(nominee)]
    plan = Plan(Scrubber(names, literals), own=Scrubber(own))
    _plan_shared(
        plan,
        nominees=nominees,
        consents=consents,
        nominations=nominations,
        invitations=invitations,
        guests=guests,
        nominee_ids=ids,
        nomination_ids=[n.pk for n in nominations],
        invitation_ids=[i.pk for i in invitations],
    )
    # Group nominations are other young people's too: only this person's names leave them.
    for nomination in Nomination.objects.filter(group__members__in=ids).distinct().select_related("group"):
        plan.scrub(nomination, "achievement", "why_it_matters", "anything_else", own=True)
        plan.scrub(nomination.group, "name", own=True)
    programme_ids = {n.programme_id for n in nominees}
    for item in RunningOrderItem.objects.filter(event__programme_id__in=programme_ids):
        # An award's title is its category's name, a result that stays.
        plan.scrub(item, *(("notes",) if item.kind == ItemKind.AWARD else ("title", "notes")), own=True)
    return plan


def _plan_programme(programme: Programme) -> Plan:
    nominees = list(Nominee.objects.filter(programme=programme).order_by("pk"))
    ids = [n.pk for n in nominees]
    consents = list(Consent.objects.filter(nominee_id__in=ids))
    nominations = list(Nomination.objects.filter(programme=programme).order_by("pk"))
    invitations = list(Invitation.objects.filter(event__programme=programme).order_by("pk"))
    # Walk-ins at the door have no invitation: every guest of the event goes.
    guests = list(Guest.objects.filter(event__programme=programme))
    groups = list(NomineeGroup.objects.filter(programme=programme))
    members = list(PanelMember.objects.filter(panel__programme=programme))
    names, literals = _identifying(nominees, consents, nominations, invitations, guests)
    names += [m.carer_name for m in members]
    plan = Plan(Scrubber(names, literals))
    _plan_shared(
        plan,
        nominees=nominees,
        consents=consents,
        nominations=nominations,
        invitations=invitations,
        guests=guests,
        nominee_ids=ids,
        nomination_ids=[n.pk for n in nominations],
        invitation_ids=[i.pk for i in invitations],
    )
    for group in groups:
        plan.set(group, name=ERASED_NAME)
    for member in members:
        plan.set(member, carer_name="", area="", allocated_worker_id=None)
    for item in RunningOrderItem.objects.filter(event__programme=programme):
        plan.set(item, notes="")
        if item.kind != ItemKind.AWARD:  # an award's title is its category's name, a result that stays
            plan.scrub(item, "title")
    return plan


def _write_history(plan: Plan, *, actor, action: str, reason: str) -> None:
    """One entry on each record, nomination and invitation the plan changed."""
    user, label = _user_or_none(actor), _actor_label(actor)
    NomineeHistory.objects.bulk_create(
        NomineeHistory(nominee=n, action=f"data_protection.nominee.{action}", actor=user, actor_label=label, detail={"reason": reason})
        for n in plan.changed(Nominee)
    )
    NominationHistory.objects.bulk_create(
        NominationHistory(nomination=n, action=f"data_protection.nomination.{action}", actor=user, actor_label=label, reason=reason)
        for n in plan.changed(Nomination)
    )
    InvitationHistory.objects.bulk_create(
        InvitationHistory(
            invitation=i, action=f"data_protection.invitation.{action}", from_status=i.status, to_status=i.status,
            actor=user, actor_label=label, detail={"reason": reason},
        )
        for i in plan.changed(Invitation)
    )  # fmt: skip
    SubjectAccessRequestHistory.objects.bulk_create(
        SubjectAccessRequestHistory(request=r, action=f"data_protection.request.data_{action}", actor=user, actor_label=label)
        for r in plan.changed(SubjectAccessRequest)
    )


# --- erasure on request ------------------------------------------------------------------------


@dataclass
class ErasureResult:
    changed: bool
    counts: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0
    revoked: int = 0


def nominee_erasure_preview(*, nominee: Nominee) -> dict[str, int]:
    """What erasing this person would change (counted, nothing written)."""
    return _plan_person(person_records(nominee)).counts()


def nominee_erase(*, nominee: Nominee, actor, reason: str) -> ErasureResult:
    """Erase one young person's personal data on request: their record (and every record merged
    into it), the nominators' details and statements of their nominations, their invitations and
    the guests who came with them; their names and addresses are taken out of the history.

    Guarantees: organisers of the programme only, with a reason; all or nothing; the audit trail
    stays (history rows are kept, each changed record gets an "erased" entry with who and why);
    before the event their nominations are withdrawn and their invitations revoked, after it
    statuses and results stay; a second run finds nothing to change and writes nothing.
    """
    if not is_organiser(actor, nominee.programme_id):
        raise NotAllowed("Only organisers of this programme can erase a young person's data.")
    reason = reason.strip()
    if not reason:
        raise DataProtectionError("Say why the data is being erased, for example who asked and when.", field="reason")
    with transaction.atomic():
        family = person_records(nominee)
        ids = [n.pk for n in family]
        list(Nominee.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        today, now = timezone.localdate(), timezone.now()
        withdrawn = revoked = 0
        for nomination in Nomination.objects.filter(nominee_id__in=ids).select_related("programme").order_by("pk"):
            if _withdrawable(nomination, today):
                nomination_transition(
                    nomination=nomination, to=NominationStatus.WITHDRAWN, actor=actor, reason=ERASURE_WITHDRAW_REASON, authorised=True
                )
                withdrawn += 1
        for invitation in Invitation.objects.filter(nomination__nominee_id__in=ids).select_related("event").order_by("pk"):
            if _revocable(invitation, now):
                invitation_revoke(invitation=invitation, actor=actor, reason=ERASURE_WITHDRAW_REASON)
                revoked += 1
        plan = _plan_person(family)
        if plan.is_empty() and not (withdrawn or revoked):
            return ErasureResult(changed=False)
        # The reason stays in the history: it must not name them either.
        kept_reason = plan.scrubber.text(reason)
        counts = plan.counts()
        plan.save()
        _write_history(plan, actor=actor, action="erased", reason=kept_reason)
        if not plan.changed(Nominee):
            # Something new was erased from a record erased before: still say who and why.
            NomineeHistory.objects.create(
                nominee_id=family[0].pk,
                action="data_protection.nominee.erased",
                actor=_user_or_none(actor),
                actor_label=_actor_label(actor),
                detail={"reason": kept_reason},
            )
    return ErasureResult(changed=True, counts=counts, withdrawn=withdrawn, revoked=revoked)


# --- retention ---------------------------------------------------------------------------------


def retention_months() -> int:
    return int(getattr(settings, "PROUD_RETENTION_MONTHS", 12))


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the last day of the month when it has fewer)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def programmes_due_for_retention(*, months: int, today: date | None = None) -> QuerySet[Programme]:
    """Programmes whose event was more than `months` months ago: the programme's event date, or
    when that was never filled in, the day its celebration event ended."""
    cutoff = months_before(today or timezone.localdate(), months)
    start_of_cutoff = timezone.make_aware(datetime.combine(cutoff, time.min))
    return (
        Programme.objects.filter(
            Q(event_date__lt=cutoff) | Q(event_date__isnull=True, event__ends_at__lt=start_of_cutoff)
        )
        .select_related("event")
        .order_by("event_date", "pk")
    )


def retention_date(programme: Programme) -> date | None:
    """The date retention runs from (see programmes_due_for_retention)."""
    if programme.event_date is not None:
        return programme.event_date
    event = getattr(programme, "event", None)
    return timezone.localdate(event.ends_at) if event is not None else None


@dataclass
class RetentionReport:
    programme: Programme
    counts: dict[str, int]

    @property
    def event_date(self) -> date | None:
        return retention_date(self.programme)

    @property
    def changed(self) -> bool:
        return bool(self.counts)


def retention_apply(*, months: int | None = None, dry_run: bool = False, today: date | None = None) -> list[RetentionReport]:
    """Anonymise the personal data of every programme whose event was more than `months` months
    ago (default: settings.PROUD_RETENTION_MONTHS), keeping counts and results: nominations with
    their category and status, consents' answers, scores, invitations' statuses and the number of
    guests. Each programme is all or nothing; a dry run counts and writes nothing; a programme
    already anonymised has nothing left to change."""
    months = retention_months() if months is None else months
    if months < 0:
        raise DataProtectionError("The number of months cannot be negative.", field="months")
    reports = []
    for programme in programmes_due_for_retention(months=months, today=today):
        with transaction.atomic():
            plan = _plan_programme(programme)
            counts = plan.counts()
            if not dry_run and not plan.is_empty():
                plan.save()
                reason = f"Retention: personal data anonymised {months} months after the event on {retention_date(programme):%-d %B %Y}."
                _write_history(plan, actor=None, action="anonymised", reason=reason)
        reports.append(RetentionReport(programme=programme, counts=counts))
    return reports


# --- subject access requests -------------------------------------------------------------------


def _request_history(request: SubjectAccessRequest, action: str, actor, **detail) -> None:
    SubjectAccessRequestHistory.objects.create(
        request=request,
        action=f"data_protection.request.{action}",
        actor=_user_or_none(actor),
        actor_label=_actor_label(actor),
        detail=detail,
    )


def subject_access_request_create(
    *, nominee: Nominee, actor, requester_name: str, requester_relationship: str, notes: str = ""
) -> SubjectAccessRequest:
    """Record a request for everything held about one young person and gather it now. It waits
    for an organiser's review before anything can be released."""
    if not is_organiser(actor, nominee.programme_id):
        raise NotAllowed("Only organisers of this programme can answer a subject access request.")
    if requester_relationship not in RequesterRelationship.values:
        raise DataProtectionError("Say who is asking.", field="requester_relationship")
    root = person_records(nominee)[0]
    if is_erased(root):
        raise DataProtectionError("This young person's data has been erased: there is nothing held to release.")
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            programme_id=root.programme_id,
            nominee=root,
            requester_name=requester_name.strip(),
            requester_relationship=requester_relationship,
            notes=notes.strip(),
            data=subject_access_gather(root),
            gathered_at=timezone.now(),
            created_by=_user_or_none(actor),
            created_by_label=_actor_label(actor),
        )
        _request_history(request, "created", actor)
        # The programme's organisers are told a request waits for review (no name in the message).
        email_queue(
            kind=EmailKind.SUBJECT_ACCESS, about=request, key=f"subject_access:{request.pk}", programme_id=request.programme_id
        )
    return request


def subject_access_request_review(
    *, request: SubjectAccessRequest, actor, withheld_parts: Iterable[str] = (), reason: str = ""
) -> SubjectAccessRequest:
    """An organiser has read what was gathered and marks it reviewed, withholding the parts named
    (with the reason, which the requester is told). Only then can it be released. Final: to
    change what is withheld, make a new request."""
    if not is_organiser(actor, request.programme_id):
        raise NotAllowed("Only organisers of this programme can review a subject access request.")
    parts = list(dict.fromkeys(withheld_parts))
    unknown = [p for p in parts if p not in WITHHOLDABLE_PARTS]
    if unknown:
        raise DataProtectionError(f"'{unknown[0]}' is not a part that can be withheld.", field="withheld_parts")
    reason = reason.strip()
    if parts and not reason:
        raise DataProtectionError("Say why these parts are withheld; the person who asked is told.", field="reason")
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.data_erased_at is not None:
            raise DataProtectionError("The young person's data has been erased since this request was made.")
        if locked.status != SubjectAccessStatus.AWAITING_REVIEW:
            raise DataProtectionError("This request has already been reviewed.")
        locked.status = SubjectAccessStatus.REVIEWED
        locked.withheld_parts = parts
        locked.withheld_reason = reason if parts else ""
        locked.reviewed_by = _user_or_none(actor)
        locked.reviewed_by_label = _actor_label(actor)
        locked.reviewed_at = timezone.now()
        locked.save(
            update_fields=["status", "withheld_parts", "withheld_reason", "reviewed_by", "reviewed_by_label", "reviewed_at"]
        )
        _request_history(locked, "reviewed", actor, withheld=parts)
    return locked


def subject_access_release(*, request: SubjectAccessRequest, actor, file_format: str) -> dict:
    """What is released to the requester, once reviewed; each download is recorded on the request
    and in the identity access log."""
    if not is_organiser(actor, request.programme_id):
        raise NotAllowed("Only organisers of this programme can release a subject access export.")
    request = SubjectAccessRequest.objects.select_related("programme").get(pk=request.pk)
    if request.data_erased_at is not None:
        raise DataProtectionError("The young person's data has been erased since this request was made: there is nothing to release.")
    if request.status != SubjectAccessStatus.REVIEWED:
        raise DataProtectionError("This request has not been reviewed yet: review it before it can be downloaded.")
    with transaction.atomic():
        _request_history(request, "downloaded", actor, format=file_format)
        identity_access_record(user=actor, nominee_ids=[request.nominee_id], context=f"data_protection.request.{file_format}")
    return release_data(request)
