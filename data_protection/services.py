"""Data protection: the access log for organisers, subject access requests, erasure of one young
person on request, and retention (DESIGN.md rules 6 and 7).

Everything about one young person spans every app, so these services live in data_protection,
which may read them all; what each app holds is declared next to its models (`<app>.personal_data`,
found by data_protection.declarations). Reads that decide who sees what are the selectors at the
top; every write is a service below that checks who acts, runs in one transaction and leaves
history.

Erasure and retention share one anonymisation (data_protection.erasure), built from the
declarations as a plan before anything is written: the plan sets each personal field to its erased
value and takes the names, e-mail addresses and phone numbers out of the free text that stays
(history reasons and details) with the name matcher, so

- a dry run is the same plan, counted and not saved;
- running again finds nothing left to change, and writes nothing (no new history either);
- what stays is what the reports and the audit trail need: records and their ids, programme,
  category, statuses, cohort and kind, consent purposes and answers, scores, seats, who did what
  and when.

Every erasure is recorded in the erasure register (ErasureRecord: an id and a keyed fingerprint),
which `restore_database` applies again after a restore.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from awards.enums import Role
from awards.models import Programme
from awards.rules import is_organiser, programme_ids_with_role
from events.enums import InvitationStatus
from events.models import (
    Guest,
    Invitation,
    InvitationHistory,
    RunningOrderItem,
)
from events.services import invitation_revoke
from mail.enums import EmailKind
from mail.errors import NotAllowed, ServiceError
from mail.models import EmailDelivery
from mail.services import email_queue
from nominations.enums import (
    ALLOWED_TRANSITIONS,
    NominationStatus,
)
from nominations.models import (
    Consent,
    IdentityAccess,
    Nomination,
    NominationHistory,
    Nominee,
    NomineeGroup,
    NomineeHistory,
)
from nominations.services import identity_access_record, nomination_transition
from shortlisting.models import Conflict, PanelMember, Review, ShortlistHistory

from .enums import RequesterRelationship, SubjectAccessStatus
from .erasure import ChangeLine, Plan, person_plan, programme_plan
from .export import (
    WITHHOLDABLE_PARTS,
    person_records,
    release_data,
    subject_access_gather,
    text_lines,
)
from .models import ErasureRecord, SubjectAccessRequest, SubjectAccessRequestHistory

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
RESTORE_ACTOR = "restore"
REAPPLY_REASON = "An erasure recorded in the erasure register, applied again after the database was restored."


class DataProtectionError(ServiceError):
    status_code = 409


def _actor_label(actor, default: str = RETENTION_ACTOR) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return default if actor is None else "system"


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
OUTBOX_LABEL = ("unsent e-mail (deleted)", "unsent e-mails (deleted)")


def _label(labels: tuple[str, str], count: int) -> str:
    return labels[0] if count == 1 else labels[1]


def _write_history(plan: Plan, *, actor, action: str, reason: str, label: str = "") -> None:
    """One entry on each record, nomination and invitation the plan changed."""
    user, label = _user_or_none(actor), label or _actor_label(actor)
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
    plan, _ = person_plan(person_records(nominee))
    return plan.counts(CHANGE_LABELS)


def nominee_erasure_changes(*, nominee: Nominee) -> list[ChangeLine]:
    """Every record and field erasing this person would change, with the value before and after
    (nothing written): what the organiser checks before they erase."""
    plan, _ = person_plan(person_records(nominee))
    return plan.lines()


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
        return _erase_family(person_records(nominee), actor=actor, reason=reason)


def _erase_family(family: list[Nominee], *, actor, reason: str, label: str = "") -> ErasureResult:
    ids = [n.pk for n in family]
    list(Nominee.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    _register(family)
    today, now = timezone.localdate(), timezone.now()
    withdrawn = revoked = 0
    if actor is not None:  # a re-applied erasure leaves statuses as they were (its links and e-mails go)
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
    plan, eraser = person_plan(family)
    if plan.is_empty() and not (withdrawn or revoked):
        return ErasureResult(changed=False)
    # The reason stays in the history: it must not name them either.
    kept_reason = eraser.text(reason, linked=True, own=True)
    counts = plan.counts(CHANGE_LABELS)
    plan.save()
    _write_history(plan, actor=actor, action="erased", reason=kept_reason, label=label)
    if not plan.changed(Nominee):
        # Something new was erased from a record erased before: still say who and why.
        NomineeHistory.objects.create(
            nominee_id=family[0].pk,
            action="data_protection.nominee.erased",
            actor=_user_or_none(actor),
            actor_label=label or _actor_label(actor),
            detail={"reason": kept_reason},
        )
    return ErasureResult(changed=True, counts=counts, withdrawn=withdrawn, revoked=revoked)


# --- the erasure register ----------------------------------------------------------------------


def nominee_fingerprint(nominee: Nominee) -> str:
    """A one-way fingerprint of who a record is: a keyed hash (HMAC-SHA256 with
    PROUD_ERASURE_KEY, else SECRET_KEY) of its id, legal names and date of birth. Names and dates
    are few enough to guess, so a plain hash would be personal data; a keyed one is not."""
    key = (getattr(settings, "PROUD_ERASURE_KEY", "") or settings.SECRET_KEY).encode()
    born = nominee.date_of_birth.isoformat() if nominee.date_of_birth else ""
    message = "|".join((str(nominee.pk), nominee.legal_first_name.strip().casefold(), nominee.legal_last_name.strip().casefold(), born))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _register(family: list[Nominee]) -> None:
    """Record the erasure of each record not erased yet, in the table and, when
    PROUD_ERASURE_REGISTER names a file, in that file too (outside the database, so a restore of
    the database cannot lose it)."""
    now = timezone.now()
    entries = [
        ErasureRecord(nominee_id=n.pk, fingerprint=nominee_fingerprint(n), erased_at=now)
        for n in Nominee.objects.filter(pk__in=[n.pk for n in family]).order_by("pk")
        if not is_erased(n)
    ]
    ErasureRecord.objects.bulk_create(entries, ignore_conflicts=True)
    path = getattr(settings, "PROUD_ERASURE_REGISTER", "")
    if path and entries:
        lines = "".join(
            json.dumps({"nominee_id": e.nominee_id, "fingerprint": e.fingerprint, "erased_at": e.erased_at.isoformat()}) + "\n"
            for e in entries
        )
        transaction.on_commit(lambda: _append(path, lines))


def _append(path: str, lines: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as register:
        register.write(lines)


def erasure_register_file_entries() -> list[dict]:
    """The erasures recorded in the register file (PROUD_ERASURE_REGISTER), if one is set."""
    path = getattr(settings, "PROUD_ERASURE_REGISTER", "")
    if not path:
        return []
    try:
        with open(path) as register:
            return [json.loads(line) for line in register if line.strip()]
    except FileNotFoundError:
        return []


def erasure_register_entries() -> list[dict]:
    """Every erasure recorded: the table's and the register file's (when one is set)."""
    entries = {
        (e.nominee_id, e.fingerprint): {"nominee_id": e.nominee_id, "fingerprint": e.fingerprint, "erased_at": e.erased_at.isoformat()}
        for e in ErasureRecord.objects.all()
    }
    for entry in erasure_register_file_entries():
        entries.setdefault((entry["nominee_id"], entry["fingerprint"]), entry)
    return sorted(entries.values(), key=lambda e: (e["erased_at"], e["nominee_id"]))


@dataclass
class ReapplyReport:
    reapplied: int = 0  # erased again
    already: int = 0  # still erased in the restored data
    absent: int = 0  # no such record in the restored data (made after the backup)
    different: int = 0  # the id now holds someone else: left alone


def erasures_reapply(entries: Iterable[dict]) -> ReapplyReport:
    """Apply again every erasure in `entries` (from the register) to the data as it is now, after
    a restore: each record that is still the person the fingerprint was taken of is erased again;
    the entries go back into the register. All or nothing."""
    report = ReapplyReport()
    with transaction.atomic():
        for entry in entries:
            ErasureRecord.objects.get_or_create(
                nominee_id=entry["nominee_id"],
                fingerprint=entry["fingerprint"],
                defaults={"erased_at": datetime.fromisoformat(entry["erased_at"])},
            )
            nominee = Nominee.objects.filter(pk=entry["nominee_id"]).first()
            if nominee is None:
                report.absent += 1
            elif is_erased(nominee):
                report.already += 1
            elif not hmac.compare_digest(nominee_fingerprint(nominee), entry["fingerprint"]):
                report.different += 1
            else:
                _erase_family(person_records(nominee), actor=None, reason=REAPPLY_REASON, label=RESTORE_ACTOR)
                report.reapplied += 1
    return report


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
            plan, _ = programme_plan([programme.pk])
            counts = plan.counts(CHANGE_LABELS)
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
            data=subject_access_gather(root, requester_relationship),
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
    *, request: SubjectAccessRequest, actor, withheld_parts: Iterable[str] = (), reason: str = "", withheld_lines: Iterable[str] = ()
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
    lines = list(dict.fromkeys(withheld_lines))
    known = {key for key, _, _ in text_lines(request.data)}
    if any(line not in known for line in lines):
        raise DataProtectionError("One of the lines chosen is not in this export.", field="withheld_lines")
    reason = reason.strip()
    if (parts or lines) and not reason:
        raise DataProtectionError("Say why these parts are withheld; the person who asked is told.", field="reason")
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.data_erased_at is not None:
            raise DataProtectionError("The young person's data has been erased since this request was made.")
        if locked.status != SubjectAccessStatus.AWAITING_REVIEW:
            raise DataProtectionError("This request has already been reviewed.")
        locked.status = SubjectAccessStatus.REVIEWED
        locked.withheld_parts = parts
        locked.withheld_lines = lines
        locked.withheld_reason = reason if parts or lines else ""
        locked.reviewed_by = _user_or_none(actor)
        locked.reviewed_by_label = _actor_label(actor)
        locked.reviewed_at = timezone.now()
        locked.save(
            update_fields=[
                "status", "withheld_parts", "withheld_lines", "withheld_reason", "reviewed_by", "reviewed_by_label", "reviewed_at"
            ]
        )  # fmt: skip
        _request_history(locked, "reviewed", actor, withheld=parts, withheld_lines=len(lines))
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
