import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from awards.enums import Role
from nominations.enums import NominationStatus, PublicityLevel
from shortlisting.cards import label_number
from shortlisting.enums import PanelRole, ReviewStatus, ShortlistState
from shortlisting.labels import neutral_label
from shortlisting.models import Assignment, Conflict, Review, Shortlist, ShortlistHistory
from shortlisting.services import NOT_OPEN_TO_SCORE, Decision, assignment_run, review_save, shortlist_confirm, shortlist_propose
from tests.conftest import client_for, user_with_role
from tests.factories import (
    CriterionFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelFactory,
    PanelMemberFactory,
    UserFactory,
)
from tests.shortlisting.api.test_shortlisting_api import conflict_declared_when

pytestmark = pytest.mark.django_db

# Identity a panel member must never see under blind review: the nominee's legal and preferred
# names and area, the nominator's name and organisation.
SECRETS = ("Persephone", "Quartermaine", "Percy", "Hidden Hollow", "Marjorie", "Fosterling", "Oakfield")


@pytest.fixture
def world(programme, organiser):
    link = PanelCategoryFactory(
        panel__programme=programme, category__programme=programme, category__name="Education", category__max_finalists=1
    )
    panel, category = link.panel, link.category
    impact = CriterionFactory(category=category, name="Impact", weight=2, max_score=5, guidance="How much changed for them?")
    effort = CriterionFactory(category=category, name="Effort", weight=1, max_score=5, guidance="How hard did they try?")
    chair = PanelMemberFactory(panel=panel, role=PanelRole.CHAIR, user__username="chair")
    member = PanelMemberFactory(panel=panel, user__username="member", is_young_person=True)
    nominee = NomineeFactory(
        programme=programme,
        legal_first_name="Persephone",
        legal_last_name="Quartermaine",
        preferred_name="Percy",
        area="Hidden Hollow",
        publicity_level=PublicityLevel.FULL_NAME,
    )
    nomination = NominationFactory(
        programme=programme,
        category=category,
        nominee=nominee,
        status=NominationStatus.ELIGIBLE,
        nominator_name="Marjorie Fosterling",
        nominator_organisation="Oakfield Fostering",
        achievement="Percy Quartermaine ran the Hidden Hollow food bank. Marjorie Fosterling of Oakfield Fostering says so.",
        why_it_matters="Persephone's confidence grew.",
        anything_else="Ask PERCY about it.",
    )
    other = NominationFactory(programme=programme, category=category, status=NominationStatus.ELIGIBLE)
    assignment_run(panel=panel, actor=organiser)
    return dict(
        panel=panel,
        category=category,
        impact=impact,
        effort=effort,
        chair=chair,
        member=member,
        nomination=nomination,
        other=other,
        organiser=organiser,
    )


def text(response) -> str:
    return unescape(response.content.decode())


def label_of(nomination) -> str:
    return neutral_label(nomination.category.name, label_number(nomination))


def assignment_of(member, nomination) -> Assignment:
    return Assignment.objects.get(member=member, nomination=nomination)


def score_url(assignment) -> str:
    return f"/panel/score/{assignment.pk}/"


def error_summary(response) -> list[str]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def messages_shown(response) -> list[str]:
    return [unescape(m).strip() for m in re.findall(r'<p class="govuk-notification-banner__heading">(.*?)</p>', response.content.decode(), re.S)]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- the scoring list -------------------------------------------------------------------


def test_queue_shows_labels_not_names(world, as_user):
    response = as_user(world["member"].user).get("/panel/")

    body = text(response)
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret not in body
    assert label_of(world["nomination"]) in body
    assert label_of(world["other"]) in body
    assert "You have scored 0 of 2." in body
    assert "0 of 2 scored" in body
    assert f'href="/panel/score/{assignment_of(world["member"], world["nomination"]).pk}/"' in body
    # A plain member gets no link to the ranking.
    assert f"/panel/shortlist/{world['category'].pk}/" not in body


