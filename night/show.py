"""Show mode: the night run from the running order (every write of it).

One press moves the show on air one step: an item is up next, then on stage, then (an award) its
finalists are shown and, with a press of its own, its winner revealed, then it is done, and the
next item is up next. "Back" walks the same steps the other way; a winner once revealed stays
revealed (the room has seen it), the screen just shows the finalists again.

- Who drives it: the programme's organisers and the people they name as show operators.
- A press carries the cue it was made on: a double tap, or a second controller that had not caught
  up, is refused (409) and changes nothing, so one press is always one step.
- "Go to next" never reveals a winner: at the finalists of an award whose winner is recorded, it
  is refused until "Reveal the winner" is pressed.
- The rehearsal is a second show of the same event: the views follow it while it is on air, every
  winner is a placeholder, and nothing of the live show or the running order is touched.
- Show keys open one view (screen, compere, stage) on a device without signing in: a random lookup
  and a 256-bit secret, of which only the SHA-256 is kept and compared in constant time; revoked by
  an organiser, and worthless once the night is over."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from awards.rules import is_organiser
from events.enums import ItemKind, ShowStage, ShowView
from events.models import Event, RunningOrderItem, Show, ShowKey, ShowOperator
from events.services import EventError
from mail.errors import Conflict, NotAllowed
from nominations.selectors import hash_token

# A key opens its view until this long after the event ends (the clearing up, a late rehearsal
# review), then never again.
KEY_LIFETIME_AFTER_EVENT = timedelta(hours=12)
LABEL_MAX = 60


class ShowMovedOn(Conflict):
    """The press was made on a view of the show that is no longer current."""

    def __init__(self, show: Show):
        super().__init__(
            "The show had already moved on (a second press, or another controller), so nothing changed. "
            "This is where it is now: check, then press again if you still mean to.",
            field="cue",
        )
        self.show = show


class ShowStep(Conflict):
    """A step the show cannot take from where it is."""


# --- who may do what ----------------------------------------------------------------------------


def is_show_operator(user, event: Event) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_proud_show_events", None)
    if cached is None:
        cached = user._proud_show_events = frozenset(ShowOperator.objects.filter(user=user).values_list("event_id", flat=True))
    return event.pk in cached


def can_drive_show(user, event: Event) -> bool:
    """Organisers of the programme, and the show operators they named for this event."""
    return is_organiser(user, event.programme_id) or is_show_operator(user, event)


def _require_driver(actor, event: Event) -> None:
    if not can_drive_show(actor, event):
        raise NotAllowed("Only the programme's organisers and the show operators they name can run the show.")


def _require_organiser(actor, event: Event) -> None:
    if not is_organiser(actor, event.programme_id):
        raise NotAllowed("Only the programme's organisers can do this.")


# --- the shows of an event ----------------------------------------------------------------------


def _show(event: Event, *, rehearsal: bool) -> Show:
    """The event's live show or its rehearsal, made (not started) the first time it is needed.
    The caller holds the event's row lock."""
    show = Show.objects.select_for_update().filter(event=event, rehearsal=rehearsal).first()
    if show is None:
        on_air = not rehearsal and not Show.objects.filter(event=event, on_air=True).exists()
        show = Show.objects.create(event=event, rehearsal=rehearsal, on_air=on_air)
    return show


def show_on_air(event: Event) -> Show:
    """The show the views follow: the rehearsal while one is on, else the live show. Reading makes
    nothing: before the first press it is a live show not started (unsaved)."""
    show = Show.objects.filter(event=event, on_air=True).first()
    return show if show is not None else Show(event=event, rehearsal=False, on_air=True, stage=ShowStage.READY, cue=0)


def show_items(event: Event) -> list[RunningOrderItem]:
    return list(RunningOrderItem.objects.filter(event=event).order_by("position"))


def item_stages(item: RunningOrderItem) -> list[str]:
    """The steps of an item: an award shows its finalists and reveals its winner; others do not."""
    if item.kind == ItemKind.AWARD:
        return [ShowStage.UP_NEXT, ShowStage.ON_STAGE, ShowStage.FINALISTS, ShowStage.WINNER, ShowStage.DONE]
    return [ShowStage.UP_NEXT, ShowStage.ON_STAGE, ShowStage.DONE]


def has_winner_to_reveal(show: Show, item: RunningOrderItem) -> bool:
    """Whether the item has a winner for this show to reveal: a recorded one in the live show,
    always a placeholder in the rehearsal."""
    return item.kind == ItemKind.AWARD and (show.rehearsal or item.winner_id is not None)


def winner_shown(show: Show, item: RunningOrderItem) -> bool:
    """Whether this show has got as far as this item's winner: the views then show it (a
    placeholder in a rehearsal). Never before the live winner is revealed."""
    if item.kind != ItemKind.AWARD or show.item_id != item.pk or show.stage not in (ShowStage.WINNER, ShowStage.DONE):
        return False
    return show.rehearsal or (item.winner_id is not None and item.winner_revealed)


@dataclass(frozen=True)
class Position:
    item: RunningOrderItem | None
    stage: str


