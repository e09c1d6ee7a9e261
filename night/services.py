"""The night itself: running order, seating and check-in. Every write checks who may make it,
runs in a transaction and refuses bad input with an EventError naming the problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from awards.models import Category
from awards.rules import is_event_staff, is_organiser
from events.enums import AccessNeed, InvitationKind, InvitationStatus, ItemKind
from events.models import Event, Guest, Invitation, RunningOrderItem, Show, Table
from events.selectors import guest_name, guests_coming
from events.services import CapacityFull, EventError
from mail.errors import NotAllowed
from night.selectors import categories_with_finalists, finalist_nominations
from nominations.models import Nomination

# Durations of the items of a first running order, in minutes.
DEFAULT_DURATIONS = {ItemKind.WELCOME: 10, ItemKind.AWARD: 8, ItemKind.PERFORMANCE: 6, ItemKind.SPEECH: 5, ItemKind.BREAK: 15, ItemKind.CLOSE: 5}


class NotAWalkIn(EventError):
    status_code = 409


class AlreadyArrived(EventError):
    status_code = 409


def _require_organiser(actor, event: Event) -> None:
    if not is_organiser(actor, event.programme_id):
        raise NotAllowed("Only the programme's organisers can do this.")


def can_work_the_door(user, event: Event) -> bool:
    return is_organiser(user, event.programme_id) or is_event_staff(user, event.programme_id)


# --- finalists --------------------------------------------------------------------------------


def _recompute(event: Event) -> None:
    """Number the items 1, 2, 3 ... in their order and set each planned start from the durations."""
    items = list(RunningOrderItem.objects.select_for_update().filter(event=event).order_by("position", "id"))
    # Move out of the way first: positions are unique per event at every moment.
    offset = (max((i.position for i in items), default=0) or 0) + len(items) + 1
    for index, item in enumerate(items):
        item.position = offset + index
    RunningOrderItem.objects.bulk_update(items, ["position"])
    start = event.starts_at
    for index, item in enumerate(items, start=1):
        item.position = index
        item.starts_at = start
        start += timedelta(minutes=item.duration_minutes)
    RunningOrderItem.objects.bulk_update(items, ["position", "starts_at"])


def running_order_generate(*, event: Event, actor, replace: bool = False) -> list[RunningOrderItem]:
    """A first running order: welcome, an award for each category with finalists (a break half
    way), and the close. Refuses to overwrite an existing one unless asked to replace it."""
    _require_organiser(actor, event)
    categories = categories_with_finalists(event)
    if not categories:
        raise EventError("No category has finalists yet: confirm a shortlist first.")
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        existing = RunningOrderItem.objects.filter(event=event)
        if existing.exists():
            if not replace:
                raise EventError("This event already has a running order; replace it explicitly or edit it.")
            _refuse_while_on_show(Show.objects.filter(event=event, item__isnull=False))
            existing.delete()
        plan: list[tuple[str, str, Category | None]] = [(ItemKind.WELCOME, "Welcome", None)]
        half = (len(categories) + 1) // 2
        for index, category in enumerate(categories):
            if index == half and len(categories) > 3:
                plan.append((ItemKind.BREAK, "Interval", None))
            plan.append((ItemKind.AWARD, category.name, category))
        plan.append((ItemKind.CLOSE, "Thanks and close", None))
        RunningOrderItem.objects.bulk_create(
            RunningOrderItem(
                event=event, position=position, kind=kind, title=title, category=category,
                duration_minutes=DEFAULT_DURATIONS[kind], starts_at=event.starts_at,
            )
            for position, (kind, title, category) in enumerate(plan, start=1)
        )
        _recompute(event)
    return list(RunningOrderItem.objects.filter(event=event).order_by("position"))


ITEM_FIELDS = ("kind", "title", "duration_minutes", "category", "walk_on_music", "slide", "notes", "compere")


def _check_item(event: Event, values: dict, item: RunningOrderItem | None = None) -> None:
    kind = values.get("kind", item.kind if item else None)
    if kind not in ItemKind.values:
        raise EventError(f"'{kind}' is not a kind of item.", field="kind")
    category = values.get("category", item.category if item else None)
    if kind == ItemKind.AWARD:
        if category is None:
            raise EventError("An award item needs its category.", field="category")
        if category.programme_id != event.programme_id:
            raise EventError("That category is not in this event's programme.", field="category")
        if not finalist_nominations(event, [category.pk]).exists():
            raise EventError(f"{category.name} has no finalists: confirm its shortlist first.", field="category")
    elif category is not None:
        raise EventError("Only an award item has a category.", field="category")
    duration = values.get("duration_minutes", item.duration_minutes if item else 5)
    if not isinstance(duration, int) or not 0 < duration <= 240:
        raise EventError("The duration is between 1 and 240 minutes.", field="duration_minutes")
    title = values.get("title", item.title if item else "")
    if not title or not title.strip() or len(title) > 150:
        raise EventError("Give the item a title of up to 150 characters.", field="title")
    compere = values.get("compere", item.compere if item else None)
    if compere is not None and (compere.event_id != event.pk or compere.kind != InvitationKind.COMPERE):
        raise EventError("The compere must be one of this event's compere invitations.", field="compere")


def _set_presenters(item: RunningOrderItem, presenters: Sequence[Invitation] | None) -> None:
    if presenters is None:
        return
    for presenter in presenters:
        if presenter.event_id != item.event_id or presenter.kind not in (InvitationKind.PRESENTER, InvitationKind.VIP):
            raise EventError("Presenters must be this event's presenter or VIP invitations.", field="presenters")
    item.presenters.set(presenters)


def running_order_add(
    *, event: Event, actor, position: int | None = None, presenters: Sequence[Invitation] | None = None, **values
) -> RunningOrderItem:
    """Insert an item at `position` (1 = first; default: at the end); later items move down."""
    _require_organiser(actor, event)
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise EventError(f"Unknown field: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    values.setdefault("duration_minutes", DEFAULT_DURATIONS.get(values.get("kind"), 5))
    _check_item(event, values)
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        count = RunningOrderItem.objects.filter(event=event).count()
        if position is not None and not 1 <= position <= count + 1:
            raise EventError(f"The position is between 1 and {count + 1}.", field="position")
        target = position or count + 1
        # Make room: everything from `target` moves one down (top first, positions stay unique).
        for item in RunningOrderItem.objects.filter(event=event, position__gte=target).order_by("-position"):
            item.position += 1
            item.save(update_fields=["position"])
        try:
            with transaction.atomic():
                item = RunningOrderItem.objects.create(event=event, position=target, starts_at=event.starts_at, **values)
        except IntegrityError as error:
            raise EventError("That category already has its award in the running order.", field="category") from error
        _set_presenters(item, presenters)
        _recompute(event)
    item.refresh_from_db()
    return item


def running_order_update(*, item: RunningOrderItem, actor, presenters: Sequence[Invitation] | None = None, **values) -> RunningOrderItem:
    event = item.event
    _require_organiser(actor, event)
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise EventError(f"Unknown field: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    with transaction.atomic():
        locked = RunningOrderItem.objects.select_for_update().get(pk=item.pk)
        _check_item(event, values, locked)
        for name, value in values.items():
            setattr(locked, name, value)
        if locked.kind != ItemKind.AWARD:
            locked.winner, locked.winner_revealed = None, False
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as error:
            raise EventError("That category already has its award in the running order.", field="category") from error
        _set_presenters(locked, presenters)
        _recompute(event)
    locked.refresh_from_db()
    return locked


def running_order_reorder(*, event: Event, actor, item_ids: Sequence[int]) -> list[RunningOrderItem]:
    """Put every item in the order given: each item of the event exactly once."""
    _require_organiser(actor, event)
    with transaction.atomic():
        items = {i.pk: i for i in RunningOrderItem.objects.select_for_update().filter(event=event)}
        if len(set(item_ids)) != len(item_ids):
            raise EventError("An item appears twice in the new order.", field="items")
        if set(item_ids) != set(items):
            raise EventError("The new order must list every item of the running order exactly once.", field="items")
        for position, pk in enumerate(item_ids, start=1):
            items[pk].position = 10_000 + position
        RunningOrderItem.objects.bulk_update(items.values(), ["position"])
        _recompute(event)
    return list(RunningOrderItem.objects.filter(event=event).order_by("position"))


def _refuse_while_on_show(shows) -> None:
    """The show (night.show) follows an item by its row: removing the one it is on would lose its
    place in the middle of the night. Called under the event's lock, which a press takes too."""
    if shows.exists():
        raise EventError(
            "The show is on this item now (live or in the rehearsal): move the show on, or end the rehearsal, "
            "before removing it.",
        )


