"""What each view of the show shows (night.show runs it): the audience screen, the compere's view,
the stage view and the controller, built from the night's read model (night.selectors.night_lines,
with winners sealed) and nothing else.

Each view gets a card of plain values (text, numbers, flags; no model instances, no ids of people)
that its template renders and nothing more: what is not on the card cannot reach the page, its
markup or its ETag. A winner is on a card only once the show has revealed it (night.show
.winner_shown): before that the screen's and compere's cards are the same whoever wins. Names are
the room's on the screen, compere and controller, the event team's on the stage view
(nominations.naming, through night.selectors and events.selectors); people are never photographed
on the screen, which shows only the programme's branding."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from events.enums import InvitationKind, ItemKind, ShowStage
from events.models import Event, Guest, Invitation, Show
from events.selectors import (
    finalists_companions,
    guest_name,
    guest_text,
    guests_coming,
    invitee_name,
)
from nominations.enums import PhotoChoice
from nominations.naming import Audience, nomination_name

from .selectors import ItemLine, Presence, RunningOrder, access_labels, night_lines, photos_for
from .show import (
    ShowStep,
    has_winner_to_reveal,
    show_on_air,
    step_back,
    step_forward,
    step_reveal,
    winner_shown,
)

WINNER_PLACEHOLDER = "The winner’s name"  # what a rehearsal shows instead of a winner
STAGE_LABELS = dict(ShowStage.choices)


def _time(value) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


def card_etag(kind: str, card) -> str:
    """The ETag of a view's answer: a digest of its card, so an unchanged card is a 304 without
    rendering anything, and two cards that differ only by data the view may not show cannot differ."""
    return '"' + hashlib.sha256(f"{kind}|{card!r}".encode()).hexdigest()[:32] + '"'


@dataclass
class ShowNow:
    """The show on air and the night's lines (winners sealed), read once for a view."""

    event: Event
    show: Show
    lines: list[ItemLine]
    data: RunningOrder
    current: ItemLine | None
    following: ItemLine | None  # the item after the current one (the first, before the start)

    @property
    def stage(self) -> str:
        return self.show.stage if self.current is not None or self.show.stage in (ShowStage.READY, ShowStage.ENDED) else ShowStage.READY

    @property
    def winner_shown(self) -> bool:
        return self.current is not None and winner_shown(self.show, self.current.item)


def show_now(event: Event) -> ShowNow:
    show = show_on_air(event)
    data = RunningOrder.load(event)
    lines = night_lines(event, sealed_winners=False, data=data)
    index = next((i for i, line in enumerate(lines) if line.item.pk == show.item_id), None)
    if index is None:
        current = None
        following = lines[0] if lines and show.stage != ShowStage.ENDED else None
    else:
        current = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
    return ShowNow(event=event, show=show, lines=lines, data=data, current=current, following=following)


def _winner_name(now: ShowNow) -> str:
    """The winner the views may show now: the room's name once revealed, a placeholder in a
    rehearsal, else nothing."""
    if not now.winner_shown:
        return ""
    return WINNER_PLACEHOLDER if now.show.rehearsal else (now.current.winner or "")


def _award_title(line: ItemLine) -> str:
    return line.item.category.name if line.item.kind == ItemKind.AWARD else line.item.title


# --- the audience screen ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenCard:
    cue: int
    rehearsal: bool
    programme: str
    event: str
    slide: str  # welcome, holding, item, finalists, winner, ended
    kicker: str = ""
    title: str = ""
    recognises: str = ""
    presenters: tuple[str, ...] = ()
    finalists: tuple[str, ...] = ()
    winner: str = ""
    coming_up: str = ""