def _current(show: Show, items: list[RunningOrderItem]) -> tuple[RunningOrderItem | None, str]:
    """The item on (None before the start, after the end, or when it was removed from the running
    order meanwhile) and its stage, one of the item's own."""
    current = next((i for i in items if i.pk == show.item_id), None)
    if current is None:
        return None, show.stage
    return current, show.stage if show.stage in item_stages(current) else ShowStage.UP_NEXT


def step_forward(show: Show, items: list[RunningOrderItem]) -> Position:
    """Where "Go to next" takes the show, or ShowStep saying why it cannot go."""
    if show.stage == ShowStage.ENDED:
        raise ShowStep("The show has ended. Press “Back” to return to the last item.")
    current, stage = _current(show, items)
    if current is None:
        if not items:
            raise ShowStep("There is no running order yet: make one on the running order page first.")
        return Position(items[0], ShowStage.UP_NEXT)
    if stage == ShowStage.FINALISTS:
        if not has_winner_to_reveal(show, current):
            return Position(current, ShowStage.DONE)  # no winner recorded: nothing to reveal
        if not show.rehearsal and current.winner_revealed:
            return Position(current, ShowStage.WINNER)  # revealed before going back: show it again
        raise ShowStep("Press “Reveal the winner” to reveal it: “Go to next” never does.", field="action")
    if stage == ShowStage.DONE:
        index = items.index(current)
        return Position(items[index + 1], ShowStage.UP_NEXT) if index + 1 < len(items) else Position(None, ShowStage.ENDED)
    stages = item_stages(current)
    return Position(current, stages[stages.index(stage) + 1])


def step_back(show: Show, items: list[RunningOrderItem]) -> Position:
    """Where "Back" takes the show, or ShowStep saying why it cannot go."""
    if show.stage == ShowStage.ENDED:
        if not items:
            raise ShowStep("There is no running order to go back to.")
        return Position(items[-1], ShowStage.DONE)
    current, stage = _current(show, items)
    if current is None:
        raise ShowStep("The show has not started: there is nothing to go back to.")
    if stage == ShowStage.UP_NEXT:
        index = items.index(current)
        return Position(items[index - 1], ShowStage.DONE) if index else Position(None, ShowStage.READY)
    if stage == ShowStage.DONE and current.kind == ItemKind.AWARD:
        revealed = has_winner_to_reveal(show, current) and (show.rehearsal or current.winner_revealed)
        return Position(current, ShowStage.WINNER if revealed else ShowStage.FINALISTS)
    stages = item_stages(current)
    return Position(current, stages[stages.index(stage) - 1])


def step_reveal(show: Show, items: list[RunningOrderItem]) -> RunningOrderItem:
    """The item whose winner "Reveal the winner" reveals now, or ShowStep saying why not."""
    current, stage = _current(show, items)
    if current is None or current.kind != ItemKind.AWARD or stage != ShowStage.FINALISTS:
        raise ShowStep("Show an award's finalists first: its winner is revealed from there.", field="action")
    if not show.rehearsal and current.winner_id is None:
        raise ShowStep("No winner is recorded for this award: record it on the running order page, then reveal it.", field="action")
    return current


def _locked(event: Event, actor, cue: int | None, rehearsal: bool | None) -> Show:
    """The show on air, locked, after checking who presses and that they saw it as it is."""
    _require_driver(actor, event)
    Event.objects.select_for_update().only("pk").get(pk=event.pk)
    show = Show.objects.select_for_update().filter(event=event, on_air=True).first() or _show(event, rehearsal=False)
    if rehearsal is not None and show.rehearsal != rehearsal:
        raise ShowStep(
            f"The {'rehearsal ended' if rehearsal else 'rehearsal started'} meanwhile, so nothing changed. "
            "This is the show on air now.",
            field="cue",
        )
    if cue is not None and cue != show.cue:
        raise ShowMovedOn(show)
    return show


def _move(show: Show, actor, position: Position) -> Show:
    show.item = position.item
    show.stage = position.stage
    show.cue += 1
    show.changed_at = timezone.now()
    show.changed_by = actor
    show.save(update_fields=["on_air", "item", "stage", "cue", "changed_at", "changed_by"])
    return show


def show_next(*, event: Event, actor, cue: int | None = None, rehearsal: bool | None = None) -> Show:
    """One step on for the show on air: the next stage of the item on, or the next item up next.
    Never reveals a winner (refused at an award's finalists while its winner is to be revealed).
    `cue` and `rehearsal`: what the person pressing saw; a press on a stale view changes nothing."""
    with transaction.atomic():
        show = _locked(event, actor, cue, rehearsal)
        return _move(show, actor, step_forward(show, show_items(event)))


def show_back(*, event: Event, actor, cue: int | None = None, rehearsal: bool | None = None) -> Show:
    """One step back. A winner revealed stays revealed: the views show the finalists again."""
    with transaction.atomic():
        show = _locked(event, actor, cue, rehearsal)
        return _move(show, actor, step_back(show, show_items(event)))


