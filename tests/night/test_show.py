"""Show mode's writes (night.show): one press, one step; the winner only on "reveal"; stale presses
refused; the rehearsal apart from the live show; show keys and operators."""

import datetime as dt

import pytest
from django.utils import timezone

from awards.enums import Role
from events.enums import ItemKind, ShowStage, ShowView
from events.models import RunningOrderItem, Show
from events.services import EventError
from mail.errors import NotAllowed
from night.services import running_order_generate, running_order_remove, winner_set
from night.show import (
    ShowMovedOn,
    ShowStep,
    rehearsal_end,
    rehearsal_start,
    show_back,
    show_key_create,
    show_key_for,
    show_key_revoke,
    show_next,
    show_on_air,
    show_operator_add,
    show_operator_remove,
    show_reveal,
)
from tests.conftest import user_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(event, night, organiser):
    """Welcome, two awards (the first with a winner recorded), close."""
    items = running_order_generate(event=event, actor=organiser)
    award = next(i for i in items if i.kind == ItemKind.AWARD)
    winner_set(item=award, actor=organiser, nomination=night["finalists"][0])
    return list(RunningOrderItem.objects.filter(event=event).order_by("position"))


def where(event):
    show = show_on_air(event)
    item = RunningOrderItem.objects.filter(pk=show.item_id).first()
    return (item.title if item else None, show.stage)


def test_show_next_walks_an_award_through_its_steps_and_never_reveals(event, items, organiser):
    welcome, award = items[0], items[1]
    seen = []
    for _ in range(6):
        show_next(event=event, actor=organiser)
        seen.append(where(event))

    assert seen == [
        (welcome.title, ShowStage.UP_NEXT),
        (welcome.title, ShowStage.ON_STAGE),
        (welcome.title, ShowStage.DONE),
        (award.title, ShowStage.UP_NEXT),
        (award.title, ShowStage.ON_STAGE),
        (award.title, ShowStage.FINALISTS),
    ]
    with pytest.raises(ShowStep, match="Reveal the winner"):
        show_next(event=event, actor=organiser)
    award.refresh_from_db()
    assert (award.winner_revealed, show_on_air(event).cue) == (False, 6)


def _to_finalists(event, actor):
    for _ in range(6):  # welcome: up next, on stage, done; award: up next, on stage, finalists
        show_next(event=event, actor=actor)


def test_show_reveal_reveals_the_recorded_winner_then_next_is_done(event, items, organiser):
    award = items[1]
    _to_finalists(event, organiser)
    assert where(event) == (award.title, ShowStage.FINALISTS)

    show_reveal(event=event, actor=organiser)
    award.refresh_from_db()
    assert (where(event), award.winner_revealed) == ((award.title, ShowStage.WINNER), True)
    show_next(event=event, actor=organiser)
    assert where(event) == (award.title, ShowStage.DONE)
    show_next(event=event, actor=organiser)
    assert where(event) == (items[2].title, ShowStage.UP_NEXT)


def test_show_back_from_the_winner_shows_the_finalists_and_the_winner_stays_revealed(event, items, organiser):
    award = items[1]
    _to_finalists(event, organiser)
    show_reveal(event=event, actor=organiser)

    show_back(event=event, actor=organiser)

    award.refresh_from_db()
    assert (where(event), award.winner_revealed) == ((award.title, ShowStage.FINALISTS), True)
    show_next(event=event, actor=organiser)  # revealed already: "next" shows it again
    assert where(event) == (award.title, ShowStage.WINNER)


def test_show_reveal_is_refused_before_the_finalists(event, items, organiser):
    show_next(event=event, actor=organiser)
    with pytest.raises(ShowStep, match="finalists first"):
        show_reveal(event=event, actor=organiser)


def test_an_award_without_a_winner_goes_from_finalists_to_done(event, items, organiser):
    second = items[2] if items[2].kind == ItemKind.AWARD else items[3]
    show = Show.objects.create(event=event, on_air=True, item=second, stage=ShowStage.FINALISTS, cue=5)

    show_next(event=event, actor=organiser, cue=5)

    assert where(event) == (second.title, ShowStage.DONE)
    show.refresh_from_db()
    assert show.cue == 6


def test_a_press_on_a_stale_cue_changes_nothing(event, items, organiser):
    show_next(event=event, actor=organiser, cue=0)

    with pytest.raises(ShowMovedOn):
        show_next(event=event, actor=organiser, cue=0)  # a double tap

    assert (where(event), show_on_air(event).cue) == ((items[0].title, ShowStage.UP_NEXT), 1)


