"""E-mails about nominations, built by the outbox when each is sent (mail.registry). No young
person's name appears in them: the nominator knows who they nominated, and an e-mail can be
forwarded or read over a shoulder."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from mail.enums import EmailKind
from mail.models import EmailDelivery
from mail.registry import registered

from .models import Nomination
from .services import nomination_link_create


def private_link(token: str) -> str:
    return settings.SITE_URL + reverse("nominations:private-link", kwargs={"token": token})


@registered(EmailKind.NOMINATION_RECEIVED)
def nomination_received(delivery: EmailDelivery) -> EmailMessage:
    """The nominator's receipt with a private link to see or withdraw the nomination. The link is
    made now, so a message sent late (the mail server was down) carries a link that works."""
    nomination = Nomination.objects.select_related("category", "programme").get(pk=delivery.object_id)
    context = {"nomination": nomination, "link": private_link(nomination_link_create(nomination))}
    return EmailMessage(
        subject=f"Your nomination {nomination.reference} for the {nomination.programme.name}",
        body=render_to_string("nominations/email/received.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[nomination.nominator_email],
    )
