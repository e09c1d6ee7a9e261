"""The organiser finds a new nomination, reads it and marks it eligible; then looks at the dashboard."""

import pytest
from playwright.sync_api import expect

from awards.enums import Role
from nominations.enums import NominationStatus
from nominations.models import Nomination, NominationHistory
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, NominationFactory, NomineeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_organiser_marks_a_nomination_eligible_and_reads_the_dashboard(journey):
    programme = ProgrammeFactory()
    category = CategoryFactory(programme=programme, name="Positive Choices")
    user_with_role(programme, Role.ORGANISER, "organiser")
    nomination = NominationFactory(
        programme=programme, category=category, status=NominationStatus.SUBMITTED,
        nominee=NomineeFactory(programme=programme, legal_first_name="Skye", legal_last_name="Ambrose"),
    )
    NominationFactory.create_batch(3, programme=programme, category=category, status=NominationStatus.SUBMITTED)

    organiser = journey("organiser")
    organiser.login("organiser")
    page = organiser.go("/organise/nominations/")
    organiser.check("nominations")
    page.get_by_role("link", name=nomination.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(nomination.reference)
    organiser.check("one nomination")

    page.get_by_label("Eligible", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner").first).to_be_visible()
    organiser.check("decided")
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.ELIGIBLE
    assert NominationHistory.objects.filter(nomination=nomination, to_status=NominationStatus.ELIGIBLE, actor_label="organiser").exists()

    page = organiser.go("/dashboard/")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    organiser.check("dashboard")
