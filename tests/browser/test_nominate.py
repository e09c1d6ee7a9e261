"""A foster carer nominates a young person on a phone and on a laptop, with the keyboard only."""


import pytest
from playwright.sync_api import expect

from nominations.models import Nomination
from tests.factories import CategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element is focused, as a keyboard user would; fail if it never is."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def choose(page, name: str, value: str) -> None:
    """Pick a radio button as a keyboard user does: Tab into the group, then the arrow keys."""
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(20):
        if page.evaluate("(s) => document.querySelector(s).checked", f"input[name='{name}'][value='{value}']"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name}={value} cannot be chosen with the arrow keys")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "laptop"])
def test_a_carer_nominates_with_the_keyboard_only(journey, phone):
    programme = ProgrammeFactory(name="PROUD Awards 2026", slug="proud-2026")
    CategoryFactory(programme=programme, name="Positive Choices", slug="positive-choices")
    carer = journey("carer", phone=phone)

    page = carer.go("/")
    carer.check("home")
    tab_to(page, f"a[href='/nominate/{programme.slug}/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    carer.check("empty form")

    # Sending it empty shows the error summary at the top, with links to the fields.
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # a screen reader hears the problems first
    carer.check("errors")

    tab_to(page, "input[name=category]")
    page.keyboard.press("Space")
    type_into(page, "#id_legal_first_name", "Skye")
    type_into(page, "#id_legal_last_name", "Ambrose")
    # An impossible date is called impossible, and what was typed is kept to correct.
    type_into(page, "#id_date_of_birth_0", "31")
    type_into(page, "#id_date_of_birth_1", "2")
    type_into(page, "#id_date_of_birth_2", "2011")
    tab_to(page, "input[name=cohort]")
    page.keyboard.press("Space")
    type_into(page, "#id_nominator_name", "Jo Carer")
    type_into(page, "#id_nominator_email", "jo.carer@example.org")
    tab_to(page, "input[name=nominator_relationship]")
    page.keyboard.press("Space")
    choose(page, "nominator_known_recently", "yes")
    type_into(page, "#id_achievement", "Skye joined the youth theatre and performed on stage for the first time.")
    type_into(page, "#id_why_it_matters", "It gave Skye confidence to speak up at school.")
    carer.shot("filled in")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-error-summary")).to_contain_text("There is no 31/2/2011: check the day and the month.")
    carer.check("impossible date")
    page.fill("#id_date_of_birth_0", "")
    page.fill("#id_date_of_birth_1", "")
    page.fill("#id_date_of_birth_2", "")
    type_into(page, "#id_date_of_birth_0", "14")
    type_into(page, "#id_date_of_birth_1", "3")
    type_into(page, "#id_date_of_birth_2", "2012")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Nomination sent")
    nomination = Nomination.objects.get()
    expect(page.locator(".reference")).to_have_text(nomination.reference)
    carer.check("confirmation")
    assert nomination.nominator_email == "jo.carer@example.org"
    assert nomination.nominee.legal_first_name == "Skye"
    # Nothing scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