def screen_card(now: ShowNow) -> ScreenCard:
    """The audience screen: a holding slide between items; an award's title and what it
    recognises with who presents, then its finalists by the room's names, then the winner once
    revealed. Nothing else (no presence, no notes, no words the compere reads)."""
    show, line = now.show, now.current
    base = dict(cue=show.cue, rehearsal=show.rehearsal, programme=now.event.programme.name, event=now.event.name)
    coming_up = _award_title(now.following) if now.following else ""
    stage = now.stage
    if stage == ShowStage.READY:
        first_is_welcome = now.following is not None and now.following.item.kind == ItemKind.WELCOME
        return ScreenCard(**base, slide="welcome", kicker="Welcome to", title=now.event.name, coming_up="" if first_is_welcome else coming_up)
    if stage == ShowStage.ENDED or line is None:
        return ScreenCard(**base, slide="ended", kicker="Thank you for coming", title=now.event.name)
    item = line.item
    is_award = item.kind == ItemKind.AWARD
    if stage == ShowStage.UP_NEXT:
        return ScreenCard(**base, slide="holding", kicker="Coming up", title=_award_title(line))
    if stage == ShowStage.DONE:
        return ScreenCard(**base, slide="holding", kicker="Coming up" if coming_up else "", title=coming_up or now.event.name)
    presenters = tuple(str(p) for p in line.presenters)
    award = dict(
        kicker="The award for" if is_award else "",
        title=_award_title(line),
        recognises=item.category.description if is_award else "",
        presenters=presenters,
    )
    if stage == ShowStage.ON_STAGE or not is_award:
        return ScreenCard(**base, slide="item", **award)
    finalists = tuple(f.name for f in line.finalists)
    if stage == ShowStage.WINNER and now.winner_shown:
        return ScreenCard(**base, slide="winner", **award, finalists=finalists, winner=_winner_name(now))
    return ScreenCard(**base, slide="finalists", **award, finalists=finalists)


# --- the compere --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompereFinalist:
    name: str
    say: str
    presence: str
    in_the_room: bool
    words: str
    speech: str = ""  # their own answer: whether they'd like to say something if they win
    walk_on: str = ""  # their own walk-on track, or "Surprise me"


@dataclass(frozen=True)
class NextUp:
    title: str
    kind: str
    starts: str
    presenters: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompereCard:
    cue: int
    rehearsal: bool
    event: str
    stage: str
    stage_label: str
    prompt: str
    title: str = ""
    kind: str = ""
    starts: str = ""
    recognises: str = ""
    finalists: tuple[CompereFinalist, ...] = ()
    presenters: tuple[str, ...] = ()
    compere: str = ""
    walk_on_music: str = ""
    winner: str = ""
    placeholder: bool = False
    next_up: NextUp | None = None


_PROMPTS = {
    ShowStage.READY: "The show has not started yet.",
    ShowStage.UP_NEXT: "Get ready: this is next.",
    ShowStage.ON_STAGE: "You are on: introduce it.",
    ShowStage.FINALISTS: "Read out the finalists.",
    ShowStage.WINNER: "The winner is on the screen: announce them.",
    ShowStage.DONE: "Done. Next item coming up.",
    ShowStage.ENDED: "The show has ended. Thank you!",
}


def _next_up(line: ItemLine | None) -> NextUp | None:
    if line is None:
        return None
    return NextUp(
        title=_award_title(line) if line.item.kind == ItemKind.AWARD else line.item.title,
        kind=line.item.get_kind_display(),
        starts=_time(line.item.starts_at),
        presenters=tuple(str(p) for p in line.presenters),
    )


def compere_card(now: ShowNow) -> CompereCard:
    """The compere's view: this item's script (what the award recognises, the finalists by the
    room's names with how to say them, as the naming rules allow, and their approved words), who
    is in the room, who presents, and what comes next. The winner only once the show reveals it."""
    show, line, stage = now.show, now.current, now.stage
    base = dict(
        cue=show.cue, rehearsal=show.rehearsal, event=now.event.name, stage=stage,
        stage_label=STAGE_LABELS[stage], prompt=_PROMPTS[stage], next_up=_next_up(now.following),
    )
    if line is None:
        return CompereCard(**base)
    item = line.item
    winner = _winner_name(now)
    return CompereCard(
        **base,
        title=_award_title(line),
        kind=item.get_kind_display(),
        starts=_time(item.starts_at),
        recognises=item.category.description if item.kind == ItemKind.AWARD else "",
        finalists=tuple(
            CompereFinalist(
                name=f.name, say=f.pronunciation, presence=f.presence_label, in_the_room=f.presence == Presence.ARRIVED,
                words=f.citation, speech=f.speech, walk_on=f.walk_on,
            )
            for f in line.finalists
        ),
        presenters=tuple(str(p) for p in line.presenters),
        compere=str(line.compere) if line.compere else "",
        walk_on_music=item.walk_on_music,
        winner=winner,
        placeholder=bool(winner) and show.rehearsal,
    )


