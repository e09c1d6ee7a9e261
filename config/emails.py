"""The password reset e-mail, through the outbox like every other (mail.registry): the reset link is
made when the message is sent, so it is never stored, and a mail server that is down delays it
instead of losing it. The page that asks for it is Django's, with PasswordResetForm below."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mail.enums import EmailKind
from mail.models import EmailDelivery
from mail.registry import registered
from mail.services import email_queue


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form, but each e-mail goes into the outbox instead of straight to the mail server.
    As Django's does, it says nothing about whether an account has that address."""

    def save(self, *args, **kwargs) -> None:
        asked_at = timezone.now().isoformat()
        for user in self.get_users(self.cleaned_data["email"]):
            email_queue(kind=EmailKind.PASSWORD_RESET, about=user, key=f"password_reset:{user.pk}:{asked_at}")


@registered(EmailKind.PASSWORD_RESET)
def password_reset(delivery: EmailDelivery) -> EmailMessage | None:
    user = get_user_model().objects.filter(pk=delivery.object_id, is_active=True).first()
    if user is None or not user.email:
        return None
    site = settings.SITE_URL.split("://", 1)
    context = {
        "email": user.email,
        "domain": site[-1].rstrip("/"),
        "site_name": "PROUD Awards",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site[0] if len(site) == 2 else "https",
    }
    subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
    return EmailMessage(
        subject=subject,
        body=render_to_string("registration/password_reset_email.html", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
