"""The party's QR code: a door code made when an invitation is accepted, on the RSVP page and in
the confirmation e-mail, never the RSVP token; the door finds the party by it and checks it in."""

import re

import pytest
from django.core import mail
from django.test import Client

from awards.enums import Role
from events.links import door_code_hash, door_code_read, door_code_text
from events.models import Guest
from events.services import GuestInput, RsvpAnswer, rsvp_respond
from tests.conftest import user_with_role
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(sent_invitation, django_capture_on_commit_callbacks):
    invitation, token = sent_invitation
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), GuestInput(name="Jo Carer", relationship="carer"))))
    invitation.refresh_from_db()
    return invitation, token


def test_a_door_code_is_made_once_when_the_invitation_is_accepted(sent_invitation):
    invitation, _ = sent_invitation
    assert invitation.door_code is None

    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""),)))
    invitation.refresh_from_db()
    first = invitation.door_code
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), GuestInput(name="Jo"))))
    invitation.refresh_from_db()

    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", first) and invitation.door_code == first


def test_a_door_code_is_read_however_it_is_typed():
    assert door_code_read("PROUD-K7QM4TXPAB") == "K7QM4TXPAB"
    assert door_code_read(" k7qm4 txpab ") == "K7QM4TXPAB"
    assert door_code_read("PROUD-K7QM4TXPA0") is None  # no 0, O, 1 or I
    assert door_code_read("Jo Carer") is None


def test_the_rsvp_page_shows_the_qr_code_and_door_code_not_the_link(client, accepted):
    invitation, token = accepted
    client.get(f"/rsvp/{token}/")

    page = client.get("/rsvp/").content.decode()

    assert '<svg role="img" aria-label="QR code for the door"' in page
    assert f"Door code {door_code_text(invitation.door_code)}" in page
    assert token not in page


def test_the_confirmation_e_mail_carries_the_qr_code_and_door_code(accepted):
    invitation, token = accepted

    (message,) = [m for m in mail.outbox if m.subject.startswith("Your answer")]

    assert door_code_text(invitation.door_code) in message.body and token not in message.body
    (attachment,) = message.attachments
    assert attachment[0] == "door-qr-code.png" and attachment[1].startswith(b"\x89PNG") and attachment[2] == "image/png"


def test_the_door_finds_the_party_by_its_code_and_checks_everyone_in(accepted, programme):
    invitation, _ = accepted
    door = Client()
    door.force_login(user_with_role(programme, Role.EVENT_STAFF, "door"))

    page = door.get(f"/event/{invitation.event_id}/door/", {"q": f"PROUD-{invitation.door_code}"}).content.decode()
    assert "The party with this door code" in page and "Jo Carer" in page and "2 guests found." in page
    assert page.count(f'data-door="{door_code_hash(invitation.door_code)}"') == 2
    assert f"data-door=\"{invitation.door_code}" not in page  # the rows carry its hash, not the code

    response = door.post(f"/event/{invitation.event_id}/door/party/", {"code": door_code_text(invitation.door_code)}, follow=True)

    assert "2 guests of the party checked in; 0 had arrived already." in response.content.decode()
    assert Guest.objects.filter(invitation=invitation, checked_in_at__isnull=False).count() == 2
    again = door.post(f"/event/{invitation.event_id}/door/party/", {"code": invitation.door_code}, follow=True)
    assert "0 guests of the party checked in; 2 had arrived already." in again.content.decode()


def test_a_code_that_is_no_party_s_is_refused_and_another_programme_s_door_is_404(accepted):
    invitation, _ = accepted
    door = Client()
    door.force_login(user_with_role(invitation.event.programme, Role.EVENT_STAFF, "door"))
    stranger = Client()
    stranger.force_login(user_with_role(ProgrammeFactory(), Role.EVENT_STAFF, "other-door"))

    refused = door.post(f"/event/{invitation.event_id}/door/party/", {"code": "PROUD-AAAAAAAAAA"})

    assert refused.status_code == 400 and "No party has this door code" in refused.content.decode()
    assert stranger.post(f"/event/{invitation.event_id}/door/party/", {"code": invitation.door_code}).status_code == 404
    assert Guest.objects.filter(checked_in_at__isnull=False).count() == 0
