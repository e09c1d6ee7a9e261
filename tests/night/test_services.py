"""The night: running order, seating (with a property test) and check-in."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from awards.enums import Role
from events.enums import InvitationKind, InvitationStatus, ItemKind
from events.models import Guest, RunningOrderItem, Table
from events.services import EventError, GuestInput, RsvpAnswer, rsvp_respond
from night.services import (
    AlreadyArrived,
    Party,
    door_totals,
    guest_check_in,
    guest_move,
    running_order_add,
    running_order_generate,
    running_order_remove,
    running_order_reorder,
    running_order_update,
    seat,
    seating_assign,
    tables_set,
    walk_in_add,
    winner_reveal,
    winner_set,
)
from nominations.services import NotAllowed
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, InvitationFactory

pytestmark = pytest.mark.django_db


def door_user(event):
    return user_with_role(event.programme, Role.EVENT_STAFF, "door")


# --- running order ------------------------------------------------------------------------


def test_a_first_running_order_has_an_award_per_category_with_finalists_and_times(event, night, organiser):
    CategoryFactory(programme=event.programme, name="No finalists here")

    items = running_order_generate(event=event, actor=organiser)

    assert [(i.position, i.kind, i.title) for i in items] == [
        (1, ItemKind.WELCOME, "Welcome"),
        (2, ItemKind.AWARD, "Positive Choices"),
        (3, ItemKind.AWARD, "Talent"),
        (4, ItemKind.CLOSE, "Thanks and close"),
    ]
    assert items[0].starts_at == event.starts_at
    assert items[1].starts_at == event.starts_at + dt.timedelta(minutes=10)
    assert items[3].starts_at == event.starts_at + dt.timedelta(minutes=26)
    with pytest.raises(EventError, match="already has a running order"):
        running_order_generate(event=event, actor=organiser)


def test_inserting_moving_and_removing_items_recomputes_positions_and_times(event, night, organiser):
    welcome, first, second, close = running_order_generate(event=event, actor=organiser)

    performance = running_order_add(event=event, actor=organiser, position=2, kind="performance", title="Choir", duration_minutes=12)
    running_order_reorder(event=event, actor=organiser, item_ids=[welcome.pk, first.pk, performance.pk, second.pk, close.pk])
    running_order_update(item=first, actor=organiser, duration_minutes=20)

    items = list(RunningOrderItem.objects.filter(event=event).order_by("position"))
    assert [i.title for i in items] == ["Welcome", "Positive Choices", "Choir", "Talent", "Thanks and close"]
    assert [i.position for i in items] == [1, 2, 3, 4, 5]
    assert [(i.starts_at - event.starts_at).seconds // 60 for i in items] == [0, 10, 30, 42, 50]

    running_order_remove(item=performance, actor=organiser)
    assert [i.position for i in RunningOrderItem.objects.filter(event=event).order_by("position")] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"kind": "award", "title": "Empty"}, "An award item needs its category"),
        ({"kind": "dance", "title": "Dance"}, "'dance' is not a kind of item"),
        ({"kind": "speech", "title": " "}, "Give the item a title"),
        ({"kind": "speech", "title": "Long", "duration_minutes": 0}, "between 1 and 240 minutes"),
    ],
)
def test_bad_items_are_refused(event, night, organiser, values, message):
    running_order_generate(event=event, actor=organiser)
    with pytest.raises(EventError, match=message):
        running_order_add(event=event, actor=organiser, **values)
    assert RunningOrderItem.objects.filter(event=event).count() == 4


def test_an_award_for_a_category_without_finalists_is_refused(event, night, organiser):
    empty = CategoryFactory(programme=event.programme, name="Team Effort")
    with pytest.raises(EventError, match="Team Effort has no finalists"):
        running_order_add(event=event, actor=organiser, kind="award", title="Team", category=empty)


def test_an_award_appears_once(event, night, organiser):
    running_order_generate(event=event, actor=organiser)
    with pytest.raises(EventError, match="already has its award"):
        running_order_add(event=event, actor=organiser, kind="award", title="Again", category=night["categories"][0])
    assert RunningOrderItem.objects.filter(event=event).count() == 4


def test_reordering_must_list_every_item_once(event, night, organiser):
    items = running_order_generate(event=event, actor=organiser)
    ids = [i.pk for i in items]
    with pytest.raises(EventError, match="appears twice"):
        running_order_reorder(event=event, actor=organiser, item_ids=[ids[0], ids[0], ids[1], ids[2]])
    with pytest.raises(EventError, match="every item"):
        running_order_reorder(event=event, actor=organiser, item_ids=ids[:3])
    assert [i.pk for i in RunningOrderItem.objects.filter(event=event).order_by("position")] == ids


def test_duplicate_positions_are_refused_by_the_database(event, night, organiser):
    running_order_generate(event=event, actor=organiser)
    with pytest.raises(IntegrityError), transaction.atomic():
        RunningOrderItem.objects.create(event=event, position=1, kind="speech", title="Clash", starts_at=event.starts_at)


def test_the_winner_is_a_finalist_and_revealed_only_when_recorded(event, night, organiser):
    items = running_order_generate(event=event, actor=organiser)
    award = items[1]
    outsider = night["finalists"][2]  # a finalist of the other category
    with pytest.raises(EventError, match="Record the winner"):
        winner_reveal(item=award, actor=organiser)
    with pytest.raises(EventError, match="one of this award's finalists"):
        winner_set(item=award, actor=organiser, nomination=outsider)
    winner_set(item=award, actor=organiser, nomination=night["finalists"][0])
    assert winner_reveal(item=award, actor=organiser).winner_revealed


def test_only_organisers_edit_the_running_order(event, night, staff_user):
    with pytest.raises(NotAllowed):
        running_order_generate(event=event, actor=door_user(event))


# --- seating ------------------------------------------------------------------------------


def test_seating_keeps_parties_together_finalists_near_the_stage_and_access_at_accessible_tables(event, night, organiser):
    running_order_generate(event=event, actor=organiser)
    wheelchair = Guest.objects.filter(event=event).order_by("pk").last()
    wheelchair.access_needs = ["wheelchair"]
    wheelchair.save()
    presenter = InvitationFactory(event=event, kind=InvitationKind.PRESENTER, status=InvitationStatus.SENT)
    rsvp_respond(invitation=presenter, answer=RsvpAnswer(attending=True, party=(GuestInput(name="Sheriff"),)))
    tables_set(event=event, actor=organiser, tables=[(1, 4, False), (2, 4, False), (3, 6, True), (4, 6, False)])

    result = seating_assign(event=event, actor=organiser)

    guests = list(Guest.objects.filter(event=event).select_related("table", "invitation__nomination__category"))
    assert result.seated == len(guests) and all(g.table for g in guests)
    by_invitation = {}
    for g in guests:
        by_invitation.setdefault(g.invitation_id, set()).add(g.table.number)
    assert all(len(tables) == 1 for tables in by_invitation.values())
    assert Guest.objects.get(pk=wheelchair.pk).table.accessible
    first_award = [g.table.number for g in guests if g.invitation.nomination and g.invitation.nomination.category.name == "Positive Choices"]
    sheriff = next(g for g in guests if g.name == "Sheriff")
    assert max(first_award) <= sheriff.table.number


def test_seating_more_guests_than_tables_hold_is_refused_and_changes_nothing(event, night, organiser):
    tables_set(event=event, actor=organiser, tables=[(1, 3, False)])
    with pytest.raises(EventError, match=r"cannot be seated together.*nothing was changed"):
        seating_assign(event=event, actor=organiser)
    assert not Guest.objects.filter(event=event, table__isnull=False).exists()


def test_tables_cannot_shrink_below_their_guests_and_numbers_are_unique(event, night, organiser):
    tables_set(event=event, actor=organiser, tables=[(1, 10, True), (2, 10, False)])
    seating_assign(event=event, actor=organiser)
    seated = Guest.objects.filter(table__number=1).count()
    with pytest.raises(EventError, match=f"Table 1 has {seated} guests seated"):
        tables_set(event=event, actor=organiser, tables=[(1, 1, True)])
    with pytest.raises(EventError, match="once"):
        tables_set(event=event, actor=organiser, tables=[(3, 4, False), (3, 5, False)])


def test_moving_a_guest_by_hand_respects_room_and_access(event, night, organiser):
    tables_set(event=event, actor=organiser, tables=[(1, 1, False), (2, 10, True)])
    guest, other = Guest.objects.filter(event=event).order_by("pk")[:2]
    one = Table.objects.get(event=event, number=1)
    guest_move(guest=guest, actor=organiser, table=one)
    with pytest.raises(EventError, match="Table 1 is full"):
        guest_move(guest=other, actor=organiser, table=one)
    other.access_needs = ["bsl"]
    other.save()
    Guest.objects.filter(pk=guest.pk).update(table=None)
    with pytest.raises(EventError, match="not marked accessible"):
        guest_move(guest=other, actor=organiser, table=one)


parties_strategy = st.lists(st.tuples(st.integers(1, 6), st.booleans()), max_size=40)
tables_strategy = st.lists(st.tuples(st.integers(1, 12), st.booleans()), min_size=1, max_size=15)


@hypothesis_settings(max_examples=300, deadline=None)
@given(parties_strategy, tables_strategy)
def test_seating_invariants_hold_for_any_parties_and_tables(party_specs, table_specs):
    parties = [
        Party(key=f"p{i}", guest_ids=list(range(i * 10, i * 10 + size)), needs_access=access, rank=(i,))
        for i, (size, access) in enumerate(party_specs)
    ]
    tables = [(number, capacity, accessible) for number, (capacity, accessible) in enumerate(table_specs, start=1)]
    capacity = {n: c for n, c, _ in tables}
    accessible = {n for n, _, a in tables if a}

    placed, unplaced = seat(parties, tables)

    # Every party is either placed whole at one table or reported, never both, never lost.
    assert set(placed) | {p.key for p in unplaced} == {p.key for p in parties}
    assert not set(placed) & {p.key for p in unplaced}
    # No table holds more than its capacity.
    load = {}
    for party in parties:
        if party.key in placed:
            load[placed[party.key]] = load.get(placed[party.key], 0) + len(party.guest_ids)
    assert all(load[n] <= capacity[n] for n in load)
    # Access needs only at accessible tables.
    assert all(placed[p.key] in accessible for p in parties if p.needs_access and p.key in placed)
    # A party is left out only when no table could take it: room only shrinks, so a compatible
    # table with room at the end had room when the party was placed.
    room = {n: capacity[n] - load.get(n, 0) for n in capacity}
    for party in unplaced:
        assert not any(room[n] >= len(party.guest_ids) and (not party.needs_access or n in accessible) for n in room)
    # Access parties are placed first: the first of them sits at the nearest accessible table
    # that can take it; the first of the others at the nearest table with room left after them.
    needing = [p for p in parties if p.needs_access]
    others = [p for p in parties if not p.needs_access]
    if needing:
        fits = [n for n, c, a in tables if a and c >= len(needing[0].guest_ids)]
        assert placed.get(needing[0].key) == (min(fits) if fits else None)
    if others:
        access_load = {}
        for party in needing:
            if party.key in placed:
                access_load[placed[party.key]] = access_load.get(placed[party.key], 0) + len(party.guest_ids)
        fits = [n for n, c, _ in tables if c - access_load.get(n, 0) >= len(others[0].guest_ids)]
        assert placed.get(others[0].key) == (min(fits) if fits else None)


# --- check-in -----------------------------------------------------------------------------


def test_checking_in_counts_once_even_when_two_volunteers_mark_the_same_guest(event, night, organiser):
    door = door_user(event)
    guest = Guest.objects.filter(event=event).first()

    guest_check_in(guest=guest, actor=door)
    with pytest.raises(AlreadyArrived, match="already arrived at"):
        guest_check_in(guest=guest, actor=organiser)

    totals = door_totals(event)
    assert totals["arrived"] == 1 and totals["expected"] == Guest.objects.filter(event=event).count()


def test_a_declined_or_revoked_guest_cannot_be_checked_in(event, night, organiser):
    invitation = night["invitations"][0]
    guest = invitation.guests.first()
    invitation.status = InvitationStatus.REVOKED
    invitation.save()
    with pytest.raises(EventError, match="not on the guest list"):
        guest_check_in(guest=guest, actor=organiser)


def test_an_offline_arrival_keeps_its_time_but_never_a_future_one(event, night, organiser):
    from django.utils import timezone

    first, second = Guest.objects.filter(event=event)[:2]
    earlier = timezone.now() - dt.timedelta(minutes=7)
    assert guest_check_in(guest=first, actor=organiser, at=earlier).checked_in_at == earlier
    assert guest_check_in(guest=second, actor=organiser, at=timezone.now() + dt.timedelta(hours=2)).checked_in_at <= timezone.now()


def test_walk_ins_are_added_and_counted(event, night, organiser):
    door = door_user(event)
    before = door_totals(event)
    walk_in_add(event=event, actor=door, name="Pat Neighbour")
    with pytest.raises(EventError, match="Enter the guest's name"):
        walk_in_add(event=event, actor=door, name="  ")
    after = door_totals(event)
    assert (after["expected"], after["arrived"]) == (before["expected"] + 1, before["arrived"] + 1)


def test_only_door_staff_and_organisers_check_in(event, night, staff_user):
    guest = Guest.objects.filter(event=event).first()
    with pytest.raises(NotAllowed):
        guest_check_in(guest=guest, actor=staff_user)
    with pytest.raises(NotAllowed):
        walk_in_add(event=event, actor=staff_user, name="X")
