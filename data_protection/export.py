"""A subject-access export: everything held about one young person, gathered from every app.

`subject_access_gather` reads it once, when the request is made, into plain JSON (what the
reviewer reviews is exactly what is released). `withhold` replaces the parts the reviewer chose
to withhold with a marker, `release_sheets` lays the released data out as sheets, and
`SubjectAccessExporter` writes those through the safe cell writer; the review page shows the same
sheets as tables.

What is in it, and what is not:

- the young person's record (and every record merged into it: the same person), consents,
  safeguarding, the history of the record and the log of who read it;
- their nominations (and group nominations they are part of) with the nominators' details, the
  statements and their history;
- the panel's view: per nomination, how many members reviewed it and each review's weighted
  total, and the members' comments, but never which member gave which: scores are opinions about
  the nomination that the young person may see, while who holds which opinion is the members'
  own data;
- conflicts of interest on their record: the panel and the kind of conflict, not the member or
  the member's private reason (another person's data, often another care-experienced young
  person's);
- their invitations with the guests who came with them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from events.enums import AccessNeed, Dietary, GuestRelationship
from events.models import Guest, Invitation, InvitationHistory
from events.selectors import guest_name
from nominations.enums import NominationStatus
from nominations.models import (
    Consent,
    IdentityAccess,
    Nomination,
    NominationHistory,
    Nominee,
    NomineeHistory,
)
from nominations.naming import Audience, announce_name, name_forms
from nominations.outcomes import SEALED, outcomes_announced, status_shown_label
from nominations.redaction import name_spans, redact
from nominations.spreadsheets import (
    Column,
    MultiSheetExporter,
    SheetSpec,
    safe_filename,
)
from shortlisting.enums import ReviewStatus
from shortlisting.models import Conflict, PanelMember, Review

from .declarations import declarations
from .enums import RequesterRelationship
from .erasure import person_scope, rows_naming
from .models import SubjectAccessRequest
from .words import code_words

EXPORT_FORMAT = "PROUD subject access export"
EXPORT_VERSION = 2
WITHHELD = "[withheld]"
# Another person's name in free text: a group member, a guest, a carer, a panel member.
SOMEONE_ELSE = "[someone else]"


# --- the parts a reviewer may withhold --------------------------------------------------------


@dataclass(frozen=True)
class Part:
    label: str
    # Where the part is in the gathered data: keys, "*" for every item of a list.
    paths: tuple[tuple[str, ...], ...]


WITHHOLDABLE_PARTS: dict[str, Part] = {
    "area": Part("Area of the county where they live (their placement area)", (("young_person", "area"),)),
    "allocated_worker": Part("Their allocated worker", (("young_person", "allocated_worker"),)),
    "safeguarding_notes": Part("Safeguarding notes", (("safeguarding", "notes"),)),
    "consent_givers": Part("Names of the people who gave consent", (("consents", "*", "given_by_name"),)),
    "nominators": Part(
        "Who nominated them (names, relationship, e-mail, phone, organisation)", (("nominations", "*", "nominator"),)
    ),
    "statements": Part("What the nominators wrote", (("nominations", "*", "statements"),)),
    "panel_comments": Part("Panel members' comments", (("nominations", "*", "panel", "comments"),)),
    "conflicts": Part("Panel members' conflicts of interest", (("panel_conflicts",),)),
    "addressees": Part(
        "Who the invitations went to (carer's or worker's name and e-mail address)",
        (("invitations", "*", "addressee_name"), ("invitations", "*", "addressee_email"), ("invitations", "*", "young_person_email")),
    ),
    "guests": Part("Who came with them to the event, and their needs", (("invitations", "*", "guests"),)),
    "access_log": Part("Who read their record, and when", (("access_log",),)),
    "record_history": Part(
        "History of their record, nominations and invitations",
        (("record_history",), ("nominations", "*", "history"), ("invitations", "*", "history")),
    ),
    "named_elsewhere": Part("Other records that name them (running order, shortlists, e-mails, invitations)", (("named_elsewhere",),)),
    "nominations_made": Part("Nominations they made of other young people", (("nominations_made",),)),
}


class OthersRedactor:
    """Every other person the system knows of, taken out of free text with the name matcher; the
    person's own names stay. Counts what it changed, by part, for the record of the request."""

    def __init__(self, own: list[str], close: list[str], known: list[str]):
        own_keys = {o.casefold() for o in own}
        self.own = tuple(own)
        self.close = tuple(sorted({c.strip() for c in close if c and c.strip() and c.strip().casefold() not in own_keys}))
        self.known = tuple(sorted({k for k in known if k.casefold() not in own_keys and len(re.findall(r"\w+", k)) > 1}))
        self.own_full = tuple(o for o in own if len(re.findall(r"\w+", o)) > 1)
        self.counts: dict[str, int] = defaultdict(int)

    def text(self, value, part: str, *, extra: Iterable[str] = ()):
        if not value or not isinstance(value, str):
            return value
        names = (*self.close, *extra)
        out = redact(value, names, placeholder=SOMEONE_ELSE, keep=self.own) if names else value
        if self.known:
            own_spans = name_spans(out, self.own_full, whole=True) if self.own_full else []
            spans = [
                s for s in name_spans(out, self.known, whole=True)
                if not any(s[0] < e and b < s[1] for b, e in own_spans)
            ]  # fmt: skip
            for start, end in sorted(spans, reverse=True):
                out = out[:start] + SOMEONE_ELSE + out[end:]
        if out != value:
            self.counts[part] += 1
        return out

    def json(self, value, part: str):
        if isinstance(value, str):
            return self.text(value, part)
        if isinstance(value, list):
            return [self.json(item, part) for item in value]
        if isinstance(value, dict):
            return {key: self.json(item, part) for key, item in value.items()}
        return value


