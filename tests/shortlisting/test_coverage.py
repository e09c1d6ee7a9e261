"""Confirming a shortlist never rejects unseen work silently (issue 15, item 2): a nomination nobody
was assigned, or nobody scored, needs the organiser's decision; a proposal while scoring is
unfinished needs the chair to say they know; once locked, the rest leave the members' lists."""

import pytest
from django.urls import reverse

from nominations.enums import NominationStatus as S
from nominations.models import NominationHistory
from shortlisting.enums import PanelRole, ShortlistState
from shortlisting.models import Shortlist, ShortlistHistory
from shortlisting.selectors import coverage_gaps
from shortlisting.services import (
    CoverageIncomplete,
    Decision,
    ShortlistingError,
    assignment_run,
    review_save,
    shortlist_confirm,
    shortlist_propose,
)
from tests.conftest import client_for
from tests.factories import CriterionFactory, NominationFactory, PanelCategoryFactory, PanelMemberFactory


@pytest.fixture
def panel(programme, organiser):
    """Four members; A and B fully scored, C scored by one of four, D assigned to nobody (it came
    in after the assignment ran)."""
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme, category__name="Resilience", category__max_finalists=2)
    impact = CriterionFactory(category=link.category, name="Impact", max_score=5)
    members = [PanelMemberFactory(panel=link.panel, role=PanelRole.CHAIR if i == 0 else PanelRole.MEMBER) for i in range(4)]
    a, b, c = (NominationFactory(programme=programme, category=link.category, status=S.ELIGIBLE) for _ in range(3))
    assignment_run(panel=link.panel, actor=organiser)
    for member in members:
        for nomination in (a, b):
            review_save(assignment=member.assignments.get(nomination=nomination), actor=member.user, scores={impact.pk: 4}, submit=True)
    review_save(assignment=members[1].assignments.get(nomination=c), actor=members[1].user, scores={impact.pk: 2}, submit=True)
    d = NominationFactory(programme=programme, category=link.category, status=S.ELIGIBLE)
    return dict(category=link.category, panel=link.panel, chair=members[0].user, members=members, a=a, b=b, c=c, d=d, organiser=organiser)


def status(nomination):
    nomination.refresh_from_db()
    return nomination.status


def test_coverage_gaps_say_who_has_scored(panel):
    gaps = {g.nomination: g.words for g in coverage_gaps(panel["panel"], panel["category"])}
    assert gaps == {panel["c"]: "scored by 1 of 4", panel["d"]: "nobody is assigned to score it"}


def test_a_proposal_while_scoring_is_unfinished_needs_the_chair_to_say_they_know(panel):
    with pytest.raises(CoverageIncomplete) as refused:
        shortlist_propose(category=panel["category"], nominations=[panel["a"], panel["b"]], actor=panel["chair"])
    assert "2 nominations not fully scored" in refused.value.message and refused.value.field == "despite_gaps"
    assert not Shortlist.objects.filter(category=panel["category"], state=ShortlistState.PROPOSED).exists()

    shortlist_propose(category=panel["category"], nominations=[panel["a"], panel["b"]], actor=panel["chair"], despite_gaps=True)
    entry = ShortlistHistory.objects.get(action="shortlisting.shortlist.proposed")
    assert sorted(entry.detail["not_fully_scored"]) == sorted([panel["c"].reference, panel["d"].reference])


def test_confirming_without_a_decision_for_each_unscored_nomination_changes_nothing(panel):
    shortlist_propose(category=panel["category"], nominations=[panel["a"], panel["b"]], actor=panel["chair"], despite_gaps=True)
    with pytest.raises(CoverageIncomplete) as refused:
        shortlist_confirm(category=panel["category"], actor=panel["organiser"], decisions={panel["c"].pk: (Decision.HOLD, "")})
    assert refused.value.status_code == 409
    assert refused.value.details()["nominations"] == [{"nomination": panel["d"].pk, "assigned": 0, "submitted": 0}]
    assert [status(panel[k]) for k in "abcd"] == [S.ELIGIBLE] * 4  # nothing half-written
    with pytest.raises(ShortlistingError, match="Give a reason for rejecting"):
        shortlist_confirm(category=panel["category"], actor=panel["organiser"], decisions={panel["c"].pk: (Decision.HOLD, ""), panel["d"].pk: (Decision.REJECT, " ")})
    with pytest.raises(ShortlistingError, match="only for nominations not fully scored"):
        shortlist_confirm(category=panel["category"], actor=panel["organiser"], decisions={panel["a"].pk: (Decision.HOLD, "")})
    assert Shortlist.objects.get(category=panel["category"]).state == ShortlistState.PROPOSED