def test_queue_groups_to_score_and_scored(world, as_user):
    member = world["member"]
    review_save(assignment=assignment_of(member, world["nomination"]), actor=member.user, scores={world["impact"].pk: 3})
    review_save(
        assignment=assignment_of(member, world["other"]),
        actor=member.user,
        scores={world["impact"].pk: 3, world["effort"].pk: 2},
        submit=True,
    )

    body = text(as_user(member.user).get("/panel/"))

    to_score, scored = body.split("<h4>To score</h4>")[1].split("<h4>Scored</h4>")
    assert label_of(world["nomination"]) in to_score
    assert "Started, not sent yet" in to_score
    assert label_of(world["other"]) in scored.split("</section>")[0]
    assert "1 of 2 scored" in body


def test_queue_shows_deadline_in_plain_words(world, as_user):
    world["panel"].deadline = dt.datetime(2031, 6, 13, 17, 0, tzinfo=dt.UTC)
    world["panel"].save()

    body = text(as_user(world["member"].user).get("/panel/"))

    # 17:00 UTC is 18:00 in London in June; 24-hour time, so no "p.m.." at the end of a sentence.
    assert "Please send your scores by <strong>Friday 13 June 2031 at 18:00</strong>," in body


def test_queue_links_chair_to_ranking(world, as_user):
    body = text(as_user(world["chair"].user).get("/panel/"))

    assert f'href="/panel/shortlist/{world["category"].pk}/"' in body


def test_non_blind_programme_shows_announce_name(world, programme, as_user):
    programme.blind_review = False
    programme.save()
    client = as_user(world["member"].user)

    queue = text(client.get("/panel/"))
    page = text(client.get(score_url(assignment_of(world["member"], world["nomination"]))))

    assert "Percy Quartermaine" in queue
    assert "Percy Quartermaine" in page
    # Identity fields still stay off the page; only the nominator's own words are shown unredacted.
    assert "Hidden Hollow food bank" in page
    assert "Persephone" not in queue


@pytest.mark.parametrize("count", [1, 4])
def test_queue_query_count_is_fixed(count, programme, organiser, as_user, django_assert_num_queries):
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme)
    CriterionFactory(category=link.category)
    member = PanelMemberFactory(panel=link.panel)
    for _ in range(count):
        NominationFactory(programme=programme, category=link.category, status=NominationStatus.ELIGIBLE)
    assignment_run(panel=link.panel, actor=organiser)
    client = as_user(member.user)

    # Session, user, assignments (one query, labels need no prefetch), the user's roles,
    # the navigation's panel-membership check, the confirmed shortlists (their unscored work is locked).
    with django_assert_num_queries(6):
        response = client.get("/panel/")

    assert text(response).count('class="queue-list__link"') == count


# --- the scoring page -------------------------------------------------------------------


@pytest.mark.parametrize("blind", [True, False])
def test_the_anything_else_note_never_reaches_a_panel_member(world, as_user, blind):
    """The "anything else" box is a private note to the awards team, blind review or not."""
    world["nomination"].programme.__class__.objects.filter(pk=world["nomination"].programme_id).update(blind_review=blind)

    page = text(as_user(world["member"].user).get(score_url(assignment_of(world["member"], world["nomination"]))))
    api = client_for(world["member"].user).get("/api/v1/assignments/").content.decode()

    assert "PERCY" not in page and "Anything else" not in page
    assert "PERCY" not in api and "anything_else" not in api


def test_scoring_page_is_blind(world, as_user):
    response = as_user(world["member"].user).get(score_url(assignment_of(world["member"], world["nomination"])))

    body = text(response)
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret not in body
    assert "[name] ran the [place] food bank." in body
    assert "<h3>What they did</h3>" in body
    assert "<h3>Why it matters</h3>" in body
    assert "How much changed for them?" in body
    assert "0 – not at all" in body
    assert "5 – outstanding" in body
    assert body.count('type="radio"') == 12
    assert 'name="csrfmiddlewaretoken"' in body
    assert "You will see the other panel members' scores once you have sent yours." in body


