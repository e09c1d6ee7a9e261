"""The organiser creates the finalists' invitations from the confirmed shortlist and sends them;
the finalist held back by the safeguarding gate is shown with the reason."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards.enums import Role
from events.enums import InvitationStatus
from events.models import Invitation
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, EventFactory, NomineeFactory, ProgrammeFactory
from tests.worlds import cleared_nominee, confirmed_finalists

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_organiser_sends_the_invitations(journey):
    programme = ProgrammeFactory()
    category = CategoryFactory(programme=programme, name="Positive Choices")
    user_with_role(programme, Role.ORGANISER, "organiser")
    event = EventFactory(programme=programme, name="Celebration night")
    cleared = cleared_nominee(programme, legal_first_name="Rowan")
    unchecked = NomineeFactory(programme=programme, legal_first_name="Sky")
    confirmed_finalists(programme, category, [cleared, unchecked])

    organiser = journey("organiser")
    organiser.login("organiser")
    page = organiser.go(f"/event/{event.pk}/")
    organiser.check("event at a glance")
    page.get_by_role("button", name="Create finalist invitations from the confirmed shortlists").click()
    expect(page.locator(".govuk-notification-banner").first).to_be_visible()
    organiser.check("invitations created")
    page.get_by_role("button", name="Send all draft invitations").click()
    # Who gets an e-mail, and who the gate holds back, before anything is sent.
    expect(page.get_by_role("heading", name="Send 1 invitation?")).to_be_visible()
    expect(page.get_by_role("heading", name="Who gets an e-mail (1)")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"Sky \w\. \(Positive Choices\): The safeguarding check has not been recorded"))
    organiser.check("send confirm")
    assert mail.outbox == []
    page.get_by_role("button", name="Yes, send 1 invitation").click()
    expect(page.locator(".govuk-notification-banner").first).to_be_visible()
    organiser.check("sent")

    statuses = dict(Invitation.objects.values_list("nomination__nominee__legal_first_name", "status"))
    assert statuses == {"Rowan": InvitationStatus.SENT, "Sky": InvitationStatus.DRAFT}
    assert len(mail.outbox) == 1
    expect(page.locator("main")).to_contain_text("1 draft is held back by the safeguarding gate")
    expect(page.locator("#blocked")).to_be_visible()
