"""The RSVP pages, reached from the private link in an invitation e-mail, with no login.

The link's token is exchanged on the first visit for a short session and the browser moves to
/rsvp/, so the token leaves the address bar, the history and any referrer. Every response is
`no-store` and `no-referrer`. A wrong, revoked or expired link gets one neutral page."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from nominations.naming import Audience
from nominations.private_links import form_token_issue, private_page
from nominations.rate_limits import page_rate_limit

from .enums import InvitationKind, InvitationStatus
from .forms import AnswerForm, PersonForm
from .links import door_code_text, door_qr_svg
from .models import Invitation
from .selectors import invitation_for_session, invitation_link_for_token, invitee_name, named_party
from .services import EventError, RsvpAnswer, rsvp_respond

RSVP_SESSION_KEY = "rsvp"
UNANSWERED = {
    "relationship": "{who}: say who they are (carer, family, friend …).",
    "photography_consent": "{who}: say whether they can be photographed on the night.",
}
SERVICE_FIELD = re.compile(r"^(invitee|guests)\[(\d+)\]\.(\w+)$")


def _link_not_valid(request: HttpRequest) -> HttpResponse:
    # One page whatever the reason, so it tells nothing about whether a link ever existed.
    return render(request, "events/link_not_valid.html", status=404)


@private_page
@require_GET
@page_rate_limit("PROUD_RSVP_LINK_RATE")
def rsvp_link(request: HttpRequest, token: str) -> HttpResponse:
    link = invitation_link_for_token(token)
    if link is None:
        return _link_not_valid(request)
    request.session.cycle_key()
    # The link too: the session ends with it (closed when the invitation is resent to someone else).
    request.session[RSVP_SESSION_KEY] = {
        "invitation": link.invitation_id,
        "link": link.pk,
        "started": timezone.now().timestamp(),
    }
    form_token_issue(request)
    return redirect("events:rsvp")


def _session_invitation(request: HttpRequest) -> Invitation | None:
    held = request.session.get(RSVP_SESSION_KEY)
    if not isinstance(held, dict):
        return None
    if timezone.now().timestamp() - float(held.get("started", 0)) > settings.PROUD_RSVP_SESSION_MINUTES * 60:
        request.session.pop(RSVP_SESSION_KEY, None)
        return None
    return invitation_for_session(held.get("invitation"), link_id=held.get("link"))


def _forms(invitation: Invitation, data=None):
    """The answer form, the invitee's block and one block per allowed guest, filled with the
    current answer when there is one."""
    guests = list(invitation.guests.order_by("position"))
    initial_answer = {}
    if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
        initial_answer = {"attending": "yes" if invitation.status == InvitationStatus.ACCEPTED else "no"}
    answer = AnswerForm(data, initial=initial_answer, prefix="rsvp")
    ask_invitee_name = invitation.kind != InvitationKind.FINALIST
    invitee_initial = PersonForm.initial_from(guests[0]) if guests else {"name": invitee_name(invitation, Audience.KNOWN)}
    invitee = PersonForm(data, initial=invitee_initial, prefix="invitee", ask_name=ask_invitee_name)
    others = []
    for number in range(1, invitation.guest_allowance + 1):
        initial = PersonForm.initial_from(guests[number]) if number < len(guests) else {}
        others.append(PersonForm(data, initial=initial, prefix=f"guest-{number}", ask_name=True))
    return answer, invitee, others


def _headings(invitation: Invitation, others: list[PersonForm]) -> list[str]:
    """The heading of each guest block. A finalist's invitation goes to the adult answering for
    them: the first block is about that adult ("About you"), before any other guest."""
    if invitation.kind == InvitationKind.FINALIST and others:
        return ["About you"] + [f"Guest {number}" for number in range(1, len(others))]
    return [f"Guest {number}" for number in range(1, len(others) + 1)]


def _place_error(error: EventError, answer: AnswerForm, invitee: PersonForm, others: list[PersonForm]) -> None:
    match = SERVICE_FIELD.match(error.field or "")
    if match:
        where, index, name = match.group(1), int(match.group(2)), match.group(3)
        form = invitee if where == "invitee" or index == 0 else others[index - 1] if index - 1 < len(others) else None
        if form is not None and name in form.fields:
            form.add_error(name, error.message)
            return
    answer.add_error(None, error.message)


def _summary(answer: AnswerForm, invitee: PersonForm, others: list[PersonForm]) -> list[tuple[str, str]]:
    items = answer.error_summary() + invitee.error_summary()
    for form in others:
        items += form.error_summary()
    return items


@private_page
@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest) -> HttpResponse:
    invitation = _session_invitation(request)
    if invitation is None:
        return _link_not_valid(request)
    event = invitation.event
    closed = timezone.now() > event.rsvp_deadline
    answer, invitee, others = _forms(invitation, request.POST if request.method == "POST" and not closed else None)
    if request.method == "POST" and not closed:
        valid = all([answer.is_valid(), invitee.is_valid()] + [form.is_valid() for form in others])
        if valid and answer.cleaned_data["attending"]:
            headings = _headings(invitation, others)
            for form, who in zip(others, headings):
                if not form.is_blank() and not form.cleaned_data["name"].strip():
                    form.add_error("name", f"{who}: enter the name, or leave these answers empty.")
                    valid = False
            people = [(invitee, invitee_name(invitation, Audience.KNOWN) if invitation.kind == InvitationKind.FINALIST else "About you")]
            people += [(form, who) for form, who in zip(others, headings) if not form.is_blank()]
            for form, who in people:
                for name in form.unanswered():
                    form.add_error(name, UNANSWERED[name].format(who=who))
                    valid = False
        if valid:
            attending = answer.cleaned_data["attending"]
            party = (invitee.person(), *(form.person() for form in others if not form.is_blank())) if attending else ()
            try:
                result = rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=attending, party=party))
            except EventError as error:
                _place_error(error, answer, invitee, others)
            else:
                if not result.changed:
                    messages.info(request, "Your answer was already saved; nothing has changed.")
                elif attending:
                    messages.success(request, "Thank you: your answer is saved. We have sent you an e-mail to confirm it.")
                else:
                    messages.success(request, "Thank you for letting us know. We have sent you an e-mail to confirm it.")
                return redirect("events:rsvp")
    invitation.refresh_from_db(fields=["status", "door_code"])
    context = {
        "invitation": invitation,
        "event": event,
        "invitee_name": invitee_name(invitation, Audience.KNOWN),
        "is_finalist": invitation.kind == InvitationKind.FINALIST,
        "category": invitation.nomination.category.name if invitation.nomination_id else "",
        "closed": closed,
        "answered": invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED),
        "guests": named_party(invitation, Audience.KNOWN),
        "answer": answer,
        "invitee": invitee,
        "others": list(zip(others, _headings(invitation, others))),
        "error_summary": _summary(answer, invitee, others),
        # The party's QR code for the door: it holds the door code, never this page's link.
        "door_qr": door_qr_svg(invitation.door_code) if invitation.status == InvitationStatus.ACCEPTED and invitation.door_code else "",
        "door_code": door_code_text(invitation.door_code) if invitation.door_code else "",
    }
    status = 400 if context["error_summary"] else 200
    return render(request, "events/rsvp.html", context, status=status)
