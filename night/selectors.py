"""The night's read model: what the running order, the compere script and the event-night
workbook say about each item, built once, here, for all three (the pages, the API and the
workbook read `night_lines`).

Names are the room's (DESIGN.md rule 1): a finalist by their announce name, a presenter or compere
as `on_stage` gives them. A winner is in a line only where its reader may see it: organisers
before the reveal (`sealed_winners`), everyone once revealed. Presence has one vocabulary,
`Presence`: its value in the API, its label on the pages and in the workbook. Every read is a fixed
number of queries whatever the size of the night."""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone

from awards.models import Category
from events.enums import AccessNeed, Easier, InvitationKind, InvitationStatus, ItemKind, Speech
from events.links import door_code_hash, door_code_read
from events.models import Event, Guest, Invitation, RunningOrderItem, Table
from events.rules import FINALIST_STATUSES
from events.selectors import (
    OnStage,
    finalists_companions,
    guest_name,
    guest_name_expression,
    guest_text,
    guests_coming,
    invitee_name,
    on_stage,
)
from nominations.enums import PhotoChoice
from nominations.models import Nomination, Nominee
from nominations.naming import Audience, nomination_announce_name, photos_in_room, pronunciation_hint, words_for
from shortlisting.enums import ShortlistState


class Presence(models.TextChoices):
    """Where a finalist is, as the running order, the compere script and the workbook say it."""

    ARRIVED = "arrived", "in the room"
    NOT_YET = "not_yet", "not yet arrived"
    NOT_COMING = "not_coming", "not coming"


def finalist_nominations(event: Event, category_ids: Sequence[int] | None = None):
    """Nominations in the final of the event's categories: in a confirmed shortlist, still in the final."""
    queryset = Nomination.objects.filter(
        programme_id=event.programme_id,
        status__in=FINALIST_STATUSES,
        category__shortlist__state=ShortlistState.CONFIRMED,
        category__shortlist__finalists=F("pk"),
    )
    if category_ids is not None:
        queryset = queryset.filter(category_id__in=category_ids)
    return queryset


def categories_with_finalists(event: Event) -> list[Category]:
    ids = set(finalist_nominations(event).values_list("category_id", flat=True))
    return list(Category.objects.filter(pk__in=ids).order_by("display_order", "name"))


@dataclass
class FinalistLine:
    nomination: Nomination
    name: str  # the announce name
    pronunciation: str
    presence: Presence
    arrived_at: datetime | None
    citation: str = ""  # the nominator's words, once an organiser has approved them
    is_winner: bool = False
    # Their own say (events' "How you'd like to be celebrated"): blank until they answer.
    walk_on: str = ""  # the approved track they chose, or "Surprise me"
    speech: str = ""  # whether they'd like to say something if they win, in words
    photos: str = PhotoChoice.YES  # what the photographer may do (nominations.naming.photos_in_room)

    @property
    def nomination_id(self) -> int:
        return self.nomination.pk

    @property
    def presence_label(self) -> str:
        """"in the room (19:42)", "not yet arrived", "not coming"."""
        if self.presence == Presence.ARRIVED and self.arrived_at:
            return f"{self.presence.label} ({_time(self.arrived_at)})"
        return self.presence.label


@dataclass
class ItemLine:
    item: RunningOrderItem
    presenters: list[OnStage]
    compere: OnStage | None
    finalists: list[FinalistLine] = field(default_factory=list)
    winner: str | None = None  # the winner's announce name, only where the reader may see it
    winner_nomination: int | None = None  # likewise

    @property
    def winner_revealed(self) -> bool:
        return self.item.winner_revealed