def show_reveal(*, event: Event, actor, cue: int | None = None, rehearsal: bool | None = None) -> Show:
    """Reveal the winner of the award on stage, from its finalists. In the live show the recorded
    winner becomes revealed to everyone, as night.services.winner_reveal does (show operators may
    do it here too); in a rehearsal only the show moves on, to a placeholder."""
    with transaction.atomic():
        show = _locked(event, actor, cue, rehearsal)
        item = step_reveal(show, show_items(event))
        if not show.rehearsal:
            locked = RunningOrderItem.objects.select_for_update().get(pk=item.pk)
            if locked.winner_id is None:  # cleared meanwhile
                raise ShowStep("No winner is recorded for this award any more; nothing was revealed.", field="action")
            if not locked.winner_revealed:
                locked.winner_revealed = True
                locked.save(update_fields=["winner_revealed"])
        return _move(show, actor, Position(item, ShowStage.WINNER))


def rehearsal_start(*, event: Event, actor) -> Show:
    """Put a rehearsal on air from the top: the views follow it, every winner a placeholder, and
    the live show waits where it was, untouched."""
    _require_driver(actor, event)
    with transaction.atomic():
        Event.objects.select_for_update().only("pk").get(pk=event.pk)
        live = _show(event, rehearsal=False)
        rehearsal = _show(event, rehearsal=True)
        Show.objects.filter(pk=live.pk).update(on_air=False)
        rehearsal.on_air = True
        return _move(rehearsal, actor, Position(None, ShowStage.READY))


def rehearsal_end(*, event: Event, actor) -> Show:
    """Take the rehearsal off air: the views follow the live show again, just where it was."""
    _require_driver(actor, event)
    with transaction.atomic():
        Event.objects.select_for_update().only("pk").get(pk=event.pk)
        Show.objects.filter(event=event, rehearsal=True).update(on_air=False)
        live = _show(event, rehearsal=False)
        live.on_air = True
        live.cue += 1  # what the views show changes (no rehearsal banner): a new cue for everyone
        live.save(update_fields=["on_air", "cue"])
        return live


# --- show operators -----------------------------------------------------------------------------


def show_operator_add(*, event: Event, actor, username: str) -> ShowOperator:
    """Name someone with an account to drive the show of this event."""
    _require_organiser(actor, event)
    username = username.strip()
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first() if username else None
    if user is None:
        raise EventError("There is no active account with that username: they need an account first.", field="username")
    if is_organiser(user, event.programme_id):
        raise EventError("They organise this programme, so they can run the show already.", field="username")
    operator, created = ShowOperator.objects.get_or_create(event=event, user=user, defaults={"added_by": actor})
    if not created:
        raise EventError(f"{user.get_username()} is a show operator already.", field="username")
    return operator


def show_operator_remove(*, operator: ShowOperator, actor) -> None:
    _require_organiser(actor, operator.event)
    ShowOperator.objects.filter(pk=operator.pk).delete()


# --- show keys ----------------------------------------------------------------------------------


def show_key_create(*, event: Event, actor, view: str, label: str) -> tuple[ShowKey, str]:
    """A new key for one view of the show, and the key itself, which is never stored: only its
    lookup and the SHA-256 of its secret are. Give it to the device, or set it as its cookie."""
    _require_organiser(actor, event)
    if view not in ShowView.values:
        raise EventError("Choose the view the key opens.", field="view")
    label = label.strip()
    if not label or len(label) > LABEL_MAX:
        raise EventError(f"Say which device the key is for, in up to {LABEL_MAX} characters.", field="label")
    if timezone.now() >= event.ends_at + KEY_LIFETIME_AFTER_EVENT:
        raise EventError("The night is over: a key made now would not open anything.")
    lookup, secret = secrets.token_urlsafe(9), secrets.token_urlsafe(32)
    key = ShowKey.objects.create(event=event, view=view, label=label, lookup=lookup, secret_hash=hash_token(secret), created_by=actor)
    return key, f"{lookup}.{secret}"


def show_key_revoke(*, key: ShowKey, actor) -> ShowKey:
    """The key opens nothing from now on; a device showing its view is switched off at its next
    poll (well within a second)."""
    _require_organiser(actor, key.event)
    with transaction.atomic():
        locked = ShowKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is None:
            locked.revoked_at, locked.revoked_by = timezone.now(), actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def key_expires_at(event: Event) -> datetime:
    return event.ends_at + KEY_LIFETIME_AFTER_EVENT


def show_key_for(token: str, *, event: Event, view: str | None = None, now: datetime | None = None) -> ShowKey | None:
    """The key `token` is, if it opens a view of this event now (and `view`, when given): not
    revoked, the night not over. The secret's hash is compared in constant time."""
    if not token or len(token) > 128 or "." not in token:
        return None
    lookup, _, secret = token.partition(".")
    key = ShowKey.objects.filter(lookup=lookup, event=event).first()
    expected = key.secret_hash if key is not None else "0" * 64
    matches = hmac.compare_digest(expected.encode(), hash_token(secret).encode())
    if key is None or not matches or key.revoked_at is not None:
        return None
    if (now or timezone.now()) >= key_expires_at(event) or (view is not None and key.view != view):
        return None
    return key
