"""The event-night pages: the running order and compere script, tables and seating, the door
(check-in, with a JSON interface for the offline script) and the organisers' downloads.

Who sees what:
- organisers of the programme: everything, and every write;
- event staff of the programme: the door, and the running order and compere script read-only,
  with a winner only once an organiser has revealed it;
- anyone else: 404 (anonymous people are sent to sign in; the JSON endpoints answer 401).

Pages only shape input and output: every write is a service call in night.services, every read
starts from the events the user organises or works at. Finalists are named by their announce
name only, and the door shows guests' names, tables and access needs and nothing else."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.enums import Role
from awards.models import Category
from awards.rules import is_any_organiser, is_organiser, programme_ids_with_role
from events.enums import InvitationKind, InvitationStatus, ItemKind
from events.links import DOOR_CODE_PREFIX, door_code_read
from events.models import Event, Guest, Invitation, RunningOrderItem, Table
from events.organiser_forms import ActionForm
from events.selectors import (
    events_at_the_door,
    events_organised_by,
    finalists_companions,
    guest_name,
    guest_text,
    guests_coming,
)
from mail.errors import ServiceError
from nominations.downloads import xlsx_response
from nominations.forms import put_service_error
from nominations.naming import nomination_announce_name

from .exporters import CertificatesExporter, EventNightWorkbook
from .forms import (
    DoorSearchForm,
    GenerateForm,
    GuestMoveForm,
    ItemForm,
    MoveForm,
    TablesForm,
    WalkInForm,
    WinnerForm,
)
from .selectors import (
    ItemLine,
    access_labels,
    door_arrivals_state,
    door_guests_found,
    door_list,
    door_list_version,
    door_party,
    finalist_nominations,
    night_lines,
    seating_wishes,
)
from .services import (
    AlreadyArrived,
    door_totals,
    guest_check_in,
    guest_check_in_undo,
    guest_move,
    party_check_in,
    running_order_add,
    running_order_generate,
    running_order_remove,
    running_order_reorder,
    running_order_update,
    seating_assign,
    tables_set,
    walk_in_add,
    walk_in_remove,
    winner_reveal,
    winner_set,
)

# Arrivals one request may carry: a phone offline for the whole evening at a large event.
MAX_ARRIVALS_PER_REQUEST = 500



def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _time(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


# --- scope ------------------------------------------------------------------------------------


def _organised_event_or_404(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(events_organised_by(request.user), pk=event_id)


def _door_event_or_404(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(events_at_the_door(request.user), pk=event_id)


def _item_or_404(event: Event, item_id: int) -> RunningOrderItem:
    return get_object_or_404(RunningOrderItem.objects.filter(event=event).select_related("event", "category"), pk=item_id)


def _refusal(request: HttpRequest, message: str) -> ActionForm:
    """A form holding a refusal, for the error summary at the top of a page."""
    form = ActionForm(request.POST)
    form.add_error(None, message)
    return form


# --- the running order and the compere script -------------------------------------------------


def _lines_with_winner_forms(event: Event) -> list[ItemLine]:
    """The organisers' running order: each award's line also carries its winner form."""
    lines = night_lines(event, sealed_winners=True)
    for line in lines:
        if line.item.kind == ItemKind.AWARD:
            line.winner_form = WinnerForm.opened_on(
                WinnerForm.initial_from(line.item),
                finalists=[(f.nomination_id, f.name) for f in line.finalists],
                auto_id=_winner_auto_id(line.item),
            )
    return lines


def _winner_auto_id(item: RunningOrderItem) -> str:
    """Ids of an item's winner form: one per award item on the running order page."""
    return f"id_winner_{item.pk}_%s"