def _others(family: list[Nominee], nominations, invitations, requester_relationship: str) -> OthersRedactor:
    ids = {n.pk for n in family}
    own = [form for n in family for form in name_forms(n)]
    programme_ids = {n.programme_id for n in family}
    close: list[str] = []
    for nomination in nominations:
        if nomination.group_id is not None:
            for member in nomination.group.members.all():
                if member.pk not in ids:
                    close += name_forms(member)
        if requester_relationship != RequesterRelationship.YOUNG_PERSON:
            close.append(nomination.nominator_name)
    for invitation in invitations:
        close.append(invitation.addressee_name)
        close += [g.name for g in invitation.guests.all() if g.relationship != GuestRelationship.FINALIST]
    close += list(Consent.objects.filter(nominee_id__in=ids).values_list("given_by_name", flat=True))
    for member in PanelMember.objects.filter(panel__programme_id__in=programme_ids).select_related("user"):
        close += [member.user.first_name, member.user.last_name, member.user.get_full_name(), member.carer_name]
    known = [
        form
        for other in Nominee.objects.filter(programme_id__in=programme_ids).exclude(pk__in=ids)
        for form in name_forms(other)
    ]
    return OthersRedactor(own, close, known)


def _withhold_path(node: Any, path: tuple[str, ...]) -> Any:
    if not path:
        return WITHHELD
    head, rest = path[0], path[1:]
    if head == "*":
        return [_withhold_path(item, rest) for item in node] if isinstance(node, list) else node
    if isinstance(node, dict) and head in node:
        return {**node, head: _withhold_path(node[head], rest)}
    return node


def _values_at(node: Any, path: tuple[str, ...]) -> list[str]:
    """The strings at `path` (and under it) in the gathered data."""
    if not path:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [v for item in node for v in _values_at(item, ())]
        if isinstance(node, dict):
            return [v for item in node.values() for v in _values_at(item, ())]
        return []
    head, rest = path[0], path[1:]
    if head == "*":
        return [v for item in node for v in _values_at(item, rest)] if isinstance(node, list) else []
    return _values_at(node[head], rest) if isinstance(node, dict) and head in node else []


def _sweep(node: Any, pattern: re.Pattern) -> Any:
    if isinstance(node, str):
        return pattern.sub(WITHHELD, node)
    if isinstance(node, list):
        return [_sweep(item, pattern) for item in node]
    if isinstance(node, dict):
        return {key: _sweep(item, pattern) for key, item in node.items()}
    return node


# Values too short or too common to chase through the rest of the export (a relationship, "Yes").
_NOT_SWEPT = re.compile(r"^(?:\W*|yes|no|none|\d{1,4})$", re.IGNORECASE)


def withhold(data: dict, parts: Iterable[str]) -> dict:
    """The data with each named part replaced by WITHHELD (a new dict; `data` is not changed), and
    each of the part's values withheld wherever else it appears (the carer withheld as an addressee
    is withheld as a nominator too; a withheld area inside a group's name)."""
    values: set[str] = set()
    for key in parts:
        for path in WITHHOLDABLE_PARTS[key].paths:
            values |= {v.strip() for v in _values_at(data, path) if len(v.strip()) >= 3 and not _NOT_SWEPT.match(v.strip())}
            data = _withhold_path(data, path)
    values.discard(WITHHELD)
    if values:
        alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
        data = _sweep(data, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE))
    return data


# --- withholding line by line ---------------------------------------------------------------

# Where the free text of an export is, and what the reviewer sees it as. "*" is every item of a
# list or every value of a dict.
TEXT_LINES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("nominations", "*", "group"), "Group name"),
    (("nominations", "*", "statements", "*"), "What the nominator wrote"),
    (("nominations", "*", "history", "*", "reason"), "Nomination history"),
    (("nominations", "*", "panel", "comments", "*"), "Panel comment"),
    (("nominations", "*", "panel", "draft_comments", "*"), "Panel comment still being written"),
    (("invitations", "*", "quote"), "Quote"),
    (("record_history", "*", "detail", "*"), "Record history"),
    (("named_elsewhere", "*", "details", "*", "1"), "Other records"),
    (("nominations_made", "*", "statements", "*"), "A nomination they made"),
)


