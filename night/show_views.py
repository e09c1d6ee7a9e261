"""Show mode's pages: the controller, the audience screen, the compere's and the stage view, the
keys and operators, and opening a view with a key.

Who may open what:
- the controller and its presses: the programme's organisers and the show operators they named;
- the audience screen: those, or a device holding a screen key;
- the compere's and the stage view: those, the programme's event staff, or a device holding a key
  for that view;
- keys and operators: organisers only;
- anyone else: 404; people signed out are sent to sign in (a view's state answers 401, which its
  script shows as "switched off").

Every view polls its state (`…/state/`) with the ETag of what it shows (If-None-Match): an unchanged
show is a 304 of a few hundred bytes, a change is the view's new HTML, rendered by the same template
as the page. Nothing holds a worker between polls, so any number of gunicorn sync workers and
processes serve it, with nothing else to run. What each view may show is decided by its card
(night.show_selectors); the templates render the card and nothing else."""

from __future__ import annotations

import os
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.rules import is_event_staff, is_organiser
from events.enums import ShowView
from events.models import Event, ShowKey, ShowOperator
from events.selectors import events_organised_by
from mail.errors import ServiceError
from nominations.forms import put_service_error

from .show import (
    can_drive_show,
    key_expires_at,
    rehearsal_end,
    rehearsal_start,
    show_back,
    show_key_create,
    show_key_for,
    show_key_revoke,
    show_next,
    show_operator_add,
    show_operator_remove,
    show_reveal,
)
from .show_forms import OpenKeyForm, OperatorForm, PressForm, RehearsalForm, ShowKeyForm
from .show_selectors import (
    card_etag,
    compere_card,
    controller_card,
    screen_card,
    show_now,
    stage_card,
)

# How often the views ask for the show's state, in milliseconds: a press reaches every view within
# this plus one request on a local network (the brief: within a second).
POLL_MS = 300
PRESSES = {"next": show_next, "back": show_back, "reveal": show_reveal}
VIEWS = {
    ShowView.SCREEN: ("night/show/_screen.html", screen_card, "event-admin:show-screen"),
    ShowView.COMPERE: ("night/show/_compere.html", compere_card, "event-admin:show-compere"),
    ShowView.STAGE: ("night/show/_stage.html", stage_card, "event-admin:show-stage"),
}


def key_cookie(view: str) -> str:
    return f"proud_show_{view}"


@cache
def council_logo() -> str:
    """The URL of the council's logo, when the deployment has put one at static/img/council-logo.svg
    (a URL made here, not `{% static %}` of a variable, which the static-reference test refuses)."""
    return static("img/council-logo.svg") if finders.find("img/council-logo.svg") else ""


def _private(response: HttpResponse) -> HttpResponse:
    # Names of young people: kept by no cache on the device or between (the page keeps its last
    # state in memory when the network drops).
    response["Cache-Control"] = "no-store"
    return response


# --- scope --------------------------------------------------------------------------------------


def _driven_event_or_404(request: HttpRequest, event_id: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("programme"), pk=event_id)
    if not can_drive_show(request.user, event):
        raise Http404
    return event


def _viewer(request: HttpRequest, event_id: int, view: str) -> Event | None:
    """The event whose `view` the request may see (a key for it, or a signed-in person allowed
    it), None when signed out without a key; 404 for anyone else."""
    event = Event.objects.select_related("programme").filter(pk=event_id).first()
    if event is not None and show_key_for(request.COOKIES.get(key_cookie(view), ""), event=event, view=view):
        return event
    if not request.user.is_authenticated:
        return None
    if event is None:
        raise Http404
    allowed = can_drive_show(request.user, event) or (
        view != ShowView.SCREEN and is_event_staff(request.user, event.programme_id)
    )
    if not allowed:
        raise Http404
    return event


# --- the views: screen, compere, stage ----------------------------------------------------------


def _view_page(request: HttpRequest, event_id: int, view: str) -> HttpResponse:
    event = _viewer(request, event_id, view)
    if event is None:
        return redirect_to_login(request.get_full_path())
    template, make_card, url_name = VIEWS[view]
    card = make_card(show_now(event))
    context = {
        "event": event,
        "card": card,
        "view": view,
        "fragment": template,
        "etag": card_etag(view, card),
        "state_url": reverse(url_name + "-state", kwargs={"event_id": event.pk}),
        "poll_ms": POLL_MS,
        "council_logo": council_logo(),
        "signed_in": request.user.is_authenticated,
    }
    return _private(render(request, f"night/show/{view}.html", context))


def _view_state(request: HttpRequest, event_id: int, view: str) -> HttpResponse:
    """What the view shows now, or 304 when it is what the view has (If-None-Match)."""
    event = _viewer(request, event_id, view)
    if event is None:
        return _private(HttpResponse("Switched off: the key was revoked, or you are signed out.", status=401, content_type="text/plain; charset=utf-8"))
    template, make_card, _ = VIEWS[view]
    return _conditional(request, view, template, make_card(show_now(event)))


