"""The organiser runs the year in the browser (issue 15), at phone and laptop size: a finalist the
safeguarding gate holds back is unblocked from a page, and a shortlist the panel has not finished
scoring asks before anything is rejected."""

import pytest
from playwright.sync_api import expect

from awards.enums import Role
from events.models import Invitation
from events.selectors import gate_problems
from events.services import finalist_invitations_create
from nominations.enums import ConsentPurpose
from nominations.enums import NominationStatus as S
from nominations.models import Nomination
from shortlisting.enums import PanelRole, ShortlistState
from shortlisting.models import Shortlist
from shortlisting.services import assignment_run, review_save
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    ConsentFactory,
    CriterionFactory,
    EventFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
    ProgrammeFactory,
)
from tests.worlds import confirmed_finalists

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "laptop"])
def test_the_organiser_records_the_missing_check_and_the_invitation_is_unblocked(journey, phone):
    programme = ProgrammeFactory()
    category = CategoryFactory(programme=programme, name="Positive Choices")
    organiser_user = user_with_role(programme, Role.ORGANISER, "organiser")
    event = EventFactory(programme=programme)
    nominee = NomineeFactory(
        programme=programme, legal_first_name="Oriel", legal_last_name="Vantongeren", safeguarding_checked_at=None, attendance_safe=None
    )
    ConsentFactory(nominee=nominee, purpose=ConsentPurpose.NOMINATION)
    confirmed_finalists(programme, category, [nominee])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser_user).created

    organiser = journey("organiser", phone=phone)
    organiser.login("organiser")
    page = organiser.go(f"/event/{event.pk}/")
    expect(page.get_by_text("The safeguarding check has not been recorded.").first).to_be_visible()
    organiser.check("blocked")
    page.get_by_role("link", name="Record the check and consent").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oriel Vantongeren")
    organiser.check("the check page")

    for purpose in ("Attending the event", "Name read out"):
        page.locator("fieldset", has_text="Consent to").get_by_label(purpose, exact=True).check()
        page.get_by_label("Consent given").check()
        page.get_by_label("The young person", exact=True).check()
        page.get_by_role("button", name="Record this answer").click()
        expect(page.locator(".govuk-notification-banner").first).to_contain_text("recorded")
    organiser.check("consent recorded")

    check = page.locator("form", has=page.get_by_role("button", name="Record the check"))
    check.locator("fieldset", has_text="safe for them to attend").get_by_label("Yes").check()
    check.get_by_label("First name only").check()
    check.locator("fieldset", has_text="photographed").get_by_label("No").check()
    check.locator("fieldset", has_text="door and in the room").get_by_label("Yes").check()
    page.get_by_role("button", name="Record the check").click()

    # Back on the event page, where it started: nobody is blocked now.
    expect(page.get_by_text("None: every finalist's safeguarding check and consent to attend are recorded.")).to_be_visible()
    organiser.check("unblocked")
    assert gate_problems(Invitation.objects.get(pk=invitation.pk)) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "laptop"])
def test_a_thin_shortlist_asks_the_chair_and_the_organiser_before_anything_is_rejected(journey, phone):
    programme = ProgrammeFactory()
    user_with_role(programme, Role.ORGANISER, "organiser")
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme, category__name="Resilience", category__max_finalists=1)
    impact = CriterionFactory(category=link.category, name="Impact", max_score=5)
    chair = PanelMemberFactory(panel=link.panel, role=PanelRole.CHAIR, user__username="chair")
    members = [chair, PanelMemberFactory(panel=link.panel)]
    scored, unscored = (NominationFactory(programme=programme, category=link.category, status=S.ELIGIBLE) for _ in range(2))
    assignment_run(panel=link.panel, actor=None, _system=True)
    for member in members:
        review_save(assignment=member.assignments.get(nomination=scored), actor=member.user, scores={impact.pk: 4}, submit=True)
    url = f"/panel/shortlist/{link.category.pk}/"

    chair_journey = journey("chair", phone=phone)
    chair_journey.login("chair")
    page = chair_journey.go(url)
    expect(page.get_by_role("heading", name="The panel has not finished scoring")).to_be_visible()
    chair_journey.check("not finished")
    page.locator("td.table__check input").first.check()
    page.get_by_role("button", name="Propose these finalists").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("propose anyway")
    chair_journey.check("asked to say they know")
    page.locator("td.table__check input").first.check()
    page.get_by_label("I know the panel has not finished scoring").check()
    page.get_by_role("button", name="Propose these finalists").click()
    expect(page.get_by_text("Shortlist proposed with 1 finalist.")).to_be_visible()
    assert Shortlist.objects.get(category=link.category).state == ShortlistState.PROPOSED

    organiser = journey("organiser", phone=phone)
    organiser.login("organiser")
    page = organiser.go(url)
    # The chair proposed: the organiser's main action is to confirm; changing the proposal is secondary.
    expect(page.get_by_role("button", name="Propose these finalists")).to_have_count(0)
    expect(page.get_by_role("button", name="Change the proposal")).to_be_visible()
    page.get_by_role("button", name="Confirm the shortlist").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what happens to")
    organiser.check("asked to decide")
    assert Nomination.objects.get(pk=unscored.pk).status == S.ELIGIBLE  # nothing rejected silently
    page.get_by_label("Hold it back: not rejected, kept under review").check()
    page.get_by_role("button", name="Confirm the shortlist").click()
    expect(page.get_by_text("1 nomination held back, still under review.")).to_be_visible()
    organiser.check("confirmed")
    assert Nomination.objects.get(pk=unscored.pk).status == S.ELIGIBLE
    assert Nomination.objects.get(pk=scored.pk).status == S.SHORTLISTED
