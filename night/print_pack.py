"""The night's print pack, from the seating plan, each part a print-ready tagged PDF: name badges,
place cards for every seat, table-number cards, and the photographer's sheet.

- Names follow the audience that sees them: a badge or place card is read by the room
  (nominations.naming: a finalist's announce name; a guest of their party without the surname
  they share with the young person).
- Each person who must not be photographed (no consent, or a finalist whose safeguarding check
  does not allow it) carries a discreet mark, explained on the photographer's sheet.
- A place card shows the guest's access needs (the ticked ones, never what was typed) only where
  they agreed (Guest.access_on_place_card).
- Each download to print is remembered (PrintRun, PrintedCard: a keyed fingerprint of what a card
  showed, never the name), so the guests added or moved since can be printed on their own, and a
  card printed before what it shows changed (a young person's new name or photo choice, issue 22)
  is flagged for reprint until it is printed again (reprints_due)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import transaction

from awards.rules import is_organiser
from events.enums import AccessNeed, InvitationKind
from events.models import Event, Guest
from events.selectors import guest_name
from mail.errors import NotAllowed
from nominations.enums import PhotoChoice
from nominations.naming import Audience, party_guest_name

from .models import PrintedCard, PrintKind, PrintRun
from .pdf import Batches, chunks, council, write_pdf
from .selectors import NightData, photos_for

BADGES_PER_SHEET = 8
PLACE_CARDS_PER_SHEET = 4
# Short labels for a place card's access marks: the ticked needs only, never free text.
ACCESS_MARKS = {
    AccessNeed.WHEELCHAIR: "Wheelchair space",
    AccessNeed.BSL: "BSL interpreter",
    AccessNeed.HEARING_LOOP: "Hearing loop",
    AccessNeed.QUIET_SPACE: "Quiet space",
}
TEMPLATES = {
    PrintKind.BADGES: "night/pdf/badges.html",
    PrintKind.PLACE_CARDS: "night/pdf/place_cards.html",
    PrintKind.TABLE_CARDS: "night/pdf/table_cards.html",
}
TITLES = {
    PrintKind.BADGES: "Name badges",
    PrintKind.PLACE_CARDS: "Place cards",
    PrintKind.TABLE_CARDS: "Table cards",
}


@dataclass(frozen=True)
class Card:
    """What one badge or place card shows."""

    guest_id: int
    name: str
    role: str
    table: int | None
    no_photographs: bool
    access: tuple[str, ...]

    def fingerprint(self) -> str:
        shown = "\x1f".join([self.name, self.role, str(self.table or ""), "1" if self.no_photographs else "0", *self.access])
        return hmac.new(settings.SECRET_KEY.encode(), shown.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class TableCard:
    table_id: int
    number: int
    label: str
    accessible: bool

    def fingerprint(self) -> str:
        shown = f"{self.number}\x1f{self.label}\x1f{int(self.accessible)}"
        return hmac.new(settings.SECRET_KEY.encode(), shown.encode(), hashlib.sha256).hexdigest()[:32]


def _role(guest: Guest) -> str:
    invitation = guest.invitation
    if invitation is None:
        return "Guest"
    if guest.position == 0:
        if invitation.kind == InvitationKind.FINALIST:
            return "Finalist"
        return invitation.title or invitation.get_kind_display()
    return "Guest"


def _room_name(guest: Guest) -> str:
    invitation = guest.invitation
    if guest.position == 0 or invitation is None or invitation.kind != InvitationKind.FINALIST:
        return guest_name(guest, Audience.ROOM)
    return party_guest_name(Audience.ROOM, guest.name, invitation.nomination)


def no_photographs(guest: Guest) -> bool:
    """Must not be photographed on their own: said no, or a finalist whose safeguarding check or
    own choice (issue 22: "only group photos" or no) says so (night.selectors.photos_for)."""
    invitation = guest.invitation
    is_finalist = invitation is not None and invitation.kind == InvitationKind.FINALIST and guest.position == 0
    return not guest.photography_consent or (is_finalist and photos_for(invitation.nomination) != PhotoChoice.YES)


def guest_cards(data: NightData, guests: list[Guest] | None = None) -> list[Card]:
    """A card for every guest coming (or each of `guests`), seated ones by table, then the rest,
    by name within."""
    cards = []
    for guest in data.guests if guests is None else guests:
        access = ()
        if guest.access_on_place_card:
            access = tuple(ACCESS_MARKS[code] for code in guest.access_needs if code in ACCESS_MARKS)
        cards.append(Card(
            guest_id=guest.pk,
            name=_room_name(guest),
            role=_role(guest),
            table=guest.table.number if guest.table else None,
            no_photographs=no_photographs(guest),
            access=access,
        ))
    cards.sort(key=lambda c: (c.table if c.table is not None else 10**6, c.name.casefold(), c.guest_id))
    return cards


def table_cards(data: NightData) -> list[TableCard]:
    return [TableCard(table_id=t.pk, number=t.number, label=t.label, accessible=t.accessible) for t in data.tables]


def _last_printed(event: Event, kind: str) -> dict[int, str]:
    """Each guest's (or table's) fingerprint when last printed."""
    field = "table_id" if kind == PrintKind.TABLE_CARDS else "guest_id"
    last: dict[int, str] = {}
    rows = (
        PrintedCard.objects.filter(run__event=event, run__kind=kind)
        .order_by("run__printed_at", "run_id")
        .values_list(field, "fingerprint")
    )
    for key, fingerprint in rows.iterator(chunk_size=5000):
        last[key] = fingerprint
    return last


@dataclass(frozen=True)
class Reprint:
    """A guest whose badge or place card was printed, and shows something else now."""

    guest_id: int
    invitation_id: int | None
    name: str  # as the new card shows it
    table: int | None
    kinds: tuple[str, ...]  # PrintKind of each part printed with the old version

    @property
    def labels(self) -> str:
        return " and ".join(REPRINT_LABELS[kind] for kind in self.kinds)


REPRINT_LABELS = {PrintKind.BADGES: "name badge", PrintKind.PLACE_CARDS: "place card"}


def _reprints(cards: list[Card], fingerprints: dict[int, str], printed: dict[str, dict[int, str]], data: NightData) -> list[Reprint]:
    invitation_of = {guest.pk: guest.invitation_id for guest in data.guests}
    due = []
    for card in cards:
        fingerprint = fingerprints[card.guest_id]
        kinds = tuple(
            kind for kind in REPRINT_LABELS if card.guest_id in printed[kind] and printed[kind][card.guest_id] != fingerprint
        )
        if kinds:
            due.append(Reprint(card.guest_id, invitation_of.get(card.guest_id), card.name, card.table, kinds))
    return due


def reprints_due(event: Event, data: NightData | None = None, *, guest_ids: set[int] | None = None) -> list[Reprint]:
    """The guests whose badge or place card was printed and has changed since (their name, table,
    photo mark or access marks): each until it is printed again. A guest never printed is not a
    reprint (the "added or changed" download has them too). `guest_ids`: only these guests' cards
    (the young people's own lines, for their own-choices page). Two queries with `data` given."""
    data = data or NightData.load(event)
    cards = guest_cards(data, guests=None if guest_ids is None else [g for g in data.guests if g.pk in guest_ids])
    printed = {kind: _last_printed(event, kind) for kind in REPRINT_LABELS}
    return _reprints(cards, {card.guest_id: card.fingerprint() for card in cards}, printed, data)


@dataclass(frozen=True)
class PackState:
    """Each part of the pack: how many cards, how many added or changed since it was last
    printed; and the cards printed before what they show changed (reprints_due)."""

    cards: dict[str, int]
    changed: dict[str, int]
    reprints: list[Reprint]


def pack_state(event: Event, data: NightData | None = None) -> PackState:
    """What the documents page says of the print pack, each card made and fingerprinted once
    (badges and place cards show the same things), three queries with `data` given."""
    data = data or NightData.load(event)
    guests, tables = guest_cards(data), table_cards(data)
    fingerprints = {
        "guest": {card.guest_id: card.fingerprint() for card in guests},
        "table": {card.table_id: card.fingerprint() for card in tables},
    }
    printed = {kind: _last_printed(event, kind) for kind in PrintKind.values}
    cards, changed = {}, {}
    for kind in PrintKind.values:
        shown = fingerprints["table" if kind == PrintKind.TABLE_CARDS else "guest"]
        cards[kind] = len(shown)
        changed[kind] = sum(printed[kind].get(key) != fingerprint for key, fingerprint in shown.items())
    return PackState(cards, changed, _reprints(guests, fingerprints["guest"], printed, data))


@dataclass
class Pack:
    kind: str
    cards: list
    only_changes: bool

    @property
    def title(self) -> str:
        return TITLES[self.kind] + (" (added or changed since the last print)" if self.only_changes else "")


def pack_cards(*, event: Event, kind: str, only_changes: bool = False, data: NightData | None = None) -> Pack:
    data = data or NightData.load(event)
    cards = table_cards(data) if kind == PrintKind.TABLE_CARDS else guest_cards(data)
    if only_changes:
        last = _last_printed(event, kind)
        key = (lambda c: c.table_id) if kind == PrintKind.TABLE_CARDS else (lambda c: c.guest_id)
        cards = [card for card in cards if last.get(key(card)) != card.fingerprint()]
    return Pack(kind=kind, cards=cards, only_changes=only_changes)


def _html(pack: Pack, event: Event) -> Iterator[str]:
    context = {"title": f"{pack.title}, {event.name}", "event": event, **council()}
    if pack.kind == PrintKind.BADGES:
        sheets = chunks(pack.cards, BADGES_PER_SHEET)
        return Batches(TEMPLATES[pack.kind], sheets, context, per_batch=10).html()
    if pack.kind == PrintKind.PLACE_CARDS:
        sheets = chunks(pack.cards, PLACE_CARDS_PER_SHEET)
        return Batches(TEMPLATES[pack.kind], sheets, context, per_batch=20).html()
    return Batches(TEMPLATES[pack.kind], pack.cards, context, per_batch=40).html()


def pack_write(out: IO[bytes], pack: Pack, event: Event) -> int:
    """Write the pack's cards as one tagged PDF; the number of pages."""
    if not pack.cards:
        raise ValueError("Nothing to print.")
    return write_pdf(out, f"{pack.title}, {event.name}", _html(pack, event))


def print_run_record(*, event: Event, pack: Pack, actor) -> PrintRun:
    """Remember what was printed: each card's keyed fingerprint (not its name), so the next
    "only what changed" print leaves it out until it changes."""
    if not is_organiser(actor, event.programme_id):
        raise NotAllowed("Only the programme's organisers can print the pack.")
    with transaction.atomic():
        run = PrintRun.objects.create(
            event=event, kind=pack.kind, only_changes=pack.only_changes, cards=len(pack.cards), printed_by=actor
        )
        if pack.kind == PrintKind.TABLE_CARDS:
            rows = (PrintedCard(run=run, table_id=c.table_id, fingerprint=c.fingerprint()) for c in pack.cards)
        else:
            rows = (PrintedCard(run=run, guest_id=c.guest_id, fingerprint=c.fingerprint()) for c in pack.cards)
        PrintedCard.objects.bulk_create(rows, batch_size=1000)
    return run


@dataclass
class PhotoTable:
    number: int | None
    marked: int


def photographer_sheet_write(out: IO[bytes], event: Event, data: NightData | None = None) -> int:
    """The photographer's sheet: the mark and what it means, and how many marked people sit at
    each table (no names: the mark on their badge and place card is how to know them)."""
    data = data or NightData.load(event)
    by_table: dict[int | None, int] = {}
    for guest in data.guests:
        if no_photographs(guest):
            number = guest.table.number if guest.table else None
            by_table[number] = by_table.get(number, 0) + 1
    tables = [PhotoTable(n, by_table[n]) for n in sorted(by_table, key=lambda n: (n is None, n or 0))]
    title = f"Photographer's sheet, {event.name}"
    context = {"title": title, "event": event, "tables": tables, "total": sum(by_table.values()), **council()}
    return write_pdf(out, title, Batches("night/pdf/photographer.html", [None], context).html())