def _time(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


@dataclass
class RunningOrder:
    """What the lines are made of, read once: the items with who is on stage and the winner, each
    award's finalists, whether each finalist is coming and when they arrived, the approved words."""

    event: Event
    items: list[RunningOrderItem]
    finalists_by_category: dict[int, list[Nomination]]
    categories: dict[int, Category]
    # Each finalist who is coming (an accepted invitation): when they arrived, None while not yet.
    arrivals: dict[int, datetime | None]
    citations: dict[int, str]
    # Each coming finalist's own say: (walk-on track or "", speech code), once they answered.
    own_say: dict[int, tuple[str, str]] = field(default_factory=dict)

    @staticmethod
    def _items(event: Event) -> list[RunningOrderItem]:
        return list(
            RunningOrderItem.objects.filter(event=event)
            .select_related("category", "compere", "winner__nominee", "winner__group")
            .prefetch_related("presenters")
            .order_by("position")
        )

    @staticmethod
    def _finalists(event: Event) -> tuple[dict[int, list[Nomination]], dict[int, Category]]:
        finalists = (
            finalist_nominations(event)
            .select_related("nominee", "group", "category")
            .prefetch_related("group__members")
            .order_by("category__display_order", "category__name", "reference")
        )
        by_category: dict[int, list[Nomination]] = defaultdict(list)
        categories = {}
        for nomination in finalists:
            by_category[nomination.category_id].append(nomination)
            categories[nomination.category_id] = nomination.category
        return by_category, categories

    @classmethod
    def load(cls, event: Event) -> RunningOrder:
        by_category, categories = cls._finalists(event)
        coming = Guest.objects.filter(
            event=event, position=0, invitation__kind=InvitationKind.FINALIST, invitation__status=InvitationStatus.ACCEPTED
        ).values_list(
            "invitation__nomination_id", "checked_in_at", "invitation__celebration__answered_at",
            "invitation__celebration__walk_on_music", "invitation__celebration__speech",
        )
        arrivals, own_say = {}, {}
        for nomination_id, checked_in_at, answered_at, walk_on, speech in coming:
            arrivals[nomination_id] = checked_in_at
            if answered_at is not None:
                own_say[nomination_id] = (walk_on, speech)
        citations = dict(
            Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST, quote_approved_at__isnull=False)
            .exclude(quote="")
            .values_list("nomination_id", "quote")
        )
        return cls(
            event=event, items=cls._items(event), finalists_by_category=by_category, categories=categories,
            arrivals=arrivals, citations=citations, own_say=own_say,
        )

    def presence(self, nomination: Nomination) -> tuple[Presence, datetime | None]:
        if nomination.pk not in self.arrivals:
            return Presence.NOT_COMING, None
        arrived_at = self.arrivals[nomination.pk]
        return (Presence.ARRIVED if arrived_at else Presence.NOT_YET), arrived_at

    def finalists(self, item: RunningOrderItem) -> list[Nomination]:
        return self.finalists_by_category.get(item.category_id, []) if item.kind == ItemKind.AWARD else []


def finalist_line(data: RunningOrder, nomination: Nomination, *, is_winner: bool = False) -> FinalistLine:
    presence, arrived_at = data.presence(nomination)
    own = data.own_say.get(nomination.pk)
    return FinalistLine(
        nomination=nomination,
        name=nomination_announce_name(nomination),
        pronunciation=pronunciation_hint(nomination.nominee),
        presence=presence,
        arrived_at=arrived_at,
        # Approved words, as the room may hear them now (a level lowered since approval is honoured).
        citation=words_for(Audience.ROOM, data.citations.get(nomination.pk, ""), nomination),
        is_winner=is_winner,
        walk_on=(own[0] or "Surprise me") if own else "",
        speech=Speech(own[1]).label if own and own[1] in Speech.values else "",
        photos=photos_for(nomination),
    )


def photos_for(nomination: Nomination) -> str:
    """What the photographer may do with whoever a nomination is for (PhotoChoice): a group only
    as far as every member allows; a young person never beyond the check, nor beyond their own
    answer (nominations.naming.photos_in_room)."""
    if nomination.group_id is not None:
        return PhotoChoice.YES if all(member.photography_allowed for member in nomination.group.members.all()) else PhotoChoice.NO
    if nomination.nominee_id is None:
        return PhotoChoice.NO
    return photos_in_room(nomination.nominee)


def night_lines(event: Event, *, sealed_winners: bool, data: RunningOrder | None = None) -> list[ItemLine]:
    """Every item in order with what the running order and the compere script show of it.
    `sealed_winners`: the reader may see a recorded winner before it is revealed (organisers)."""
    data = data or RunningOrder.load(event)
    lines = []
    for item in data.items:
        shown = item.winner_id is not None and (item.winner_revealed or sealed_winners)
        line = ItemLine(
            item=item,
            presenters=[on_stage(p) for p in item.presenters.all()],
            compere=on_stage(item.compere) if item.compere else None,
        )
        if shown:
            line.winner = nomination_announce_name(item.winner)
            line.winner_nomination = item.winner_id
        line.finalists = [finalist_line(data, n, is_winner=shown and n.pk == item.winner_id) for n in data.finalists(item)]
        lines.append(line)
    return lines


# --- the whole night, for the workbook --------------------------------------------------------