def _item_choices(event: Event) -> dict:
    """What the item form offers: the programme's categories (saying which have no finalists),
    the event's presenters and VIPs, and its comperes."""
    categories = list(Category.objects.filter(programme_id=event.programme_id).order_by("display_order", "name"))
    with_finalists = set(finalist_nominations(event).values_list("category_id", flat=True))
    people = list(
        Invitation.objects.filter(
            event=event, kind__in=[InvitationKind.PRESENTER, InvitationKind.VIP, InvitationKind.COMPERE]
        )
        .exclude(status=InvitationStatus.REVOKED)
        .order_by("invitee_name", "addressee_name", "pk")
    )
    return {
        "categories": categories,
        "categories_with_finalists": with_finalists,
        "presenters": [p for p in people if p.kind in (InvitationKind.PRESENTER, InvitationKind.VIP)],
        "comperes": [p for p in people if p.kind == InvitationKind.COMPERE],
    }


def _running_order_url(event: Event, item_id: int | None = None) -> str:
    url = reverse("event-admin:running-order", kwargs={"event_id": event.pk})
    return f"{url}#item-{item_id}" if item_id else url


def _running_order_page(
    request: HttpRequest,
    event: Event,
    *,
    error_form: ActionForm | None = None,
    add_form: ItemForm | None = None,
    generate_form: GenerateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = is_organiser(request.user, event.programme_id)
    lines = _lines_with_winner_forms(event) if can_edit else night_lines(event, sealed_winners=False)
    context = {
        "event": event,
        "can_edit": can_edit,
        "lines": lines,
        "error_form": error_form,
        "end": lines[-1].item.starts_at + timedelta(minutes=lines[-1].item.duration_minutes) if lines else None,
    }
    if can_edit:
        context["generate_form"] = generate_form or GenerateForm(prefix="generate")
        context["add_form"] = add_form or ItemForm(adding=True, prefix="add", **_item_choices(event))
    return render(request, "night/running_order.html", context, status=status)


@login_required
@require_GET
def running_order(request: HttpRequest, event_id: int) -> HttpResponse:
    return _running_order_page(request, _door_event_or_404(request, event_id))


@login_required
@require_POST
def running_order_generate_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    form = GenerateForm(request.POST, prefix="generate")
    form.is_valid()  # a checkbox: anything but "on" is no
    try:
        items = running_order_generate(event=event, actor=request.user, replace=bool(form.cleaned_data.get("replace")))
    except ServiceError as error:
        put_service_error(form, error)
        return _running_order_page(request, event, generate_form=form, error_form=form, status=error.status_code)
    awards = sum(1 for item in items if item.kind == ItemKind.AWARD)
    messages.success(
        request,
        f"A first running order of {_plural(len(items), 'item')}, with {_plural(awards, 'award')}. "
        "Now add presenters, performances and breaks, and move items where they belong.",
    )
    return redirect(_running_order_url(event))


@login_required
@require_POST
def item_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    form = ItemForm(request.POST, adding=True, prefix="add", **_item_choices(event))
    if not form.is_valid():
        return _running_order_page(request, event, add_form=form, status=400)
    try:
        item = running_order_add(
            event=event, actor=request.user, position=form.cleaned_data["position"],
            presenters=form.chosen_presenters(), **form.item_values(),
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _running_order_page(request, event, add_form=form, status=error.status_code)
    messages.success(request, f"Added “{item.title}” as number {item.position}. The times after it have moved.")
    return redirect(_running_order_url(event, item.pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    item = _item_or_404(event, item_id)
    choices = _item_choices(event)
    status = 200
    if request.method == "POST":
        form = ItemForm(request.POST, adding=False, **choices)
        if form.is_valid():
            try:
                item, changed, stale = form.save_unless_stale(
                    item,
                    lambda: _item_or_404(event, item_id),
                    lambda current: running_order_update(
                        item=current, actor=request.user, presenters=form.chosen_presenters(), **form.item_values()
                    ),
                )
            except ServiceError as error:
                put_service_error(form, error)
                status = error.status_code
            else:
                if not stale:
                    messages.success(request, f"Saved “{changed.title}”. The times after it have been worked out again.")
                    return redirect(_running_order_url(event, changed.pk))
                form = ItemForm.reopened_after_conflict(ItemForm.initial_from(item), adding=False, **choices)
                status = 409
        else:
            status = 400
    else:
        form = ItemForm.opened_on(ItemForm.initial_from(item), adding=False, **choices)
    return render(request, "night/item_edit.html", {"event": event, "item": item, "form": form}, status=status)


@login_required
@require_POST
def item_move(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    item = _item_or_404(event, item_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _running_order_page(request, event, error_form=_refusal(request, "Choose to move the item up or down."), status=400)
    up = form.cleaned_data["direction"] == "up"
    order = list(RunningOrderItem.objects.filter(event=event).order_by("position").values_list("pk", flat=True))
    index = order.index(item.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(order):
        messages.info(request, f"“{item.title}” is already {'first' if up else 'last'}.")
        return redirect(_running_order_url(event, item.pk))
    order[index], order[target] = order[target], order[index]
    try:
        running_order_reorder(event=event, actor=request.user, item_ids=order)
    except ServiceError as error:
        return _running_order_page(request, event, error_form=_refusal(request, error.message), status=error.status_code)
    messages.success(request, f"Moved “{item.title}” {'up' if up else 'down'} to number {target + 1}.")
    return redirect(_running_order_url(event, item.pk))


@login_required
@require_POST
def item_remove(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    item = _item_or_404(event, item_id)
    if request.POST.get("confirm") != "yes":
        return render(request, "forms/confirm.html", {
            "title": f"Remove “{item.title}” from the running order?",
            "consequences": [
                "It leaves the running order, the compere script, the screens and the workbook.",
                "The items after it move up; an award's winner recorded on it is forgotten.",
            ],
            "action": request.path, "hidden": [], "confirm_label": "Yes, remove it", "cancel_url": _running_order_url(event),
        })
    try:
        running_order_remove(item=item, actor=request.user)
    except ServiceError as error:
        return _running_order_page(request, event, error_form=_refusal(request, error.message), status=error.status_code)
    messages.success(request, f"Removed “{item.title}”. The times after it have moved up.")
    return redirect(_running_order_url(event))


@login_required
@require_POST
def item_winner(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    item = _item_or_404(event, item_id)
    if item.kind != ItemKind.AWARD:
        return _running_order_page(request, event, error_form=_refusal(request, "Only an award item has a winner."), status=400)
    finalists = {n.pk: n for n in finalist_nominations(event, [item.category_id]).select_related("nominee", "group")}
    form = WinnerForm(request.POST, finalists=[(pk, nomination_announce_name(n)) for pk, n in finalists.items()])
    if not form.is_valid():
        message = form.errors["winner"][0] if "winner" in form.errors else "Choose the winner."
        return _running_order_page(request, event, error_form=_refusal(request, message), status=400)
    nomination = finalists.get(form.cleaned_data["winner"]) if form.cleaned_data["winner"] is not None else None
    try:
        item, _, stale = form.save_unless_stale(
            item,
            lambda: _item_or_404(event, item_id),
            lambda current: winner_set(item=current, actor=request.user, nomination=nomination),
        )
    except ServiceError as error:
        return _running_order_page(request, event, error_form=_refusal(request, error.message), status=error.status_code)
    if stale:
        # The page shows the winner another organiser recorded; the summary links to this item's choice.
        current = WinnerForm.reopened_after_conflict(
            WinnerForm.initial_from(item), finalists=form.fields["winner"].choices[1:], auto_id=_winner_auto_id(item)
        )
        return _running_order_page(request, event, error_form=current, status=409)
    if nomination is None:
        messages.success(request, f"No winner is recorded for {item.title} now.")
    else:
        messages.success(
            request,
            f"Recorded {nomination_announce_name(nomination)} as the winner of {item.title}. "
            "Only organisers see it until you reveal it.",
        )
    return redirect(_running_order_url(event, item.pk))


@login_required
@require_POST
def item_reveal(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    item = _item_or_404(event, item_id)
    try:
        revealed = winner_reveal(item=item, actor=request.user)
    except ServiceError as error:
        return _running_order_page(request, event, error_form=_refusal(request, error.message), status=error.status_code)
    winner = revealed.winner
    messages.success(
        request, f"Revealed: {nomination_announce_name(winner)} won {item.title}. Event staff and the compere script show it now."
    )
    return redirect(_running_order_url(event, item.pk))


@login_required
@require_GET
def compere_script(request: HttpRequest, event_id: int) -> HttpResponse:
    """The words per award for the compere. A winner shows only once revealed, for everyone."""
    event = _door_event_or_404(request, event_id)
    lines = night_lines(event, sealed_winners=False)
    context = {"event": event, "lines": lines, "can_edit": is_organiser(request.user, event.programme_id)}
    return render(request, "night/compere_script.html", context)


# --- tables and seating -----------------------------------------------------------------------


@dataclass
class PlanGuest:
    guest: Guest
    name: str  # the event team's name (nominations.naming)
    party: str
    access: list[str]


@dataclass
class PlanTable:
    table: Table | None
    guests: list[PlanGuest] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return self.table.capacity - len(self.guests) if self.table else 0




def _table_plan(event: Event) -> tuple[list[PlanTable], PlanTable, list[Guest]]:
    tables = list(Table.objects.filter(event=event).order_by("number"))
    guests = list(
        guests_coming(event)
        .select_related("table", "invitation__nomination__nominee", "invitation__nomination__group", "invitation__celebration")
        .order_by("invitation_id", "position", "pk")
    )
    by_table = {table.pk: PlanTable(table) for table in tables}
    unseated = PlanTable(None)
    companions = finalists_companions(guests)
    for guest in guests:
        guest.shown = guest_name(guest, with_name=companions.get(guest.invitation_id, ""))
    invitees = {g.invitation_id: g.shown for g in guests if g.position == 0 and g.invitation_id}
    shown = {g.pk: g.shown for g in guests}
    for guest in guests:
        access = [*access_labels(guest.access_needs, guest_text(guest, guest.access_other)), *seating_wishes(guest, shown)]
        line = PlanGuest(guest, guest.shown, door_party(guest, invitees), access)
        by_table.get(guest.table_id, unseated).guests.append(line)
    return [by_table[table.pk] for table in tables], unseated, guests


def _tables_page(
    request: HttpRequest,
    event: Event,
    *,
    tables_form: TablesForm | None = None,
    move_form: GuestMoveForm | None = None,
    error_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plan, unseated, guests = _table_plan(event)
    if move_form is None:
        # "Move" beside a guest in the plan links here with ?move=<guest id> to choose them.
        initial = {"guest": request.GET.get("move")} if request.method == "GET" else None
        move_form = _move_form(plan, guests, initial=initial)
    context = {
        "event": event,
        "plan": plan,
        "unseated": unseated,
        "guests": len(guests),
        "seats": sum(p.table.capacity for p in plan),
        "tables_form": tables_form or TablesForm(prefix="tables"),
        "move_form": move_form,
        "error_form": error_form,
    }
    return render(request, "night/tables.html", context, status=status)


def _move_form(plan: list[PlanTable], guests: list[Guest], data=None, initial=None) -> GuestMoveForm:
    numbers = {p.table.pk: p.table.number for p in plan}
    guest_choices = [
        (g.pk, f"{g.shown} (table {numbers[g.table_id]})" if g.table_id in numbers else f"{g.shown} (not seated)")
        for g in sorted(guests, key=lambda g: (g.shown.casefold(), g.pk))
    ]
    table_choices = [
        (p.table.pk, f"Table {p.table.number}: {p.seats_left} of {p.table.capacity} seats free{', accessible' if p.table.accessible else ''}")
        for p in plan
    ]
    return GuestMoveForm(data, guests=guest_choices, tables=table_choices, initial=initial, prefix="move")


@login_required
@require_GET
def tables(request: HttpRequest, event_id: int) -> HttpResponse:
    return _tables_page(request, _organised_event_or_404(request, event_id))


@login_required
@require_POST
def tables_set_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    form = TablesForm(request.POST, prefix="tables")
    if not form.is_valid():
        return _tables_page(request, event, tables_form=form, status=400)
    wanted = form.tables()
    try:
        tables_set(event=event, actor=request.user, tables=wanted)
    except ServiceError as error:
        put_service_error(form, error)
        return _tables_page(request, event, tables_form=form, status=error.status_code)
    first, last = wanted[0][0], wanted[-1][0]
    which = f"Table {first}" if first == last else f"Tables {first} to {last}"
    seats = _plural(wanted[0][1], "seat")
    messages.success(request, f"{which}: {seats}{', accessible' if wanted[0][2] else ''}. Saved.")
    return redirect("event-admin:tables", event_id=event.pk)


@login_required
@require_POST
def seating_assign_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    try:
        result = seating_assign(event=event, actor=request.user)
    except ServiceError as error:
        return _tables_page(request, event, error_form=_refusal(request, error.message), status=error.status_code)
    messages.success(
        request,
        f"Seated {_plural(result.seated, 'guest')} at {_plural(result.tables_used, 'table')}, "
        "each party together, finalists nearest the stage. Move anyone by hand below.",
    )
    return redirect("event-admin:tables", event_id=event.pk)


@login_required
@require_POST
def guest_move_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    plan, _, guests = _table_plan(event)
    form = _move_form(plan, guests, data=request.POST)
    if not form.is_valid():
        return _tables_page(request, event, move_form=form, status=400)
    guest = next(g for g in guests if g.pk == form.cleaned_data["guest"])
    table_id = form.cleaned_data["table"]
    table = next((p.table for p in plan if p.table.pk == table_id), None) if table_id is not None else None
    try:
        guest_move(guest=guest, actor=request.user, table=table)
    except ServiceError as error:
        put_service_error(form, error)
        return _tables_page(request, event, move_form=form, status=error.status_code)
    where = f"table {table.number}" if table else "no table"
    messages.success(request, f"Moved {guest.shown} to {where}.")
    return redirect("event-admin:tables", event_id=event.pk)


# --- the door ---------------------------------------------------------------------------------


def _door_page(
    request: HttpRequest,
    event: Event,
    *,
    walk_in_form: WalkInForm | None = None,
    error_form: ActionForm | None = None,
    q: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if q is None:
        search = DoorSearchForm(request.GET)
        q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    totals = door_totals(event)
    guests, found = door_guests_found(event, q, DOOR_ROWS, everyone=totals["expected"])
    table = None
    if q.isdigit():
        table = next((row for row in totals["tables"] if row["table"] == int(q)), None)
    context = {
        "event": event,
        "q": q,
        "door_code": door_code_read(q) or "",
        "guests": guests,
        "found": found,
        "more": found - len(guests),
        "rows": DOOR_ROWS,
        "table": table,
        "totals": totals,
        "waiting": totals["expected"] - totals["arrived"],
        "walk_in_form": walk_in_form or WalkInForm(prefix="walk-in"),
        "error_form": error_form,
        "can_edit": is_organiser(request.user, event.programme_id),
        # Each guest has two or three forms: their addresses and the CSRF field are made once, not
        # per row (a reverse() and a fresh token mask for every form made a list of 5,000 guests
        # take seconds to render).
        "door_url": _door_url(event),
        "csrf_field": format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)),
    }
    response = render(request, "night/door.html", context, status=status)
    # Names and access needs: not for shared caches; the door's own offline copy is made by its script.
    response["Cache-Control"] = "private, no-cache"
    return response


# The most guests the door page lists at once: a screenful or two. Without its script the volunteer
# searches for anyone else; with it, the phone holds everyone (door_list) and searches as they type.
DOOR_ROWS = 12


def _door_url(event: Event, q: str = "", guest_id: int | None = None) -> str:
    url = reverse("event-admin:door", kwargs={"event_id": event.pk})
    if q:
        url += "?" + urlencode({"q": q})
    return f"{url}#guest-{guest_id}" if guest_id else url


def _posted_search(request: HttpRequest) -> str:
    form = DoorSearchForm(request.POST)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


# What the door reads of a guest to name them as the event team does (events.selectors.guest_name).
NAMED = ("event", "table", "invitation__nomination__nominee", "invitation__nomination__group")


def _door_guest_or_404(event: Event, guest_id: int) -> Guest:
    return get_object_or_404(Guest.objects.filter(event=event).select_related(*NAMED), pk=guest_id)


@login_required
@require_GET
def door_events(request: HttpRequest) -> HttpResponse:
    """Where event staff start: the events whose door they work."""
    events = list(events_at_the_door(request.user).order_by("-starts_at"))
    if not events and not (programme_ids_with_role(request.user, Role.EVENT_STAFF) or is_any_organiser(request.user)):
        raise Http404
    return render(request, "night/door_events.html", {"events": events})


@login_required
@require_GET
def door(request: HttpRequest, event_id: int) -> HttpResponse:
    return _door_page(request, _door_event_or_404(request, event_id))


def _door_button(request: HttpRequest, event_id: int, guest_id: int, act, done, *, stay: bool = True) -> HttpResponse:
    """One of a guest's buttons at the door: `act(guest=, actor=)`, then back to the list (at the
    guest when `stay`) saying `done(guest, result)`; a refusal (409 when another volunteer or a
    second press got there first) shows on the door page."""
    event = _door_event_or_404(request, event_id)
    guest = _door_guest_or_404(event, guest_id)
    q = _posted_search(request)
    try:
        result = act(guest=guest, actor=request.user)
    except ServiceError as error:
        return _door_page(request, event, error_form=_refusal(request, error.message), q=q, status=error.status_code)
    messages.success(request, done(guest, result))
    return redirect(_door_url(event, q, guest.pk if stay else None))


@login_required
@require_POST
def door_arrive(request: HttpRequest, event_id: int, guest_id: int) -> HttpResponse:
    return _door_button(
        request, event_id, guest_id, guest_check_in, lambda guest, arrived: f"{guest_name(guest)} arrived at {_time(arrived.checked_in_at)}."
    )


@login_required
@require_POST
def door_undo(request: HttpRequest, event_id: int, guest_id: int) -> HttpResponse:
    return _door_button(request, event_id, guest_id, guest_check_in_undo, lambda guest, _: f"{guest_name(guest)} is no longer marked as arrived.")


@login_required
@require_POST
def door_remove(request: HttpRequest, event_id: int, guest_id: int) -> HttpResponse:
    """Take back a walk-in added by mistake; their seat is free again (after a confirmation)."""
    if request.POST.get("confirm") != "yes":
        event = _door_event_or_404(request, event_id)
        guest = _door_guest_or_404(event, guest_id)
        q = _posted_search(request)
        return render(request, "forms/confirm.html", {
            "title": f"Remove the walk-in {guest_name(guest)}?",
            "consequences": ["They leave the guest list and the totals, and their seat is free again."],
            "action": request.path, "hidden": [("q", q)], "confirm_label": "Yes, remove them",
            "cancel_url": _door_url(event, q, guest.pk),
        })
    return _door_button(
        request, event_id, guest_id, walk_in_remove,
        lambda guest, _: f"Removed the walk-in {guest.name}; their seat is free again.", stay=False,
    )


@login_required
@require_POST
def door_walk_in(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _door_event_or_404(request, event_id)
    form = WalkInForm(request.POST, prefix="walk-in")
    if not form.is_valid():
        return _door_page(request, event, walk_in_form=form, q="", status=400)
    number = form.cleaned_data["table"]
    table = None
    if number is not None:
        table = Table.objects.filter(event=event, number=number).first()
        if table is None:
            form.add_error("table", f"There is no table {number} at this event.")
            return _door_page(request, event, walk_in_form=form, q="", status=400)
    try:
        guest = walk_in_add(event=event, actor=request.user, name=form.cleaned_data["name"], table=table)
    except ServiceError as error:
        put_service_error(form, error)
        return _door_page(request, event, walk_in_form=form, q="", status=error.status_code)
    where = f" at table {table.number}" if table else ""
    messages.success(request, f"Added {guest.name} as a walk-in{where}, arrived at {_time(guest.checked_in_at)}.")
    return redirect(_door_url(event, "", guest.pk))


# --- the door's JSON, for its offline script --------------------------------------------------


def _json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _door_event_for_json(request: HttpRequest, event_id: int) -> Event | JsonResponse:
    # Not login_required: a script is told 401 in JSON rather than sent to the sign-in page.
    if not request.user.is_authenticated:
        return _json_error(401, "You are signed out. Sign in again; the arrivals on this phone are kept until then.")
    event = events_at_the_door(request.user).filter(pk=event_id).first()
    return event if event is not None else _json_error(404, "Not found.")


def _totals_json(event: Event, request: HttpRequest | None = None) -> dict:
    # `?arrived=bits`: door.js since the list moved to the phone; the ids of everyone arrived grew
    # to tens of KB per poll at thousands of guests. Without it, the old answer (a page opened
    # from an older offline copy still asks for it).
    if request is not None and request.GET.get("arrived") == "bits":
        return door_arrivals_state(event)
    totals = door_totals(event)
    totals["arrived_guests"] = list(guests_coming(event).filter(checked_in_at__isnull=False).order_by("pk").values_list("pk", flat=True))
    return totals


def _parse_arrivals(body: bytes) -> list[tuple[int, str | None]] | str:
    """The arrivals in a request, or what is wrong with its shape."""
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return "The body must be JSON: {\"arrivals\": [{\"guest\": id, \"at\": time}]}."
    except RecursionError:
        return "The body is JSON nested too deeply: send {\"arrivals\": [{\"guest\": id, \"at\": time}]}."
    arrivals = payload.get("arrivals") if isinstance(payload, dict) else None
    if not isinstance(arrivals, list):
        return "Send {\"arrivals\": [{\"guest\": id, \"at\": time}]}."
    if len(arrivals) > MAX_ARRIVALS_PER_REQUEST:
        return f"Send up to {MAX_ARRIVALS_PER_REQUEST} arrivals at once."
    parsed = []
    for arrival in arrivals:
        guest = arrival.get("guest") if isinstance(arrival, dict) else None
        if not isinstance(guest, int) or isinstance(guest, bool):
            return "Each arrival needs the guest's id as a number."
        at = arrival.get("at")
        if at is not None and not isinstance(at, str):
            return "Each arrival's time is text, as ISO 8601."
        parsed.append((guest, at))
    return parsed


def _arrival_time(text: str | None) -> datetime | None | str:
    if text is None:
        return None
    try:
        at = parse_datetime(text)
    except ValueError:
        at = None
    if at is None:
        return f"'{text[:40]}' is not a time."
    return at if timezone.is_aware(at) else at.replace(tzinfo=UTC)


@require_GET
def door_totals_json(request: HttpRequest, event_id: int) -> JsonResponse:
    """Expected, arrived and per table, and which guests have arrived (to update the list)."""
    event = _door_event_for_json(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    return JsonResponse(_totals_json(event, request))


@require_GET
@gzip_page
def door_list_json(request: HttpRequest, event_id: int) -> JsonResponse:
    """Everyone coming, for the door's script to keep on the phone and search as the volunteer
    types (night.selectors.door_list: the event team's names, nothing more). Compressed: it holds
    no text from the request, so compression reveals nothing of the page to an eavesdropper."""
    event = _door_event_for_json(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    listed = door_list(event)
    ids = list(accumulate(listed["id"]))
    response = JsonResponse(
        {"version": door_list_version(zip(ids, listed["table"])), **listed}, json_dumps_params={"separators": (",", ":")}
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
def door_arrivals(request: HttpRequest, event_id: int) -> JsonResponse:
    """Arrivals marked on a phone, perhaps while offline: each guest's outcome. `status` per guest
    is 201 (arrived now), 409 (already arrived: counted once, nothing changed), 404 (no such
    guest at this event) or 400 (refused, with the reason). Session login and the CSRF token."""
    event = _door_event_for_json(request, event_id)
    if isinstance(event, JsonResponse):
        return event
    arrivals = _parse_arrivals(request.body)
    if isinstance(arrivals, str):
        return _json_error(400, arrivals)
    guests = {
        guest.pk: guest
        for guest in Guest.objects.filter(event=event, pk__in={pk for pk, _ in arrivals}).select_related(*NAMED)
    }
    results = []
    for pk, text in arrivals:
        guest = guests.get(pk)
        if guest is None:
            results.append({"guest": pk, "status": 404, "outcome": "unknown", "detail": "There is no such guest at this event."})
            continue
        at = _arrival_time(text)
        if isinstance(at, str):
            results.append({"guest": pk, "status": 400, "outcome": "refused", "detail": at})
            continue
        try:
            arrived = guest_check_in(guest=guest, actor=request.user, at=at)
        except AlreadyArrived as error:
            results.append({"guest": pk, "status": 409, "outcome": "already_arrived", "detail": error.message})
        except ServiceError as error:
            results.append({"guest": pk, "status": error.status_code, "outcome": "refused", "detail": error.message})
        else:
            results.append({
                "guest": pk, "status": 201, "outcome": "arrived", "detail": f"{guest_name(guest)} arrived.",
                "arrived_at": arrived.checked_in_at.isoformat(), "time": _time(arrived.checked_in_at),
            })
    return JsonResponse({"results": results, "totals": _totals_json(event, request)})


@require_GET
def door_service_worker(request: HttpRequest) -> HttpResponse:
    """The door's service worker, served under /event/ so that it may look after the door pages.
    It holds no personal data, so it is served to anyone."""
    path = finders.find("js/door-sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("event-admin:events")
    return response


# --- downloads --------------------------------------------------------------------------------


@login_required
@require_GET
def workbook(request: HttpRequest, event_id: int) -> FileResponse:
    return xlsx_response(EventNightWorkbook(_organised_event_or_404(request, event_id)))


@login_required
@require_GET
def certificates(request: HttpRequest, event_id: int) -> FileResponse:
    return xlsx_response(CertificatesExporter(_organised_event_or_404(request, event_id).programme))


@login_required
@require_POST
def door_party_arrive(request: HttpRequest, event_id: int) -> HttpResponse:
    """Check in a whole party found by its door code (the QR code, scanned or typed)."""
    event = _door_event_or_404(request, event_id)
    code = door_code_read(request.POST.get("code", ""))
    if code is None:
        return _door_page(request, event, error_form=_refusal(request, "That is not a door code: check it, or find them by name."), status=400)
    try:
        party, marked = party_check_in(event=event, code=code, actor=request.user)
    except ServiceError as error:
        return _door_page(request, event, error_form=_refusal(request, error.message), q=DOOR_CODE_PREFIX + code, status=error.status_code)
    messages.success(request, f"{_plural(marked, 'guest')} of the party checked in; {len(party) - marked} had arrived already.")
    return redirect(_door_url(event, DOOR_CODE_PREFIX + code))