def test_the_show_ends_after_the_last_item_and_back_returns_to_it(event, items, organiser):
    Show.objects.create(event=event, on_air=True, item=items[-1], stage=ShowStage.DONE)

    show_next(event=event, actor=organiser)
    assert where(event) == (None, ShowStage.ENDED)
    with pytest.raises(ShowStep, match="ended"):
        show_next(event=event, actor=organiser)
    show_back(event=event, actor=organiser)
    assert where(event) == (items[-1].title, ShowStage.DONE)


@pytest.mark.parametrize("role", [Role.EVENT_STAFF, Role.STAFF])
def test_only_organisers_and_show_operators_drive_the_show(event, items, role):
    someone = user_with_role(event.programme, role, f"someone-{role}")
    with pytest.raises(NotAllowed):
        show_next(event=event, actor=someone)
    assert not Show.objects.exists()


def test_a_show_operator_drives_the_show_until_removed(event, items, organiser):
    volunteer = UserFactory(username="stage-laptop")
    operator = show_operator_add(event=event, actor=organiser, username="Stage-Laptop")

    show_next(event=event, actor=volunteer)
    show_operator_remove(operator=operator, actor=organiser)
    volunteer = type(volunteer).objects.get(pk=volunteer.pk)  # a new request: no cached roles

    assert where(event) == (items[0].title, ShowStage.UP_NEXT)
    with pytest.raises(NotAllowed):
        show_next(event=event, actor=volunteer)


def test_show_operator_add_refuses_unknown_people_and_organisers(event, organiser):
    with pytest.raises(EventError, match="no active account"):
        show_operator_add(event=event, actor=organiser, username="nobody")
    with pytest.raises(EventError, match="organise"):
        show_operator_add(event=event, actor=organiser, username="organiser")


def test_a_rehearsal_runs_apart_and_leaves_the_live_show_where_it_was(event, items, organiser):
    award = items[1]
    show_next(event=event, actor=organiser)
    live_cue = show_on_air(event).cue

    rehearsal_start(event=event, actor=organiser)
    _to_finalists(event, organiser)
    show_reveal(event=event, actor=organiser)
    assert where(event) == (award.title, ShowStage.WINNER)
    award.refresh_from_db()
    assert award.winner_revealed is False  # a placeholder: the real winner is untouched
    rehearsal_end(event=event, actor=organiser)

    live = show_on_air(event)
    assert (live.rehearsal, where(event), live.cue) == (False, (items[0].title, ShowStage.UP_NEXT), live_cue + 1)


def test_a_press_made_on_the_rehearsal_after_it_ended_is_refused(event, items, organiser):
    rehearsal_start(event=event, actor=organiser)
    rehearsal_end(event=event, actor=organiser)
    with pytest.raises(ShowStep, match="rehearsal ended"):
        show_next(event=event, actor=organiser, rehearsal=True)


# --- show keys ------------------------------------------------------------------------------


def test_a_show_key_opens_its_view_until_revoked(event, organiser):
    key, token = show_key_create(event=event, actor=organiser, view=ShowView.SCREEN, label="Projector laptop")

    assert show_key_for(token, event=event, view=ShowView.SCREEN) == key
    assert show_key_for(token, event=event, view=ShowView.COMPERE) is None
    assert token.split(".")[1] not in key.secret_hash
    show_key_revoke(key=key, actor=organiser)
    assert show_key_for(token, event=event, view=ShowView.SCREEN) is None


def test_a_show_key_opens_nothing_once_the_night_is_over(event, organiser):
    key, token = show_key_create(event=event, actor=organiser, view=ShowView.STAGE, label="Photographer")
    later = event.ends_at + dt.timedelta(hours=13)
    assert show_key_for(token, event=event, now=later) is None
    assert show_key_for(token[:-2] + "xx", event=event) is None
    assert show_key_for("", event=event) is None


def test_only_organisers_make_and_revoke_show_keys(event, organiser):
    operator = UserFactory(username="operator")
    show_operator_add(event=event, actor=organiser, username="operator")
    with pytest.raises(NotAllowed):
        show_key_create(event=event, actor=operator, view=ShowView.SCREEN, label="Mine")
    key, _ = show_key_create(event=event, actor=organiser, view=ShowView.SCREEN, label="Projector")
    with pytest.raises(NotAllowed):
        show_key_revoke(key=key, actor=operator)
    assert timezone.now() < event.ends_at + dt.timedelta(hours=12)


def test_the_item_the_show_is_on_cannot_be_removed_nor_the_running_order_replaced(event, items, organiser):
    show_next(event=event, actor=organiser)

    with pytest.raises(EventError, match="The show is on this item now"):
        running_order_remove(item=items[0], actor=organiser)
    with pytest.raises(EventError, match="The show is on this item now"):
        running_order_generate(event=event, actor=organiser, replace=True)
    running_order_remove(item=items[-1], actor=organiser)  # another item: fine
    assert where(event) == (items[0].title, ShowStage.UP_NEXT)