# --- the stage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnStagePerson:
    name: str  # the event team's name
    role: str
    table: str
    presence: str
    photographs: bool  # False: must not be photographed
    why_not: str
    access: tuple[str, ...]
    walking_on: bool = False
    speech: str = ""  # a finalist's own answer: whether they'd like to say something if they win
    walk_on: str = ""  # a finalist's own walk-on track, or "Surprise me"


@dataclass(frozen=True)
class StageItem:
    title: str
    kind: str
    starts: str
    stage_label: str
    walk_on_music: str
    presenters: tuple[OnStagePerson, ...]
    finalists: tuple[OnStagePerson, ...]
    winner_walks_on: str = ""  # once revealed: who walks on (a placeholder in a rehearsal)


@dataclass(frozen=True)
class StageCard:
    cue: int
    rehearsal: bool
    event: str
    stage_label: str
    now: StageItem | None = None
    next_up: StageItem | None = None
    no_photographs: int = field(default=0)


def _why_no_photos(nomination) -> str:
    if photos_for(nomination) == PhotoChoice.GROUP_ONLY:
        return "group photos only, their choice"
    if nomination.nominee_id is not None and nomination.nominee.photography_allowed:
        return "their choice"
    return "safeguarding check"


def photographs_allowed(nomination) -> bool:
    """Whoever the nomination is for may be photographed on their own: the safeguarding check
    allows it (every member of a group) and they did not choose "no" or "only group photos"."""
    return photos_for(nomination) == PhotoChoice.YES


def _people_on_stage(event: Event, lines: list[ItemLine]) -> tuple[dict[int, Guest], dict[int, Guest], dict[int, Invitation]]:
    """The guest lines (position 0: the person themselves) of the presenters and finalists of
    `lines`, by invitation and by nomination, and the finalists' invitations: in three queries."""
    presenter_ids = {p.id for line in lines for p in line.presenters}
    nomination_ids = {f.nomination_id for line in lines for f in line.finalists}
    invitations = {
        i.nomination_id: i
        for i in Invitation.objects.filter(event=event, kind=InvitationKind.FINALIST, nomination_id__in=nomination_ids)
        .select_related("nomination__nominee", "nomination__group")
    }
    ids = presenter_ids | {i.pk for i in invitations.values()}
    guests = list(
        guests_coming(event)
        .filter(position=0, invitation_id__in=ids)
        .select_related("table", "invitation__nomination__nominee", "invitation__nomination__group")
    )
    companions = finalists_companions(guests)
    for guest in guests:
        guest.shown = guest_name(guest, with_name=companions.get(guest.invitation_id, ""))
    by_invitation = {g.invitation_id: g for g in guests}
    by_nomination = {g.invitation.nomination_id: g for g in guests if g.invitation.nomination_id}
    return by_invitation, by_nomination, invitations


def _presence(guest: Guest | None) -> str:
    if guest is None:
        return Presence.NOT_COMING.label
    if guest.checked_in_at:
        return f"{Presence.ARRIVED.label} ({_time(guest.checked_in_at)})"
    return Presence.NOT_YET.label


