"""The running order page, its API and the event-night workbook say the same thing about each
finalist, in the same words, because all three read night.selectors.night_lines."""

import re
from html import unescape
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from events.services import invitation_revoke
from night.exporters import EventNightWorkbook
from night.selectors import Presence, night_lines
from night.services import guest_check_in, running_order_generate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_finalists(night, event, organiser):
    """In the first award: one finalist in the room, one not yet arrived, one not coming."""
    arrived, waiting = night["invitations"][0], night["invitations"][1]
    guest_check_in(guest=arrived.guests.get(position=0), actor=organiser)
    invitation_revoke(invitation=night["invitations"][2], actor=organiser, reason="Unwell")
    running_order_generate(event=event, actor=organiser)
    return night


def test_presence_is_one_vocabulary_on_the_page_the_api_and_the_workbook(three_finalists, event, organiser):
    lines = night_lines(event, sealed_winners=True)
    # Lists in the running order's order, not dicts by name: two finalists may share a room name
    # ("A young person from our care", or a generated namesake).
    expected = [(f.name, f.presence) for line in lines for f in line.finalists]
    assert {presence for _, presence in expected} == {Presence.ARRIVED, Presence.NOT_YET, Presence.NOT_COMING}

    api = client_for(organiser).get(f"/api/v1/events/{event.pk}/running-order/").json()
    from_api = [(f["announce_name"], Presence(f["in_the_room"])) for item in api for f in item["finalists"]]

    client = Client()
    client.force_login(organiser)
    page = client.get(f"/event/{event.pk}/running-order/").content.decode()
    from_page = [
        (unescape(name.strip()), Presence(value))
        for name, value in re.findall(
            r'<span class="finalists__name">([^<]+)</span>.*?<span class="presence presence--(\w+)">', page, re.S
        )
    ]
    page_labels = set(re.findall(r'<span class="presence presence--\w+">([^<]+?)(?: since|</span>)', page))

    sheet = load_workbook(BytesIO(EventNightWorkbook(event).export_to_bytes()))["Running order"]
    cells = "\n".join(str(row[9] or "") for row in sheet.iter_rows(min_row=2, values_only=True))
    from_workbook = [
        (name, next(p for p in Presence if label.startswith(p.label)))
        for name, label in re.findall(r"^(.+?): (.+)$", cells, re.M)
    ]

    assert from_api == from_page == from_workbook == expected
    assert {label.lower() for label in page_labels} == {p.label for p in Presence}
