"""A system check on the outbox's claim: it must outlast the slowest send that still succeeds, or
a second worker takes a message over while the first is still sending it (mail.delivery)."""

from django.conf import settings
from django.core.checks import Warning, register

# An SMTP send is at most this many steps of EMAIL_TIMEOUT each: connect, EHLO, STARTTLS, AUTH,
# MAIL FROM, RCPT TO, DATA, and the end of the data.
SMTP_STEPS = 8


@register()
def claim_outlasts_a_send(app_configs, **kwargs):
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return []
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if not timeout:
        return [
            Warning(
                "EMAIL_TIMEOUT is not set: a mail server that stops answering holds a worker, and its "
                "claim runs out while it waits.",
                hint="Set EMAIL_TIMEOUT (seconds, e.g. 30).",
                id="mail.W001",
            )
        ]
    lease = settings.PROUD_MAIL_CLAIM_SECONDS
    if lease < SMTP_STEPS * timeout:
        return [
            Warning(
                f"PROUD_MAIL_CLAIM_SECONDS ({lease}) is shorter than {SMTP_STEPS} × EMAIL_TIMEOUT ({timeout}): a slow "
                "send can be taken over by another worker and the message sent twice.",
                hint=f"Set PROUD_MAIL_CLAIM_SECONDS to at least {SMTP_STEPS * timeout}.",
                id="mail.W002",
            )
        ]
    return []