def _stage_item(now: ShowNow, line: ItemLine, people, *, current: bool) -> StageItem:
    by_invitation, by_nomination, invitations = people
    presenters = []
    for person in line.presenters:
        guest = by_invitation.get(person.id)
        allowed = bool(guest and guest.photography_consent)
        presenters.append(OnStagePerson(
            name=str(person), role="Presents", table=str(guest.table.number) if guest and guest.table_id else "",
            presence=_presence(guest), photographs=allowed, why_not="" if allowed else "no consent recorded",
            access=tuple(access_labels(guest.access_needs, guest.access_other)) if guest else (), walking_on=True,
        ))
    finalists = []
    shown = current and now.winner_shown and not now.show.rehearsal
    for finalist in line.finalists:
        nomination = finalist.nomination
        guest = by_nomination.get(nomination.pk)
        invitation = invitations.get(nomination.pk)
        if guest is not None:
            name = guest.shown
        elif invitation is not None:
            name = invitee_name(invitation, Audience.EVENT_TEAM)
        else:
            name = nomination_name(Audience.EVENT_TEAM, nomination)
        safeguarding = photographs_allowed(nomination)
        # Someone not coming has no guest line, so no consent either way: they are not on stage,
        # and only their safeguarding check marks them (a photo of the screen, a stand-in).
        consent = guest is None or guest.photography_consent
        why_not = "; ".join(filter(None, [
            "" if safeguarding else _why_no_photos(nomination),
            "" if consent else "no consent",
        ]))
        finalists.append(OnStagePerson(
            name=name, role="Finalist", table=str(guest.table.number) if guest and guest.table_id else "",
            presence=_presence(guest), photographs=safeguarding and consent, why_not=why_not,
            access=tuple(access_labels(guest.access_needs, guest_text(guest, guest.access_other))) if guest else (),
            walking_on=shown and finalist.is_winner, speech=finalist.speech, walk_on=finalist.walk_on,
        ))
    walks_on = ""
    if current and now.winner_shown:
        walks_on = WINNER_PLACEHOLDER + " (rehearsal)" if now.show.rehearsal else next((f.name for f in finalists if f.walking_on), "")
    return StageItem(
        title=_award_title(line), kind=line.item.get_kind_display(), starts=_time(line.item.starts_at),
        stage_label=STAGE_LABELS[now.stage] if current else "Next", walk_on_music=line.item.walk_on_music,
        presenters=tuple(presenters), finalists=tuple(finalists), winner_walks_on=walks_on,
    )


def stage_card(now: ShowNow) -> StageCard:
    """The stage manager's and photographer's view of this item and the next: who walks on and who
    presents, by the event team's names; who must not be photographed (and why); access needs for
    the walk to the stage; presence from the door. The winner only once the show reveals it."""
    lines = [line for line in (now.current, now.following) if line is not None]
    people = _people_on_stage(now.event, lines)
    current = _stage_item(now, now.current, people, current=True) if now.current else None
    following = _stage_item(now, now.following, people, current=False) if now.following else None
    everyone = [*(current.presenters + current.finalists if current else ())]
    return StageCard(
        cue=now.show.cue, rehearsal=now.show.rehearsal, event=now.event.name, stage_label=STAGE_LABELS[now.stage],
        now=current, next_up=following, no_photographs=sum(1 for p in everyone if not p.photographs),
    )


# --- the controller -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    enabled: bool
    label: str
    why_not: str = ""


@dataclass(frozen=True)
class ControllerItem:
    position: int
    title: str
    kind: str
    starts: str
    state: str  # done, current, to come
    stage_label: str
    winner: str  # "recorded (sealed)", "revealed: <room name>", "none recorded", "" (not an award)


@dataclass(frozen=True)
class ControllerCard:
    cue: int
    rehearsal: bool
    stage: str
    stage_label: str
    title: str
    kind: str
    position: int
    total: int
    stages: tuple[tuple[str, str, bool, bool], ...]  # (value, label, done, current) of the item's steps
    next_up: str
    on_screen: str
    go: Button
    reveal: Button
    back: Button
    winner: str
    items: tuple[ControllerItem, ...]