def running_order_remove(*, item: RunningOrderItem, actor) -> None:
    _require_organiser(actor, item.event)
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=item.event_id)
        _refuse_while_on_show(Show.objects.filter(item_id=item.pk))
        RunningOrderItem.objects.filter(pk=item.pk).delete()
        _recompute(item.event)


def winner_set(*, item: RunningOrderItem, actor, nomination: Nomination | None) -> RunningOrderItem:
    """Record who wins this award (organisers only see it until it is revealed)."""
    _require_organiser(actor, item.event)
    with transaction.atomic():
        locked = RunningOrderItem.objects.select_for_update().get(pk=item.pk)
        if locked.kind != ItemKind.AWARD:
            raise EventError("Only an award item has a winner.", field="winner")
        if nomination is not None and not finalist_nominations(item.event, [locked.category_id]).filter(pk=nomination.pk).exists():
            raise EventError("The winner must be one of this award's finalists.", field="winner")
        locked.winner = nomination
        if nomination is None:
            locked.winner_revealed = False
        locked.save(update_fields=["winner", "winner_revealed"])
    return locked


def winner_reveal(*, item: RunningOrderItem, actor) -> RunningOrderItem:
    _require_organiser(actor, item.event)
    with transaction.atomic():
        locked = RunningOrderItem.objects.select_for_update().get(pk=item.pk)
        if locked.winner_id is None:
            raise EventError("Record the winner before revealing it.", field="winner")
        locked.winner_revealed = True
        locked.save(update_fields=["winner_revealed"])
    return locked