# What the sheets read of a guest, an invitation and its nomination (the queries' only()): the
# nominations' statements and the nominees' identity would be most of the bytes at 5,000 guests.
_PERSON = (
    "id", "kind", "publicity_level", "preferred_name", "legal_first_name", "legal_last_name", "chosen_name",
    "photography_allowed", "named_to_event_staff", "say_first_name", "say_last_name", "own_publicity_level", "own_photos",
)
GUEST_FIELDS = (
    "id", "event_id", "invitation_id", "position", "name", "relationship", "dietary", "dietary_other", "access_needs",
    "access_other", "photography_consent", "transport_needed", "table_id", "checked_in_at", "access_on_place_card",
)
INVITATION_FIELDS = (
    "id", "event_id", "kind", "status", "nomination_id", "invitee_name", "addressee_name", "title", "quote",
    "quote_approved_at",
    "nomination__id", "nomination__group_id", "nomination__nominee_id", "nomination__category_id", "nomination__status",
    "nomination__reference", *(f"nomination__nominee__{name}" for name in _PERSON),
    "nomination__group__id", "nomination__group__name", "nomination__category__id", "nomination__category__name",
)


@dataclass
class NightData(RunningOrder):
    """The running order's data and everyone coming, with their invitations and tables, read once:
    what the event-night workbook's sheets need."""

    invitation_by_nomination: dict[int, Invitation] = field(default_factory=dict)
    guests: list[Guest] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    party_by_invitation: dict[int, list[Guest]] = field(default_factory=dict)

    @classmethod
    def load(cls, event: Event) -> NightData:
        by_category, categories = cls._finalists(event)
        finalist_by_pk = {n.pk: n for nominations in by_category.values() for n in nominations}
        # The finalists' invitations and every accepted one, each nomination read once: a guest
        # points at the shared invitation and table instead of bringing its own copies (32,000
        # model instances for 5,000 guests, most of the time of the workbook).
        invitations = list(
            Invitation.objects.filter(Q(kind=InvitationKind.FINALIST) | Q(status=InvitationStatus.ACCEPTED), event=event)
            .select_related("nomination__nominee", "nomination__group", "nomination__category")
            .only(*INVITATION_FIELDS)
        )
        strays = []
        for invitation in invitations:
            if invitation.nomination_id in finalist_by_pk:
                invitation.nomination = finalist_by_pk[invitation.nomination_id]
            elif invitation.nomination_id and invitation.nomination.group_id:
                strays.append(invitation.nomination)  # no longer in the final: its group's members
        if strays:
            prefetch_related_objects(strays, Prefetch("group__members", queryset=Nominee.objects.only(*_PERSON)))
        by_id = {invitation.pk: invitation for invitation in invitations}
        tables = list(Table.objects.filter(event=event).order_by("number"))
        table_by_id = {table.pk: table for table in tables}
        guests = list(guests_coming(event).only(*GUEST_FIELDS).order_by("name", "pk"))
        party_by_invitation: dict[int, list[Guest]] = {}
        for guest in guests:
            guest.table = table_by_id.get(guest.table_id)
            guest.invitation = by_id.get(guest.invitation_id)
            if guest.invitation_id:
                party_by_invitation.setdefault(guest.invitation_id, []).append(guest)
        for party in party_by_invitation.values():
            party.sort(key=lambda g: g.position)
        # Each guest as the event team names them (the guest list and table plan are the door's
        # paper fallback): a finalist's line composed from their record now, never a stored copy.
        for guest in guests:
            party = party_by_invitation.get(guest.invitation_id, [])
            companion = next((g.name for g in party if g.position == 1), "")
            guest.shown = guest_name(guest, with_name=companion)
        invitation_by_nomination = {i.nomination_id: i for i in invitations if i.kind == InvitationKind.FINALIST}
        # Who is coming and when they arrived, from the guests already read (no query of its own).
        arrivals = {}
        for nomination_id, invitation in invitation_by_nomination.items():
            invitee = next((g for g in party_by_invitation.get(invitation.pk, []) if g.position == 0), None)
            if invitee is not None:
                arrivals[nomination_id] = invitee.checked_in_at
        citations = {
            nomination_id: invitation.quote
            for nomination_id, invitation in invitation_by_nomination.items()
            if invitation.quote_approved_at and invitation.quote
        }
        return cls(
            event=event, items=cls._items(event), finalists_by_category=by_category, categories=categories,
            arrivals=arrivals, citations=citations, invitation_by_nomination=invitation_by_nomination,
            guests=guests, tables=tables, party_by_invitation=party_by_invitation,
        )

    def party_name(self, guest: Guest) -> str:
        """Whose party a guest is in, as the event team names the invitee."""
        invitation = guest.invitation
        if invitation is None:
            return "Walk-in"
        invitee = next((g for g in self.party_by_invitation.get(invitation.pk, []) if g.position == 0), None)
        return invitee.shown if invitee is not None else invitee_name(invitation, Audience.EVENT_TEAM)

    def finalist_guest(self, nomination: Nomination) -> Guest | None:
        invitation = self.invitation_by_nomination.get(nomination.pk)
        party = self.party_by_invitation.get(invitation.pk, []) if invitation else []
        return next((g for g in party if g.position == 0), None)