def _go_label(now: ShowNow, items) -> Button:
    try:
        to = step_forward(now.show, items)
    except ShowStep as refusal:
        return Button(False, "Go to next", refusal.message)
    if to.item is None:
        return Button(True, "Go to next: end the show")
    if now.current is None or to.item.pk != now.current.item.pk:
        return Button(True, f"Go to next: {to.item.title} up next")
    return Button(True, f"Go to next: {STAGE_LABELS[to.stage].lower()}")


def _reveal_button(now: ShowNow, items) -> Button:
    try:
        step_reveal(now.show, items)
    except ShowStep as refusal:
        return Button(False, "Reveal the winner", refusal.message)
    return Button(True, "Reveal the winner" + (" (placeholder)" if now.show.rehearsal else ""))


def _back_button(now: ShowNow, items) -> Button:
    try:
        step_back(now.show, items)
    except ShowStep as refusal:
        return Button(False, "Back", refusal.message)
    return Button(True, "Back")


def _winner_status(now: ShowNow, line: ItemLine) -> str:
    item = line.item
    if item.kind != ItemKind.AWARD:
        return ""
    if now.show.rehearsal:
        return "placeholder (rehearsal)"
    if item.winner_id is None:
        return "none recorded"
    if item.winner_revealed and line.winner:
        return f"revealed: {line.winner}"
    return "recorded, sealed"


def _on_screen(card: ScreenCard) -> str:
    if card.slide == "welcome":
        return f"Welcome slide: {card.title}"
    if card.slide == "ended":
        return "Thank-you slide"
    if card.slide == "holding":
        return f"Holding slide: coming up {card.title}" if card.kicker else "Holding slide"
    if card.slide == "item":
        return f"{card.title}" + (", what it recognises and who presents" if card.recognises or card.presenters else "")
    if card.slide == "finalists":
        return f"{card.title}: the finalists"
    return f"{card.title}: the winner"


def controller_card(now: ShowNow) -> ControllerCard:
    """The controller: where the show is, what each button will do (or why it cannot), what the
    screen shows, and the running order with each item's state. A recorded winner is "sealed":
    its name only once revealed, even here (a tablet at the side of the stage is seen by many)."""
    items = [line.item for line in now.lines]
    show, line, stage = now.show, now.current, now.stage
    position = items.index(line.item) + 1 if line else 0
    stages = ()
    if line is not None:
        steps = [ShowStage.UP_NEXT, ShowStage.ON_STAGE, ShowStage.DONE]
        if line.item.kind == ItemKind.AWARD:
            steps = [ShowStage.UP_NEXT, ShowStage.ON_STAGE, ShowStage.FINALISTS, ShowStage.WINNER, ShowStage.DONE]
        at = steps.index(stage) if stage in steps else 0
        stages = tuple((value, STAGE_LABELS[value], index < at, index == at) for index, value in enumerate(steps))
    listed = []
    for index, each in enumerate(now.lines, start=1):
        state = "done" if position and index < position or stage == ShowStage.ENDED else ("current" if index == position else "to come")
        listed.append(ControllerItem(
            position=index, title=each.item.title, kind=each.item.get_kind_display(), starts=_time(each.item.starts_at),
            state=state, stage_label=STAGE_LABELS[stage] if index == position else "", winner=_winner_status(now, each),
        ))
    return ControllerCard(
        cue=show.cue, rehearsal=show.rehearsal, stage=stage, stage_label=STAGE_LABELS[stage],
        title=line.item.title if line else ("The show has ended" if stage == ShowStage.ENDED else "Not started"),
        kind=line.item.get_kind_display() if line else "", position=position, total=len(items), stages=stages,
        next_up=_award_title(now.following) if now.following else "", on_screen=_on_screen(screen_card(now)),
        go=_go_label(now, items), reveal=_reveal_button(now, items), back=_back_button(now, items),
        winner=_winner_status(now, line) if line else "", items=tuple(listed),
    )


def winner_to_reveal(now: ShowNow) -> bool:
    return now.current is not None and has_winner_to_reveal(now.show, now.current.item)