def test_save_draft_then_submit(world, as_user):
    member = world["member"]
    assignment = assignment_of(member, world["nomination"])
    client = as_user(member.user)
    impact, effort = f"criterion_{world['impact'].pk}", f"criterion_{world['effort'].pk}"

    saved = client.post(score_url(assignment), {impact: "4", "comment": "Lovely", "action": "save"}, follow=True)

    review = Review.objects.get(assignment=assignment)
    assert saved.redirect_chain == [("/panel/", 302)]
    assert messages_shown(saved) == [f"Saved. You can come back to {label_of(world['nomination'])} and finish it later."]
    assert review.status == ReviewStatus.DRAFT
    assert {s.criterion_id: s.value for s in review.scores.all()} == {world["impact"].pk: 4}
    assert 'value="4" id="id_criterion_{}_4" checked'.format(world["impact"].pk) in text(client.get(score_url(assignment)))

    sent = client.post(score_url(assignment), {impact: "4", effort: "2", "comment": "Lovely", "action": "submit"}, follow=True)

    review.refresh_from_db()
    assert messages_shown(sent) == [f"Thank you. Your scores for {label_of(world['nomination'])} have been sent."]
    assert review.status == ReviewStatus.SUBMITTED
    assert review.comment == "Lovely"
    assert {s.criterion_id: s.value for s in review.scores.all()} == {world["impact"].pk: 4, world["effort"].pk: 2}


def test_a_conflict_declared_while_the_scores_are_saved_sends_the_member_back_to_the_list(world, as_user):
    member = world["member"]
    assignment = assignment_of(member, world["nomination"])
    client = as_user(member.user)

    with conflict_declared_when(r'FROM "shortlisting_shortlist"', member, world["nomination"].nominee) as fired:
        saved = client.post(score_url(assignment), {f"criterion_{world['impact'].pk}": "4", "action": "save"}, follow=True)

    assert fired["n"] == 1
    assert saved.redirect_chain == [("/panel/", 302)]
    assert messages_shown(saved) == [NOT_OPEN_TO_SCORE]
    assert not Review.objects.filter(assignment=assignment).exists()


def test_out_of_range_score_is_refused_and_nothing_saved(world, as_user):
    assignment = assignment_of(world["member"], world["nomination"])

    response = as_user(world["member"].user).post(
        score_url(assignment), {f"criterion_{world['impact'].pk}": "9", "action": "save"}
    )

    assert response.status_code == 400
    assert error_summary(response) == ["Choose a score from 0 to 5 for Impact."]
    assert not Review.objects.filter(assignment=assignment).exists()


def test_submit_without_every_part_is_refused(world, as_user):
    assignment = assignment_of(world["member"], world["nomination"])

    response = as_user(world["member"].user).post(
        score_url(assignment), {f"criterion_{world['impact'].pk}": "3", "action": "submit"}
    )

    assert response.status_code == 400
    assert error_summary(response) == ["Give a score for every part before you send your scores. Missing: Effort."]
    assert not Review.objects.filter(assignment=assignment).exists()
    # The choice made is shown again, so nothing is lost.
    assert 'value="3" id="id_criterion_{}_3" checked'.format(world["impact"].pk) in text(response)


def test_other_scores_hidden_until_own_submitted(world, as_user):
    chair, member = world["chair"], world["member"]
    scores = {world["impact"].pk: 5, world["effort"].pk: 4}
    review_save(assignment=assignment_of(chair, world["nomination"]), actor=chair.user, scores=scores, comment="Brilliant work", submit=True)
    client = as_user(member.user)
    url = score_url(assignment_of(member, world["nomination"]))

    before = text(client.get(url))
    review_save(assignment=assignment_of(member, world["nomination"]), actor=member.user, scores=scores, submit=True)
    after = text(client.get(url))

    assert "Brilliant work" not in before
    assert "You will see the other panel members' scores once you have sent yours." in before
    assert "Brilliant work" in after
    assert '<h3 id="other-1">chair</h3>' in after
    assert '<dt class="govuk-summary-list__key">Impact</dt><dd class="govuk-summary-list__value">5 out of 5</dd>' in after
    assert "Send my changed scores" in after


