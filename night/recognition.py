"""Recognition sent home: each nominee's certificate (and letter) through the outbox to the
responsible adult (the carer who nominated, else the allocated worker: events.selectors), as a
private link made when the e-mail is sent, never a public URL or an attachment a forwarded e-mail
would carry.

A link opens the young person's own documents only, for PROUD_RECOGNITION_LINK_DAYS days; only the
SHA-256 of its token is kept (RecognitionLink). Before the night, a winner's or highly commended
nominee's certificate is held back, so no result reaches anyone before it is announced."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from awards.rules import is_organiser
from events.models import Event
from events.selectors import responsible_adult
from mail.enums import EmailKind
from mail.errors import NotAllowed
from mail.services import email_queue
from nominations.models import Nomination
from nominations.selectors import hash_token

from .certificates import CertificateKind, certificate_kind, certificate_nominations
from .models import RecognitionLink

# Kinds of certificate that tell a result, held back until the night has started.
RESULT_KINDS = (CertificateKind.WINNER, CertificateKind.HIGHLY_COMMENDED)


def recognition_link_create(nomination: Nomination) -> str:
    """A new private link to the nomination's certificate and letter; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    RecognitionLink.objects.create(nomination=nomination, token_hash=hash_token(token))
    return token


def nomination_for_recognition_link(token: str, now=None) -> Nomination | None:
    """The nomination a recognition link opens, or None (unknown, expired, or no longer one that
    gets a certificate)."""
    if not token or len(token) > 100:
        return None
    now = now or timezone.now()
    link = RecognitionLink.objects.filter(token_hash=hash_token(token)).select_related("nomination").first()
    if link is None or link.created_at < now - timedelta(days=settings.PROUD_RECOGNITION_LINK_DAYS):
        return None
    nomination = link.nomination
    event = Event.objects.filter(programme_id=nomination.programme_id).first()
    if event is None or not certificate_nominations(event).filter(pk=nomination.pk).exists():
        return None
    return nomination


def certificate_held_back(nomination: Nomination, event: Event, now=None) -> bool:
    return certificate_kind(nomination) in RESULT_KINDS and (now or timezone.now()) < event.starts_at


@dataclass
class CertificatesSent:
    queued: int = 0
    already: int = 0
    held_back: list[Nomination] = field(default_factory=list)
    no_address: list[Nomination] = field(default_factory=list)


def certificates_send(*, event: Event, actor, now=None) -> CertificatesSent:
    """Queue an e-mail with a private link to each certificate, to the responsible adult: once per
    nomination (sending again queues only those not sent yet). Winners' and highly commended
    certificates wait for the night; a nominee the safeguarding check says not to contact gets
    nothing (certificate_nominations leaves them out)."""
    if not is_organiser(actor, event.programme_id):
        raise NotAllowed("Only the programme's organisers can send certificates.")
    now = now or timezone.now()
    result = CertificatesSent()
    with transaction.atomic():
        for nomination in certificate_nominations(event).select_related("nominee__allocated_worker"):
            if certificate_held_back(nomination, event, now):
                result.held_back.append(nomination)
                continue
            if not responsible_adult(nomination)[1]:
                result.no_address.append(nomination)
                continue
            delivery = email_queue(
                kind=EmailKind.CERTIFICATE, about=nomination, key=f"certificate:{nomination.pk}", programme_id=event.programme_id
            )
            if delivery is None:
                result.already += 1
            else:
                result.queued += 1
    return result
