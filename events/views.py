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

from mail.errors import ServiceError
from nominations.enums import PhotoChoice, PublicityLevel
from nominations.forms import put_service_error
from nominations.naming import (
    Audience,
    announce_name,
    levels_allowed,
    name_at_level,
    photos_in_room,
    pronunciation_for,
    room_level,
)
from nominations.private_links import form_token_issue, private_page
from nominations.rate_limits import page_rate_limit

from .enums import SURPRISE_ME, InvitationKind, InvitationStatus
from .forms import AnswerForm, CelebrationForm, PersonForm
from .links import door_code_text, door_qr_svg
from .models import Invitation
from .rules import choices_open
from .selectors import (
    approved_tracks,
    celebration_choices,
    celebration_for_session,
    celebration_link_for_token,
    guest_name,
    invitation_for_session,
    invitation_link_for_token,
    invitee_name,
    named_party,
    party_to_sit_with,
)
from .services import EventError, OwnSayAnswer, RsvpAnswer, celebration_choices_record, rsvp_respond

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
    return _open_link(request, invitation_link_for_token(token), RSVP_SESSION_KEY, "events:rsvp")


def _open_link(request: HttpRequest, link, key: str, page: str) -> HttpResponse:
    """A private link (RSVP or the young person's own) exchanged for a short session at a clean
    address. The link is held too: the session ends with it (closed when the invitation is resent
    to someone else, or after the night)."""
    if link is None:
        return _link_not_valid(request)
    request.session.cycle_key()
    request.session[key] = {"invitation": link.invitation_id, "link": link.pk, "started": timezone.now().timestamp()}
    form_token_issue(request)
    return redirect(page)


def _held(request: HttpRequest, key: str) -> dict | None:
    """What a link's session holds, while it lasts (PROUD_RSVP_SESSION_MINUTES)."""
    held = request.session.get(key)
    if not isinstance(held, dict):
        return None
    if timezone.now().timestamp() - float(held.get("started", 0)) > settings.PROUD_RSVP_SESSION_MINUTES * 60:
        request.session.pop(key, None)
        return None
    return held


def _session_invitation(request: HttpRequest) -> Invitation | None:
    held = _held(request, RSVP_SESSION_KEY)
    return invitation_for_session(held.get("invitation"), link_id=held.get("link")) if held else None


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


# --- "How you'd like to be celebrated": the young person's own link ----------------------------

CELEBRATE_SESSION_KEY = "celebrate"

# Each name option as the young person reads it, with their own name filled in (nominations.naming).
NAME_OPTION = {
    PublicityLevel.FULL_NAME: "“{name}”: your full name",
    PublicityLevel.FIRST_NAME_INITIAL: "“{name}”: your first name and the first letter of your last name",
    PublicityLevel.FIRST_NAME: "“{name}”: just your first name",
    PublicityLevel.ANONYMOUS: "Don't say my name. The host will say “{name}”",
}
PHOTO_OPTION = {
    PhotoChoice.YES: "Yes, photos of me are fine",
    PhotoChoice.GROUP_ONLY: "Only group photos, not just me on my own",
    PhotoChoice.NO: "No photos of me, please",
}

# What they see they chose: the photographer's rule, not a request in their voice (the check may
# have decided it).
PHOTO_SUMMARY = {PhotoChoice.YES: "Photos are fine", PhotoChoice.GROUP_ONLY: "Only group photos", PhotoChoice.NO: "No photos"}


@private_page
@require_GET
@page_rate_limit("PROUD_RSVP_LINK_RATE")
def celebrate_link(request: HttpRequest, token: str) -> HttpResponse:
    return _open_link(request, celebration_link_for_token(token), CELEBRATE_SESSION_KEY, "events:celebrate")


def _celebrate_invitation(request: HttpRequest) -> Invitation | None:
    held = _held(request, CELEBRATE_SESSION_KEY)
    return celebration_for_session(held.get("invitation"), held.get("link")) if held else None