# --- tables and seating -----------------------------------------------------------------------


def tables_set(*, event: Event, actor, tables: Sequence[tuple[int, int, bool]]) -> list[Table]:
    """Create or change tables: (number, capacity, accessible). A table keeps its guests; its
    capacity cannot drop below the guests seated at it."""
    _require_organiser(actor, event)
    numbers = [number for number, _, _ in tables]
    if len(set(numbers)) != len(numbers):
        raise EventError("Each table number can appear once.", field="tables")
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        existing = {t.number: t for t in Table.objects.filter(event=event).annotate(seated=Count("guests"))}
        for number, capacity, accessible in tables:
            if not 1 <= number <= 999 or not 1 <= capacity <= 50:
                raise EventError("Table numbers run from 1 to 999, capacities from 1 to 50.", field="tables")
            table = existing.get(number)
            if table is None:
                Table.objects.create(event=event, number=number, capacity=capacity, accessible=accessible)
                continue
            if capacity < table.seated:
                raise EventError(f"Table {number} has {table.seated} guests seated; its capacity cannot be {capacity}.", field="tables")
            Table.objects.filter(pk=table.pk).update(capacity=capacity, accessible=accessible)
    return list(Table.objects.filter(event=event))


@dataclass
class Party:
    """Guests who sit together: one accepted invitation's guests (or one walk-in)."""

    key: str
    guest_ids: list[int]
    needs_access: bool
    rank: tuple


@dataclass
class SeatingResult:
    seated: int = 0
    tables_used: int = 0
    unseated: list[str] = field(default_factory=list)


