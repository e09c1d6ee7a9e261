"""E-mails of recognition: a nominee's certificate (and letter), sent to the responsible adult with
a private link made at the moment of sending (night.recognition), built by the outbox (mail.registry).

The body names the young person by their known name, as an invitation does, and the subject names
nobody: phone lock screens and shared inboxes show subjects."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from events.models import Event
from events.selectors import responsible_adult
from mail.enums import EmailKind
from mail.models import EmailDelivery
from mail.registry import registered
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name

from .certificates import certificate_kind, certificate_nominations
from .letters import letter_ready
from .recognition import recognition_link_create


def recognition_url(token: str) -> str:
    return settings.SITE_URL + reverse("recognition:link", kwargs={"token": token})


@registered(EmailKind.CERTIFICATE)
def build_certificate(delivery: EmailDelivery) -> EmailMessage | None:
    nomination = (
        Nomination.objects.select_related("nominee__allocated_worker", "group", "category", "programme")
        .filter(pk=delivery.object_id).first()
    )
    event = Event.objects.filter(programme_id=nomination.programme_id).first() if nomination else None
    if event is None or not certificate_nominations(event).filter(pk=nomination.pk).exists():
        return None  # withdrawn, or the safeguarding check now says no contact: nothing to send
    adult_name, adult_email = responsible_adult(nomination)
    context = {
        "adult_name": adult_name,
        "name": nomination_name(Audience.KNOWN, nomination),
        "kind": certificate_kind(nomination),
        "category": nomination.category.name,
        "programme": nomination.programme.name,
        "event": event,
        "link": recognition_url(recognition_link_create(nomination)),
        "days": settings.PROUD_RECOGNITION_LINK_DAYS,
    }
    return EmailMessage(
        subject=f"A certificate from the {nomination.programme.name}",
        body=render_to_string("night/email/certificate.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[adult_email],
        reply_to=[event.organiser_contact_email],
    )


@registered(EmailKind.LETTER)
def build_letter(delivery: EmailDelivery) -> EmailMessage | None:
    nomination = (
        Nomination.objects.select_related("nominee__allocated_worker", "group", "category", "programme", "letter")
        .filter(pk=delivery.object_id).first()
    )
    event = Event.objects.filter(programme_id=nomination.programme_id).first() if nomination else None
    if event is None or not certificate_nominations(event).filter(pk=nomination.pk).exists() or not letter_ready(nomination):
        return None
    adult_name, adult_email = responsible_adult(nomination)
    context = {
        "adult_name": adult_name,
        "name": nomination_name(Audience.KNOWN, nomination),
        "category": nomination.category.name,
        "programme": nomination.programme.name,
        "event": event,
        "link": recognition_url(recognition_link_create(nomination)),
        "days": settings.PROUD_RECOGNITION_LINK_DAYS,
    }
    return EmailMessage(
        subject=f"A letter from the {nomination.programme.name}",
        body=render_to_string("night/email/letter.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[adult_email],
        reply_to=[event.organiser_contact_email],
    )