def _expand(node: Any, path: tuple[str, ...], done: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if not path:
        yield done, node
        return
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        keys = [str(i) for i in range(len(node))] if head == "*" else [head] if head.isdigit() and int(head) < len(node) else []
        for key in keys:
            yield from _expand(node[int(key)], rest, (*done, key))
    elif isinstance(node, dict):
        for key in (list(node) if head == "*" else [head] if head in node else []):
            yield from _expand(node[key], rest, (*done, key))


def text_lines(data: dict) -> list[tuple[str, str, str]]:
    """Every line of free text in the gathered data: (key, where, text), for the reviewer to
    withhold one by one."""
    found = []
    for pattern, where in TEXT_LINES:
        for path, value in _expand(data, pattern):
            if isinstance(value, str) and value.strip() and value != WITHHELD:
                found.append(("/".join(path), where, value))
    return found


def _set_path(node: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, list) and head.isdigit() and int(head) < len(node):
        copy = list(node)
        copy[int(head)] = _set_path(node[int(head)], rest, value)
        return copy
    if isinstance(node, dict) and head in node:
        return {**node, head: _set_path(node[head], rest, value)}
    return node


def withhold_lines(data: dict, keys: Iterable[str]) -> dict:
    for key in keys:
        data = _set_path(data, key.split("/"), WITHHELD)
    return data


# --- gathering --------------------------------------------------------------------------------


def person_records(nominee: Nominee) -> list[Nominee]:
    """The record a person's data lives on and every record merged into it (one person): the
    record still in use first. Starts from any of them."""
    # Read afresh: a merge may have happened since the caller loaded its copy.
    root = Nominee.objects.get(pk=nominee.pk)
    seen = {root.pk}
    while root.merged_into_id is not None and root.merged_into_id not in seen:
        seen.add(root.merged_into_id)
        root = Nominee.objects.get(pk=root.merged_into_id)
    family, frontier = [root], [root.pk]
    known = {root.pk}
    while frontier:
        merged = [n for n in Nominee.objects.filter(merged_into_id__in=frontier).order_by("pk") if n.pk not in known]
        family += merged
        known |= {n.pk for n in merged}
        frontier = [n.pk for n in merged]
    return family


def _history_entry(entry: NominationHistory, *, sealed: bool) -> dict:
    """One step of a nomination's history; a result still sealed before the night (released to a
    requester, who may be the young person) reads as the finalist it is shown as."""

    def status(code: str) -> str:
        if not code:
            return ""
        return str(NominationStatus.FINALIST.label if sealed and code in SEALED else NominationStatus(code).label)

    action = entry.action
    if sealed and entry.to_status in SEALED:
        action = f"nominations.nomination.{NominationStatus.FINALIST.value}"
    return {
        "at": _when(entry.at),
        "action": action,
        "from_status": status(entry.from_status),
        "to_status": status(entry.to_status),
        "by": entry.actor_label,
        "reason": entry.reason,
    }


def _when(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value.isoformat()
    return value.isoformat()


def _user_label(user) -> str:
    return user.get_username() if user is not None else ""


def _number(value: Decimal) -> float:
    return float(round(value, 2))


def _merged_record(n: Nominee) -> str:
    born = f", born {n.date_of_birth:%-d %B %Y}" if n.date_of_birth else ""
    return f"Nominee #{n.pk} ({' '.join(filter(None, (n.legal_first_name, n.legal_last_name)))}{born})"


def _nominee_section(record: Nominee, family: list[Nominee]) -> dict:
    worker = record.allocated_worker_name or (
        (record.allocated_worker.get_full_name() or record.allocated_worker.get_username()) if record.allocated_worker else ""
    )
    return {
        "record": f"Nominee #{record.pk}",
        "merged_records": [_merged_record(n) for n in family[1:]],
        "programme": record.programme.name,
        "kind": record.get_kind_display(),
        "legal_first_name": record.legal_first_name,
        "legal_last_name": record.legal_last_name,
        "preferred_name": record.preferred_name,
        "say_first_name": record.say_first_name,
        "say_last_name": record.say_last_name,
        "chosen_name": record.chosen_name,
        "date_of_birth": _when(record.date_of_birth),
        "cohort": record.get_cohort_display() if record.cohort else "",
        "area": record.area,
        "allocated_worker": worker,
        "announce_name": announce_name(record),
        "safe_contact_email": record.safe_contact_email,
        "own_choice_of_name": record.get_own_publicity_level_display() if record.own_publicity_level else "",
        "own_choice_of_photos": record.get_own_photos_display() if record.own_photos else "",
        "created_at": _when(record.created_at),
    }


def _safeguarding_section(record: Nominee) -> dict:
    return {
        "publicity_level": record.get_publicity_level_display(),
        "photography_allowed": record.photography_allowed,
        "attendance_safe": record.attendance_safe,
        "checked_at": _when(record.safeguarding_checked_at),
        "checked_by": _user_label(record.safeguarding_checked_by),
        "notes": record.safeguarding_notes,
    }


def _panel_by_nomination(nomination_ids: list[int]) -> dict[int, dict]:
    """Per nomination: each submitted review's weighted total (Σ score × weight), and the
    comments, in no particular member's order (sorted), never with who gave them."""
    reviews = (
        Review.objects.filter(assignment__nomination_id__in=nomination_ids)
        .select_related("assignment")
        .prefetch_related("scores__criterion")
    )
    totals: dict[int, list[float]] = defaultdict(list)
    comments: dict[int, list[str]] = defaultdict(list)
    drafts: dict[int, list[str]] = defaultdict(list)
    draft_count: dict[int, int] = defaultdict(int)
    for review in reviews:
        nomination_id = review.assignment.nomination_id
        if review.status != ReviewStatus.SUBMITTED:
            # A review still being written is held too (and so is what it says so far).
            draft_count[nomination_id] += 1
            if review.comment.strip():
                drafts[nomination_id].append(review.comment.strip())
            continue
        totals[nomination_id].append(_number(sum((s.value * s.criterion.weight for s in review.scores.all()), Decimal(0))))
        if review.comment.strip():
            comments[nomination_id].append(review.comment.strip())
    return {
        pk: {
            "reviews": len(totals[pk]),
            "totals": sorted(totals[pk], reverse=True),
            "comments": sorted(comments[pk]),
            "draft_reviews": draft_count[pk],
            "draft_comments": sorted(drafts[pk]),
        }
        for pk in nomination_ids
    }


def _guest_section(guest: Guest) -> dict:
    return {
        # The young person's own line keeps no name: composed from their record, as they are named
        # on their own certificate (nominations.naming, the young person's audience).
        "name": guest_name(guest, Audience.YOUNG_PERSON),
        "relationship": GuestRelationship(guest.relationship).label if guest.relationship in GuestRelationship.values else guest.relationship,
        "dietary": [Dietary(code).label for code in guest.dietary if code in Dietary.values],
        "dietary_other": guest.dietary_other,
        "access_needs": [AccessNeed(code).label for code in guest.access_needs if code in AccessNeed.values],
        "access_other": guest.access_other,
        "photography_consent": guest.photography_consent,
        "transport_needed": guest.transport_needed,
        "table": guest.table.number if guest.table is not None else None,
        "arrived_at": _when(guest.checked_in_at),
    }


def _conflict_kind(conflict: Conflict) -> str:
    """How a conflict was found, in words that point at nobody: "a young member shares a carer
    with the nominee" next to the carer's name would point at another child of the same home."""
    words = declarations()[Conflict].released_values["source"]
    return words.get(conflict.source, words["*"])


_CODE = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")


def _words_of(model_field, value) -> Any:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "isoformat"):
        return _when(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and _CODE.match(value):
        return code_words(value)
    if hasattr(value, "pk"):
        return str(value)
    return value if isinstance(value, (int, float, str)) else str(value)


def _named_elsewhere(family: list[Nominee], others: OthersRedactor) -> list[dict]:
    """Records held about or naming them that the parts above do not show, read from the apps'
    declarations: invitations that name them however they were made, running-order and shortlist
    notes, e-mails sent about them, draft reviews. Only context and text: never who else is on the
    row (a panel member behind a review, the addressee of someone else's invitation)."""
    scope, forms, programme_ids = person_scope(family)
    shown_elsewhere = {
        "nominations.Nominee", "nominations.Nomination", "nominations.Consent", "nominations.NominationHistory",
        "nominations.IdentityAccess", "nominations.NomineeHistory", "nominations.NomineeGroup", "shortlisting.Conflict",
        "shortlisting.Review", "shortlisting.Score", "shortlisting.Assignment", "events.Guest", "events.InvitationHistory",
        "events.InvitationLink", "data_protection.SubjectAccessRequest", "data_protection.SubjectAccessRequestHistory",
    }  # fmt: skip
    finalist_invitations = set(
        Invitation.objects.filter(Q(nomination__nominee__in=family) | Q(nomination__group__members__in=family)).values_list("pk", flat=True)
    )
    entries: list[tuple[Any, Any, list[str]]] = []
    for rows in (scope.own, scope.shared):
        for model, by_pk in rows.items():
            if model._meta.label in shown_elsewhere:
                continue
            declaration = declarations()[model]
            for row in by_pk.values():
                if model is Invitation and row.pk in finalist_invitations:
                    continue
                entries.append((declaration, row, list(declaration.texts)))
    entries += rows_naming(forms, programme_ids, scope)
    found = []
    for declaration, row, texts in sorted(entries, key=lambda e: (e[0].label, e[1].pk)):
        model = declaration.model
        details = []
        for name, label in declaration.context.items():
            value = getattr(row, name, None)
            details.append([label, _words_of(model._meta.get_field(name), value)])
        if declaration.whose_row:
            for spec in declaration.fields.values():
                if spec.whose == declaration.whose_row and spec.kind in ("name", "detail", "email"):
                    value = getattr(row, spec.name)
                    details.append([spec.label, others.text(value, "named_elsewhere") if isinstance(value, str) else _words_of(model._meta.get_field(spec.name), value)])
        for name in texts:
            label = declaration.texts[name].label
            value = getattr(row, name)
            if value in ("", None, {}, []):
                continue
            text = value if isinstance(value, str) else "; ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
            details.append([label, others.text(text, "named_elsewhere")])
        found.append({"what": declaration.label, "record": f"{str(model._meta.verbose_name).capitalize()} #{row.pk}", "details": details})
    return found


def _nominations_made(family: list[Nominee], others: OthersRedactor) -> list[dict]:
    """Nominations the young person made themselves, as a peer nominator: their own words, with the
    young person they nominated (another child) taken out."""
    full = [f for n in family for f in name_forms(n) if len(re.findall(r"\w+", f)) > 1]
    if not full:
        return []
    made = []
    candidates = (
        Nomination.objects.filter(programme_id__in={n.programme_id for n in family})
        .exclude(nominee__in=family)
        .select_related("category", "nominee", "group")
        .order_by("submitted_at", "id")
    )
    for n in candidates:
        if not name_spans(n.nominator_name, full, whole=True):
            continue
        about = name_forms(n.nominee) if n.nominee_id else [n.group.name]
        made.append(
            {
                "reference": n.reference,
                "award": n.category.name,
                "submitted_at": _when(n.submitted_at),
                "statements": {
                    key: others.text(getattr(n, key), "nominations_made", extra=about)
                    for key in ("achievement", "why_it_matters", "anything_else")
                },
            }
        )
    return made


def _detail_words(detail) -> Any:
    """A history entry's detail in words: each key as its field's name, each code as its choice's
    words ("publicity_level: first_name" -> "How their name may be used: First name only")."""
    if not isinstance(detail, dict):
        return detail
    fields, labels = {}, {}
    for model in (Nominee, Consent):
        for f in model._meta.concrete_fields:
            fields.setdefault(f.name, f)
        declaration = declarations()[model]
        for name, spec in declaration.fields.items():
            labels.setdefault(name, spec.label)
        for name, label in declaration.context.items():
            labels.setdefault(name, label)
    out = {}
    for key, value in detail.items():
        f = fields.get(key)
        label = labels.get(key) or (str(f.verbose_name).capitalize() if f is not None else key.replace("_", " ").capitalize())
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        elif f is not None and f.choices and isinstance(value, str):
            value = str(dict(f.flatchoices).get(value, value))
        out[label] = value
    return out


REDACTION_PARTS = {
    "group": "Group names",
    "statements": "What the nominators wrote",
    "history": "History of their nominations and record",
    "panel_comments": "Panel members' comments",
    "quotes": "Quotes",
    "named_elsewhere": "Other records that name them",
    "nominations_made": "Nominations they made",
}


def subject_access_gather(nominee: Nominee, requester_relationship: str = "") -> dict:
    """Everything held about the person whose record `nominee` is, as JSON-ready data. Every other
    person the system knows of (another member of their group, guests, carers, panel members, other
    young people; the nominators too unless the young person asks) is taken out of free text, and
    what was taken out is counted by part."""
    family = person_records(nominee)
    ids = [n.pk for n in family]
    records = {
        n.pk: n
        for n in Nominee.objects.filter(pk__in=ids).select_related("programme", "allocated_worker", "safeguarding_checked_by")
    }
    root = records[family[0].pk]

    consents = Consent.objects.filter(nominee_id__in=ids).order_by("purpose", "given_at", "id")
    nominations = list(
        Nomination.objects.filter(Q(nominee_id__in=ids) | Q(group__members__in=ids))
        .distinct()
        .select_related("programme", "category", "group")
        .prefetch_related(Prefetch("history", queryset=NominationHistory.objects.order_by("at", "id")), "group__members")
        .order_by("submitted_at", "id")
    )
    panel = _panel_by_nomination([n.pk for n in nominations])
    conflicts = Conflict.objects.filter(nominee_id__in=ids).select_related("member__panel").order_by("created_at", "id")
    invitations = list(
        Invitation.objects.filter(nomination__in=[n.pk for n in nominations])
        .select_related("event", "nomination")
        .prefetch_related(
            Prefetch("guests", queryset=Guest.objects.select_related("table").order_by("position")),
            Prefetch("history", queryset=InvitationHistory.objects.order_by("at", "id")),
        )
        .order_by("created_at", "id")
    )
    accesses = IdentityAccess.objects.filter(nominee_id__in=ids).order_by("at", "id")
    history = NomineeHistory.objects.filter(nominee_id__in=ids).order_by("at", "id")
    others = _others(family, nominations, invitations, requester_relationship)

    def panel_part(n):
        p = dict(panel[n.pk])
        p["comments"] = sorted(others.text(c, "panel_comments") for c in p["comments"])
        p["draft_comments"] = sorted(others.text(c, "panel_comments") for c in p["draft_comments"])
        return p

    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "gathered_at": _when(timezone.now()),
        "young_person": _nominee_section(root, family),
        "safeguarding": _safeguarding_section(root),
        "consents": [
            {
                "purpose": c.get_purpose_display(),
                "given": c.given,
                "given_by": c.get_given_by_display(),
                "given_by_name": c.given_by_name,
                "given_at": _when(c.given_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in consents
        ],
        "nominations": [
            {
                "reference": n.reference,
                "programme": n.programme.name,
                "award": n.category.name,
                "status": status_shown_label(n),
                "source": n.get_source_display(),
                "submitted_at": _when(n.submitted_at),
                "group": others.text(n.group.name, "group") if n.group_id else "",
                "nominator": {
                    "name": n.nominator_name,
                    "relationship": n.get_nominator_relationship_display(),
                    "known_recently": _yes_no(n.nominator_known_recently),
                    "email": n.nominator_email,
                    "phone": n.nominator_phone,
                    "organisation": n.nominator_organisation,
                },
                "statements": {
                    "achievement": others.text(n.achievement, "statements"),
                    "why_it_matters": others.text(n.why_it_matters, "statements"),
                    "anything_else": others.text(n.anything_else, "statements"),
                },
                "panel": panel_part(n),
                "history": [
                    {**_history_entry(h, sealed=not outcomes_announced(n.programme)), "reason": others.text(h.reason, "history")}
                    for h in n.history.all()
                ],
            }
            for n in nominations
        ],
        "panel_conflicts": [
            {"panel": c.member.panel.name, "kind": _conflict_kind(c), "recorded_at": _when(c.created_at)} for c in conflicts
        ],
        "invitations": [
            {
                "nomination": i.nomination.reference if i.nomination_id else "",
                "event": i.event.name,
                "status": i.get_status_display(),
                "addressee_name": i.addressee_name,
                "addressee_email": i.addressee_email,
                "young_person_email": i.young_person_email,
                "guest_allowance": i.guest_allowance,
                "quote": others.text(i.quote, "quotes") if i.quote_approved_at else "",
                "sent_at": _when(i.sent_at),
                "responded_at": _when(i.responded_at),
                # A group's invitation is the other members' too: their guests are theirs, not given here.
                "guests": [_guest_section(g) for g in i.guests.all()] if not i.nomination.group_id else [],
                "history": [{"at": _when(h.at), "action": code_words(h.action), "by": h.actor_label} for h in i.history.all()],
            }
            for i in invitations
        ],
        "access_log": [{"at": _when(a.at), "by": a.username, "where": code_words(a.context)} for a in accesses],
        "record_history": [
            {"at": _when(h.at), "action": code_words(h.action), "by": h.actor_label, "detail": others.json(_detail_words(h.detail), "history")}
            for h in history
        ],
        "named_elsewhere": _named_elsewhere(family, others),
        "nominations_made": _nominations_made(family, others),
    }
    for n in data["nominations"]:
        for h in n["history"]:
            h["action"] = code_words(h["action"])
    data["redacted"] = [
        {"part": REDACTION_PARTS[key], "texts": count, "why": "Names of other people (other young people, guests, carers, panel members) taken out"}
        for key, count in sorted(others.counts.items())
    ]
    return data


# --- releasing --------------------------------------------------------------------------------


def release_data(request: SubjectAccessRequest) -> dict:
    """What the requester gets: the gathered data with the withheld parts replaced, and a note
    of what was withheld and why at the top."""
    withheld = [{"part": WITHHOLDABLE_PARTS[key].label, "reason": request.withheld_reason} for key in request.withheld_parts]
    lines = list(request.withheld_lines or [])
    if lines:
        withheld.append(
            {"part": f"{len(lines)} line{'s' if len(lines) != 1 else ''} of text chosen by the reviewer", "reason": request.withheld_reason}
        )
    return {
        "request": {
            "number": request.pk,
            "programme": request.programme.name,
            "requested_by": request.get_requester_relationship_display(),
            "requested_at": _when(request.created_at),
            "reviewed_at": _when(request.reviewed_at),
        },
        "withheld": withheld,
        **withhold(withhold_lines(request.data, lines), request.withheld_parts),
    }


def _get(node: Any, key: str) -> Any:
    """node[key], or WITHHELD when the whole node was withheld."""
    if node == WITHHELD:
        return WITHHELD
    return node.get(key) if isinstance(node, dict) else None


def _items(node: Any) -> list:
    if node == WITHHELD:
        return [WITHHELD]
    return node or []


def _yes_no(value) -> str:
    if value is None:
        return "Not recorded"
    if value == WITHHELD:
        return WITHHELD
    return "Yes" if value else "No"


YOUNG_PERSON_FIELDS = [
    ("record", "Record"),
    ("programme", "Awards"),
    ("kind", "Nominated as"),
    ("legal_first_name", "Legal first name"),
    ("legal_last_name", "Legal last name"),
    ("preferred_name", "Likes to be called"),
    ("say_first_name", "How to say their first name"),
    ("say_last_name", "How to say their surname"),
    ("chosen_name", "The name on their certificate"),
    ("date_of_birth", "Date of birth"),
    ("cohort", "In care or care leaver"),
    ("area", "Area of the county"),
    ("allocated_worker", "Allocated worker"),
    ("announce_name", "Name used in public"),
    ("safe_contact_email", "Their own safe e-mail address"),
    ("own_choice_of_name", "Their own choice of name on the night"),
    ("own_choice_of_photos", "Their own choice about photos"),
    ("created_at", "Record created"),
]
SAFEGUARDING_FIELDS = [
    ("publicity_level", "How their name may be used"),
    ("photography_allowed", "Photographs allowed"),
    ("attendance_safe", "Safe to attend the event"),
    ("checked_at", "Checked on"),
    ("checked_by", "Checked by"),
    ("notes", "Safeguarding notes"),
]
FIELD_VALUE = [Column("Field", 28), Column("Value", 60)]


def _withheld_row(width: int) -> list:
    return [WITHHELD] + [""] * (width - 1)


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?([+-]\d{2}:\d{2}|Z)?$")


def _readable(value: Any) -> Any:
    """A time as people read it in a sheet ("2026-05-09 18:30", UK time); anything else as it is."""
    if isinstance(value, str):
        match = _ISO_TIME.match(value)
        if match:
            return f"{match.group(1)} {match.group(2)}"
    return value


def release_sheets(release: dict) -> Iterator[SheetSpec]:
    """The released data as sheets, in reading order (the workbook and the review page)."""
    for title, columns, rows in _release_sheets(release):
        yield SheetSpec(title, columns, ([_readable(value) for value in row] for row in rows))


def _release_sheets(release: dict) -> Iterator[SheetSpec]:
    request = release["request"]
    about = [
        ("Request", f"Subject access request {request['number']}"),
        ("Awards", request["programme"]),
        ("Requested by", request["requested_by"]),
        ("Requested on", request["requested_at"]),
        ("Information as held on", release["gathered_at"]),
        ("Reviewed on", request["reviewed_at"] or "Not yet reviewed"),
    ]
    about += [(f"Withheld: {item['part']}", item["reason"]) for item in release["withheld"]]
    about += [
        (f"Names taken out: {item['part']}", f"{item['why']} ({item['texts']} text{'s' if item['texts'] != 1 else ''})")
        for item in release.get("redacted", [])
    ]
    yield SheetSpec("About this export", FIELD_VALUE, about)

    person = release["young_person"]
    rows = [(label, person.get(key)) for key, label in YOUNG_PERSON_FIELDS]
    if person.get("merged_records"):
        rows.append(("Also recorded as", person["merged_records"]))
    yield SheetSpec("Young person", FIELD_VALUE, rows)

    safeguarding = release["safeguarding"]
    yield SheetSpec(
        "Safeguarding",
        FIELD_VALUE,
        [
            (label, _yes_no(safeguarding.get(key)) if key in ("photography_allowed", "attendance_safe") else safeguarding.get(key))
            for key, label in SAFEGUARDING_FIELDS
        ],
    )

    yield SheetSpec(
        "Consents",
        [Column("Purpose", 26), Column("Answer"), Column("Given by", 26), Column("Name", 24), Column("Given on", 20), Column("Withdrawn on", 20)],
        [
            (c["purpose"], "Given" if c["given"] else "Refused", c["given_by"], c["given_by_name"], c["given_at"], c["withdrawn_at"] or "")
            for c in release["consents"]
        ],
    )

    nominations = release["nominations"]
    yield SheetSpec(
        "Nominations",
        [
            Column("Reference", 16), Column("Award", 24), Column("Status"), Column("How it came in", 18), Column("Sent", 20), Column("Group", 20),
            Column("Nominator", 22), Column("Relationship", 20), Column("Knew them in the last 12 months", 14), Column("E-mail", 26),
            Column("Phone"), Column("Organisation", 22),
            Column("What they achieved", 50), Column("Why it matters", 50), Column("Anything else", 40),
            Column("Panel reviews"), Column("Review totals", 20),
        ],
        [
            (
                n["reference"], n["award"], n["status"], n.get("source", ""), n["submitted_at"] or "", n["group"],
                _get(n["nominator"], "name"), _get(n["nominator"], "relationship"), _get(n["nominator"], "known_recently"),
                _get(n["nominator"], "email"),
                _get(n["nominator"], "phone"), _get(n["nominator"], "organisation"),
                _get(n["statements"], "achievement"), _get(n["statements"], "why_it_matters"), _get(n["statements"], "anything_else"),
                n["panel"]["reviews"], n["panel"]["totals"],
            )
            for n in nominations
        ],
    )  # fmt: skip

    columns = [Column("Reference", 16), Column("When", 20), Column("What", 30), Column("From"), Column("To"), Column("Who", 18), Column("Reason", 40)]
    rows = []
    for n in nominations:
        for h in _items(n["history"]):
            if h == WITHHELD:
                rows.append([n["reference"], WITHHELD, "", "", "", "", ""])
            else:
                rows.append([n["reference"], h["at"], h["action"], h["from_status"], h["to_status"], h["by"], h["reason"]])
    yield SheetSpec("Nomination history", columns, rows)

    rows = []
    for n in nominations:
        rows += [[n["reference"], "Submitted", comment] for comment in _items(n["panel"]["comments"])]
        drafts = n["panel"].get("draft_comments", []) if n["panel"]["comments"] != WITHHELD else []
        rows += [[n["reference"], "Still being written", comment] for comment in drafts]
    yield SheetSpec(
        "Panel comments", [Column("Reference", 16), Column("Review"), Column("Comment (who wrote it is not given)", 80)], rows
    )

    columns = [Column("Panel", 24), Column("Kind of conflict", 40), Column("Recorded", 20)]
    conflicts = release["panel_conflicts"]
    rows = [_withheld_row(3)] if conflicts == WITHHELD else [(c["panel"], c["kind"], c["recorded_at"]) for c in conflicts]
    yield SheetSpec("Panel conflicts", columns, rows)

    invitations = release["invitations"]
    yield SheetSpec(
        "Invitations",
        [
            Column("Nomination", 16), Column("Event", 26), Column("Status", 20), Column("Addressed to", 22), Column("E-mail", 26),
            Column("Young person's e-mail", 26), Column("Guests allowed"), Column("Quote", 40), Column("Sent", 20), Column("Answered", 20),
        ],
        [
            (
                i["nomination"], i["event"], i["status"], i["addressee_name"], i["addressee_email"], i["young_person_email"],
                i["guest_allowance"], i["quote"], i["sent_at"] or "", i["responded_at"] or "",
            )
            for i in invitations
        ],
    )  # fmt: skip

    columns = [
        Column("Event", 26), Column("Name", 22), Column("Who"), Column("Food needs", 24), Column("Access needs", 24),
        Column("Photographs"), Column("Transport"), Column("Table"), Column("Arrived", 20),
    ]  # fmt: skip
    rows = []
    for i in invitations:
        for g in _items(i["guests"]):
            if g == WITHHELD:
                rows.append([i["event"], WITHHELD] + [""] * 7)
                continue
            food = [*g["dietary"], *([g["dietary_other"]] if g["dietary_other"] else [])]
            access = [*g["access_needs"], *([g["access_other"]] if g["access_other"] else [])]
            rows.append(
                [i["event"], g["name"], g["relationship"], food, access, _yes_no(g["photography_consent"]),
                 _yes_no(g["transport_needed"]), g["table"], g["arrived_at"] or ""]
            )  # fmt: skip
    yield SheetSpec("Guests", columns, rows)

    rows = []
    for i in invitations:
        for h in _items(i["history"]):
            rows.append([i["event"], WITHHELD, "", ""] if h == WITHHELD else [i["event"], h["at"], h["action"], h["by"]])
    yield SheetSpec("Invitation history", [Column("Event", 26), Column("When", 20), Column("What", 30), Column("Who", 18)], rows)

    accesses = release["access_log"]
    columns = [Column("When", 20), Column("Who", 18), Column("Where", 36)]
    rows = [_withheld_row(3)] if accesses == WITHHELD else [(a["at"], a["by"], a["where"]) for a in accesses]
    yield SheetSpec("Who read the record", columns, rows)

    history = release["record_history"]
    columns = [Column("When", 20), Column("What", 34), Column("Who", 18), Column("Detail", 50)]
    rows = (
        [_withheld_row(4)]
        if history == WITHHELD
        else [(h["at"], h["action"], h["by"], ", ".join(f"{k}: {v}" for k, v in sorted(h["detail"].items()))) for h in history]
    )
    yield SheetSpec("Record history", columns, rows)
    yield from _elsewhere_sheets(release)


def _elsewhere_sheets(release: dict) -> Iterator[SheetSpec]:
    named = release.get("named_elsewhere", [])
    columns = [Column("Where", 24), Column("Record", 22), Column("What", 26), Column("Held", 60)]
    if named == WITHHELD:
        rows = [_withheld_row(4)]
    else:
        rows = [[entry["what"], entry["record"], label, value] for entry in named for label, value in entry["details"]]
    yield SheetSpec("Other records", columns, rows)
    made = release.get("nominations_made", [])
    columns = [Column("Reference", 16), Column("Award", 24), Column("Sent", 20), Column("What they wrote", 60), Column("Why it matters", 50), Column("Anything else", 40)]
    if made == WITHHELD:
        rows = [_withheld_row(6)]
    else:
        rows = [
            [m["reference"], m["award"], m["submitted_at"] or "", m["statements"]["achievement"], m["statements"]["why_it_matters"], m["statements"]["anything_else"]]
            for m in made
        ]
    yield SheetSpec("Nominations they made", columns, rows)


class SubjectAccessExporter(MultiSheetExporter):
    identifier = "subject-access"
    verbose_name = "Subject access export"

    def __init__(self, release: dict):
        self.release = release

    def filename(self, *, on=None) -> str:
        return safe_filename(f"subject-access-{self.release['request']['number']}", on=on)

    def sheets(self) -> Iterator[SheetSpec]:
        return release_sheets(self.release)
