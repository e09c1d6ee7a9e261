"""The event-night workbook and the certificates list.

Names are announce names only (DESIGN.md rule 1): a finalist's line comes from
`nomination_announce_name`, never from the legal name; a pronunciation hint is given only when
the name is read out. A winner appears only once an organiser has marked it revealed. The data
is read in a fixed number of queries whatever the size of the event, then written by the safe
cell writer (nominations.spreadsheets)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from events.enums import AccessNeed, Dietary, GuestRelationship, InvitationKind, InvitationStatus, ItemKind
from events.models import Event, Guest, Invitation, RunningOrderItem, Table
from events.selectors import guests_coming
from nominations.enums import NominationStatus
from nominations.models import Nomination, Nominee
from nominations.naming import nomination_announce_name, pronunciation_hint
from nominations.spreadsheets import Column, ListExporter, MultiSheetExporter, SheetSpec

from .services import finalist_nominations

UNCHECKED_BOX = "☐"


def _time(value) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""



def _photographs_allowed(nomination: Nomination) -> bool:
    if nomination.group_id is not None:
        return all(member.photography_allowed for member in nomination.group.members.all())
    return bool(nomination.nominee and nomination.nominee.photography_allowed)


# What the sheets read of a guest, an invitation and its nomination (the queries' only()): the
# nominations' statements and the nominees' identity would be most of the bytes at 5,000 guests.
_PERSON = ("id", "kind", "publicity_level", "preferred_name", "legal_first_name", "legal_last_name", "photography_allowed", "pronunciation")
GUEST_FIELDS = (
    "id", "event_id", "invitation_id", "position", "name", "relationship", "dietary", "dietary_other", "access_needs",
    "access_other", "photography_consent", "transport_needed", "table_id", "checked_in_at",
)
INVITATION_FIELDS = (
    "id", "event_id", "kind", "status", "nomination_id", "invitee_name", "addressee_name", "title", "quote",
    "quote_approved_at",
    "nomination__id", "nomination__group_id", "nomination__nominee_id", "nomination__category_id", "nomination__status",
    "nomination__reference", *(f"nomination__nominee__{name}" for name in _PERSON),
    "nomination__group__id", "nomination__group__name", "nomination__category__id", "nomination__category__name",
)


@dataclass
class NightData:
    """Everything the sheets need, read once."""

    event: Event
    items: list[RunningOrderItem]
    finalists_by_category: dict[int, list[Nomination]]
    categories: dict[int, object]
    invitation_by_nomination: dict[int, Invitation]
    guests: list[Guest]
    tables: list[Table]
    party_by_invitation: dict[int, list[Guest]] = field(default_factory=dict)

    @classmethod
    def load(cls, event: Event) -> NightData:
        items = list(
            RunningOrderItem.objects.filter(event=event)
            .select_related("category", "compere", "winner__nominee", "winner__group")
            .prefetch_related("presenters")
            .order_by("position")
        )
        finalists = list(
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
        # The finalists' invitations and every accepted one, each nomination read once: a guest
        # points at the shared invitation and table instead of bringing its own copies (32,000
        # model instances for 5,000 guests, most of the time of the workbook).
        invitations = list(
            Invitation.objects.filter(Q(kind=InvitationKind.FINALIST) | Q(status=InvitationStatus.ACCEPTED), event=event)
            .select_related("nomination__nominee", "nomination__group", "nomination__category")
            .only(*INVITATION_FIELDS)
        )
        finalist_by_pk = {nomination.pk: nomination for nomination in finalists}
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
        guests = list(
            guests_coming(event)
            .only(*GUEST_FIELDS)
            .order_by("name", "pk")
        )
        for guest in guests:
            guest.table = table_by_id.get(guest.table_id)
            guest.invitation = by_id.get(guest.invitation_id)
        data = cls(
            event=event, items=items, finalists_by_category=by_category, categories=categories,
            invitation_by_nomination={i.nomination_id: i for i in invitations if i.kind == InvitationKind.FINALIST},
            guests=guests, tables=tables,
        )
        for guest in guests:
            if guest.invitation_id:
                data.party_by_invitation.setdefault(guest.invitation_id, []).append(guest)
        for party in data.party_by_invitation.values():
            party.sort(key=lambda g: g.position)
        return data

    def party_name(self, guest: Guest) -> str:
        """Whose party a guest is in, as others may see it."""
        invitation = guest.invitation
        if invitation is None:
            return "Walk-in"
        if invitation.kind == InvitationKind.FINALIST:
            return nomination_announce_name(invitation.nomination)
        return invitation.invitee_name or invitation.addressee_name

    def finalist_guest(self, nomination: Nomination) -> Guest | None:
        invitation = self.invitation_by_nomination.get(nomination.pk)
        party = self.party_by_invitation.get(invitation.pk, []) if invitation else []
        return next((g for g in party if g.position == 0), None)

    def arrived(self, nomination: Nomination) -> str:
        guest = self.finalist_guest(nomination)
        if guest is None:
            return "not coming"
        return f"arrived {_time(guest.checked_in_at)}" if guest.checked_in_at else "not yet arrived"

    def citation(self, nomination: Nomination) -> str:
        invitation = self.invitation_by_nomination.get(nomination.pk)
        return invitation.quote if invitation and invitation.quote_approved_at else ""

    def presenters(self, item: RunningOrderItem) -> str:
        return "; ".join(
            f"{p.invitee_name or p.addressee_name}{f', {p.title}' if p.title else ''}" for p in item.presenters.all()
        )


def _codes(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(code, code)) for code in values)


def _winner(item: RunningOrderItem) -> str:
    if item.winner_id and item.winner_revealed:
        return nomination_announce_name(item.winner)
    return "sealed" if item.winner_id else ""


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
        for item in data.items:
            finalists = data.finalists_by_category.get(item.category_id, []) if item.kind == ItemKind.AWARD else []
            rows.append([
                _time(item.starts_at), item.duration_minutes, item.title, item.get_kind_display(), data.presenters(item),
                (item.compere.invitee_name or item.compere.addressee_name) if item.compere else "", item.walk_on_music,
                item.slide, "\n".join(nomination_announce_name(n) for n in finalists),
                "\n".join(f"{nomination_announce_name(n)}: {data.arrived(n)}" for n in finalists), _winner(item),
            ])
        return SheetSpec("Running order", columns, rows)

    def compere_script(self, data: NightData) -> SheetSpec:
        columns = [
            Column("Start", 8), Column("Award", 26), Column("Say first", 50), Column("The finalists", 40),
            Column("How to say their names", 30), Column("What was said about them", 60), Column("Then introduce", 36),
            Column("In the room", 36),
        ]
        rows = []
        for item in data.items:
            if item.kind != ItemKind.AWARD:
                continue
            finalists = data.finalists_by_category.get(item.category_id, [])
            rows.append([
                _time(item.starts_at), item.title, item.category.description,
                "\n".join(nomination_announce_name(n) for n in finalists),
                "\n".join(f"{nomination_announce_name(n)}: {pronunciation_hint(n.nominee)}" for n in finalists if pronunciation_hint(n.nominee)),
                "\n".join(f"{nomination_announce_name(n)}: “{data.citation(n)}”" for n in finalists if data.citation(n)),
                data.presenters(item),
                "\n".join(f"{nomination_announce_name(n)}: {data.arrived(n)}" for n in finalists),
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
                rows.append([
                    data.categories[category_id].name, nomination_announce_name(nomination), pronunciation_hint(nomination.nominee),
                    invitation.get_status_display() if invitation else "not invited", len(party),
                    guest.table.number if guest and guest.table else "", data.arrived(nomination),
                    "yes" if _photographs_allowed(nomination) else "NO",
                ])
        return SheetSpec("Finalists by category", columns, rows)

    def guest_list(self, data: NightData) -> SheetSpec:
        columns = [Column("Name", 30), Column("Table", 7), Column("Party of", 28), Column("Access needs", 30), Column("Arrived", 9)]
        rows = (
            [
                guest.name, guest.table.number if guest.table else "", data.party_name(guest),
                ", ".join(filter(None, [_codes(guest.access_needs, AccessNeed.choices), guest.access_other])),
                _time(guest.checked_in_at) or UNCHECKED_BOX,
            ]
            for guest in sorted(data.guests, key=lambda g: (g.name.casefold(), g.pk))
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
                "; ".join(g.name for g in sorted(by_table[table.pk], key=lambda g: (g.invitation_id or 0, g.position))),
            ]
            for table in data.tables
        ]
        if unseated:
            rows.append(["Not seated", "", "", len(unseated), "; ".join(g.name for g in unseated)])
        return SheetSpec("Table plan", columns, rows)

    def dietary_and_access(self, data: NightData) -> SheetSpec:
        columns = [
            Column("Table", 12), Column("Guests", 7),
            *(Column(label, 11) for label in Dietary.labels), Column("Other food needs", 36),
            *(Column(label, 11) for label in AccessNeed.labels), Column("Other access needs", 36), Column("Transport", 9),
        ]
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
                "; ".join(f"{g.name}: {g.dietary_other}" for g in guests if g.dietary_other),
                *(sum(code in g.access_needs for g in guests) for code in AccessNeed.values),
                "; ".join(f"{g.name}: {g.access_other}" for g in guests if g.access_other),
                sum(g.transport_needed for g in guests),
            ])
        return SheetSpec("Dietary and access", columns, rows)

    def photography(self, data: NightData) -> SheetSpec:
        """Who must not be photographed: a guest who said no, and a finalist whose safeguarding
        check does not allow photographs, with what the photographer needs to recognise them."""
        columns = [Column("Name", 28), Column("Table", 7), Column("Who they are", 50), Column("Why", 30)]
        rows = []
        for guest in sorted(data.guests, key=lambda g: (g.table.number if g.table else 10**6, g.name.casefold())):
            invitation = guest.invitation
            is_finalist = invitation is not None and invitation.kind == InvitationKind.FINALIST and guest.position == 0
            reasons = []
            if not guest.photography_consent:
                reasons.append("no consent to photographs")
            if is_finalist and not _photographs_allowed(invitation.nomination):
                reasons.append("safeguarding: no photographs")
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
            rows.append([guest.name, guest.table.number if guest.table else "", who, "; ".join(reasons)])
        return SheetSpec("Photography", columns, rows)

    def presenters(self, data: NightData) -> SheetSpec:
        columns = [Column("Name", 28), Column("Title", 36), Column("Role", 12), Column("Item", 30), Column("Start", 8)]
        rows = []
        for item in data.items:
            for presenter in item.presenters.all():
                rows.append([presenter.invitee_name or presenter.addressee_name, presenter.title, "Presents", item.title, _time(item.starts_at)])
            if item.compere:
                compere = item.compere
                rows.append([compere.invitee_name or compere.addressee_name, compere.title, "Comperes", item.title, _time(item.starts_at)])
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
                nomination_announce_name(nomination), nomination.category.name,
                "Nominated" if nomination.status in (NominationStatus.ELIGIBLE, NominationStatus.NOT_SHORTLISTED)
                else nomination.get_status_display(),
                nomination.reference, nomination.nominator_name, nomination.nominator_organisation,
                nomination.nominator_email, nomination.nominator_phone,
            ]