def _parties(event: Event) -> list[Party]:
    """Everyone coming, grouped by invitation, in seating priority: finalists in running-order
    order (nearest the stage), then presenters, comperes and VIPs, then everyone else."""
    award_order = dict(
        RunningOrderItem.objects.filter(event=event, kind=ItemKind.AWARD).values_list("category_id", "position")
    )
    kind_rank = {InvitationKind.FINALIST: 0, InvitationKind.PRESENTER: 1, InvitationKind.COMPERE: 1, InvitationKind.VIP: 2, InvitationKind.PERFORMER: 3}
    parties: dict[str, Party] = {}
    guests = (
        guests_coming(event)
        .values_list("pk", "invitation_id", "invitation__kind", "invitation__nomination__category_id", "access_needs")
        .order_by("invitation_id", "position", "pk")
    )
    for pk, invitation_id, kind, category_id, access in guests:
        key = f"invitation-{invitation_id}" if invitation_id else f"walk-in-{pk}"
        party = parties.get(key)
        if party is None:
            rank = (kind_rank.get(kind, 4), award_order.get(category_id, 999), invitation_id or 10**9, pk)
            party = parties[key] = Party(key=key, guest_ids=[], needs_access=False, rank=rank)
        party.guest_ids.append(pk)
        party.needs_access = party.needs_access or bool(access)
    return sorted(parties.values(), key=lambda p: p.rank)


def seat(parties: Sequence[Party], tables: Sequence[tuple[int, int, bool]]) -> tuple[dict[str, int], list[Party]]:
    """Place whole parties at tables, first fit in priority order, tables in number order (1 is
    nearest the stage). Parties with access needs go first, to accessible tables only, so others
    do not take those seats; then everyone else. Returns the table number per party and the
    parties that do not fit. Pure, for the property test."""
    room = {number: capacity for number, capacity, _ in tables}
    accessible = {number for number, _, is_accessible in tables if is_accessible}
    order = sorted(room)
    placed: dict[str, int] = {}
    unplaced: list[Party] = []
    for needing_access in (True, False):
        for party in parties:
            if party.needs_access != needing_access:
                continue
            size = len(party.guest_ids)
            for number in order:
                if room[number] >= size and (not party.needs_access or number in accessible):
                    placed[party.key] = number
                    room[number] -= size
                    break
            else:
                unplaced.append(party)
    return placed, unplaced


def seating_assign(*, event: Event, actor) -> SeatingResult:
    """Seat everyone coming, replacing earlier placements. All or nothing: when a party cannot be
    seated, nothing changes and the error says who and why."""
    _require_organiser(actor, event)
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        tables = list(Table.objects.filter(event=event).values_list("number", "capacity", "accessible"))
        if not tables:
            raise EventError("Add the tables first.", field="tables")
        parties = _parties(event)
        placed, unplaced = seat(parties, tables)
        if unplaced:
            guests = sum(len(p.guest_ids) for p in unplaced)
            access = sum(1 for p in unplaced if p.needs_access)
            detail = f" ({access} of them need an accessible table)" if access else ""
            raise EventError(
                f"{len(unplaced)} {'party' if len(unplaced) == 1 else 'parties'} ({guests} guests) cannot be seated "
                f"together at the tables there are{detail}. Add tables or seats, or mark more tables accessible; nothing was changed.",
                field="tables",
            )
        table_ids = dict(Table.objects.filter(event=event).values_list("number", "pk"))
        Guest.objects.filter(event=event).update(table=None)
        by_table: dict[int, list[int]] = {}
        for party in parties:
            by_table.setdefault(table_ids[placed[party.key]], []).extend(party.guest_ids)
        for table_id, guest_ids in by_table.items():
            Guest.objects.filter(pk__in=guest_ids).update(table_id=table_id)
    return SeatingResult(seated=sum(len(p.guest_ids) for p in parties), tables_used=len(by_table))


def _shown(guest: Guest) -> str:
    """A guest as the event team names them, for a message (a finalist's own line keeps no name:
    it is composed from their record, events.selectors.guest_name)."""
    if guest.name:
        return guest.name
    full = Guest.objects.select_related("table", "invitation__nomination__nominee", "invitation__nomination__group")
    return guest_name(full.get(pk=guest.pk))


