"""E-mails to panel members. They name no young person: blind review starts in the inbox."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import PanelMember
from .selectors import panel_progress


def send_panel_invitation(*, member_id: int) -> None:
    member = PanelMember.objects.select_related("user", "panel__programme").get(pk=member_id)
    user = member.user
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    send_mail(
        subject=f"You are invited to the {member.panel.programme.name} panel",
        message=render_to_string("shortlisting/email/invitation.txt", {"member": member, "link": link}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def send_panel_reminder(*, member_id: int) -> bool:
    member = PanelMember.objects.select_related("user", "panel__programme").get(pk=member_id)
    progress = next(p for p in panel_progress(member.panel) if p.member.pk == member.pk)
    if progress.left <= 0 or not member.user.email:
        return False
    send_mail(
        subject=f"{progress.left} nominations are waiting for your scores",
        message=render_to_string(
            "shortlisting/email/reminder.txt",
            {"member": member, "progress": progress, "link": settings.SITE_URL + reverse("shortlisting:queue")},
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[member.user.email],
    )
    return True
