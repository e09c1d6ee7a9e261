"""The privacy notice, the accessibility statement and the contact page (issue 15, item 12): from
the settings the council fills in, linked from every page's footer, open to everyone."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(settings):
    settings.PROUD_COUNCIL_NAME = "Wessex County Council"
    settings.PROUD_TEAM_NAME = "the Children in Care Participation Team"
    settings.PROUD_CONTACT_EMAIL = "proud@wessex.example"
    settings.PROUD_CONTACT_PHONE = "01632 960 123"
    settings.PROUD_DPO_EMAIL = "dpo@wessex.example"
    settings.PROUD_RETENTION_MONTHS = 18
    settings.PROUD_ACCESSIBILITY_REVIEWED = "2026-11-30"


def page(client, name) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_the_privacy_notice_says_what_is_collected_why_who_sees_it_and_for_how_long(client, council):
    body = page(client, "privacy")
    assert "Wessex County Council is the data controller" in body
    for what in ("date of birth", "in care or a care leaver", "safeguarding check", "Shortlisting panels", "neutral label"):
        assert what in body
    assert "18 months after the celebration night" in body and "dpo@wessex.example" in body


def test_the_accessibility_statement_follows_the_public_sector_template(client, council):
    body = page(client, "accessibility")
    for heading in (
        "How accessible this website is", "Feedback and contact information", "Enforcement procedure",
        "Compliance status", "Non-accessible content", "Preparation of this accessibility statement",
    ):
        assert heading in body
    assert "Web Content Accessibility Guidelines version 2.2 AA" in body and "30 November 2026" in body


def test_the_contact_page_has_the_councils_details(client, council):
    body = page(client, "contact")
    assert "proud@wessex.example" in body and "01632 960 123" in body and "Children in Care Participation Team" in body


@pytest.mark.parametrize("name", ["nominations:home", "login", "password_reset", "privacy"])
def test_every_page_links_to_all_three_in_its_footer(client, council, name):
    body = page(client, name)
    footer = body[body.index('<footer'):]
    for target in ("contact", "privacy", "accessibility"):
        assert f'href="{reverse(target)}"' in footer
    assert "Wessex County Council" in footer