def _lock_a_seat_at(table: Table, *, event_id: int, name: str, access_needs, moving: int | None = None) -> None:
    """Refuse a seat at `table` unless it is at the event, has room (the guest `moving` there aside)
    and, for a guest with access needs, is accessible. Locks the table's row until the transaction ends."""
    locked_table = Table.objects.select_for_update().get(pk=table.pk)
    if locked_table.event_id != event_id:
        raise EventError("That table is not at this event.", field="table")
    seated = Guest.objects.filter(table=locked_table).exclude(pk=moving).count()
    if seated >= locked_table.capacity:
        raise EventError(f"Table {locked_table.number} is full ({locked_table.capacity} seats).", field="table")
    if access_needs and not locked_table.accessible:
        raise EventError(f"{name} has access needs; table {locked_table.number} is not marked accessible.", field="table")


def guest_move(*, guest: Guest, actor, table: Table | None) -> Guest:
    """Move one guest by hand: the table must have room, and be accessible for a guest with access needs."""
    _require_organiser(actor, guest.event)
    with transaction.atomic():
        locked = Guest.objects.select_for_update().get(pk=guest.pk)
        if table is not None:
            _lock_a_seat_at(table, event_id=locked.event_id, name=_shown(locked), access_needs=locked.access_needs, moving=locked.pk)
        locked.table = table
        locked.save(update_fields=["table"])
    return locked


# --- check-in ---------------------------------------------------------------------------------


# How far from the night an arrival time may be: a phone offline for the evening, a clock a little off.
ARRIVAL_SLACK = timedelta(days=1)


def _check_plausible_arrival(at: datetime, event: Event, now: datetime) -> None:
    """An arrival time sent by a phone must be plausibly on the night: from a day before the doors
    open (or before now, for a door tried out ahead of the night) to a day after the night ends (or
    after now). Anything else is a wrong clock or a made-up time, refused rather than stored."""
    earliest = min(event.doors_open_at or event.starts_at, now) - ARRIVAL_SLACK
    latest = max(event.ends_at or event.starts_at, now) + ARRIVAL_SLACK
    if not earliest <= at <= latest:
        utc = at.astimezone(UTC)
        shown = f"{utc.day} {utc:%B} {utc.year}, {utc:%H:%M} UTC"
        raise EventError(
            f"That arrival time ({shown}) is not on the night of {event.name}: a check-in time must be "
            "within a day of the event. Check the phone's date and time.",
            field="at",
        )


def guest_check_in(*, guest: Guest, actor, at: datetime | None = None) -> Guest:
    """Mark a guest arrived. The first mark counts; a second (another volunteer, a phone that was
    offline) is refused as already arrived and changes nothing. A time from a phone must be
    plausibly on the night (_check_plausible_arrival); one a little ahead of now counts as now."""
    if not can_work_the_door(actor, guest.event):
        raise NotAllowed("Only the event's staff and organisers can check guests in.")
    with transaction.atomic():
        locked = Guest.objects.select_for_update().get(pk=guest.pk)
        if locked.invitation_id is not None and locked.invitation.status != InvitationStatus.ACCEPTED:
            raise EventError(f"{_shown(locked)} is not on the guest list (the invitation is {locked.invitation.get_status_display().lower()}).")
        if locked.checked_in_at is not None:
            raise AlreadyArrived(f"{_shown(locked)} already arrived at {timezone.localtime(locked.checked_in_at):%H:%M}.")
        # A time from a phone that was offline, but never in the future.
        now = timezone.now()
        if at is not None:
            _check_plausible_arrival(at, guest.event, now)
        locked.checked_in_at = min(at, now) if at else now
        locked.checked_in_by = actor
        locked.save(update_fields=["checked_in_at", "checked_in_by"])
    return locked


def guest_check_in_undo(*, guest: Guest, actor) -> Guest:
    if not can_work_the_door(actor, guest.event):
        raise NotAllowed("Only the event's staff and organisers can check guests in.")
    with transaction.atomic():
        locked = Guest.objects.select_for_update().get(pk=guest.pk)
        locked.checked_in_at, locked.checked_in_by = None, None
        locked.save(update_fields=["checked_in_at", "checked_in_by"])
    return locked


