"""The organiser's event page with more invitations than a page holds (the national night has a
thousand): fifty at a time with GOV.UK pagination, the gate's list whole above them, on a laptop
and on a phone, where the table scrolls in its own region and the page stays phone-wide."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey
from tests.events.test_organiser_pages import populate

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("size", SIZES)
def test_an_organiser_pages_through_the_invitations(browser, live_server, event, category, organiser, size):
    populate(event, category, organiser, 56)
    visit = Journey(browser, live_server.url, f"event-page-{size}", SIZES[size])
    try:
        visit.login(organiser.username)
        page = visit.go(f"/event/{event.pk}/")
        caption = page.locator("#invitations-caption")
        expect(caption).to_contain_text("56 invitations")
        expect(caption).to_contain_text("1 to 50")
        assert page.get_by_role("link", name=re.compile("Manage")).count() == 50
        visit.check("first page")
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

        page.get_by_role("navigation", name="Pages of invitations").get_by_role("link", name="Next page").click()
        expect(caption).to_contain_text("51 to 56")
        assert page.get_by_role("link", name=re.compile("Manage")).count() == 6
        expect(page.get_by_text("Page 2 of 2")).to_be_visible()
        # The failed e-mail is still offered on the second page: the lists above the table are whole.
        expect(page.get_by_role("button", name=re.compile("Try again"))).to_have_count(1)
        visit.check("second page")
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    finally:
        visit.close()
