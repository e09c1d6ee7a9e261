"""The organiser's event pages: the event, responses at a glance, creating and sending the
invitations, and one invitation with its answers, history and e-mails.

Pages only shape input and output: every write is a service call, every read starts from
`events_organised_by`, so an event or invitation outside the user's programmes is a 404, as is
every page for someone who organises nothing. Lists name finalists by their announce name; the
invitation page shows organisers the legal name too, and records that read in the access log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.enums import Role
from awards.models import Programme
from awards.rules import is_any_organiser, programme_ids_with_role
from mail.enums import DeliveryStatus
from mail.errors import ServiceError
from mail.models import EmailDelivery
from nominations.forms import put_service_error
from nominations.naming import Audience
from nominations.services import identity_access_record

from .enums import AccessNeed, Dietary, GuestRelationship, InvitationKind, InvitationStatus
from .models import Event, Invitation
from .organiser_forms import (
    ActionForm,
    AllowanceForm,
    DetailsForm,
    EventForm,
    InvitationCreateForm,
    QuoteForm,
    RevokeForm,
)
from .selectors import (
    event_counts,
    events_organised_by,
    gate_problems,
    invitations_at_a_glance,
    invitee_name,
    named_party,
    needs_totals,
    other_failed_deliveries,
)
from .services import (
    celebration_remind,
    delivery_retry,
    event_save,
    finalist_invitations_create,
    invitation_change_allowance,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_update_details,
    invitations_send,
    quote_approve,
)

# Invitations whose young person may still come: the gate matters for these. A draft cannot be
# sent past it; one already sent that fails it now (consent withdrawn, say) needs the organiser.
GATE_STATUSES = (InvitationStatus.DRAFT, InvitationStatus.QUEUED, InvitationStatus.SENT, InvitationStatus.ACCEPTED)
RESENDABLE_STATUSES = (InvitationStatus.QUEUED, InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
# A message claimed for sending this long ago without a result was lost by its worker.
STUCK_AFTER = timedelta(minutes=15)
INVITATIONS_PAGE_SIZE = 50
# Blocked invitations named one by one after "Send all"; the rest are in the list on the page.
BLOCKED_NAMED_MAX = 10

HISTORY_LABELS = {
    "events.invitation.created": "Created as a draft",
    "events.invitation.queued": "Queued to send",
    "events.invitation.sent": "Invitation e-mail sent",
    "events.invitation.resent": "Sent again",
    "events.invitation.answered": "Answered",
    "events.invitation.revoked": "Revoked",
    "events.invitation.expired": "Expired",
    "events.invitation.allowance_changed": "Guest allowance changed",
    "events.invitation.quote_approved": "Quote approved",
    "events.invitation.details_changed": "Details changed",
}
DETAIL_FIELD_LABELS = {
    "addressee_name": "addressed to",
    "addressee_email": "e-mail address",
    "young_person_email": "young person's e-mail address",
    "invitee_name": "name",
    "title": "title",
}


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


# --- scope ------------------------------------------------------------------------------------


def _require_some_programme(request: HttpRequest) -> None:
    if not is_any_organiser(request.user):
        raise Http404


def _event_or_404(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(events_organised_by(request.user), pk=event_id)


def _invitations_in_scope(request: HttpRequest) -> QuerySet[Invitation]:
    return Invitation.objects.filter(event__in=events_organised_by(request.user))


def _invitation_or_404(request: HttpRequest, invitation_id: int) -> Invitation:
    invitations = _invitations_in_scope(request).select_related(
        "event__programme", "nomination__category", "nomination__nominee", "nomination__group", "quote_approved_by"
    )
    return get_object_or_404(invitations, pk=invitation_id)


def _programmes_without_event(request: HttpRequest) -> list[Programme]:
    ids = programme_ids_with_role(request.user, Role.ORGANISER)
    return list(Programme.objects.filter(pk__in=ids, event__isnull=True).order_by("-year", "name"))


# --- the organiser's events -------------------------------------------------------------------


def _events_page(request: HttpRequest, *, form: EventForm | None = None, status: int = 200) -> HttpResponse:
    programmes = _programmes_without_event(request)
    if form is None and programmes:
        form = EventForm(programmes=programmes, prefix="new")
    context = {
        "events": events_organised_by(request.user).order_by("-starts_at"),
        "form": form,
    }
    return render(request, "events/organiser/events.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    """The organiser's events, and the form that creates the event of a programme without one."""
    _require_some_programme(request)
    if request.method != "POST":
        return _events_page(request)
    programmes = _programmes_without_event(request)
    form = EventForm(request.POST, programmes=programmes, prefix="new")
    if not form.is_valid():
        return _events_page(request, form=form, status=400)
    programme = next(p for p in programmes if p.pk == form.cleaned_data["programme"])
    try:
        event = event_save(actor=request.user, programme=programme, **form.event_values())
    except ServiceError as error:
        put_service_error(form, error)
        return _events_page(request, form=form, status=error.status_code)
    messages.success(request, f"{event.name} is set up. Next, create the finalists' invitations.")
    return redirect("event-admin:event", event_id=event.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    status = 200
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                event, _, stale = form.save_unless_stale(
                    event,
                    lambda: _event_or_404(request, event_id),
                    lambda current: event_save(
                        actor=request.user, programme=current.programme, event=current, **form.event_values()
                    ),
                )
            except ServiceError as error:
                put_service_error(form, error)
                status = error.status_code
            else:
                if not stale:
                    messages.success(request, "The event's details are saved.")
                    return redirect("event-admin:event", event_id=event.pk)
                form = EventForm.reopened_after_conflict(EventForm.initial_from(event))
                status = 409
        else:
            status = 400
    else:
        form = EventForm.opened_on(EventForm.initial_from(event))
    return render(request, "events/organiser/event_edit.html", {"event": event, "form": form}, status=status)


# --- responses at a glance --------------------------------------------------------------------


@dataclass
class InvitationRow:
    invitation: Invitation
    name: str
    category: str
    reference: str
    guests_coming: int
    problems: list[str]


@dataclass
class DeliveryRow:
    delivery: EmailDelivery
    row: InvitationRow
    can_retry: bool


@dataclass
class Glance:
    rows: list[InvitationRow] = field(default_factory=list)
    blocked: list[InvitationRow] = field(default_factory=list)
    failed: list[DeliveryRow] = field(default_factory=list)
    retrying: list[DeliveryRow] = field(default_factory=list)
    drafts_ready: int = 0


def _row(invitation: Invitation) -> InvitationRow:
    nomination = invitation.nomination
    problems = gate_problems(invitation) if invitation.status in GATE_STATUSES else []
    return InvitationRow(
        invitation=invitation,
        name=invitee_name(invitation, Audience.KNOWN),
        category=nomination.category.name if nomination else "",
        reference=nomination.reference if nomination else "",
        guests_coming=invitation.guests_coming,
        problems=problems,
    )


def _glance(event: Event) -> Glance:
    """Every invitation with what the page shows of it, read in a fixed number of queries."""
    glance = Glance()
    stuck_before = timezone.now() - STUCK_AFTER
    for invitation in invitations_at_a_glance(event):
        row = _row(invitation)
        glance.rows.append(row)
        if row.problems:
            glance.blocked.append(row)
        elif invitation.status == InvitationStatus.DRAFT:
            glance.drafts_ready += 1
        for delivery in invitation.deliveries_to_watch:
            if delivery.status == DeliveryStatus.FAILED:
                glance.failed.append(DeliveryRow(delivery, row, can_retry=True))
            elif delivery.status == DeliveryStatus.PENDING and delivery.attempts > 0:
                glance.retrying.append(DeliveryRow(delivery, row, can_retry=False))
            elif delivery.status == DeliveryStatus.SENDING and delivery.updated_at < stuck_before:
                glance.failed.append(DeliveryRow(delivery, row, can_retry=True))
    return glance


def _totals(needs: dict) -> dict:
    return {
        "dietary": [(label, needs["dietary"].get(code, 0)) for code, label in Dietary.choices],
        "access": [(label, needs["access"].get(code, 0)) for code, label in AccessNeed.choices],
    }


@login_required
@require_GET
def event_dashboard(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    needs = needs_totals(event)
    glance = _glance(event)
    context = {
        "event": event,
        "counts": event_counts(event),
        "needs": needs,
        "totals": _totals(needs),
        "glance": glance,
        # A thousand rows are no list to read: fifty at a time (the blocked and failed lists above are whole).
        "invitations": Paginator(glance.rows, INVITATIONS_PAGE_SIZE).get_page(request.GET.get("page")),
        "other_failed": other_failed_deliveries(event),
    }
    return render(request, "events/organiser/event.html", context)


@login_required
@require_POST
def finalists_invite(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    try:
        result = finalist_invitations_create(event=event, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("event-admin:event", event_id=event.pk)
    already = f" {_plural(result.already_invited, 'finalist')} already had one." if result.already_invited else ""
    if result.created:
        messages.success(
            request,
            f"Created {_plural(len(result.created), 'finalist invitation')} as drafts.{already} "
            "Nothing has been sent yet.",
        )
    else:
        messages.info(
            request,
            f"No new finalists to invite.{already} Invitations are made from shortlists an organiser has confirmed.",
        )
    return redirect("event-admin:event", event_id=event.pk)


@login_required
@require_POST
def invitations_send_all(request: HttpRequest, event_id: int) -> HttpResponse:
    """First a page naming who will get an e-mail (and which drafts the gate holds back), then, once
    confirmed, the drafts named on it and no others."""
    event = _event_or_404(request, event_id)
    if request.POST.get("confirm") != "yes":
        drafts = [row for row in _glance(event).rows if row.invitation.status == InvitationStatus.DRAFT]
        ready = [row for row in drafts if not row.problems]
        if not ready:
            messages.info(request, "There are no draft invitations ready to send." + (
                " The safeguarding gate holds back the drafts there are: see the list below." if drafts else ""))
            return redirect("event-admin:event", event_id=event.pk)

        def line(row: InvitationRow) -> str:
            what = row.category or row.invitation.get_kind_display()
            return f"{row.name} ({what}): e-mailed to {row.invitation.addressee_email}"

        held = [row for row in drafts if row.problems]
        sections = [(f"Who gets an e-mail ({len(ready)})", [line(row) for row in ready])]
        if held:
            sections.append((f"Not sent: the safeguarding gate holds them back ({len(held)})", [
                f"{row.name} ({row.category or row.invitation.get_kind_display()}): {' '.join(map(capfirst, row.problems))}"
                for row in held
            ]))
        return render(request, "forms/confirm.html", {
            "title": f"Send {_plural(len(ready), 'invitation')}?",
            "consequences": [
                "Each person listed below gets an e-mail with their own private link to answer.",
                "Drafts made after you opened this page are not sent: send them separately.",
            ],
            "sections": sections,
            "action": request.path,
            "hidden": [("invitation", row.invitation.pk) for row in ready],
            "confirm_label": f"Yes, send {_plural(len(ready), 'invitation')}",
            "confirm_safe": True,  # green, not red: sending is not destroying
            "cancel_url": reverse("event-admin:event", args=[event.pk]),
        })
    try:
        chosen = [int(value) for value in request.POST.getlist("invitation")]
    except ValueError:
        return HttpResponseBadRequest("invitation: each must be an invitation number.")
    try:
        result = invitations_send(event=event, actor=request.user, invitation_ids=chosen)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("event-admin:event", event_id=event.pk)
    if result.queued:
        messages.success(request, f"{_plural(len(result.queued), 'invitation')} queued to send.")
    elif not result.blocked:
        messages.info(request, "There are no draft invitations to send.")
    held = sum(1 for row in _glance(event).rows if row.invitation.status == InvitationStatus.DRAFT and row.problems)
    if held and not result.blocked:
        messages.warning(request, f"{_plural(held, 'draft is', 'drafts are')} held back by the safeguarding gate: "
                                  "each is in the list below with the reason and a link to put it right.")
    if result.blocked:
        blocked = (
            Invitation.objects.filter(pk__in=list(result.blocked)[:BLOCKED_NAMED_MAX])
            .select_related("nomination__category", "nomination__nominee", "nomination__group")
            .order_by("pk")
        )
        messages.warning(
            request,
            f"{_plural(len(result.blocked), 'invitation was', 'invitations were')} not sent: "
            "the safeguarding gate blocks them. Each is listed below with the reason.",
        )
        for invitation in blocked:
            nomination = invitation.nomination
            where = f" ({nomination.category.name}, {nomination.reference})" if nomination else ""
            reasons = " ".join(capfirst(reason) for reason in result.blocked[invitation.pk])
            messages.warning(request, f"Not sent: {invitee_name(invitation, Audience.KNOWN)}{where}. {reasons}")
    return redirect("event-admin:event", event_id=event.pk)


@login_required
@require_POST
def delivery_retry_view(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Try a failed e-mail of the user's programmes again: an invitation's, or another of the
    programme's (a nominator's receipt, a panel member's invitation …)."""
    organised = programme_ids_with_role(request.user, Role.ORGANISER)
    delivery = get_object_or_404(EmailDelivery.objects.filter(programme_id__in=organised), pk=delivery_id)
    invitation = Invitation.objects.filter(deliveries=delivery).first()
    try:
        delivery_retry(delivery=delivery, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        kind = delivery.get_kind_display().lower()
        to = f" to {invitation.addressee_email}" if invitation else ""
        messages.success(request, f"The {kind} e-mail{to} is being sent again.")
    if invitation is not None:
        if request.POST.get("back") == "invitation":
            return redirect("event-admin:invitation", invitation_id=invitation.pk)
        return redirect("event-admin:event", event_id=invitation.event_id)
    event = Event.objects.filter(programme_id=delivery.programme_id).first()
    return redirect("event-admin:event", event_id=event.pk) if event else redirect("event-admin:events")


# --- inviting someone who is not a finalist ---------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_new(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    status = 200
    if request.method == "POST":
        form = InvitationCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = invitation_create(
                    event=event,
                    actor=request.user,
                    kind=data["kind"],
                    invitee_name=data["invitee_name"],
                    title=data["title"],
                    addressee_name=data["addressee_name"] or data["invitee_name"],
                    addressee_email=data["addressee_email"],
                    guest_allowance=data["guest_allowance"],
                )
            except ServiceError as error:
                put_service_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    f"Invitation to {invitation.invitee_name} created as a draft. "
                    "Send it from this page, or with the event's other drafts.",
                )
                return redirect("event-admin:invitation", invitation_id=invitation.pk)
        else:
            status = 400
    else:
        form = InvitationCreateForm()
    form.fields["guest_allowance"].help_text = f"Leave empty for the event's usual number ({event.default_guest_allowance})."
    context = {"event": event, "form": form}
    return render(request, "events/organiser/invitation_new.html", context, status=status)


# --- one invitation ---------------------------------------------------------------------------


def _identity(invitation: Invitation) -> list[dict]:
    """The young people behind a finalist's invitation, with their legal names (organisers only)."""
    nomination = invitation.nomination
    if nomination is None:
        return []
    people = list(nomination.group.members.all()) if nomination.group_id else [nomination.nominee]
    return [
        {
            "nominee": person,
            "legal_name": f"{person.legal_first_name} {person.legal_last_name}".strip(),
            "preferred_name": person.preferred_name,
        }
        for person in people
    ]


def _history_lines(invitation: Invitation) -> list[dict]:
    statuses = dict(InvitationStatus.choices)
    lines = []
    for entry in invitation.history.all():
        detail = entry.detail or {}
        notes = []
        if "reason" in detail:
            notes.append(f"Reason: {detail['reason']}")
        if "before" in detail and "after" in detail:
            notes.append(f"From {detail['before']} to {detail['after']} guests")
        if "party_size" in detail:
            notes.append(f"Coming: {detail['party_size']}" if detail["party_size"] else "Not coming")
        if detail.get("fields"):
            notes.append("Changed: " + ", ".join(DETAIL_FIELD_LABELS.get(name, name) for name in detail["fields"]))
        lines.append(
            {
                "entry": entry,
                "label": HISTORY_LABELS.get(entry.action, entry.action),
                "from_status": statuses.get(entry.from_status, ""),
                "to_status": statuses.get(entry.to_status, ""),
                "notes": notes,
            }
        )
    return lines


def _guest_lines(invitation: Invitation) -> list[dict]:
    dietary, access, relationships = dict(Dietary.choices), dict(AccessNeed.choices), dict(GuestRelationship.choices)
    return [
        {
            "guest": guest,
            "name": guest.shown,
            "relationship": relationships.get(guest.relationship, guest.relationship),
            "dietary": [dietary.get(code, code) for code in guest.dietary],
            "access": [access.get(code, code) for code in guest.access_needs],
        }
        for guest in named_party(invitation, Audience.KNOWN)
    ]


def _invitation_page(
    request: HttpRequest,
    invitation: Invitation,
    *,
    details_form: DetailsForm | None = None,
    allowance_form: AllowanceForm | None = None,
    quote_form: QuoteForm | None = None,
    revoke_form: RevokeForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    finalist = invitation.kind == InvitationKind.FINALIST
    # At most one form was posted; its problems go in the error summary at the top.
    error_form = next(
        (f for f in (details_form, allowance_form, quote_form, revoke_form, action_form) if f is not None and f.errors), None
    )
    identity = _identity(invitation) if finalist else []
    if identity:
        identity_access_record(
            user=request.user, nominee_ids=[p["nominee"].pk for p in identity], context="pages.event.invitation"
        )
    if quote_form is None and finalist:
        quote_form = QuoteForm.opened_on(QuoteForm.initial_from(invitation), prefix="quote")
    stuck_before = timezone.now() - STUCK_AFTER
    deliveries = [
        {
            "delivery": delivery,
            "can_retry": delivery.status == DeliveryStatus.FAILED
            or (delivery.status == DeliveryStatus.SENDING and delivery.updated_at < stuck_before),
        }
        for delivery in invitation.deliveries.all()
    ]
    context = {
        "invitation": invitation,
        "event": invitation.event,
        "finalist": finalist,
        "name": invitee_name(invitation, Audience.KNOWN),
        "room_name": invitee_name(invitation, Audience.ROOM),
        "identity": identity,
        "problems": gate_problems(invitation) if invitation.status in GATE_STATUSES else [],
        "guests": _guest_lines(invitation),
        "guests_coming": invitation.guests.filter(position__gt=0).count(),
        "history": _history_lines(invitation),
        "deliveries": deliveries,
        "quote_approved": bool(invitation.quote and invitation.quote_approved_at),
        "can_send": invitation.status == InvitationStatus.DRAFT,
        "can_resend": invitation.status in RESENDABLE_STATUSES,  # ... unless the gate holds it (the template says why)
        "can_revoke": invitation.status != InvitationStatus.REVOKED,
        "details_form": details_form
        or DetailsForm.opened_on(DetailsForm.initial_from(invitation), finalist=finalist, prefix="details"),
        "allowance_form": allowance_form
        or AllowanceForm.opened_on(AllowanceForm.initial_from(invitation), prefix="allowance"),
        "quote_form": quote_form,
        "revoke_form": revoke_form or RevokeForm(prefix="revoke"),
        "error_form": error_form,
    }
    return render(request, "events/organiser/invitation.html", context, status=status)


def _back_to_invitation(invitation: Invitation) -> HttpResponse:
    return redirect("event-admin:invitation", invitation_id=invitation.pk)


@login_required
@require_GET
def invitation_detail(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _invitation_page(request, _invitation_or_404(request, invitation_id))


@login_required
@require_POST
def invitation_details(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    finalist = invitation.kind == InvitationKind.FINALIST
    form = DetailsForm(request.POST, finalist=finalist, prefix="details")
    if not form.is_valid():
        return _invitation_page(request, invitation, details_form=form, status=400)
    try:
        invitation, _, stale = form.save_unless_stale(
            invitation,
            lambda: _invitation_or_404(request, invitation_id),
            lambda current: invitation_update_details(invitation=current, actor=request.user, **form.details_values()),
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _invitation_page(request, invitation, details_form=form, status=error.status_code)
    if stale:
        current = DetailsForm.reopened_after_conflict(DetailsForm.initial_from(invitation), finalist=finalist, prefix="details")
        return _invitation_page(request, invitation, details_form=current, status=409)
    messages.success(request, "Saved: who the invitation goes to.")
    return _back_to_invitation(invitation)


@login_required
@require_POST
def invitation_allowance(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    form = AllowanceForm(request.POST, prefix="allowance")
    if not form.is_valid():
        return _invitation_page(request, invitation, allowance_form=form, status=400)
    try:
        invitation, changed, stale = form.save_unless_stale(
            invitation,
            lambda: _invitation_or_404(request, invitation_id),
            lambda current: invitation_change_allowance(
                invitation=current, actor=request.user, allowance=form.cleaned_data["guest_allowance"]
            ),
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _invitation_page(request, invitation, allowance_form=form, status=error.status_code)
    if stale:
        current = AllowanceForm.reopened_after_conflict(AllowanceForm.initial_from(invitation), prefix="allowance")
        return _invitation_page(request, invitation, allowance_form=current, status=409)
    messages.success(request, f"Saved: the invitee may bring {_plural(changed.guest_allowance, 'guest')}.")
    return _back_to_invitation(invitation)


@login_required
@require_POST
def invitation_quote(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    if invitation.kind != InvitationKind.FINALIST:
        raise Http404  # only a finalist's invitation quotes the nomination
    form = QuoteForm(request.POST, prefix="quote")
    if not form.is_valid():
        return _invitation_page(request, invitation, quote_form=form, status=400)
    try:
        invitation, approved, stale = form.save_unless_stale(
            invitation,
            lambda: _invitation_or_404(request, invitation_id),
            lambda current: quote_approve(invitation=current, actor=request.user, quote=form.cleaned_data["quote"]),
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _invitation_page(request, invitation, quote_form=form, status=error.status_code)
    if stale:
        current = QuoteForm.reopened_after_conflict(QuoteForm.initial_from(invitation), prefix="quote")
        return _invitation_page(request, invitation, quote_form=current, status=409)
    if approved.quote:
        messages.success(request, "Quote approved. These words will be quoted in the invitation.")
    else:
        messages.success(request, "No quote: the invitation will quote nothing from the nomination.")
    return _back_to_invitation(invitation)


@login_required
@require_POST
def invitation_send(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    result = invitations_send(event=invitation.event, actor=request.user, invitation_ids=[invitation.pk])
    if invitation.pk in result.blocked:
        form = ActionForm(request.POST)
        reasons = " ".join(capfirst(reason) for reason in result.blocked[invitation.pk])
        form.add_error(None, f"It was not sent. {reasons}")
        return _invitation_page(request, invitation, action_form=form, status=409)
    messages.success(request, f"The invitation to {invitation.addressee_email} is queued to send.")
    return _back_to_invitation(invitation)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    try:
        resent = invitation_resend(invitation=invitation, actor=request.user)
    except ServiceError as error:
        form = ActionForm(request.POST)
        form.add_error(None, error.message)
        return _invitation_page(request, invitation, action_form=form, status=error.status_code)
    earlier = (
        "Links sent before it was re-addressed no longer work."
        if resent.readdressed_at is not None
        else "Earlier links still work."
    )
    messages.success(request, f"The invitation is being sent again to {resent.addressee_email}, with a new link. {earlier}")
    return _back_to_invitation(invitation)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    form = RevokeForm(request.POST, prefix="revoke")
    if not form.is_valid():
        return _invitation_page(request, invitation, revoke_form=form, status=400)
    try:
        invitation_revoke(invitation=invitation, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        put_service_error(form, error)
        return _invitation_page(request, invitation, revoke_form=form, status=error.status_code)
    messages.success(request, "Invitation revoked. Its links no longer work and any seats are given back.")
    return _back_to_invitation(invitation)


# --- the young people's own say ----------------------------------------------------------------


@login_required
@require_POST
def own_say_remind(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    try:
        celebration_remind(invitation=invitation, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A reminder is on its way to {invitation.addressee_name}, with a new link to pass on.")
    return redirect("event-admin:own-say", event_id=invitation.event_id)
