"""The floor of the whole event-night workbook (issue 20): the same cells as night.exporters.
EventNightWorkbook's eight sheets, from values fetched with values_list (one query per kind of row,
shared by the sheets that show it, as the workbook shares its reads: seven queries for eight sheets)
and written by openpyxl in write-only mode with no styling and no safe cell writer. Names are
composed by the same naming functions (the rules are required work), on plain objects instead of
model instances. `floor_cells` gives the cells without writing, so a test can hold the floor to the
workbook's cells."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import IO

from django.utils import timezone
from openpyxl import Workbook

from events.enums import AccessNeed, Dietary, GuestRelationship, InvitationKind, InvitationStatus, ItemKind
from events.models import CelebrationChoices, Invitation, RunningOrderItem, Table
from events.selectors import guests_coming
from night.exporters import PHOTOS_IN_WORDS, UNCHECKED_BOX
from night.selectors import SEATING_WISHES, Presence, finalist_nominations
from nominations.enums import PhotoChoice
from nominations.models import Nominee
from nominations.naming import Audience, nomination_name, photos_in_room, pronunciation_hint, words_for

PERSON = (
    "kind", "publicity_level", "own_publicity_level", "preferred_name", "legal_first_name", "legal_last_name", "chosen_name",
    "photography_allowed", "named_to_event_staff", "say_first_name", "say_last_name", "own_photos",
)
ACCESS_LABELS, DIETARY_LABELS = dict(AccessNeed.choices), dict(Dietary.choices)
KIND_LABELS, STATUS_LABELS = dict(ItemKind.choices), dict(InvitationStatus.choices)
INVITATION_KIND_LABELS, RELATIONSHIP_LABELS = dict(InvitationKind.choices), dict(GuestRelationship.choices)


def _time(value) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


def _person(values) -> SimpleNamespace | None:
    return None if values[0] is None else SimpleNamespace(**dict(zip(PERSON, values)))


class _Members:
    def __init__(self, people):
        self.people = people

    def all(self):
        return self.people


def _nomination(pk, group_id, group_name, person, members) -> SimpleNamespace:
    group = SimpleNamespace(name=group_name, members=_Members(members.get(group_id, []))) if group_id else None
    return SimpleNamespace(pk=pk, group_id=group_id, group=group, nominee=person, nominee_id=None if person is None else 1)


def _photos(nomination) -> str:
    if nomination.group_id is not None:
        return PhotoChoice.YES if all(m.photography_allowed for m in nomination.group.members.all()) else PhotoChoice.NO
    if nomination.nominee is None:
        return PhotoChoice.NO
    return photos_in_room(nomination.nominee)


def _staged(invitee, addressee, title) -> tuple[str, str]:
    return invitee or addressee, title


def floor_cells(event) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) of each of the eight sheets."""
    # --- the reads ------------------------------------------------------------------------------
    finalist_rows = list(
        finalist_nominations(event).order_by("category__display_order", "category__name", "reference").values_list(
            "pk", "category_id", "category__name", "group_id", "group__name", *(f"nominee__{name}" for name in PERSON)
        )
    )
    guest_rows = list(guests_coming(event).order_by("name", "pk").values_list(
        "pk", "invitation_id", "position", "name", "relationship", "dietary", "dietary_other", "access_needs", "access_other",
        "photography_consent", "transport_needed", "table_id", "table__number", "checked_in_at", "invitation__kind",
        "invitation__title", "invitation__invitee_name", "invitation__addressee_name", "invitation__nomination_id",
        "invitation__nomination__group_id", "invitation__nomination__group__name", "invitation__nomination__category__name",
        *(f"invitation__nomination__nominee__{name}" for name in PERSON),
    ))
    group_ids = {row[3] for row in finalist_rows if row[3]} | {row[19] for row in guest_rows if row[19]}
    members: dict[int, list] = defaultdict(list)
    for group_id, *person in Nominee.objects.filter(groups__id__in=group_ids or [0]).values_list("groups__id", *PERSON):
        members[group_id].append(_person(person))
    invitations = {
        nomination_id: (pk, status, quote if approved and quote else "")
        for nomination_id, pk, status, quote, approved in Invitation.objects.filter(
            event=event, kind=InvitationKind.FINALIST
        ).values_list("nomination_id", "pk", "status", "quote", "quote_approved_at")
    }
    category_names = {row[1]: row[2] for row in finalist_rows}
    item_rows = list(RunningOrderItem.objects.filter(event=event).order_by("position", "presenters__kind", "presenters__id").values_list(
        "pk", "starts_at", "duration_minutes", "title", "kind", "category_id", "category__description", "walk_on_music",
        "slide", "winner_id", "winner_revealed", "winner__group_id", "winner__group__name",
        *(f"winner__nominee__{name}" for name in PERSON),
        "compere_id", "compere__invitee_name", "compere__addressee_name", "compere__title",
        "presenters__id", "presenters__invitee_name", "presenters__addressee_name", "presenters__title",
    ))
    tables = list(Table.objects.filter(event=event).order_by("number").values_list("pk", "number", "accessible", "capacity"))

    # --- the guests, as the event team names them --------------------------------------------------
    guests = []
    party: dict[int, list] = defaultdict(list)
    for row in guest_rows:
        nomination = _nomination(row[18], row[19], row[20], _person(row[22:]), members) if row[18] else None
        guest = SimpleNamespace(
            pk=row[0], invitation_id=row[1], position=row[2], name=row[3], relationship=row[4], dietary=row[5],
            dietary_other=row[6], access_needs=row[7], access_other=row[8], photography_consent=row[9], transport=row[10],
            table_id=row[11], table=row[12], checked_in_at=row[13], kind=row[14], title=row[15], invitee=row[16],
            addressee=row[17], nomination=nomination, category=row[21],
        )
        guests.append(guest)
        if guest.invitation_id:
            party[guest.invitation_id].append(guest)
    for people in party.values():
        people.sort(key=lambda g: g.position)
    for guest in guests:
        people = party.get(guest.invitation_id, [])
        companion = next((g.name for g in people if g.position == 1), "")
        if guest.position == 0 and guest.invitation_id and guest.kind == InvitationKind.FINALIST:
            guest.shown = nomination_name(
                Audience.EVENT_TEAM, guest.nomination, number=guest.invitation_id, table=guest.table, with_name=companion
            )
        else:
            guest.shown = guest.name

    def party_name(guest) -> str:
        if guest.invitation_id is None:
            return "Walk-in"
        invitee = next((g for g in party.get(guest.invitation_id, []) if g.position == 0), None)
        if invitee is not None:
            return invitee.shown
        if guest.kind == InvitationKind.FINALIST:
            return nomination_name(Audience.EVENT_TEAM, guest.nomination, number=guest.invitation_id)
        return guest.invitee or guest.addressee

    def text(guest, value: str) -> str:
        if not value or guest.invitation_id is None or guest.kind != InvitationKind.FINALIST:
            return value
        return words_for(Audience.EVENT_TEAM, value, guest.nomination)

    # --- the finalists and the running order -------------------------------------------------------
    arrivals = {
        g.nomination.pk: g.checked_in_at for g in guests if g.position == 0 and g.kind == InvitationKind.FINALIST
    }
    finalists_by_category: dict[int, list] = defaultdict(list)
    for pk, category_id, _, group_id, group_name, *person in finalist_rows:
        nomination = _nomination(pk, group_id, group_name, _person(person), members)
        name = nomination_name(Audience.ROOM, nomination)
        if pk not in arrivals:
            presence = Presence.NOT_COMING.label
        elif arrivals[pk]:
            presence = f"{Presence.ARRIVED.label} ({_time(arrivals[pk])})"
        else:
            presence = Presence.NOT_YET.label
        quote = invitations.get(pk, (None, None, ""))[2]
        finalists_by_category[category_id].append(SimpleNamespace(
            nomination=nomination, category_id=category_id, name=name, presence=presence,
            pronunciation=pronunciation_hint(nomination.nominee), citation=words_for(Audience.ROOM, quote, nomination),
        ))
    items = []
    for row in item_rows:
        if items and items[-1].pk == row[0]:
            item = items[-1]
        else:
            winner = _nomination(row[9], row[11], row[12], _person(row[13:25]), members) if row[9] else None
            item = SimpleNamespace(
                pk=row[0], starts_at=row[1], minutes=row[2], title=row[3], kind=row[4], category_id=row[5],
                description=row[6], music=row[7], slide=row[8],
                winner=(nomination_name(Audience.ROOM, winner) if row[10] else "sealed") if winner else "",
                compere=_staged(*row[26:29]) if row[25] else None, presenters=[],
            )
            items.append(item)
        if row[29]:
            item.presenters.append(_staged(*row[30:33]))
    for item in items:
        item.finalists = finalists_by_category.get(item.category_id, []) if item.kind == ItemKind.AWARD else []
        item.in_room = "\n".join(f"{f.name}: {f.presence}" for f in item.finalists)
        item.on_stage = "; ".join(f"{name}, {title}" if title else name for name, title in item.presenters)

    # --- the sheets ------------------------------------------------------------------------------
    sheets = []
    sheets.append(("Running order", ["Start", "Minutes", "Item", "Kind", "Presenters", "Compere", "Walk-on music", "Slide",
                                     "Finalists", "In the room", "Winner"], [
        [_time(i.starts_at), i.minutes, i.title, KIND_LABELS[i.kind], i.on_stage, i.compere[0] if i.compere else "",
         i.music, i.slide, "\n".join(f.name for f in i.finalists), i.in_room, i.winner]
        for i in items
    ]))
    sheets.append(("Compere script", ["Start", "Award", "Say first", "The finalists", "How to say their names",
                                      "What was said about them", "Then introduce", "In the room"], [
        [_time(i.starts_at), i.title, i.description, "\n".join(f.name for f in i.finalists),
         "\n".join(f"{f.name}: {f.pronunciation}" for f in i.finalists if f.pronunciation),
         "\n".join(f"{f.name}: “{f.citation}”" for f in i.finalists if f.citation), i.on_stage, i.in_room]
        for i in items if i.kind == ItemKind.AWARD
    ]))
    invitee_of = {g.nomination.pk: g for g in guests if g.position == 0 and g.kind == InvitationKind.FINALIST}
    rows = []
    for category_id, finalists in finalists_by_category.items():
        for f in finalists:
            invitation = invitations.get(f.nomination.pk)
            guest = invitee_of.get(f.nomination.pk)
            rows.append([
                category_names[category_id], f.name, f.pronunciation,
                STATUS_LABELS[invitation[1]] if invitation else "not invited", len(party.get(invitation[0], [])) if invitation else 0,
                guest.table if guest and guest.table is not None else "", f.presence, PHOTOS_IN_WORDS[_photos(f.nomination)],
            ])
    sheets.append(("Finalists by category", ["Award", "Finalist", "Say it", "Invitation", "Party", "Table", "Arrived",
                                             "Photographs"], rows))
    sheets.append(("Guest list", ["Name", "Table", "Party of", "Access needs", "Arrived"], [
        [g.shown, g.table if g.table is not None else "", party_name(g),
         ", ".join(filter(None, [", ".join(str(ACCESS_LABELS.get(c, c)) for c in g.access_needs), text(g, g.access_other)])),
         _time(g.checked_in_at) or UNCHECKED_BOX]
        for g in sorted(guests, key=lambda g: (g.shown.casefold(), g.pk))
    ]))
    by_table: dict = defaultdict(list)
    for guest in guests:
        by_table[guest.table_id].append(guest)
    rows = [
        [number, "yes" if accessible else "", capacity, len(by_table[pk]),
         "; ".join(g.shown for g in sorted(by_table[pk], key=lambda g: (g.invitation_id or 0, g.position)))]
        for pk, number, accessible, capacity in tables
    ]
    if by_table.get(None):
        rows.append(["Not seated", "", "", len(by_table[None]), "; ".join(g.shown for g in by_table[None])])
    sheets.append(("Table plan", ["Table", "Accessible", "Seats", "Seated", "Guests"], rows))
    groups = {"All tables": guests} if guests else {}
    for pk, number, _, _ in tables:
        groups[f"Table {number}"] = by_table.get(pk, [])
    if by_table.get(None):
        groups["Not seated"] = by_table[None]
    # What the young people asked for through their own links (one query, as the workbook).
    asks = {}
    answered = CelebrationChoices.objects.filter(invitation__event=event, answered_at__isnull=False)
    for invitation_id, easier in answered.values_list("invitation_id", "easier"):
        wanted = [label for code, label in SEATING_WISHES.items() if code in (easier or [])]
        if wanted:
            asks[invitation_id] = ", ".join(wanted)
    sheets.append(("Dietary and access", ["Table", "Guests", *map(str, Dietary.labels), "Other food needs",
                                          *map(str, AccessNeed.labels), "Other access needs", "Transport",
                                          "Young people's own asks"], [
        [label, len(people), *(sum(code in g.dietary for g in people) for code in Dietary.values),
         "; ".join(f"{g.shown}: {text(g, g.dietary_other)}" for g in people if g.dietary_other),
         *(sum(code in g.access_needs for g in people) for code in AccessNeed.values),
         "; ".join(f"{g.shown}: {text(g, g.access_other)}" for g in people if g.access_other),
         sum(g.transport for g in people),
         "; ".join(f"{g.shown}: {asks[g.invitation_id]}" for g in people if g.position == 0 and g.invitation_id in asks)]
        for label, people in groups.items()
    ]))
    rows = []
    for g in sorted(guests, key=lambda g: (g.table if g.table is not None else 10**6, g.shown.casefold())):
        is_finalist = g.invitation_id is not None and g.kind == InvitationKind.FINALIST and g.position == 0
        reasons = [] if g.photography_consent else ["no consent to photographs"]
        photos = _photos(g.nomination) if is_finalist else PhotoChoice.YES
        if photos == PhotoChoice.NO:
            own = g.nomination.group_id is None and g.nomination.nominee is not None and g.nomination.nominee.photography_allowed
            reasons.append("their own choice: no photographs" if own else "safeguarding: no photographs")
        elif photos == PhotoChoice.GROUP_ONLY:
            reasons.append("their own choice: group photos only")
        if not reasons:
            continue
        if is_finalist:
            who = f"Finalist, {g.category}"
        elif g.invitation_id is None:
            who = "Walk-in"
        elif g.relationship == GuestRelationship.INVITEE:
            who = f"{INVITATION_KIND_LABELS[g.kind]}{f', {g.title}' if g.title else ''}"
        else:
            who = f"{RELATIONSHIP_LABELS[g.relationship]}, with {party_name(g)}"
        rows.append([g.shown, g.table if g.table is not None else "", who, "; ".join(reasons)])
    sheets.append(("Photography", ["Name", "Table", "Who they are", "Why"], rows))
    rows = []
    for i in items:
        rows += [[name, title, "Presents", i.title, _time(i.starts_at)] for name, title in i.presenters]
        if i.compere:
            rows.append([i.compere[0], i.compere[1], "Comperes", i.title, _time(i.starts_at)])
    sheets.append(("Presenters", ["Name", "Title", "Role", "Item", "Start"], rows))
    return sheets


def floor_workbook(event, fileobj: IO[bytes]) -> int:
    """The eight sheets' cells (floor_cells), written by openpyxl write-only with no styling;
    returns the number of cells written."""
    workbook = Workbook(write_only=True)
    cells = 0
    for title, headers, rows in floor_cells(event):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        cells += len(headers) * (len(rows) + 1)
    workbook.save(fileobj)
    return cells