def _conditional(request: HttpRequest, kind: str, template: str, card, context: dict | None = None) -> HttpResponse:
    etag = card_etag(kind, card)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(render_to_string(template, {"card": card, **(context or {})}, request=request))
    response["ETag"] = etag
    return _private(response)


@require_GET
def screen(request: HttpRequest, event_id: int) -> HttpResponse:
    return _view_page(request, event_id, ShowView.SCREEN)


@require_GET
def screen_state(request: HttpRequest, event_id: int) -> HttpResponse:
    return _view_state(request, event_id, ShowView.SCREEN)


@require_GET
def compere(request: HttpRequest, event_id: int) -> HttpResponse:
    return _view_page(request, event_id, ShowView.COMPERE)


@require_GET
def compere_state(request: HttpRequest, event_id: int) -> HttpResponse:
    return _view_state(request, event_id, ShowView.COMPERE)


@require_GET
def stage(request: HttpRequest, event_id: int) -> HttpResponse:
    return _view_page(request, event_id, ShowView.STAGE)


@require_GET
def stage_state(request: HttpRequest, event_id: int) -> HttpResponse:
    return _view_state(request, event_id, ShowView.STAGE)


# --- the controller -----------------------------------------------------------------------------


def _controller_context(request: HttpRequest, event: Event) -> dict:
    return {"event": event, "can_manage": is_organiser(request.user, event.programme_id)}


def _controller_page(request: HttpRequest, event: Event, *, error_form=None, status: int = 200) -> HttpResponse:
    card = controller_card(show_now(event))
    context = {
        **_controller_context(request, event),
        "card": card,
        "etag": card_etag("controller", card),
        "state_url": reverse("event-admin:show-controller-state", kwargs={"event_id": event.pk}),
        "poll_ms": POLL_MS,
        "error_form": error_form,
        "rehearsal_form": RehearsalForm(),
    }
    return _private(render(request, "night/show/controller.html", context, status=status))


@login_required
@require_GET
def controller(request: HttpRequest, event_id: int) -> HttpResponse:
    return _controller_page(request, _driven_event_or_404(request, event_id))