def test_locked_page_is_read_only(world, as_user):
    member = world["member"]
    assignment = assignment_of(member, world["nomination"])
    review_save(assignment=assignment, actor=member.user, scores={world["impact"].pk: 2})
    world["panel"].deadline = timezone.now() - dt.timedelta(hours=1)
    world["panel"].save()
    client = as_user(member.user)

    page = client.get(score_url(assignment))
    refused = client.post(score_url(assignment), {f"criterion_{world['impact'].pk}": "5", "action": "save"})

    body = text(page)
    assert page.status_code == 200
    assert "has passed." in body
    assert "You can still read the nomination and your scores, but you cannot change them." in body
    assert '<dt class="govuk-summary-list__key">Impact</dt><dd class="govuk-summary-list__value">2 out of 5</dd>' in body
    assert '<dt class="govuk-summary-list__key">Effort</dt><dd class="govuk-summary-list__value">Not scored</dd>' in body
    assert 'type="radio"' not in body
    assert "Send my scores" not in body
    assert refused.status_code == 409
    assert "has passed" in error_summary(refused)[0]
    assert Review.objects.get(assignment=assignment).scores.get().value == 2


def test_confirmed_shortlist_locks_scoring(world, as_user):
    shortlist_propose(category=world["category"], nominations=[world["nomination"]], actor=world["chair"].user, despite_gaps=True)
    shortlist_confirm(
        category=world["category"], actor=world["organiser"], decisions={world["other"].pk: (Decision.REJECT, "Not this year.")}
    )

    body = text(as_user(world["member"].user).get(score_url(assignment_of(world["member"], world["other"]))))

    assert "The shortlist for this category is confirmed: scores can no longer change." in body
    assert 'type="radio"' not in body


def test_another_members_assignment_is_404(world, as_user):
    theirs = assignment_of(world["chair"], world["nomination"])
    client = as_user(world["member"].user)

    assert client.get(score_url(theirs)).status_code == 404
    assert client.post(score_url(theirs), {"action": "save"}).status_code == 404
    assert client.post(f"/panel/score/{theirs.pk}/conflict/").status_code == 404
    assert not Review.objects.exists()
    assert not Conflict.objects.exists()


def test_declaring_a_conflict_asks_the_member_to_confirm_first(world, as_user):
    member = world["member"]
    assignment = assignment_of(member, world["nomination"])
    response = as_user(member.user).post(f"/panel/score/{assignment.pk}/conflict/", {"reason": "My cousin"})
    assert response.status_code == 400
    assert error_summary(response) == ["Tick the box to say you know them, or go back to scoring."]
    assert not Conflict.objects.exists()


def test_declaring_a_conflict_takes_the_nomination_away(world, as_user):
    member = world["member"]
    assignment = assignment_of(member, world["nomination"])
    client = as_user(member.user)

    response = client.post(f"/panel/score/{assignment.pk}/conflict/", {"reason": "My cousin", "confirm": "on"}, follow=True)

    assert response.redirect_chain == [("/panel/", 302)]
    assert messages_shown(response) == [
        "Thank you for telling us. We have taken that nomination out of your list, so you will not see it again."
    ]
    assert label_of(world["nomination"]) not in text(response)
    assert label_of(world["other"]) in text(response)
    assert Conflict.objects.get(member=member).reason == "My cousin"
    assert client.get(score_url(assignment)).status_code == 404