# --- the door ---------------------------------------------------------------------------------


@dataclass
class DoorGuest:
    """All the door shows of a guest: the event team's name, the table, whose party, access
    needs, and whether they arrived (nominations.naming: the event team's audience)."""

    pk: int
    name: str
    table: int | None
    party: str
    access: list[str]
    arrived_at: datetime | None
    walk_in: bool = False
    # The SHA-256 of the party's door code (events.links), so a phone finds a scanned party in its
    # own copy of the list, offline too, without the page holding the codes themselves.
    door: str = ""


def access_labels(codes: list[str], other: str) -> list[str]:
    labels = dict(AccessNeed.choices)
    return [str(labels.get(code, code)) for code in codes if code != AccessNeed.OTHER] + ([other] if other else [])


def door_party(guest: Guest, names: dict[int, str]) -> str:
    """Whose party a guest is in, as the event team says it. `names`: the event team's name of the
    invitee of each invitation on the list."""
    invitation = guest.invitation
    if invitation is None:
        return "Walk-in"
    if guest.position == 0:
        return "Finalist" if invitation.kind == InvitationKind.FINALIST else invitation.get_kind_display()
    return f"With {names.get(invitation.pk) or invitee_name(invitation, Audience.EVENT_TEAM)}"


def _door_search(event: Event, q: str):
    guests = guests_coming(event).annotate(shown=guest_name_expression())
    code = door_code_read(q)
    if code:
        guests = guests.filter(invitation__door_code=code)
    elif q.isdigit():
        guests = guests.filter(table__number=int(q))
    elif q:
        guests = guests.filter(shown__icontains=q)
    return guests


def door_guests_found(event: Event, q: str, limit: int, *, everyone: int) -> tuple[list[DoorGuest], int]:
    """The first `limit` guests a search finds (everyone when `q` is empty) and how many it finds
    (`everyone`: how many are coming, known already): the page without its script shows a
    screenful, not thousands. The same number of queries whatever the search finds."""
    rows = door_guests(event, q, limit=limit)
    return rows, (_door_search(event, q).count() if q else everyone)


# What the door never reads of the rows it joins (statements, safeguarding notes, contact details,
# timestamps): not loaded, so the door holds less and builds 5,000 guests in half the time. A name
# that needed one of them would cost a query per guest, which the door's query-count tests catch.
DOOR_NOMINATION_UNREAD = (
    *(name for name in (
        "nominator_name", "nominator_email", "nominator_phone", "nominator_organisation", "achievement",
        "why_it_matters", "anything_else", "access_token_hash", "submitted_at", "created_at", "updated_at",
    )),
    *(f"nominee__{name}" for name in (
        "date_of_birth", "area", "allocated_worker_name", "safe_contact_email", "own_choices_at",
        "safeguarding_checked_at", "safeguarding_notes", "created_at",
    )),
)
DOOR_UNREAD = (
    "dietary", "dietary_other", "created_at",
    *(f"invitation__{name}" for name in (
        "addressee_email", "young_person_email", "quote", "quote_approved_at", "responded_at", "sent_at",
        "readdressed_at", "created_at", "updated_at",
    )),
    *(f"invitation__nomination__{name}" for name in DOOR_NOMINATION_UNREAD),
)


def door_guests(event: Event, q: str = "", *, limit: int | None = None) -> list[DoorGuest]:
    """Everyone coming, or those a search finds (a table number, or part of the name the event
    team sees), by name. A finalist's name is composed from their record when read: a lowered
    publicity level or a changed preferred name shows at once. A fixed number of queries."""
    guests = (
        _door_search(event, q)
        .select_related("table", "invitation__nomination__nominee", "invitation__nomination__group")
        .defer(*DOOR_UNREAD)
        .order_by(Lower("shown"), "pk")
    )
    rows = list(guests[:limit] if limit is not None else guests)
    companions = finalists_companions(rows)
    invitees = {
        g.invitation_id: guest_name(g, with_name=companions.get(g.invitation_id, ""))
        for g in rows if g.position == 0 and g.invitation_id
    }
    return [
        DoorGuest(
            pk=guest.pk,
            name=guest_name(guest, with_name=companions.get(guest.invitation_id, "")),
            table=guest.table.number if guest.table_id else None,
            party=door_party(guest, invitees),
            access=access_labels(guest.access_needs, guest_text(guest, guest.access_other)),
            arrived_at=guest.checked_in_at,
            walk_in=guest.invitation_id is None,
            door=door_code_hash(guest.invitation.door_code) if guest.invitation_id and guest.invitation.door_code else "",
        )
        for guest in rows
    ]


