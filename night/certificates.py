"""Certificates as PDF: one for every nomination found eligible, in three kinds (nominated,
finalist, winner or highly commended), each with its own wording, on A4 landscape.

The name on a certificate is the young person's own chosen name (nominations.naming, audience
YOUNG_PERSON); a group's certificate names the group. A nominee whose safeguarding check says not
to contact them gets no certificate, printed or sent (Nominee.contact_allowed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.db.models import Q, QuerySet
from django.utils import timezone

from events.models import Event
from nominations.enums import NominationStatus
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name

from .exporters import CERTIFICATE_STATUSES
from .pdf import Batches, council, write_pdf

TEMPLATE = "night/pdf/certificates.html"


class CertificateKind:
    NOMINATED = "nominated"
    FINALIST = "finalist"
    WINNER = "winner"
    HIGHLY_COMMENDED = "highly_commended"


# (heading, the words before the award, the words after it)
WORDING = {
    CertificateKind.NOMINATED: ("Certificate of Nomination", "was nominated for", "Someone who knows you saw what you have done and wanted it celebrated."),
    CertificateKind.FINALIST: ("Finalist Certificate", "was a finalist for", "Out of every nomination, the panel chose you as one of its finalists."),
    CertificateKind.WINNER: ("Winner's Certificate", "won", "The panel chose you as the winner of this award."),
    CertificateKind.HIGHLY_COMMENDED: ("Certificate of High Commendation", "was highly commended for", "The panel singled you out for high commendation."),
}


def certificate_kind(nomination: Nomination) -> str:
    if nomination.status == NominationStatus.WINNER:
        return CertificateKind.WINNER
    if nomination.status == NominationStatus.HIGHLY_COMMENDED:
        return CertificateKind.HIGHLY_COMMENDED
    if nomination.status == NominationStatus.FINALIST:
        return CertificateKind.FINALIST
    return CertificateKind.NOMINATED


def certificate_nominations(event: Event) -> QuerySet[Nomination]:
    """The nominations of the event's programme that get a certificate: every one found eligible,
    but not of a nominee the safeguarding check says must not be contacted."""
    return (
        Nomination.objects.filter(programme_id=event.programme_id, status__in=CERTIFICATE_STATUSES)
        .filter(Q(nominee__isnull=True) | Q(nominee__contact_allowed=True))
        .select_related("nominee", "group", "category", "programme")
        .order_by("category__display_order", "category__name", "reference")
    )


def no_contact_nominations(event: Event) -> QuerySet[Nomination]:
    """The eligible nominations that get nothing, because the safeguarding check says no contact."""
    return (
        Nomination.objects.filter(programme_id=event.programme_id, status__in=CERTIFICATE_STATUSES, nominee__contact_allowed=False)
        .select_related("category")
        .order_by("category__display_order", "category__name", "reference")
    )


@dataclass(frozen=True)
class Certificate:
    kind: str
    heading: str
    name: str
    before: str
    award: str
    after: str
    programme: str
    date: str


def certificate_for(nomination: Nomination, event: Event) -> Certificate:
    kind = certificate_kind(nomination)
    heading, before, after = WORDING[kind]
    return Certificate(
        kind=kind,
        heading=heading,
        name=nomination_name(Audience.YOUNG_PERSON, nomination),
        before=before,
        award=nomination.category.name,
        after=after,
        programme=nomination.programme.name,
        date=f"{timezone.localtime(event.starts_at):%-d %B %Y}",
    )


def _items(nominations: Iterable[Nomination], event: Event) -> Iterator[Certificate]:
    for nomination in nominations:
        yield certificate_for(nomination, event)


def certificates_write(out: IO[bytes], *, event: Event, nominations: Iterable[Nomination], title: str) -> int:
    """Write the certificates of `nominations` as one tagged PDF, a page each; the page count."""
    batches = Batches(TEMPLATE, _items(nominations, event), {"title": title, **council()})
    return write_pdf(out, title, batches.html())


def certificates_title(event: Event) -> str:
    return f"Certificates, {event.programme.name}"