def _celebrate_form(invitation: Invitation, data=None) -> CelebrationForm:
    nominee = invitation.nomination.nominee
    names = [(level, NAME_OPTION[level].format(name=name_at_level(nominee, level))) for level in levels_allowed(nominee)]
    photos = [(choice, PHOTO_OPTION[choice]) for choice in PhotoChoice.values if nominee.photography_allowed or choice == PhotoChoice.NO]
    party = [(guest.pk, guest_name(guest, Audience.KNOWN)) for guest in party_to_sit_with(invitation)]
    choices = celebration_choices(invitation)
    initial = {}
    if choices is not None and choices.answered_at is not None:
        initial = {
            "publicity_level": nominee.own_publicity_level,
            "photos": nominee.own_photos,
            "walk_on_music": choices.walk_on_music or SURPRISE_ME,
            "sit_with": choices.sit_with,
            "easier": choices.easier,
            "speech": choices.speech,
        }
    initial |= {"say_first_name": nominee.say_first_name, "say_last_name": nominee.say_last_name}
    return CelebrationForm(
        data, initial=initial, names=names, photos=photos, tracks=approved_tracks(invitation.event), party=party, prefix="say"
    )


def _stricter_now(nominee) -> list[str]:
    """Kind words where a later safeguarding decision is stricter than what they chose."""
    notes = []
    if nominee.own_publicity_level and room_level(nominee) != nominee.own_publicity_level:
        notes.append(
            "The adults who help keep you safe have had to change what name we can use. "
            f"On the night we will call you “{announce_name(nominee)}”. You haven't done anything wrong."
        )
    if nominee.own_photos and nominee.own_photos != PhotoChoice.NO and photos_in_room(nominee) == PhotoChoice.NO:
        notes.append(
            "The adults who help keep you safe have decided there should be no photos of you this time. "
            "You haven't done anything wrong."
        )
    return notes


@private_page
@require_http_methods(["GET", "POST"])
def celebrate(request: HttpRequest) -> HttpResponse:
    invitation = _celebrate_invitation(request)
    if invitation is None:
        return _link_not_valid(request)
    nominee = invitation.nomination.nominee
    is_open = choices_open(invitation)
    form = _celebrate_form(invitation, request.POST if request.method == "POST" and is_open else None)
    if request.method == "POST" and is_open and form.is_valid():
        data = form.cleaned_data
        answer = OwnSayAnswer(
            publicity_level=data["publicity_level"],
            say_first_name=data["say_first_name"],
            say_last_name=data["say_last_name"],
            walk_on_music=data["walk_on_music"],
            photos=data["photos"],
            sit_with=tuple(data.get("sit_with") or ()),
            easier=tuple(data["easier"]),
            speech=data["speech"],
        )
        try:
            celebration_choices_record(invitation=invitation, answer=answer)
        except ServiceError as error:
            put_service_error(form, error)
        else:
            messages.success(request, "Thank you! We've saved your choices. You can come back and change them until the day before the night.")
            return redirect("events:celebrate")
    nominee.refresh_from_db()
    choices = celebration_choices(invitation)
    context = {
        "event": invitation.event,
        # A first name to greet them: a phone is read over shoulders (nominations.naming).
        "name": name_at_level(nominee, PublicityLevel.FIRST_NAME),
        "category": invitation.nomination.category.name,
        "form": form,
        "is_open": is_open,
        "answered": choices is not None and choices.answered_at is not None,
        "room_name": announce_name(nominee),
        "photos": PHOTO_SUMMARY[photos_in_room(nominee)],
        "say_it": pronunciation_for(Audience.YOUNG_PERSON, nominee),
        "choices": choices,
        "stricter": _stricter_now(nominee),
        "error_summary": form.error_summary(),
    }
    return render(request, "events/celebrate.html", context, status=400 if form.errors else 200)
