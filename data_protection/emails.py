"""The notice that a subject access request waits for review, built by the outbox when it is sent
(mail.registry). It goes to the programme's organisers and names nobody: who the request is about
is on the page it links to, behind sign-in."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from awards.enums import Role
from awards.models import ProgrammeRole
from mail.enums import EmailKind
from mail.models import EmailDelivery
from mail.registry import registered

from .models import SubjectAccessRequest

# UK GDPR: a subject access request is answered within one month (roughly; the page says the date).
ANSWER_WITHIN = timedelta(days=30)


@registered(EmailKind.SUBJECT_ACCESS)
def subject_access_notice(delivery: EmailDelivery) -> EmailMessage | None:
    request = SubjectAccessRequest.objects.select_related("programme").get(pk=delivery.object_id)
    organisers = sorted(
        set(
            ProgrammeRole.objects.filter(programme_id=request.programme_id, role=Role.ORGANISER)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not organisers:
        return None
    context = {
        "request": request,
        "answer_by": (request.created_at + ANSWER_WITHIN).date(),
        "link": settings.SITE_URL + reverse("data-protection:request", kwargs={"request_id": request.pk}),
    }
    return EmailMessage(
        subject=f"A subject access request for the {request.programme.name} needs review",
        body=render_to_string("data_protection/email/subject_access.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=organisers,
    )
