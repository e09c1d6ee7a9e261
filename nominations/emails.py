"""E-mails about nominations. No young person's name appears in them: the nominator
knows who they nominated, and an e-mail can be forwarded or read over a shoulder."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Nomination


def private_link(token: str) -> str:
    return settings.SITE_URL + reverse("nominations:private-link", kwargs={"token": token})


def send_nomination_received(*, nomination_id: int, token: str) -> None:
    nomination = Nomination.objects.select_related("category", "programme").get(pk=nomination_id)
    context = {"nomination": nomination, "link": private_link(token)}
    send_mail(
        subject=f"Your nomination {nomination.reference} for the {nomination.programme.name}",
        message=render_to_string("nominations/email/received.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[nomination.nominator_email],
    )