# The first characters of the SHA-256 of a party's door code (events.links.door_code_hash): enough
# to find a scanned party among a thousand (40 bits), in a sixth of the whole hash's bytes, once
# per party, on a phone's slow connection.
DOOR_HASH_CHARS = 10


def door_list(event: Event) -> dict:
    """Everyone coming, as the door's script keeps them on the phone: what the door page shows of
    each guest and nothing more (the event team's name, table, whose party, access needs, when they
    arrived, whether a walk-in, their party's door-code hash), packed to travel a slow connection.

    One list per field, in order of guest id (a party's guests together, so that compression finds
    what repeats): `id` as differences from the one before (the first as it is); `party` as text,
    or, for a guest whose party is "With <name>", how many places back that guest is; `arrived`
    "HH:MM" or null; `door` an index into `doors` or null. The phone sorts by name itself."""
    guests = sorted(door_guests(event), key=lambda guest: guest.pk)
    doors: dict[str, int] = {}
    at: dict[str, int] = {}  # the last place of each name, for "With <name>"
    packed = {"id": [], "name": [], "table": [], "party": [], "access": [], "arrived": [], "walk_in": [], "door": []}
    previous = 0
    for index, guest in enumerate(guests):
        invitee = guest.party[5:] if guest.party.startswith("With ") else None
        packed["id"].append(guest.pk - previous)
        packed["name"].append(guest.name)
        packed["table"].append(guest.table)
        packed["party"].append(index - at[invitee] if invitee in at else guest.party)
        packed["access"].append(", ".join(guest.access))
        packed["arrived"].append(timezone.localtime(guest.arrived_at).strftime("%H:%M") if guest.arrived_at else None)
        packed["walk_in"].append(int(guest.walk_in))
        packed["door"].append(doors.setdefault(guest.door[:DOOR_HASH_CHARS], len(doors)) if guest.door else None)
        previous = guest.pk
        at[guest.name] = index
    return {**packed, "doors": list(doors)}


def door_arrivals_state(event: Event) -> dict:
    """Who has arrived, in a few hundred bytes whatever the number of guests, for a phone polling
    every few seconds: `arrived_bits` is a bitmap (base64, first guest in the high bit of the first
    byte) over everyone coming in order of id, and `version` names that list of guests with their
    tables, so a phone whose copy of the list differs fetches the list again. One query."""
    # Whether each guest is here, not when: a boolean is read in a fraction of the time of a date
    # (thousands of rows at each arrival and each phone's poll).
    rows = list(
        guests_coming(event)
        .order_by("pk")
        .annotate(here=ExpressionWrapper(Q(checked_in_at__isnull=False), output_field=BooleanField()))
        .values_list("pk", "table__number", "here")
    )
    bits = bytearray((len(rows) + 7) // 8)
    arrived = 0
    for index, (_, _, here) in enumerate(rows):
        if here:
            bits[index >> 3] |= 0x80 >> (index & 7)
            arrived += 1
    return {
        "expected": len(rows),
        "arrived": arrived,
        "version": door_list_version((pk, table) for pk, table, _ in rows),
        "arrived_bits": base64.b64encode(bytes(bits)).decode(),
    }


def door_list_version(guests) -> str:
    """A short name for a list of (guest id, table number) pairs in order of id."""
    digest = hashlib.sha256(";".join(f"{pk}:{table or ''}" for pk, table in guests).encode())
    return digest.hexdigest()[:16]


# What a young person asked for about the night (events' "How you'd like to be celebrated") that the
# seating needs, beside their access needs (a quiet space is already one of those).
SEATING_WISHES = {Easier.ARRIVE_EARLY: "Arriving early", Easier.FAMILIAR_ADULT: "A familiar adult close by"}


def seating_wishes(guest: Guest, shown: dict[int, str]) -> list[str]:
    """The finalist's own seating wishes, for their line of the table plan: who they would like to
    sit with (`shown`: guest id -> the name the plan shows) and what would make the night easier.
    Reads `guest.invitation.celebration` (select_related by the caller)."""
    if guest.position != 0 or guest.invitation_id is None:
        return []
    choices = getattr(guest.invitation, "celebration", None)
    if choices is None or choices.answered_at is None:
        return []
    wishes = [f"Wants to sit with {shown[pk]}" for pk in choices.sit_with if pk in shown]
    return wishes + [label for code, label in SEATING_WISHES.items() if code in choices.easier]
