"""The menu (issue 15, item 3): on a phone GOV.UK's service navigation folds its items behind a
Menu button instead of wrapping them over three lines; on a laptop they sit on one line."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phone_gets_a_menu_button_and_a_laptop_one_line_of_items(journey, organiser):
    phone = journey("organiser", phone=True)
    phone.login(organiser.username)
    page = phone.go("/")
    menu = page.get_by_role("button", name="Menu")
    event = page.locator("#navigation").get_by_role("link", name="Event")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(event).to_be_hidden()
    phone.check("menu folded")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(event).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    phone.check("menu open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    laptop = journey("organiser-laptop")
    laptop.login(organiser.username)
    page = laptop.go("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    tops = page.locator("#navigation > li").evaluate_all("items => items.map(i => Math.round(i.getBoundingClientRect().top))")
    laptop.check("menu on one line")
    assert len(tops) >= 6 and len(set(tops)) == 1, tops  # every item on one line

