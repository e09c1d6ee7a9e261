"""The event-night workbook and the certificates list.

The running order, compere script and finalists sheets say what the running order page and the API
say, from the same lines (night.selectors.night_lines): finalists by announce name (DESIGN.md
rule 1), presence in the same words, a winner only once an organiser has revealed it. Everything
is read once (night.selectors.NightData), in a fixed number of queries whatever the size of the
event, then written by the safe cell writer (nominations.spreadsheets)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone

from events.enums import AccessNeed, Dietary, GuestRelationship, InvitationKind, ItemKind
from events.models import CelebrationChoices, Event, Guest
from events.selectors import guest_text, on_stage
from nominations.enums import NominationStatus, PhotoChoice
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name
from nominations.spreadsheets import Column, ListExporter, MultiSheetExporter, SheetSpec

from .selectors import SEATING_WISHES, ItemLine, NightData, finalist_line, night_lines, photos_for

UNCHECKED_BOX = "☐"


def _time(value) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


PHOTOS_IN_WORDS = {PhotoChoice.YES: "yes", PhotoChoice.GROUP_ONLY: "GROUP ONLY", PhotoChoice.NO: "NO"}


def _codes(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(code, code)) for code in values)


def _winner(line: ItemLine) -> str:
    if line.winner:
        return line.winner
    return "sealed" if line.item.winner_id else ""


def _in_the_room(line: ItemLine) -> str:
    return "\n".join(f"{f.name}: {f.presence_label}" for f in line.finalists)


class EventNightWorkbook(MultiSheetExporter):
    identifier = "event-night"
    verbose_name = "Event night"

    def __init__(self, event: Event):
        self.event = event

    def sheets(self) -> Iterator[SheetSpec]:
        data = NightData.load(self.event)
        yield self.running_order(data)
        yield self.compere_script(data)
        yield self.finalists(data)
        yield self.guest_list(data)
        yield self.table_plan(data)
        yield self.dietary_and_access(data)
        yield self.photography(data)
        yield self.presenters(data)

    def running_order(self, data: NightData) -> SheetSpec:
        columns = [
            Column("Start", 8), Column("Minutes", 8), Column("Item", 30), Column("Kind", 12), Column("Presenters", 36),
            Column("Compere", 22), Column("Walk-on music", 24), Column("Slide", 10), Column("Finalists", 40),
            Column("In the room", 40), Column("Winner", 20),
        ]
        rows = []
        for line in night_lines(self.event, sealed_winners=False, data=data):
            item = line.item
            rows.append([
                _time(item.starts_at), item.duration_minutes, item.title, item.get_kind_display(),
                "; ".join(map(str, line.presenters)), line.compere.name if line.compere else "", item.walk_on_music,
                item.slide, "\n".join(f.name for f in line.finalists), _in_the_room(line), _winner(line),
            ])
        return SheetSpec("Running order", columns, rows)

    def compere_script(self, data: NightData) -> SheetSpec:
        columns = [
            Column("Start", 8), Column("Award", 26), Column("Say first", 50), Column("The finalists", 40),
            Column("How to say their names", 30), Column("What was said about them", 60), Column("Then introduce", 36),
            Column("In the room", 36),
        ]
        rows = []
        for line in night_lines(self.event, sealed_winners=False, data=data):
            item = line.item
            if item.kind != ItemKind.AWARD:
                continue
            rows.append([
                _time(item.starts_at), item.title, item.category.description,
                "\n".join(f.name for f in line.finalists),
                "\n".join(f"{f.name}: {f.pronunciation}" for f in line.finalists if f.pronunciation),
                "\n".join(f"{f.name}: “{f.citation}”" for f in line.finalists if f.citation),
                "; ".join(map(str, line.presenters)),
                _in_the_room(line),
            ])
        return SheetSpec("Compere script", columns, rows)

    def finalists(self, data: NightData) -> SheetSpec:
        columns = [
            Column("Award", 26), Column("Finalist", 26), Column("Say it", 22), Column("Invitation", 14),
            Column("Party", 7), Column("Table", 7), Column("Arrived", 16), Column("Photographs", 12),
        ]
        rows = []
        for category_id, nominations in data.finalists_by_category.items():
            for nomination in nominations:
                invitation = data.invitation_by_nomination.get(nomination.pk)
                party = data.party_by_invitation.get(invitation.pk, []) if invitation else []
                guest = data.finalist_guest(nomination)
                finalist = finalist_line(data, nomination)
                rows.append([
                    data.categories[category_id].name, finalist.name, finalist.pronunciation,
                    invitation.get_status_display() if invitation else "not invited", len(party),
                    guest.table.number if guest and guest.table else "", finalist.presence_label,
                    PHOTOS_IN_WORDS[finalist.photos],
                ])
        return SheetSpec("Finalists by category", columns, rows)

    def guest_list(self, data: NightData) -> SheetSpec:
        columns = [Column("Name", 30), Column("Table", 7), Column("Party of", 28), Column("Access needs", 30), Column("Arrived", 9)]
        rows = (
            [
                guest.shown, guest.table.number if guest.table else "", data.party_name(guest),
                ", ".join(filter(None, [_codes(guest.access_needs, AccessNeed.choices), guest_text(guest, guest.access_other)])),
                _time(guest.checked_in_at) or UNCHECKED_BOX,
            ]
            for guest in sorted(data.guests, key=lambda g: (g.shown.casefold(), g.pk))
        )
        return SheetSpec("Guest list", columns, rows)

    def table_plan(self, data: NightData) -> SheetSpec:
        columns = [Column("Table", 7), Column("Accessible", 10), Column("Seats", 7), Column("Seated", 7), Column("Guests", 80)]
        by_table: dict[int, list[Guest]] = defaultdict(list)
        unseated = []
        for guest in data.guests:
            (by_table[guest.table_id] if guest.table_id else unseated).append(guest)
        rows = [
            [
                table.number, "yes" if table.accessible else "", table.capacity, len(by_table[table.pk]),
                "; ".join(g.shown for g in sorted(by_table[table.pk], key=lambda g: (g.invitation_id or 0, g.position))),
            ]
            for table in data.tables
        ]
        if unseated:
            rows.append(["Not seated", "", "", len(unseated), "; ".join(g.shown for g in unseated)])
        return SheetSpec("Table plan", columns, rows)

    def dietary_and_access(self, data: NightData) -> SheetSpec:
        columns = [
            Column("Table", 12), Column("Guests", 7),
            *(Column(label, 11) for label in Dietary.labels), Column("Other food needs", 36),
            *(Column(label, 11) for label in AccessNeed.labels), Column("Other access needs", 36), Column("Transport", 9),
            Column("Young people's own asks", 40),
        ]
        asks = self._own_asks()
        groups: dict[str, list[Guest]] = {"All tables": list(data.guests)} if data.guests else {}
        # One pass over the guests: a scan per table is tables × guests (seconds at 5,000 guests).
        by_table: dict[int | None, list[Guest]] = defaultdict(list)
        for guest in data.guests:
            by_table[guest.table_id].append(guest)
        for table in data.tables:
            groups[f"Table {table.number}"] = by_table.get(table.pk, [])
        if by_table.get(None):
            groups["Not seated"] = by_table[None]
        rows = []
        for label, guests in groups.items():
            rows.append([
                label, len(guests),
                *(sum(code in g.dietary for g in guests) for code in Dietary.values),
                "; ".join(f"{g.shown}: {guest_text(g, g.dietary_other)}" for g in guests if g.dietary_other),
                *(sum(code in g.access_needs for g in guests) for code in AccessNeed.values),
                "; ".join(f"{g.shown}: {guest_text(g, g.access_other)}" for g in guests if g.access_other),
                sum(g.transport_needed for g in guests),
                "; ".join(f"{g.shown}: {asks[g.invitation_id]}" for g in guests if g.position == 0 and g.invitation_id in asks),
            ])
        return SheetSpec("Dietary and access", columns, rows)

    def _own_asks(self) -> dict[int, str]:
        """What each finalist who answered their own link asked for to make the night easier,
        beyond a quiet space (an access need already): arriving early, a familiar adult close by.
        One query, by invitation."""
        answered = CelebrationChoices.objects.filter(invitation__event=self.event, answered_at__isnull=False)
        asks = {}
        for invitation_id, easier in answered.values_list("invitation_id", "easier"):
            wanted = [label for code, label in SEATING_WISHES.items() if code in (easier or [])]
            if wanted:
                asks[invitation_id] = ", ".join(wanted)
        return asks

    def photography(self, data: NightData) -> SheetSpec:
        """Who must not be photographed: a guest who said no, and a finalist whose safeguarding
        check does not allow photographs, with what the photographer needs to recognise them."""
        columns = [Column("Name", 28), Column("Table", 7), Column("Who they are", 50), Column("Why", 30)]
        rows = []
        for guest in sorted(data.guests, key=lambda g: (g.table.number if g.table else 10**6, g.shown.casefold())):
            invitation = guest.invitation
            is_finalist = invitation is not None and invitation.kind == InvitationKind.FINALIST and guest.position == 0
            reasons = []
            if not guest.photography_consent:
                reasons.append("no consent to photographs")
            photos = photos_for(invitation.nomination) if is_finalist else PhotoChoice.YES
            if photos == PhotoChoice.NO:
                own = invitation.nomination.nominee_id is not None and invitation.nomination.nominee.photography_allowed
                reasons.append("their own choice: no photographs" if own else "safeguarding: no photographs")
            elif photos == PhotoChoice.GROUP_ONLY:
                reasons.append("their own choice: group photos only")
            if not reasons:
                continue
            if is_finalist:
                who = f"Finalist, {invitation.nomination.category.name}"
            elif invitation is None:
                who = "Walk-in"
            elif guest.relationship == GuestRelationship.INVITEE:
                who = f"{invitation.get_kind_display()}{f', {invitation.title}' if invitation.title else ''}"
            else:
                who = f"{guest.get_relationship_display()}, with {data.party_name(guest)}"
            rows.append([guest.shown, guest.table.number if guest.table else "", who, "; ".join(reasons)])
        return SheetSpec("Photography", columns, rows)

    def presenters(self, data: NightData) -> SheetSpec:
        columns = [Column("Name", 28), Column("Title", 36), Column("Role", 12), Column("Item", 30), Column("Start", 8)]
        rows = []
        for item in data.items:
            for presenter in map(on_stage, item.presenters.all()):
                rows.append([presenter.name, presenter.title, "Presents", item.title, _time(item.starts_at)])
            if item.compere:
                compere = on_stage(item.compere)
                rows.append([compere.name, compere.title, "Comperes", item.title, _time(item.starts_at)])
        return SheetSpec("Presenters", columns, rows)


# Statuses of a nomination whose nominee gets a certificate: everyone found eligible.
CERTIFICATE_STATUSES = (
    NominationStatus.ELIGIBLE,
    NominationStatus.SHORTLISTED,
    NominationStatus.NOT_SHORTLISTED,
    NominationStatus.FINALIST,
    NominationStatus.WINNER,
    NominationStatus.HIGHLY_COMMENDED,
)


class CertificatesExporter(ListExporter):
    """A mail-merge sheet: a certificate for every eligible nomination, not just finalists, sent
    to the nominator to hand over."""

    identifier = "certificates"
    verbose_name = "Certificates"
    columns = [
        Column("Name on the certificate", 28), Column("Award", 28), Column("Result", 18), Column("Reference", 14),
        Column("Nominator", 24), Column("Organisation", 24), Column("Nominator e-mail", 30), Column("Nominator phone", 16),
    ]

    def __init__(self, programme):
        self.programme = programme

    def rows(self) -> Iterator[list]:
        nominations = (
            Nomination.objects.filter(programme=self.programme, status__in=CERTIFICATE_STATUSES)
            .select_related("nominee", "group", "category")
            .order_by("category__display_order", "category__name", "reference")
        )
        for nomination in nominations.iterator(chunk_size=2000):
            yield [
                nomination_name(Audience.YOUNG_PERSON, nomination), nomination.category.name,
                "Nominated" if nomination.status in (NominationStatus.ELIGIBLE, NominationStatus.NOT_SHORTLISTED)
                else nomination.get_status_display(),
                nomination.reference, nomination.nominator_name, nomination.nominator_organisation,
                nomination.nominator_email, nomination.nominator_phone,
            ]
