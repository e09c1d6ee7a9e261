"""A young panel member scores a blind nomination on a phone; the chair proposes the shortlist
and the organiser confirms it, on a laptop."""

import pytest
from playwright.sync_api import expect

from awards.enums import Role
from nominations.enums import NominationStatus, PublicityLevel
from shortlisting.enums import PanelRole, ShortlistState
from shortlisting.models import Review, Shortlist
from shortlisting.services import assignment_run, review_save
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    CriterionFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def panel_world():
    programme = ProgrammeFactory()
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    category = CategoryFactory(programme=programme, name="Education", max_finalists=1)
    panel = PanelCategoryFactory(panel__programme=programme, category=category).panel
    impact = CriterionFactory(category=category, name="Impact", weight=2, max_score=5, guidance="How much changed for them?")
    CriterionFactory(category=category, name="Effort", weight=1, max_score=5, guidance="How hard did they try?")
    chair = PanelMemberFactory(panel=panel, role=PanelRole.CHAIR, user__username="chair").user
    young = PanelMemberFactory(panel=panel, user__username="youngpanel", is_young_person=True).user
    nominee = NomineeFactory(
        programme=programme, legal_first_name="Persephone", legal_last_name="Quartermaine",
        preferred_name="Percy", publicity_level=PublicityLevel.FULL_NAME,
    )
    nomination = NominationFactory(
        programme=programme, category=category, nominee=nominee, status=NominationStatus.ELIGIBLE,
        achievement="Percy Quartermaine set up a homework club. Persephone's teachers noticed.",
        why_it_matters="Percy's confidence grew.",
    )
    other = NominationFactory(programme=programme, category=category, status=NominationStatus.ELIGIBLE)
    assignment_run(panel=panel, actor=organiser)
    return dict(programme=programme, organiser=organiser, category=category, panel=panel, chair=chair,
                young=young, nomination=nomination, other=other, impact=impact)


def test_a_young_panel_member_scores_a_blind_nomination_on_a_phone(journey, panel_world):
    member = journey("youngpanel", phone=True)
    member.login("youngpanel")
    page = member.go("/panel/")
    member.check("queue")

    links = page.locator("a.queue-list__link")
    expect(links).to_have_count(2)
    # Open the one whose statement is about Percy: under blind review only its label shows.
    for index in range(2):
        links.nth(index).click()
        if page.get_by_text("set up a homework club").count():
            break
        page.go_back()
    body = page.locator("main").inner_text()
    assert "[name] set up a homework club" in body
    for secret in ("Persephone", "Quartermaine", "Percy"):
        assert secret not in body
    member.check("scoring page")

    for criterion in panel_world["category"].criteria.all():
        page.locator(f"input[name=criterion_{criterion.pk}][value='4']").check()
    member.shot("scored")
    page.get_by_role("button", name="Send my scores").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    member.check("after sending")

    review = Review.objects.get(assignment__member__user=panel_world["young"], assignment__nomination=panel_world["nomination"])
    assert review.status == "submitted" and sorted(review.scores.values_list("value", flat=True)) == [4, 4]


def test_the_chair_proposes_and_the_organiser_confirms_the_shortlist(journey, panel_world):
    for assignment in panel_world["panel"].assignments.select_related("member__user", "nomination"):
        scores = {c.pk: (5 if assignment.nomination == panel_world["nomination"] else 2) for c in panel_world["category"].criteria.all()}
        review_save(assignment=assignment, actor=assignment.member.user, scores=scores, comment="", submit=True)
    category = panel_world["category"]

    chair = journey("chair")
    chair.login("chair")
    page = chair.go(f"/panel/shortlist/{category.pk}/")
    chair.check("ranking")
    page.locator(f"input[name=finalists][value='{panel_world['nomination'].pk}']").check()
    page.get_by_role("button", name="Propose these finalists").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    chair.check("proposed")
    assert Shortlist.objects.get(category=category).state == ShortlistState.PROPOSED

    organiser = journey("organiser")
    organiser.login("organiser")
    page = organiser.go(f"/panel/shortlist/{category.pk}/")
    organiser.check("to confirm")
    page.get_by_role("button", name="Confirm the shortlist").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    organiser.check("confirmed")

    assert Shortlist.objects.get(category=category).state == ShortlistState.CONFIRMED
    panel_world["nomination"].refresh_from_db()
    panel_world["other"].refresh_from_db()
    assert (panel_world["nomination"].status, panel_world["other"].status) == (
        NominationStatus.SHORTLISTED, NominationStatus.NOT_SHORTLISTED,
    )
