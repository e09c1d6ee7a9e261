"""A young person says how they'd like to be celebrated, on a phone 320 px wide, from the link in
their own e-mail (issue 22): every choice, a hand-made choice beyond the check refused, and each
choice then in the running order, the compere script and the photographer's sheet."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards.enums import Role
from events.models import CelebrationChoices, Guest
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitations_send, rsvp_respond
from night.exporters import EventNightWorkbook
from night.services import running_order_generate
from nominations.enums import ConsentGiver, ConsentPurpose, PublicityLevel
from nominations.models import Consent
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, ConsentFactory, EventFactory, ProgrammeFactory
from tests.worlds import cleared_nominee, confirmed_finalists

from .conftest import AXE

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 700}


def no_violations(journey, label: str) -> None:
    """axe finds nothing at all (any impact), and nothing is wider than the phone."""
    journey.check(label)
    results = AXE.run(journey.page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
    assert [v["id"] for v in results.response["violations"]] == [], label
    assert journey.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label


def sheet(workbook: EventNightWorkbook, title: str) -> list[list]:
    for spec in workbook.sheets():
        if spec.title == title:
            return [list(row) for row in spec.rows]
    raise AssertionError(title)


def test_a_young_person_chooses_how_they_are_celebrated_on_a_phone(journey, settings, live_server):
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory()
    category = CategoryFactory(programme=programme, name="Positive Choices")
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    event = EventFactory(programme=programme, walk_on_music_choices="Happy – Pharrell Williams\nGood as Hell – Lizzo")
    nominee = cleared_nominee(
        programme, legal_first_name="Rowan", legal_last_name="Featherstonehaugh", date_of_birth=dt.date(2012, 3, 1),
        publicity_level=PublicityLevel.FIRST_NAME_INITIAL, photography_allowed=True, safe_contact_email="rowan@example.org",
    )
    ConsentFactory(nominee=nominee, purpose=ConsentPurpose.PHOTOGRAPHED)
    confirmed_finalists(programme, category, [nominee])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    invitations_send(event=event, actor=organiser)
    (own,) = [m for m in mail.outbox if m.to == ["rowan@example.org"]]
    link = re.search(r"http\S+/celebrate/\S+/", own.body).group(0)
    invitation.refresh_from_db()
    rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=True, party=(
        GuestInput(name="", photography_consent=True), GuestInput(name="Jo Carer", relationship="carer", photography_consent=True),
    )))
    running_order_generate(event=event, actor=organiser)

    rowan = journey("young-person", phone=True)
    page = rowan.page
    page.set_viewport_size(NARROW)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/celebrate/$"))  # the token has left the address bar
    expect(page.get_by_text("Well done, Rowan! You are a finalist in the Positive Choices award.")).to_be_visible()
    # Never more than the check allows: no full name to choose.
    expect(page.get_by_label(re.compile("Featherstonehaugh"))).to_have_count(0)
    no_violations(rowan, "how you'd like to be celebrated")

    # Sent by hand: a name more identifying than the check allows is refused, nothing written.
    page.get_by_label("“Rowan”: just your first name").check()
    page.evaluate("document.querySelector(\"input[name='say-publicity_level']:checked\").value = 'full_name'")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("link", name="Choose one of the names shown.")).to_be_visible()
    no_violations(rowan, "a name beyond the check refused")
    nominee.refresh_from_db()
    assert nominee.own_publicity_level == "" and not CelebrationChoices.objects.exists()

    page.get_by_label("“Rowan”: just your first name").check()
    page.get_by_label("How do you say your first name?").fill("ROH-an")
    page.get_by_label("Good as Hell – Lizzo").check()
    page.get_by_label("Only group photos, not just me on my own").check()
    page.get_by_label("Jo Carer").check()
    page.get_by_label("A quiet place to go if it gets too much").check()
    page.get_by_label("Arriving early, before it gets busy").check()
    page.get_by_label("Just a few words, like thank you").check()
    rowan.shot("filled in")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Thank you! We've saved your choices.")).to_be_visible()
    expect(page.locator("dd", has_text="ROH-an")).to_be_visible()
    no_violations(rowan, "saved")

    # Recorded as theirs.
    nominee.refresh_from_db()
    assert (nominee.own_publicity_level, nominee.own_photos) == ("first_name", "group_only")
    assert Consent.objects.get(nominee=nominee, purpose=ConsentPurpose.PHOTOGRAPHED, withdrawn_at__isnull=True).given_by == ConsentGiver.YOUNG_PERSON
    assert "quiet_space" in Guest.objects.get(invitation=invitation, position=0).access_needs

    # Followed at once by the night's outputs.
    staff = journey("organiser")
    staff.login("organiser")
    for path in (f"/event/{event.pk}/running-order/", f"/event/{event.pk}/compere-script/"):
        shown = staff.go(path)
        item = shown.locator(".finalists__item").first
        expect(item.locator(".finalists__name")).to_have_text("Rowan")
        expect(item).to_contain_text("Say it: ROH-an")
        expect(item).to_contain_text("Walk-on music, their choice: Good as Hell – Lizzo")
        expect(item).to_contain_text("If they win: Just a few words, like thank you")
    staff.go(f"/event/{event.pk}/own-say/")
    expect(staff.page.get_by_text("Answered (1)")).to_be_visible()
    staff.check("the organisers' list of choices")

    workbook = EventNightWorkbook(event)
    finalists = sheet(workbook, "Finalists by category")
    assert [(row[1], row[2], row[-1]) for row in finalists] == [("Rowan", "ROH-an", "GROUP ONLY")]
    photography = sheet(EventNightWorkbook(event), "Photography")
    assert [(row[0], row[-1]) for row in photography] == [("Rowan F.", "their own choice: group photos only")]
