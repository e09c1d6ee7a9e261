"""E-mails about invitations: the invitation, reminders to answer and the confirmation of an
answer, built by the outbox when each is sent (mail.registry).

They go to the responsible adult (and the young person, where an organiser chose), who know the
young person: the body names a finalist by their known name, never the subject (nominations.naming).
The nominator is quoted only in words an organiser approved, and a private link is made at the
moment of sending."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from mail.enums import EmailKind
from mail.models import EmailDelivery
from mail.registry import registered
from nominations.enums import PhotoChoice, PublicityLevel
from nominations.models import Nominee
from nominations.naming import Audience, announce_name, name_at_level, nomination_name
from nominations.services import own_choices_overridden

from .enums import LINK_OPEN_STATUSES, InvitationKind, InvitationStatus
from .links import celebration_link_create, door_code_text, door_qr_png, link_create
from .models import Event, Invitation
from .rules import choices_open, has_own_say, link_is_open, own_link_goes_direct
from .selectors import approved_words, invitee_name, named_party
from .services import invitation_mark_sent


def rsvp_link(token: str) -> str:
    return settings.SITE_URL + reverse("events:rsvp-link", kwargs={"token": token})


def celebration_link(token: str) -> str:
    return settings.SITE_URL + reverse("events:celebrate-link", kwargs={"token": token})


def calendar_file(event: Event) -> bytes:
    """The event as an iCalendar file (RFC 5545), for the invitation's attachment."""
    calendar = Calendar()
    calendar.add("prodid", "-//PROUD Awards//Invitations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{settings.SITE_URL.split('://')[-1].split('/')[0]}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.name)
    entry.add("location", f"{event.venue_name}, {' '.join(event.venue_address.split())}")
    description = f"Doors open {timezone.localtime(event.doors_open_at):%H:%M}."
    if event.dress_code:
        description += f" Dress code: {event.dress_code}."
    entry.add("description", description)
    calendar.add_component(entry)
    return calendar.to_ical()


def _recipients(invitation: Invitation) -> list[str]:
    return [address for address in (invitation.addressee_email, invitation.young_person_email) if address]


def _subject(kind: str, invitation: Invitation) -> str:
    event = invitation.event
    if kind == EmailKind.CONFIRMATION:
        return f"Your answer for the {event.name}"
    if kind == EmailKind.REMINDER:
        return f"Please answer your invitation to the {event.name}"
    if invitation.kind == InvitationKind.FINALIST:
        # No name in a subject: phone lock screens and shared inboxes show subjects.
        return f"A finalist's invitation to the {event.name}"
    return f"Invitation to the {event.name}"


@registered(EmailKind.INVITATION, after_sent=invitation_mark_sent)
@registered(EmailKind.REMINDER)
@registered(EmailKind.CONFIRMATION)
def build_message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    invitation = (
        Invitation.objects.select_related("event", "nomination__category", "nomination__nominee", "nomination__group")
        .get(pk=delivery.object_id)
    )
    event = invitation.event
    context = {
        "invitation": invitation,
        "event": event,
        # The responsible adult knows the young person: the known name, so a carer of two
        # children can tell which one this is (nominations.naming).
        "invitee_name": invitee_name(invitation, Audience.KNOWN),
        "is_finalist": invitation.kind == InvitationKind.FINALIST,
        "category": invitation.nomination.category.name if invitation.nomination_id else "",
        "quote": approved_words(invitation),
        "guests": named_party(invitation, Audience.KNOWN),
        "site_url": settings.SITE_URL,
        "door_code": door_code_text(invitation.door_code) if invitation.door_code else "",
    }
    if delivery.kind in (EmailKind.INVITATION, EmailKind.REMINDER):
        context["link"] = rsvp_link(link_create(invitation))
    if delivery.kind == EmailKind.INVITATION and has_own_say(invitation) and not own_link_goes_direct(invitation):
        # No safe contact for the young person (or under 11): their own link is in here, for them.
        context["own_link"] = celebration_link(celebration_link_create(invitation))
    message = EmailMultiAlternatives(
        subject=_subject(delivery.kind, invitation),
        body=render_to_string(f"events/email/{delivery.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=_recipients(invitation),
        reply_to=[event.organiser_contact_email],
    )
    if delivery.kind == EmailKind.INVITATION:
        message.attach("proud-awards.ics", calendar_file(event), "text/calendar")
    if delivery.kind == EmailKind.CONFIRMATION and invitation.status == InvitationStatus.ACCEPTED and invitation.door_code:
        # The party's QR code for the door: it holds the door code, never the RSVP link.
        message.attach("door-qr-code.png", door_qr_png(invitation.door_code), "image/png")
    return message


@registered(EmailKind.CELEBRATION)
@registered(EmailKind.CELEBRATION_REMINDER)
def build_celebration_message(delivery: EmailDelivery) -> EmailMultiAlternatives | None:
    """The young person's own link. To them at the safe contact their allocated worker recorded;
    a reminder goes to their carer, who passes it on. No name in the subject."""
    invitation = Invitation.objects.select_related("event__programme", "nomination__nominee", "nomination__category").get(
        pk=delivery.object_id
    )
    if not has_own_say(invitation):
        return None
    event = invitation.event
    direct = delivery.kind == EmailKind.CELEBRATION
    if direct and not own_link_goes_direct(invitation):
        return None
    context = {
        "event": event,
        "invitation": invitation,
        # The young person's own name to them; the known name to the carer.
        "name": nomination_name(Audience.YOUNG_PERSON if direct else Audience.KNOWN, invitation.nomination),
        "category": invitation.nomination.category.name,
        "link": celebration_link(celebration_link_create(invitation)),
    }
    return EmailMultiAlternatives(
        subject=f"How you'd like to be celebrated at the {event.name}" if direct else f"A finalist's choices for the {event.name}",
        body=render_to_string(f"events/email/{delivery.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.nomination.nominee.safe_contact_email] if direct else [invitation.addressee_email],
        reply_to=[event.organiser_contact_email],
    )


# The name choices in the young person's own words (their page's options, without their name).
CHOSEN_NAME_WORDS = {
    PublicityLevel.FULL_NAME: "your first name and your last name",
    PublicityLevel.FIRST_NAME_INITIAL: "your first name and the first letter of your last name",
    PublicityLevel.FIRST_NAME: "just your first name",
}
CHOSEN_PHOTO_WORDS = {PhotoChoice.YES: "photos are fine", PhotoChoice.GROUP_ONLY: "only group photos"}


@registered(EmailKind.OWN_CHOICE_CHANGED)
def build_own_choice_changed(delivery: EmailDelivery) -> EmailMultiAlternatives | None:
    """A young person's choice was made safer by an organiser or their worker (the stricter wins,
    nominations.services.safeguarding): told kindly, in words a 12-year-old reads easily, what is
    different now and who to talk to. To them at their safe contact, else through their carer, by
    the rules of their own link. Only their own first name and the name the room will now hear
    appear (never their surname unless the room hears it, nor anyone else's name); nothing is
    said of why. Built from what holds when it is sent: a change undone since says nothing."""
    nominee = Nominee.objects.get(pk=delivery.object_id)
    invitation = (
        Invitation.objects.filter(kind=InvitationKind.FINALIST, nomination__nominee=nominee, status__in=LINK_OPEN_STATUSES)
        .select_related("event", "nomination__nominee")
        .order_by("-pk")
        .first()
    )
    if invitation is None or not has_own_say(invitation):
        return None
    overridden = own_choices_overridden(nominee)
    if not overridden:
        return None
    event = invitation.event
    direct = own_link_goes_direct(invitation)
    now_heard = announce_name(nominee)
    context = {
        "event": event,
        "direct": direct,
        "first_name": name_at_level(nominee, PublicityLevel.FIRST_NAME),
        "changes": len(overridden),
        "name": "name" in overridden,
        "chose_name": CHOSEN_NAME_WORDS.get(nominee.own_publicity_level, ""),
        "now_heard": "" if now_heard == name_at_level(nominee, PublicityLevel.ANONYMOUS) else now_heard,
        "anonymous": name_at_level(nominee, PublicityLevel.ANONYMOUS).lower(),
        "photos": "photos" in overridden,
        "chose_photos": CHOSEN_PHOTO_WORDS.get(nominee.own_photos, ""),
        "link": celebration_link(celebration_link_create(invitation))
        if choices_open(invitation) and link_is_open(invitation) else "",
    }
    return EmailMultiAlternatives(
        # No name in a subject: phone lock screens and shared inboxes show subjects.
        subject=f"A change to your choices for the {event.name}" if direct else f"A change to a finalist's choices for the {event.name}",
        body=render_to_string("events/email/own_choice_changed.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[nominee.safe_contact_email] if direct else [invitation.addressee_email],
        reply_to=[event.organiser_contact_email],
    )