def walk_in_add(*, event: Event, actor, name: str, table: Table | None = None, access_needs: Sequence[str] = (), arrived: bool = True) -> Guest:
    """Someone not on the list, let in at the door. A walk-in takes a seat like an invited guest:
    the venue's capacity holds for everyone in the room, so a full event lets no one more in."""
    if not can_work_the_door(actor, event):
        raise NotAllowed("Only the event's staff and organisers can add walk-ins.")
    name = name.strip()
    if not name or len(name) > 150:
        raise EventError("Enter the guest's name (up to 150 characters).", field="name")
    for code in access_needs:
        if code not in AccessNeed.values:
            raise EventError(f"'{code}' is not an access need.", field="access_needs")
    if table is not None and table.event_id != event.pk:
        raise EventError("That table is not at this event.", field="table")
    with transaction.atomic():
        # The event row's lock, as an RSVP takes it: two doors cannot both fill the last seat.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.seats_taken >= locked.capacity:
            raise CapacityFull(
                f"The event is full: all {locked.capacity} seats are taken. An organiser can raise the capacity "
                "if the venue allows more people.",
                field="name",
            )
        if table is not None:  # the same checks as moving a guest there
            _lock_a_seat_at(table, event_id=event.pk, name=name, access_needs=access_needs)
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
        position = (Guest.objects.filter(event=event, invitation__isnull=True).aggregate(m=Max("position"))["m"] or 0) + 1
        return Guest.objects.create(
            event=event, invitation=None, position=position, name=name, relationship="other",
            access_needs=sorted(set(access_needs)), table=table,
            checked_in_at=timezone.now() if arrived else None, checked_in_by=actor if arrived else None,
        )


def walk_in_remove(*, guest: Guest, actor) -> None:
    """Take back a walk-in added by mistake (twice, or the wrong person): the guest goes and the
    seat is free again. An invited guest's place comes from their RSVP and stays."""
    if not can_work_the_door(actor, guest.event):
        raise NotAllowed("Only the event's staff and organisers can remove walk-ins.")
    if guest.invitation_id is not None:
        raise NotAWalkIn(f"{_shown(guest)} is an invited guest, not a walk-in: mark them not arrived with Undo instead.")
    with transaction.atomic():
        Event.objects.select_for_update().only("pk").get(pk=guest.event_id)  # the seats' lock, as walk_in_add takes it
        deleted, _ = Guest.objects.filter(pk=guest.pk, invitation__isnull=True).delete()
        if deleted:  # (not when another phone removed them first)
            Event.objects.filter(pk=guest.event_id).update(seats_taken=Greatest(F("seats_taken") - 1, 0))


def door_totals(event: Event) -> dict:
    """Expected, arrived and per table, in two queries."""
    coming = guests_coming(event)
    totals = coming.aggregate(expected=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False)))
    per_table = list(
        coming.values("table__number")
        .annotate(expected=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False)))
        .order_by("table__number")
    )
    return {
        "expected": totals["expected"],
        "arrived": totals["arrived"],
        "tables": [{"table": row["table__number"], "expected": row["expected"], "arrived": row["arrived"]} for row in per_table],
    }


def party_check_in(*, event: Event, code: str, actor) -> tuple[list[Guest], int]:
    """Mark every guest of the party with this door code arrived (those already arrived stay as
    they were): the guests of the party and how many were marked now."""
    if not can_work_the_door(actor, event):
        raise NotAllowed("Only the event's staff and organisers can check guests in.")
    party = list(
        Guest.objects.filter(event=event, invitation__door_code=code, invitation__status=InvitationStatus.ACCEPTED)
        .select_related("event", "invitation__nomination__nominee", "invitation__nomination__group", "table")
        .order_by("position")
    )
    if not party:
        raise EventError("No party has this door code: check it, or find them by name.")
    marked = 0
    for guest in party:
        try:
            guest_check_in(guest=guest, actor=actor)
            marked += 1
        except AlreadyArrived:
            pass
    return party, marked