@require_GET
def controller_state(request: HttpRequest, event_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _private(HttpResponse("You are signed out. Sign in again to run the show.", status=401, content_type="text/plain; charset=utf-8"))
    event = _driven_event_or_404(request, event_id)
    return _conditional(request, "controller", "night/show/_controller.html", controller_card(show_now(event)), _controller_context(request, event))


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "show.js"


@login_required
@require_POST
def press(request: HttpRequest, event_id: int) -> HttpResponse:
    """One press of "Go to next", "Back" or "Reveal the winner". Without JavaScript: back to the
    controller (or it again with the refusal). From the controller's script: JSON with the
    controller's new HTML, its ETag, and the refusal if any."""
    event = _driven_event_or_404(request, event_id)
    form = PressForm(request.POST)
    error = None
    status = 200
    if not form.is_valid():
        error, status = "Press one of the controller's buttons.", 400
    else:
        data = form.cleaned_data
        try:
            PRESSES[data["action"]](event=event, actor=request.user, cue=data["cue"], rehearsal=data["rehearsal"])
        except ServiceError as refusal:
            error, status = refusal.message, refusal.status_code
    if _wants_json(request):
        card = controller_card(show_now(event))
        html = render_to_string("night/show/_controller.html", {"card": card, **_controller_context(request, event)}, request=request)
        body = {"ok": error is None, "message": error or "", "cue": card.cue, "html": html, "etag": card_etag("controller", card)}
        return _private(JsonResponse(body, status=status))
    if error is not None:
        form.errors.clear()
        form.add_error(None, error)
        return _controller_page(request, event, error_form=form, status=status)
    return redirect("event-admin:show-controller", event_id=event.pk)


@login_required
@require_POST
def rehearsal(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _driven_event_or_404(request, event_id)
    form = RehearsalForm(request.POST)
    if not form.is_valid():
        return _controller_page(request, event, error_form=form, status=400)
    try:
        if form.cleaned_data["action"] == "start":
            rehearsal_start(event=event, actor=request.user)
            messages.success(request, "Rehearsal on air: every view shows it, with placeholders for the winners. The live show is untouched.")
        else:
            rehearsal_end(event=event, actor=request.user)
            messages.success(request, "Rehearsal ended: every view follows the live show again, where it was.")
    except ServiceError as refusal:
        put_service_error(form, refusal)
        return _controller_page(request, event, error_form=form, status=refusal.status_code)
    return redirect("event-admin:show-controller", event_id=event.pk)


# --- keys and operators (organisers) ------------------------------------------------------------


def _access_page(request: HttpRequest, event: Event, *, key_form=None, operator_form=None, status: int = 200) -> HttpResponse:
    keys = list(ShowKey.objects.filter(event=event).select_related("created_by", "revoked_by").order_by("revoked_at", "-created_at"))
    operators = list(ShowOperator.objects.filter(event=event).select_related("user"))
    context = {
        "event": event,
        "can_edit": True,
        "keys": keys,
        "operators": operators,
        "key_form": key_form or ShowKeyForm(prefix="key"),
        "operator_form": operator_form or OperatorForm(prefix="operator"),
    }
    return _private(render(request, "night/show/access.html", context, status=status))


def _organised_event_or_404(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(events_organised_by(request.user), pk=event_id)


@login_required
@require_GET
def access(request: HttpRequest, event_id: int) -> HttpResponse:
    return _access_page(request, _organised_event_or_404(request, event_id))


def _set_key_cookie(response: HttpResponse, request: HttpRequest, event: Event, view: str, token: str) -> None:
    """The key as the device's cookie for this event's views only, HttpOnly, until the key expires."""
    urls = [reverse(url_name, kwargs={"event_id": event.pk}) for _, _, url_name in VIEWS.values()]
    path = os.path.commonprefix(urls)
    seconds = max(int((key_expires_at(event) - timezone.now()).total_seconds()), 60)
    response.set_cookie(
        key_cookie(view), token, max_age=seconds, path=path[: path.rindex("/") + 1],
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(), httponly=True, samesite="Lax",
    )


@login_required
@require_POST
def key_create(request: HttpRequest, event_id: int) -> HttpResponse:
    """A key for one view: set on this device (then that view opens), or shown once as a link for
    another device (the key in the link's fragment, which browsers never send to a server)."""
    event = _organised_event_or_404(request, event_id)
    form = ShowKeyForm(request.POST, prefix="key")
    if not form.is_valid():
        return _access_page(request, event, key_form=form, status=400)
    view = form.cleaned_data["view"]
    try:
        key, token = show_key_create(event=event, actor=request.user, view=view, label=form.cleaned_data["label"])
    except ServiceError as refusal:
        put_service_error(form, refusal)
        return _access_page(request, event, key_form=form, status=refusal.status_code)
    if form.cleaned_data["where"] == "here":
        response = redirect(VIEWS[view][2], event_id=event.pk)
        _set_key_cookie(response, request, event, view, token)
        return response
    link = request.build_absolute_uri(reverse("event-admin:show-open", kwargs={"event_id": event.pk})) + f"#key={token}"
    response = render(request, "night/show/key_made.html", {"event": event, "key": key, "link": link, "can_edit": True}, status=201)
    response["Referrer-Policy"] = "no-referrer"
    return _private(response)


@login_required
@require_POST
def key_revoke(request: HttpRequest, event_id: int, key_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    key = get_object_or_404(ShowKey.objects.filter(event=event), pk=key_id)
    show_key_revoke(key=key, actor=request.user)
    messages.success(request, f"Switched off the key for “{key.label}” ({key.get_view_display().lower()}): it opens nothing from now on.")
    return redirect("event-admin:show-access", event_id=event.pk)


@login_required
@require_POST
def operator_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    form = OperatorForm(request.POST, prefix="operator")
    if not form.is_valid():
        return _access_page(request, event, operator_form=form, status=400)
    try:
        operator = show_operator_add(event=event, actor=request.user, username=form.cleaned_data["username"])
    except ServiceError as refusal:
        put_service_error(form, refusal)
        return _access_page(request, event, operator_form=form, status=refusal.status_code)
    messages.success(request, f"{operator.user.get_username()} can run the show now.")
    return redirect("event-admin:show-access", event_id=event.pk)


@login_required
@require_POST
def operator_remove(request: HttpRequest, event_id: int, operator_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    operator = get_object_or_404(ShowOperator.objects.filter(event=event).select_related("user"), pk=operator_id)
    show_operator_remove(operator=operator, actor=request.user)
    messages.success(request, f"{operator.user.get_username()} can no longer run the show.")
    return redirect("event-admin:show-access", event_id=event.pk)


# --- opening a view with a key ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def open_with_key(request: HttpRequest, event_id: int) -> HttpResponse:
    """Where an organiser's link lands: its script posts the key from the link's fragment (or a
    person types it), the device keeps it as a cookie for this event's views, and the view opens.
    One neutral refusal for every key that opens nothing."""
    event = get_object_or_404(Event, pk=event_id)
    status = 200
    if request.method == "POST":
        form = OpenKeyForm(request.POST)
        if form.is_valid():
            key = show_key_for(form.cleaned_data["key"].strip(), event=event)
            if key is not None:
                response = redirect(VIEWS[key.view][2], event_id=event.pk)
                _set_key_cookie(response, request, event, key.view, form.cleaned_data["key"].strip())
                return response
            form.add_error("key", "This key opens nothing: it was switched off, mistyped, or the night is over. Ask an organiser for a new link.")
        status = 400
    else:
        form = OpenKeyForm()
    # The site's Referrer-Policy (same-origin) stays: with "no-referrer" Chromium posts the form
    # with "Origin: null", which CSRF rightly refuses. The key is in the fragment, never in a Referer.
    return _private(render(request, "night/show/open.html", {"event": event, "form": form}, status=status))
