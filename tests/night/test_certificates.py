"""Certificates as PDF: the kinds and their wording, the chosen name, the organisers' preview and
downloads, and sending them home through the outbox with a private link."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from awards.enums import Role
from mail.enums import EmailKind
from mail.models import EmailDelivery
from nominations.enums import NominationStatus, Relationship
from tests.conftest import user_with_role
from tests.factories import NominationFactory, NomineeFactory, NomineeGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def nominations(programme, category, event):
    """One of each kind, a group, and a nominee the safeguarding check says not to contact."""
    def young(first, last, **kwargs):
        return NomineeFactory(programme=programme, legal_first_name=first, legal_last_name=last, **kwargs)

    return {
        "nominated": NominationFactory(
            programme=programme, category=category, status=NominationStatus.ELIGIBLE,
            nominee=young("Chiamaka", "Okonkwo-Smythe", preferred_name="Chi", chosen_name="Chi Okonkwo"),
        ),
        "finalist": NominationFactory(programme=programme, category=category, status=NominationStatus.FINALIST,
                                      nominee=young("Rowan", "Featherstonehaugh")),
        "winner": NominationFactory(programme=programme, category=category, status=NominationStatus.WINNER,
                                    nominee=young("Kian", "Brown")),
        "group": NominationFactory(programme=programme, category=category, status=NominationStatus.HIGHLY_COMMENDED,
                                   nominee=None, group=NomineeGroupFactory(programme=programme, name="The Riverside Choir")),
        "no_contact": NominationFactory(programme=programme, category=category, status=NominationStatus.FINALIST,
                                        nominee=young("Sable", "Quillfeather", contact_allowed=False)),
        "not_eligible": NominationFactory(programme=programme, category=category, status=NominationStatus.SUBMITTED,
                                          nominee=young("Ivo", "Notyet")),
    }


def pages(content: bytes) -> list[str]:
    """Each page's text without white space (text extraction guesses spaces from glyph positions,
    and puts one in "Certif icate" as readily as it leaves one out between paragraphs)."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_all_certificates_one_a_page_each_with_its_kind_and_chosen_name(as_user, organiser, event, nominations, category):
    response = as_user(organiser).get(f"/event/{event.pk}/documents/certificates.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="certificates-')
    text = pages(body(response))
    assert len(text) == 4
    by_name = {name: page for page in text for name in ("Chi Okonkwo", "Rowan Featherstonehaugh", "Kian Brown", "The Riverside Choir") if squash(name) in page}
    assert squash("Certificate of Nomination") in by_name["Chi Okonkwo"] and squash("was nominated for") in by_name["Chi Okonkwo"]
    assert squash("Finalist Certificate") in by_name["Rowan Featherstonehaugh"]
    assert squash("Winner's Certificate") in by_name["Kian Brown"] and "whowon" in by_name["Kian Brown"]
    assert squash("Certificate of High Commendation") in by_name["The Riverside Choir"]
    for page in text:
        assert squash(category.name) in page and squash(event.programme.name) in page and "JoExample" in page
    everything = " ".join(text)
    assert "Okonkwo-Smythe" not in everything and "Chiamaka" not in everything  # the chosen name only
    assert "Quillfeather" not in everything and "Notyet" not in everything


def test_one_certificate_previews_in_the_browser_and_downloads(as_user, organiser, event, nominations):
    client = as_user(organiser)
    pk = nominations["winner"].pk

    preview = client.get(f"/event/{event.pk}/documents/certificates/{pk}/preview.pdf")
    download = client.get(f"/event/{event.pk}/documents/certificates/{pk}.pdf")

    assert preview["Content-Disposition"].startswith("inline;") and preview["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"].startswith('attachment; filename="certificate-')
    assert ["KianBrown" in page for page in pages(body(preview))] == [True]
    assert ["KianBrown" in page for page in pages(body(download))] == [True]


def test_no_certificate_for_a_nominee_not_to_be_contacted_and_the_page_says_why(as_user, organiser, event, nominations):
    client = as_user(organiser)

    refused = client.get(f"/event/{event.pk}/documents/certificates/{nominations['no_contact'].pk}.pdf")
    page = client.get(f"/event/{event.pk}/documents/").content.decode()

    assert refused.status_code == 404
    assert "Their safeguarding check says they must not be contacted" in page
    assert nominations["no_contact"].reference in page


def test_certificates_pages_are_the_organisers_only(client, event, nominations, programme):
    door = user_with_role(programme, Role.EVENT_STAFF, "door")
    client.force_login(door)

    assert client.get(f"/event/{event.pk}/documents/").status_code == 404
    assert client.get(f"/event/{event.pk}/documents/certificates.pdf").status_code == 404


def test_sending_puts_each_certificate_in_the_outbox_to_the_responsible_adult_and_holds_results_until_the_night(
    as_user, organiser, event, nominations, django_capture_on_commit_callbacks
):
    finalist = nominations["finalist"]
    finalist.nominator_relationship = Relationship.TEACHER
    finalist.save()
    worker = finalist.nominee.allocated_worker = user_with_role(event.programme, Role.STAFF, "worker")
    worker.email = "worker@example.org"
    worker.save()
    finalist.nominee.save()
    client = as_user(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/event/{event.pk}/documents/certificates/send/", follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "2 certificates put in the outbox to the responsible adults. "
        "2 winners' and highly commended certificates wait for the night, so no result is out before it is announced."
    ]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([nominations["nominated"].nominator_email, "worker@example.org"])
    for message in mail.outbox:
        assert message.subject == f"A certificate from the {event.programme.name}"
        assert "Rowan" not in message.subject and "Chi" not in message.subject
        assert ".pdf" not in message.body and not message.attachments
    message = next(m for m in mail.outbox if m.to == ["worker@example.org"])
    assert "Rowan F. has a certificate" in message.body
    token = re.search(r"/recognition/([A-Za-z0-9_-]{20,})/", message.body).group(1)

    # Again: nothing new to send.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/event/{event.pk}/documents/certificates/send/", follow=True)
    assert [str(m) for m in again.context["messages"]][-1].startswith("0 certificates put in the outbox")
    assert EmailDelivery.objects.filter(kind=EmailKind.CERTIFICATE).count() == 2

    # The private link: a page for the adult, and the certificate itself.
    anonymous = client.__class__()
    page = anonymous.get(f"/recognition/{token}/")
    assert page.status_code == 200 and "Recognition for Rowan F." in page.content.decode()
    assert {"private", "no-store"} <= {d.strip() for d in page["Cache-Control"].split(",")}
    assert page["Referrer-Policy"] == "no-referrer"
    pdf = anonymous.get(f"/recognition/{token}/certificate.pdf")
    assert pdf["Cache-Control"] == "private, no-store"
    assert ["RowanFeatherstonehaugh" in p and "FinalistCertificate" in p for p in pages(body(pdf))] == [True]


def test_after_the_night_the_results_go_too(as_user, organiser, event, nominations, django_capture_on_commit_callbacks):
    event.starts_at = timezone.now() - timedelta(hours=1)
    event.doors_open_at = event.starts_at - timedelta(minutes=30)
    event.rsvp_deadline = event.starts_at - timedelta(days=1)
    event.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(organiser).post(f"/event/{event.pk}/documents/certificates/send/", follow=True)

    assert [str(m) for m in response.context["messages"]] == ["4 certificates put in the outbox to the responsible adults."]
    assert len(mail.outbox) == 4


def test_a_link_that_is_not_one_or_has_expired_opens_nothing(client, settings, as_user, organiser, event, nominations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(organiser).post(f"/event/{event.pk}/documents/certificates/send/")
    token = re.search(r"/recognition/([A-Za-z0-9_-]{20,})/", mail.outbox[0].body).group(1)

    assert client.get("/recognition/not-a-token/").status_code == 404
    assert client.get("/recognition/not-a-token/certificate.pdf").status_code == 404
    settings.PROUD_RECOGNITION_LINK_DAYS = 0
    assert client.get(f"/recognition/{token}/").status_code == 404
    assert client.get(f"/recognition/{token}/certificate.pdf").status_code == 404


def test_a_recognition_link_s_token_never_reaches_the_logs():
    from config.logging import redact

    assert redact("Not Found: /recognition/Zm9vYmFyYmF6/certificate.pdf") == "Not Found: /recognition/[redacted]/certificate.pdf"
