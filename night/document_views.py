"""The night's documents, as PDF: certificates (organisers: preview one, download one or all, send
them home), and the private link a responsible adult opens to download a young person's own.

Every PDF goes out through nominations.downloads (private, no-store)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from events.models import Event
from events.selectors import events_organised_by, own_say_for_organiser, responsible_adult
from mail.enums import EmailKind
from mail.errors import ServiceError
from mail.models import EmailDelivery
from nominations.downloads import pdf_response
from nominations.forms import put_service_error
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name
from nominations.private_links import private_page

from .certificates import (
    WORDING,
    certificate_for,
    certificate_kind,
    certificate_nominations,
    certificates_title,
    certificates_write,
    no_contact_nominations,
)
from .forms import LetterForm
from .letters import BY_ROLE, letter_approve, letter_nominations, letter_ready, letter_suggestion, letters_send, letters_write
from .models import Letter, PrintKind, PrintRun
from .print_pack import pack_cards, pack_state, pack_write, photographer_sheet_write, print_run_record, reprints_due
from .recognition import certificate_held_back, certificates_send, nomination_for_recognition_link
from .selectors import NightData


def _organised_event_or_404(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(events_organised_by(request.user).select_related("programme"), pk=event_id)


def _certificate_nomination_or_404(event: Event, nomination_id: int) -> Nomination:
    return get_object_or_404(certificate_nominations(event), pk=nomination_id)


@login_required
@require_GET
def documents(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    sent = set(
        EmailDelivery.objects.filter(kind=EmailKind.CERTIFICATE, programme_id=event.programme_id).values_list("object_id", flat=True)
    )
    letters_sent = set(
        EmailDelivery.objects.filter(kind=EmailKind.LETTER, programme_id=event.programme_id).values_list("object_id", flat=True)
    )
    rows = []
    for nomination in letter_nominations(event).select_related("nominee__allocated_worker"):
        kind = certificate_kind(nomination)
        rows.append({
            "nomination": nomination,
            "name": nomination_name(Audience.YOUNG_PERSON, nomination),
            "kind": WORDING[kind][0],
            "to": responsible_adult(nomination)[0],
            "sent": nomination.pk in sent,
            "held_back": certificate_held_back(nomination, event),
            "letter_ready": letter_ready(nomination),
            "letter_sent": nomination.pk in letters_sent,
        })
    return render(request, "night/documents.html", {
        "event": event, "can_edit": True, "rows": rows, "no_contact": list(no_contact_nominations(event)),
        **_pack_counts(event),
        "letters_ready": sum(row["letter_ready"] for row in rows),
    })


def _write(event: Event, nominations, title: str):
    return lambda out: certificates_write(out, event=event, nominations=nominations, title=title)


@login_required
@require_GET
def certificates_pdf(request: HttpRequest, event_id: int) -> FileResponse:
    event = _organised_event_or_404(request, event_id)
    nominations = certificate_nominations(event)
    if not nominations.exists():
        raise Http404("No certificates yet: no nomination has been found eligible.")
    title = certificates_title(event)
    return pdf_response(_write(event, nominations.iterator(chunk_size=200), title), filename="certificates")


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, event_id: int, nomination_id: int) -> FileResponse:
    event = _organised_event_or_404(request, event_id)
    nomination = _certificate_nomination_or_404(event, nomination_id)
    title = f"Certificate, {nomination.category.name}, {nomination.programme.name}"
    return pdf_response(_write(event, [nomination], title), filename=f"certificate-{nomination.reference}")


@login_required
@require_GET
def certificate_preview(request: HttpRequest, event_id: int, nomination_id: int) -> FileResponse:
    """One certificate shown in the browser rather than saved."""
    event = _organised_event_or_404(request, event_id)
    nomination = _certificate_nomination_or_404(event, nomination_id)
    title = f"Certificate, {nomination.category.name}, {nomination.programme.name}"
    return pdf_response(_write(event, [nomination], title), filename=f"certificate-{nomination.reference}", inline=True)


@login_required
@require_POST
def certificates_send_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    try:
        result = certificates_send(event=event, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("event-admin:documents", event_id=event.pk)
    said = [f"{result.queued} certificate{'s' if result.queued != 1 else ''} put in the outbox to the responsible adults."]
    if result.already:
        said.append(f"{result.already} had been sent before.")
    if result.held_back:
        said.append(f"{len(result.held_back)} winners' and highly commended certificates wait for the night, so no result is out before it is announced.")
    if result.no_address:
        said.append(f"{len(result.no_address)} have no e-mail address for a responsible adult.")
    messages.success(request, " ".join(said))
    return redirect("event-admin:documents", event_id=event.pk)


# --- the private link --------------------------------------------------------------------------


def _recognition_or_404(request: HttpRequest, token: str) -> tuple[Nomination, Event]:
    if getattr(request, "limited", False):
        raise Http404
    nomination = nomination_for_recognition_link(token)
    if nomination is None:
        raise Http404
    return nomination, Event.objects.get(programme_id=nomination.programme_id)


def _link_rate(group: str, request: HttpRequest) -> str:
    return settings.PROUD_RSVP_LINK_RATE


@private_page
@require_GET
@ratelimit(key="ip", rate=_link_rate, block=False)
def recognition_link(request: HttpRequest, token: str) -> HttpResponse:
    """The responsible adult's page of a young person's certificate and letter (rate-limited per
    address as the RSVP links are; one neutral page for any link that does not work)."""
    if getattr(request, "limited", False):
        return render(request, "429.html", status=429)
    nomination = nomination_for_recognition_link(token)
    if nomination is None:
        return render(request, "night/recognition_not_valid.html", status=404)
    event = Event.objects.get(programme_id=nomination.programme_id)
    response = render(request, "night/recognition.html", {
        "token": token,
        "name": nomination_name(Audience.KNOWN, nomination),
        "category": nomination.category.name,
        "programme": nomination.programme.name,
        "held_back": certificate_held_back(nomination, event),
        "letter": letter_ready(nomination),
        "event": event,
    })
    return response


@require_GET
@ratelimit(key="ip", rate=_link_rate, block=False)
def recognition_certificate(request: HttpRequest, token: str) -> FileResponse:
    nomination, event = _recognition_or_404(request, token)
    if certificate_held_back(nomination, event):
        raise Http404
    certificate = certificate_for(nomination, event)
    title = f"{certificate.heading}, {nomination.programme.name}"
    return pdf_response(_write(event, [nomination], title), filename="certificate")


# --- the print pack ----------------------------------------------------------------------------


def _pack_counts(event: Event) -> dict:
    """Each part of the pack with how many cards it has and changed since its last print, and the
    cards printed before what they show changed (to reprint)."""
    state = pack_state(event)
    rows = []
    for kind, url in ((PrintKind.BADGES, "event-admin:print-badges"), (PrintKind.PLACE_CARDS, "event-admin:print-place-cards"), (PrintKind.TABLE_CARDS, "event-admin:print-table-cards")):
        last = PrintRun.objects.filter(event=event, kind=kind).first()
        rows.append({
            "kind": kind, "label": PrintKind(kind).label, "url": url,
            "all": state.cards[kind], "changed": state.changed[kind] if last else None, "last": last,
        })
    return {"pack": rows, "reprints": state.reprints}


def _print(request: HttpRequest, event_id: int, kind: str) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    only_changes = request.POST.get("only_changes") == "1"
    pack = pack_cards(event=event, kind=kind, only_changes=only_changes)
    if not pack.cards:
        messages.info(request, f"{PrintKind(kind).label}: nothing {'has changed since the last print' if only_changes else 'to print yet'}.")
        return redirect("event-admin:documents", event_id=event.pk)
    print_run_record(event=event, pack=pack, actor=request.user)
    stem = kind.replace("_", "-") + ("-changes" if only_changes else "")
    return pdf_response(lambda out: pack_write(out, pack, event), filename=stem)


@login_required
@require_POST
def print_badges(request: HttpRequest, event_id: int) -> HttpResponse:
    return _print(request, event_id, PrintKind.BADGES)


@login_required
@require_POST
def print_place_cards(request: HttpRequest, event_id: int) -> HttpResponse:
    return _print(request, event_id, PrintKind.PLACE_CARDS)


@login_required
@require_POST
def print_table_cards(request: HttpRequest, event_id: int) -> HttpResponse:
    return _print(request, event_id, PrintKind.TABLE_CARDS)


@login_required
@require_GET
def photographer_sheet(request: HttpRequest, event_id: int) -> FileResponse:
    event = _organised_event_or_404(request, event_id)
    return pdf_response(lambda out: photographer_sheet_write(out, event), filename="photographer-sheet")


# --- the young people's own say -----------------------------------------------------------------


@login_required
@require_GET
def own_say(request: HttpRequest, event_id: int) -> HttpResponse:
    """Each finalist's own choices ("How you'd like to be celebrated", events.selectors) and who
    has not answered, with a reminder through their carer; and whose badge or place card was
    printed before a change and needs printing again (why this page is the night's: it reads the
    print runs)."""
    event = _organised_event_or_404(request, event_id)
    rows = own_say_for_organiser(event)
    data = NightData.load(event)
    theirs = {row.invitation.pk for row in rows}
    own_lines = {guest.pk for guest in data.guests if guest.position == 0 and guest.invitation_id in theirs}
    reprints = {r.invitation_id: r for r in reprints_due(event, data, guest_ids=own_lines)}
    for row in rows:
        row.reprint = reprints.get(row.invitation.pk)
    context = {
        "event": event,
        "answered": [row for row in rows if row.answered_at],
        "waiting": [row for row in rows if not row.answered_at],
        "reprints": sum(row.reprint is not None for row in rows),
    }
    return render(request, "events/organiser/own_say.html", context)


# --- letters -----------------------------------------------------------------------------------


def _letter_page(request, event, nomination, form, status=200):
    return render(request, "night/letter.html", {
        "event": event, "can_edit": True, "nomination": nomination, "form": form,
        "name": nomination_name(Audience.YOUNG_PERSON, nomination),
        "by_role": BY_ROLE.get(nomination.nominator_relationship, "someone who knows you"),
        "achievement": nomination.achievement,
    }, status=status)


def _letter_nomination_or_404(event: Event, nomination_id: int) -> Nomination:
    return get_object_or_404(letter_nominations(event), pk=nomination_id)


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, event_id: int, nomination_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    nomination = _letter_nomination_or_404(event, nomination_id)
    if request.method == "GET":
        letter = Letter.objects.filter(nomination=nomination).first()
        initial = (
            {"quote": letter.quote, "nominator_named": letter.nominator_named}
            if letter is not None and letter.quote_approved_at else {"quote": letter_suggestion(nomination)}
        )
        return _letter_page(request, event, nomination, LetterForm(initial=initial, prefix="letter"))
    form = LetterForm(request.POST, prefix="letter")
    if not form.is_valid():
        return _letter_page(request, event, nomination, form, status=400)
    try:
        letter_approve(
            nomination=nomination, actor=request.user, quote=form.cleaned_data["quote"],
            nominator_named=form.cleaned_data["nominator_named"],
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _letter_page(request, event, nomination, form, status=error.status_code)
    messages.success(request, f"Letter for {nomination.reference}: " + ("words approved." if form.cleaned_data["quote"].strip() else "no words, so no letter is sent."))
    return redirect("event-admin:documents", event_id=event.pk)


@login_required
@require_GET
def letter_preview(request: HttpRequest, event_id: int, nomination_id: int) -> FileResponse:
    event = _organised_event_or_404(request, event_id)
    nomination = _letter_nomination_or_404(event, nomination_id)
    return pdf_response(
        lambda out: letters_write(out, nominations=[nomination], title=f"Letter, {nomination.programme.name}"),
        filename=f"letter-{nomination.reference}", inline=True,
    )


@login_required
@require_GET
def letters_pdf(request: HttpRequest, event_id: int) -> FileResponse:
    """Every letter whose words are approved, one a page, to print and post."""
    event = _organised_event_or_404(request, event_id)
    ready = [n for n in letter_nominations(event) if letter_ready(n)]
    if not ready:
        raise Http404("No letter has approved words yet.")
    return pdf_response(
        lambda out: letters_write(out, nominations=ready, title=f"Letters, {event.programme.name}"), filename="letters"
    )


@login_required
@require_POST
def letters_send_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organised_event_or_404(request, event_id)
    try:
        result = letters_send(event=event, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("event-admin:documents", event_id=event.pk)
    said = [f"{result.queued} letter{'s' if result.queued != 1 else ''} put in the outbox to the responsible adults."]
    if result.already:
        said.append(f"{result.already} had been sent before.")
    if result.waiting:
        said.append(f"{result.waiting} wait for approved words.")
    messages.success(request, " ".join(said))
    return redirect("event-admin:documents", event_id=event.pk)


@require_GET
@ratelimit(key="ip", rate=_link_rate, block=False)
def recognition_letter(request: HttpRequest, token: str) -> FileResponse:
    nomination, _event = _recognition_or_404(request, token)
    if not letter_ready(nomination):
        raise Http404
    return pdf_response(
        lambda out: letters_write(out, nominations=[nomination], title=f"A letter from the {nomination.programme.name}"),
        filename="letter",
    )
