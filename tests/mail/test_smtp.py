"""The outbox against a real SMTP server (aiosmtpd on loopback): stopped while a carer nominates,
started again, and the private link arrives exactly once, and works."""

import re
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client

from mail.enums import DeliveryStatus, EmailKind
from mail.models import EmailDelivery
from nominations.models import Nomination
from tests.nominations.api.test_nominations import payload

pytestmark = pytest.mark.django_db


class Inbox:
    """What the SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    port = free_port()
    inbox = Inbox()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = False
    servers = []

    def start():
        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        servers.append(server)

    def stop():
        servers.pop().stop()

    start()
    yield inbox, start, stop
    while servers:
        stop()


def test_a_nomination_made_while_the_mail_server_is_down_gets_its_link_once_it_is_back(
    smtp, category, api, django_capture_on_commit_callbacks
):
    inbox, start, stop = smtp
    stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/nominations/", payload(category), format="json")

    assert response.status_code == 201
    receipt = EmailDelivery.objects.get(kind=EmailKind.NOMINATION_RECEIVED)
    assert (receipt.status, receipt.attempts, inbox.messages) == (DeliveryStatus.PENDING, 1, [])
    assert "ConnectionRefusedError" in receipt.last_error

    start()
    call_command("send_queued_email")  # the back-off has not passed: nothing yet
    assert inbox.messages == []
    EmailDelivery.objects.filter(pk=receipt.pk).update(next_attempt_at=receipt.created_at)  # it has now
    call_command("send_queued_email")
    call_command("send_queued_email")  # and again: nothing is sent twice

    ((recipients, message),) = inbox.messages
    nomination = Nomination.objects.get()
    assert recipients == [nomination.nominator_email]
    assert nomination.reference in message["Subject"]
    link = re.search(r"https?://[^/\s]+(/n/[A-Za-z0-9_-]{40,}/)", message.get_payload(decode=True).decode())
    opened = Client().get(link.group(1))
    assert (opened.status_code, opened["Location"]) == (302, "/my-nomination/")
    assert EmailDelivery.objects.get(pk=receipt.pk).status == DeliveryStatus.SENT
