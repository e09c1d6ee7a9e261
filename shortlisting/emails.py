"""E-mails to panel members, built by the outbox when each is sent (mail.registry). They name no
young person: blind review starts in the inbox."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mail.enums import EmailKind
from mail.models import EmailDelivery
from mail.registry import registered

from .models import PanelMember
from .selectors import panel_progress


def _member(delivery: EmailDelivery) -> PanelMember:
    return PanelMember.objects.select_related("user", "panel__programme").get(pk=delivery.object_id)


@registered(EmailKind.PANEL_INVITATION)
def panel_invitation(delivery: EmailDelivery) -> EmailMessage:
    """A new member's invitation, with a link to choose a password. The link is made now: it is
    valid for PASSWORD_RESET_TIMEOUT from when it is sent, and stops working once used."""
    member = _member(delivery)
    user = member.user
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return EmailMessage(
        subject=f"You are invited to the {member.panel.programme.name} panel",
        body=render_to_string("shortlisting/email/invitation.txt", {"member": member, "link": link}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


@registered(EmailKind.PANEL_REMINDER)
def panel_reminder(delivery: EmailDelivery) -> EmailMessage | None:
    """How many nominations are still waiting for the member's scores; nothing when none are."""
    member = _member(delivery)
    progress = next(p for p in panel_progress(member.panel) if p.member.pk == member.pk)
    if progress.left <= 0 or not member.user.email:
        return None
    return EmailMessage(
        subject=f"{progress.left} nominations are waiting for your scores",
        body=render_to_string(
            "shortlisting/email/reminder.txt",
            {"member": member, "progress": progress, "link": settings.SITE_URL + reverse("shortlisting:queue")},
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[member.user.email],
    )
