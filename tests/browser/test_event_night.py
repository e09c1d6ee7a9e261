"""The night: a volunteer checks guests in on a phone (also with no signal), and the organiser
downloads the event-night workbook."""

import re
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.enums import Role
from events.enums import InvitationStatus
from events.models import Guest, Invitation
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, rsvp_respond
from night.services import running_order_generate, seating_assign, tables_set
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, EventFactory, ProgrammeFactory
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def night_event():
    programme = ProgrammeFactory()
    category = CategoryFactory(programme=programme, name="Positive Choices")
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    user_with_role(programme, Role.EVENT_STAFF, "door")
    event = EventFactory(programme=programme)
    nominees = [cleared_nominee(programme, legal_first_name=name) for name in ("Rowan", "Skye")]
    confirmed_finalists(programme, category, nominees)
    finalist_invitations_create(event=event, actor=organiser)
    for number, invitation in enumerate(Invitation.objects.filter(event=event).order_by("pk")):
        invitation.status = InvitationStatus.SENT
        invitation.save()
        guest = GuestInput(name=("Jo Carer", "Sam Carer")[number], relationship="carer", access_needs=("wheelchair",) if number else ())
        rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(GuestInput(name=""), guest)))
    running_order_generate(event=event, actor=organiser)
    tables_set(event=event, actor=organiser, tables=[(1, 6, True), (2, 6, False)])
    seating_assign(event=event, actor=organiser)
    return event


def test_a_volunteer_checks_guests_in_on_a_phone_even_without_signal(journey, night_event):
    volunteer = journey("door", phone=True)
    volunteer.login("door")
    page = volunteer.go(f"/event/{night_event.pk}/door/")
    volunteer.check("door")

    page.get_by_label("Find a guest by name, table number or door code").fill("Jo")
    page.get_by_role("button", name="Find").click()
    volunteer.shot("found jo")
    page.get_by_role("button", name=re.compile(r"Check in\W+Jo Carer")).click()
    expect(page.get_by_role("button", name=re.compile(r"Undo\W+Jo Carer has not arrived"))).to_be_visible()
    volunteer.check("jo arrived")

    # The signal drops: the next arrival is kept on the phone and sent when it comes back.
    page.goto(volunteer.base_url + f"/event/{night_event.pk}/door/?q=Sam")
    volunteer.context.set_offline(True)
    page.get_by_role("button", name=re.compile(r"Check in\W+Sam Carer")).click()
    expect(page.get_by_role("button", name=re.compile(r"Undo\W+Sam Carer has not arrived"))).to_be_visible()
    volunteer.shot("sam arrived offline")
    assert Guest.objects.get(name="Sam Carer").checked_in_at is None
    # Opened again with no signal: the phone's copy says it is offline and how old its totals are.
    page.reload()
    expect(page.locator("[data-door-status]")).to_contain_text("No connection")
    expect(page.locator("[data-door-status]")).to_contain_text("Totals as of")
    volunteer.shot("reloaded offline")
    volunteer.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        "() => !localStorage.length || Object.values(localStorage).every(v => !v.includes('\"guest\"'))", timeout=15_000
    )
    page.wait_for_timeout(500)
    assert Guest.objects.get(name="Sam Carer").checked_in_at is not None
    assert Guest.objects.filter(event=night_event, checked_in_at__isnull=False).count() == 2
    volunteer.console_errors.clear()  # the failed request while offline is expected
    page.reload()
    volunteer.check("back online")


def test_the_organiser_downloads_the_event_night_workbook(journey, night_event):
    organiser = journey("organiser")
    organiser.login("organiser")
    page = organiser.go(f"/event/{night_event.pk}/running-order/")
    organiser.check("running order")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Event-night workbook (XLSX)").click()
    download = download_info.value
    with open(download.path(), "rb") as file:
        workbook = load_workbook(BytesIO(file.read()))
    assert download.suggested_filename.endswith(".xlsx")
    assert workbook.sheetnames == [
        "Running order", "Compere script", "Finalists by category", "Guest list", "Table plan",
        "Dietary and access", "Photography", "Presenters",
    ]
    assert workbook["Guest list"].max_row - 1 == Guest.objects.filter(event=night_event).count()


def test_the_phone_keeps_the_whole_list_and_finds_anyone_as_the_volunteer_types(journey, night_event, monkeypatch):
    # A page of one row stands for a screenful of thousands: the others come in the list the
    # phone keeps (door.js), searched as the volunteer types, and checked in from there.
    monkeypatch.setattr("night.views.DOOR_ROWS", 1)
    volunteer = journey("door-list", phone=True)
    volunteer.login("door")
    page = volunteer.go(f"/event/{night_event.pk}/door/")
    expect(page.locator("#door")).to_have_attribute("data-door-list-ready", "network")
    expect(page.locator("[data-door-count]")).to_have_text("The first 1 of 4 guests, by name. Search to find anyone else.")

    page.get_by_label("Find a guest by name, table number or door code").press_sequentially("sam c")
    expect(page.get_by_role("heading", name="Guests matching “sam c”")).to_be_visible()
    expect(page.locator("[data-door-count]")).to_have_text("1 guest found.")
    sam = Guest.objects.get(name="Sam Carer")
    expect(page.locator(f"#guest-{sam.pk}")).to_contain_text("Access: Wheelchair")
    page.get_by_role("button", name=re.compile(r"Check in\W+Sam Carer")).click()
    expect(page.get_by_role("button", name=re.compile(r"Undo\W+Sam Carer has not arrived"))).to_be_visible()
    page.wait_for_function(f"() => !(localStorage.getItem('proud-door-queue-{night_event.pk}') || '').includes('guest')")
    sam.refresh_from_db()
    assert sam.checked_in_at is not None
    expect(page.locator('[data-total="arrived"]')).to_have_text("1")
    volunteer.shot("found by typing and checked in")

    # Another phone checks Jo in: the next poll (a bitmap of who arrived) shows it on this one.
    jo = Guest.objects.get(name="Jo Carer")
    Guest.objects.filter(pk=jo.pk).update(checked_in_at=timezone.now())
    page.get_by_label("Find a guest by name, table number or door code").fill("jo")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(f"#guest-{jo.pk} [data-arrived-text]")).to_have_text("Checked in", timeout=20_000)
    expect(page.locator('[data-total="arrived"]')).to_have_text("2")
    # The table searched for says how full it is.
    table = Guest.objects.get(pk=jo.pk).table.number
    page.get_by_label("Find a guest by name, table number or door code").fill(str(table))
    expect(page.locator("[data-table-row]")).to_contain_text("Checked in at this table:")
    volunteer.check("a table searched on the phone")
