"""From a young person's phone to the printed badge (issue 22): the badges are printed, then the
young person chooses on /celebrate/ to be called by their first name only and to have no photos
taken; the organiser sees the choice, and that the badge printed earlier must be printed again;
the badge they print again, read with pypdf, shows the chosen name and the no-photographs mark,
the photographer's sheet counts them, and the flag clears."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards.enums import Role
from events.services import GuestInput, RsvpAnswer, finalist_invitations_create, invitations_send, rsvp_respond
from night.models import PrintRun
from night.services import seating_assign, tables_set
from nominations.enums import ConsentPurpose, PublicityLevel
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, ConsentFactory, EventFactory, ProgrammeFactory
from tests.night.pdfs import alts, pages, squash
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
MARK = "Marked: no photographs"


def downloaded(page, click) -> bytes:
    """What the browser saved when `click` started a download (a PDF from a form or a link)."""
    with page.expect_download() as started:
        click()
    return Path(started.value.path()).read_bytes()


def fits(page, label: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{label}: wider than the screen"


def test_a_choice_made_on_a_phone_reaches_the_badge_reprinted_and_the_photographers_sheet(journey, settings, live_server):
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
    tables_set(event=event, actor=organiser, tables=[(1, 10, True)])
    seating_assign(event=event, actor=organiser)

    # The organiser prints the badges before the young person has chosen: "Rowan F.", no mark.
    staff = journey("organiser")
    staff.login("organiser")
    documents = f"/event/{event.pk}/documents/"
    page = staff.go(documents)
    badges = page.locator("form.print-part", has=page.get_by_role("heading", name="Name badges"))
    first = downloaded(page, lambda: badges.get_by_role("button", name="Download all name badges (PDF)").click())
    (text,) = pages(first)
    assert "RowanF." in text and "Featherstonehaugh" not in text and MARK not in alts(first)

    # On their phone, from the link in their own e-mail.
    rowan = journey("young-person", phone=True)
    phone = rowan.page
    phone.set_viewport_size(PHONE)
    phone.goto(link)
    expect(phone.get_by_text("Well done, Rowan! You are a finalist in the Positive Choices award.")).to_be_visible()
    fits(phone, "their page")
    phone.get_by_label("“Rowan”: just your first name").check()
    phone.get_by_label("Good as Hell – Lizzo").check()
    phone.get_by_label("No photos of me").check()
    phone.get_by_label("Arriving early, before it gets busy").check()
    phone.get_by_label("An adult I know staying close by").check()
    phone.get_by_label("No, I'd rather not").check()
    rowan.check("choices filled in on a phone")
    phone.get_by_role("button", name="Save my choices").click()
    expect(phone.get_by_text("Thank you! We've saved your choices.")).to_be_visible()
    rowan.check("saved")
    fits(phone, "saved")

    # The organiser sees the choice, and that the badge printed earlier must be printed again.
    page = staff.go(f"/event/{event.pk}/own-say/")
    answered = page.locator("dl.summary-list")
    expect(answered.locator("div", has_text="Name on the night")).to_contain_text("Rowan")
    expect(answered.locator("div", has_text="Photos")).to_contain_text("No photos of me")
    expect(answered.locator("div", has_text="To print again")).to_contain_text("Their name badge: printed before a change.")
    expect(page.locator(".notice")).to_have_text("1 finalist has a badge or place card printed before a change. Print it again.")
    staff.check("own choices with the reprint flag")
    answered.get_by_role("link", name="Print again").click()
    expect(page).to_have_url(re.compile(r"/documents/#reprint$"))
    notice = page.locator("#reprint")
    expect(notice.get_by_role("heading")).to_have_text("To print again (1)")
    expect(notice.get_by_role("listitem")).to_have_text(["Rowan, table 1: name badge"])
    staff.check("documents with the reprint list")
    page.set_viewport_size(PHONE)
    staff.check("documents with the reprint list on a phone")
    fits(page, "documents with the reprint list on a phone")
    staff.go(f"/event/{event.pk}/own-say/")
    staff.check("own choices with the reprint flag on a phone")
    fits(page, "own choices with the reprint flag on a phone")
    page.set_viewport_size(LAPTOP)
    staff.go(documents)

    badges = page.locator("form.print-part", has=page.get_by_role("heading", name="Name badges"))
    again = downloaded(page, lambda: badges.get_by_role("button", name="Download only the 1 added or changed").click())
    (text,) = pages(again)
    assert "Rowan" in text and "RowanF." not in text and "Featherstonehaugh" not in text
    assert "JoCarer" not in text  # only the card that changed
    assert alts(again) == [MARK]  # the no-photographs mark, on Rowan's badge
    sheet = downloaded(page, lambda: page.get_by_role("link", name="Photographer's sheet (PDF)").click())
    (text,) = pages(sheet)
    assert squash("1 in all.") in text and squash("Table 1: 1") in text and "Rowan" not in text
    assert list(PrintRun.objects.values_list("kind", "only_changes", "cards")) == [("badges", True, 1), ("badges", False, 2)]

    page = staff.go(documents)
    expect(page.locator("#reprint")).to_have_count(0)
    staff.check("documents after printing again")
    page = staff.go(f"/event/{event.pk}/own-say/")
    expect(page.get_by_text("To print again")).to_have_count(0)