def test_held_back_stays_under_review_and_rejected_keeps_the_reason(panel):
    shortlist_propose(category=panel["category"], nominations=[panel["a"]], actor=panel["chair"], despite_gaps=True)
    decisions = {panel["c"].pk: (Decision.HOLD, ""), panel["d"].pk: (Decision.REJECT, "Came in after the closing date.")}
    shortlist_confirm(category=panel["category"], actor=panel["organiser"], decisions=decisions)

    assert [status(panel[k]) for k in "abcd"] == [S.SHORTLISTED, S.NOT_SHORTLISTED, S.ELIGIBLE, S.NOT_SHORTLISTED]
    assert NominationHistory.objects.get(nomination=panel["d"], to_status=S.NOT_SHORTLISTED).reason.endswith("Came in after the closing date.")
    entry = ShortlistHistory.objects.get(action="shortlisting.shortlist.confirmed")
    assert entry.detail == {"held_back": [panel["c"].reference], "rejected_without_full_scores": [panel["d"].reference]}


def test_the_page_lists_the_gaps_and_asks_for_each_before_confirming(panel, client):
    shortlist_propose(category=panel["category"], nominations=[panel["a"]], actor=panel["chair"], despite_gaps=True)
    client.force_login(panel["organiser"])
    url = reverse("shortlisting:shortlist-confirm", kwargs={"category_id": panel["category"].pk})

    refused = client.post(url, {})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "Choose what happens to" in body and panel["c"].reference in body and panel["d"].reference in body
    assert "scored by 1 of 4" in body and "nobody is assigned to score it" in body
    assert status(panel["c"]) == S.ELIGIBLE

    done = client.post(url, {
        f"confirm-decision_{panel['c'].pk}": "hold",
        f"confirm-decision_{panel['d'].pk}": "reject", f"confirm-reason_{panel['d'].pk}": "Late.",
    }, follow=True)
    assert "1 nomination held back, still under review." in done.content.decode()
    assert (status(panel["c"]), status(panel["d"])) == (S.ELIGIBLE, S.NOT_SHORTLISTED)


def test_the_chairs_proposal_page_warns_and_needs_the_box_ticked(panel, client):
    client.force_login(panel["chair"])
    page = client.get(reverse("shortlisting:shortlist", kwargs={"category_id": panel["category"].pk})).content.decode()
    assert "The panel has not finished scoring" in page and "scored by 1 of 4" in page
    url = reverse("shortlisting:shortlist-propose", kwargs={"category_id": panel["category"].pk})
    refused = client.post(url, {"finalists": [panel["a"].pk]})
    assert refused.status_code == 409 and "propose anyway" in refused.content.decode()
    assert client.post(url, {"finalists": [panel["a"].pk], "despite_gaps": "on"}).status_code == 302


def test_the_api_lists_the_gaps_and_takes_decisions(panel):
    url = f"/api/v1/shortlists/{panel['category'].pk}/"
    refused = client_for(panel["chair"]).post(f"{url}propose/", {"nominations": [panel["a"].pk]}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "coverageincomplete"
    assert {g["nomination"]: (g["assigned"], g["submitted"]) for g in refused.json()["nominations"]} == {
        panel["c"].pk: (4, 1), panel["d"].pk: (0, 0)
    }
    client_for(panel["chair"]).post(f"{url}propose/", {"nominations": [panel["a"].pk], "despite_gaps": True}, format="json")
    organiser = client_for(panel["organiser"])
    assert organiser.post(f"{url}confirm/", {}, format="json").status_code == 409
    decisions = [
        {"nomination": panel["c"].pk, "decision": "hold"},
        {"nomination": panel["d"].pk, "decision": "reject", "reason": "Late."},
    ]
    assert organiser.post(f"{url}confirm/", {"decisions": decisions}, format="json").json()["state"] == "confirmed"
    assert (status(panel["c"]), status(panel["d"])) == (S.ELIGIBLE, S.NOT_SHORTLISTED)


def test_once_locked_unscored_work_leaves_the_members_to_score_list_with_a_line_why(panel, client):
    member = panel["members"][2]  # assigned C, has not scored it
    client.force_login(member.user)
    queue = reverse("shortlisting:queue")
    to_score = reverse("shortlisting:score", kwargs={"assignment_id": member.assignments.get(nomination=panel["c"]).pk})
    assert to_score in client.get(queue).content.decode()

    shortlist_propose(category=panel["category"], nominations=[panel["a"]], actor=panel["chair"], despite_gaps=True)
    shortlist_confirm(category=panel["category"], actor=panel["organiser"], decisions={panel["c"].pk: (Decision.HOLD, ""), panel["d"].pk: (Decision.HOLD, "")})

    after = client.get(queue).content.decode()
    assert to_score not in after  # held back, still under review, but not this member's to score any more
    assert "The shortlist for Resilience is confirmed" in after and "the one you had not scored no longer needs your scores" in after