def test_pages_need_sign_in(world, client):
    response = client.get("/panel/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/panel/"


# --- ranking and shortlist ------------------------------------------------------------------


def submit_all(world, impact_scores: dict) -> None:
    """Chair and member submit the given Impact score for each nomination, Effort 3."""
    for member in (world["chair"], world["member"]):
        for nomination, impact in impact_scores.items():
            review_save(
                assignment=assignment_of(member, nomination),
                actor=member.user,
                scores={world["impact"].pk: impact, world["effort"].pk: 3},
                submit=True,
            )


def shortlist_url(world, action: str = "") -> str:
    return f"/panel/shortlist/{world['category'].pk}/" + (f"{action}/" if action else "")


def test_plain_member_cannot_see_shortlist(world, as_user):
    client = as_user(world["member"].user)

    assert client.get(shortlist_url(world)).status_code == 404
    assert client.post(shortlist_url(world, "propose"), {"finalists": [world["nomination"].pk]}).status_code == 404
    assert not Shortlist.objects.exists()


def test_chair_sees_ranking_without_identity_and_proposes(world, as_user):
    submit_all(world, {world["nomination"]: 5, world["other"]: 2})
    client = as_user(world["chair"].user)

    page = client.get(shortlist_url(world))
    proposed = client.post(shortlist_url(world, "propose"), {"finalists": [world["nomination"].pk]}, follow=True)

    body = text(page)
    for secret in (*SECRETS, world["nomination"].reference):
        assert secret not in body
    first_row = body.split("<tbody class=\"govuk-table__body\">")[1].split("</tr>")[0]
    assert label_of(world["nomination"]) in first_row
    assert '<td class="govuk-table__cell table__number">13.00</td>' in first_row  # 5 × 2 + 3 × 1
    assert "2 of 2" in first_row
    assert "?normalise=1" in body
    assert "Confirm the shortlist" not in body
    assert proposed.redirect_chain == [(shortlist_url(world), 302)]
    assert messages_shown(proposed) == ["Shortlist proposed with 1 finalist."]
    assert "Proposed by the chair" in text(proposed)
    assert list(Shortlist.objects.get().finalists.all()) == [world["nomination"]]


def test_ranking_flags_ties_and_normalises_on_request(world, as_user):
    submit_all(world, {world["nomination"]: 4, world["other"]: 4})

    body = text(as_user(world["chair"].user).get(shortlist_url(world) + "?normalise=1"))

    assert body.count('<span class="govuk-tag govuk-tag--yellow">Tie</span>') == 2
    assert "Ranked by normalised score" in body
    assert "Rank by weighted score instead" in body


def test_proposing_too_many_is_refused(world, as_user):
    response = as_user(world["chair"].user).post(
        shortlist_url(world, "propose"), {"finalists": [world["nomination"].pk, world["other"].pk]}
    )

    assert response.status_code == 400
    assert error_summary(response) == ["Education can have at most 1 finalists; you chose 2."]
    assert not Shortlist.objects.exists()


def test_organiser_sees_identity_confirms_and_reopens(world, as_user):
    shortlist_propose(category=world["category"], nominations=[world["nomination"]], actor=world["chair"].user, despite_gaps=True)
    client = as_user(world["organiser"])

    page = text(client.get(shortlist_url(world)))
    other = world["other"].pk
    confirmed = client.post(
        shortlist_url(world, "confirm"), {f"confirm-decision_{other}": "reject", f"confirm-reason_{other}": "Not this year."}, follow=True
    )
    no_reason = client.post(shortlist_url(world, "reopen"), {"reason": "  "})
    reopened = client.post(shortlist_url(world, "reopen"), {"reason": "A late conflict came to light."}, follow=True)

    assert world["nomination"].reference in page
    assert "Percy Quartermaine" in page
    assert "Confirm the shortlist" in page
    assert messages_shown(confirmed) == ["Shortlist confirmed. The finalists are now shortlisted and scores are locked."]
    assert "Re-open the shortlist" in text(confirmed)
    world["nomination"].refresh_from_db()
    world["other"].refresh_from_db()
    assert (world["nomination"].status, world["other"].status) == (NominationStatus.SHORTLISTED, NominationStatus.NOT_SHORTLISTED)
    assert no_reason.status_code == 400
    assert error_summary(no_reason) == ["Give a reason for re-opening the shortlist."]
    assert messages_shown(reopened) == ["Shortlist re-opened. The chair can change it, and it needs confirming again."]
    assert Shortlist.objects.get().state == ShortlistState.PROPOSED
    assert ShortlistHistory.objects.filter(action="shortlisting.shortlist.reopened").get().reason == "A late conflict came to light."


def test_chair_cannot_confirm(world, as_user):
    shortlist_propose(category=world["category"], nominations=[world["nomination"]], actor=world["chair"].user, despite_gaps=True)

    response = as_user(world["chair"].user).post(shortlist_url(world, "confirm"))

    assert response.status_code == 403
    assert error_summary(response) == ["Only organisers of this programme can confirm a shortlist."]
    assert Shortlist.objects.get().state == ShortlistState.PROPOSED


# --- the organiser's panel page ---------------------------------------------------------------


def manage_url(world, action: str = "") -> str:
    return f"/panel/manage/{world['panel'].pk}/" + (f"{action}/" if action else "")


def test_manage_page_is_for_organisers_only(world, as_user, programme):
    staff = user_with_role(programme, Role.STAFF)

    for user in (world["chair"].user, world["member"].user, staff):
        client = as_user(user)
        assert client.get(manage_url(world)).status_code == 404
        assert client.post(manage_url(world, "assign")).status_code == 404
        assert client.post(manage_url(world, "remind")).status_code == 404


def test_manage_page_shows_progress_and_shortlists(world, as_user):
    member = world["member"]
    review_save(
        assignment=assignment_of(member, world["nomination"]),
        actor=member.user,
        scores={world["impact"].pk: 3, world["effort"].pk: 3},
        submit=True,
    )

    body = text(as_user(world["organiser"]).get(manage_url(world)))

    rows = re.findall(r'<tr class="govuk-table__row">\s*<th class="govuk-table__header" scope="row">(.*?)</tr>', body, re.S)
    cells = [re.findall(r'<td class="govuk-table__cell table__number">(\d+)</td>', row) for row in rows]
    assert cells == [["2", "0", "2"], ["2", "1", "1"]]
    assert "chair" in rows[0] and "member" in rows[1]
    assert f'href="/panel/shortlist/{world["category"].pk}/">Education</a>' in body
    assert "Not proposed yet" in body


def test_assign_button_creates_assignments(world, as_user, programme):
    late = NominationFactory(programme=programme, category=world["category"], status=NominationStatus.ELIGIBLE)

    response = as_user(world["organiser"]).post(manage_url(world, "assign"), follow=True)

    assert response.redirect_chain == [(manage_url(world), 302)]
    assert messages_shown(response) == ["Assigned 2 more nominations to members."]
    assert Assignment.objects.filter(nomination=late).count() == 2


def test_assign_without_members_explains(programme, organiser, as_user):
    panel = PanelFactory(programme=programme)

    response = as_user(organiser).post(f"/panel/manage/{panel.pk}/assign/", follow=True)

    assert messages_shown(response) == ["Add members to the panel before assigning nominations."]


def test_remind_button_sends_emails(world, as_user, mailoutbox, django_capture_on_commit_callbacks):
    member = world["member"]
    for nomination in (world["nomination"], world["other"]):
        review_save(
            assignment=assignment_of(member, nomination),
            actor=member.user,
            scores={world["impact"].pk: 3, world["effort"].pk: 3},
            submit=True,
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world["organiser"]).post(manage_url(world, "remind"), follow=True)

    assert messages_shown(response) == ["Reminders are on their way to 1 member."]
    assert [m.to for m in mailoutbox] == [[world["chair"].user.email]]
    assert "http://" in mailoutbox[0].body and "/panel/" in mailoutbox[0].body
    for secret in SECRETS:
        assert secret not in mailoutbox[0].body




@pytest.mark.parametrize(
    "who, shown",
    [("member", True), ("chair", True), ("organiser", True), ("staff", False), ("nominator", False)],
)
def test_panel_link_shown_only_to_panel_members_and_organisers(client, world, programme, who, shown):
    users = {
        "member": world["member"].user,
        "chair": world["chair"].user,
        "organiser": world["organiser"],
        "staff": lambda: user_with_role(programme, Role.STAFF, "nav-staff"),
        "nominator": lambda: UserFactory(username="nav-nominator"),
    }
    user = users[who]() if callable(users[who]) else users[who]
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    assert ('href="/panel/"' in page.content.decode()) is shown
