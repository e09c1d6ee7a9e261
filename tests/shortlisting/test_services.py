import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from awards.enums import Role
from nominations.enums import NominationStatus, Relationship
from nominations.models import NominationHistory
from nominations.services import NotAllowed
from shortlisting.enums import AssignmentStrategy, ConflictSource, PanelRole, ReviewStatus, ShortlistState
from shortlisting.models import Assignment, Conflict, PanelMember, ShortlistHistory
from shortlisting.selectors import (
    assignments_for_member,
    category_ranking,
    other_reviews_visible,
    panel_progress,
)
from shortlisting.services import (
    Decision,
    Locked,
    ShortlistingError,
    assignment_run,
    conflict_declare,
    conflicts_detect,
    panel_create,
    panel_member_add,
    panel_send_reminders,
    results_record,
    review_save,
    shortlist_confirm,
    shortlist_propose,
    shortlist_reopen,
)
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    CriterionFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = NominationStatus


@pytest.fixture
def setup(programme, organiser):
    """A panel for one category with a two-criterion rubric, three members and eligible nominations."""
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme, category__max_finalists=2)
    panel, category = link.panel, link.category
    impact = CriterionFactory(category=category, name="Impact", weight=2, max_score=5)
    effort = CriterionFactory(category=category, name="Effort", weight=1, max_score=5)
    members = [PanelMemberFactory(panel=panel) for _ in range(3)]
    members[0].role = PanelRole.CHAIR
    members[0].save()
    nominations = [NominationFactory(programme=programme, category=category, status=S.ELIGIBLE) for _ in range(3)]
    return dict(panel=panel, category=category, impact=impact, effort=effort, members=members, nominations=nominations, organiser=organiser)


def assignment_of(member, nomination):
    return Assignment.objects.get(member=member, nomination=nomination)


# --- panels and members -----------------------------------------------------------


def test_panel_create_refuses_taken_and_foreign_categories(programme, organiser):
    category = CategoryFactory(programme=programme, name="Talent")
    panel_create(programme=programme, name="Arts panel", categories=[category], actor=organiser)

    with pytest.raises(ShortlistingError, match=r"already have a panel: Talent \(Arts panel\)"):
        panel_create(programme=programme, name="Second", categories=[category], actor=organiser)
    with pytest.raises(ShortlistingError, match="Not categories of"):
        panel_create(programme=programme, name="Third", categories=[CategoryFactory()], actor=organiser)
    with pytest.raises(NotAllowed):
        panel_create(programme=programme, name="Fourth", categories=[CategoryFactory(programme=programme)], actor=UserFactory())


def test_invite_by_email_creates_account_and_sends_link(setup, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = panel_member_add(panel=setup["panel"], actor=setup["organiser"], email="new.member@example.org")

    assert member.user.email == "new.member@example.org"
    assert not member.user.has_usable_password()
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
    with pytest.raises(ShortlistingError, match="already on"):
        panel_member_add(panel=setup["panel"], actor=setup["organiser"], email="NEW.member@example.org")


# --- conflicts ---------------------------------------------------------------------


def test_automatic_conflicts(setup, programme):
    panel = setup["panel"]
    nominator_member, worker_member, email_member = setup["members"]
    first, second, third = setup["nominations"]
    first.nominator_user = nominator_member.user
    first.save()
    second.nominee.allocated_worker = worker_member.user
    second.nominee.save()
    third.nominator_email = email_member.user.email.upper()
    third.save()

    added = conflicts_detect(panel=panel)

    found = set(Conflict.objects.values_list("member_id", "nominee_id", "source"))
    assert found == {
        (nominator_member.pk, first.nominee_id, ConflictSource.NOMINATOR),
        (worker_member.pk, second.nominee_id, ConflictSource.ALLOCATED_WORKER),
        (email_member.pk, third.nominee_id, ConflictSource.NOMINATOR_EMAIL),
    }
    assert added == 3
    assert conflicts_detect(panel=panel) == 0


def test_young_care_experienced_member_conflicts(setup, programme):
    panel, category = setup["panel"], setup["category"]
    worker = UserFactory()
    young = PanelMemberFactory(
        panel=panel, is_young_person=True, is_care_experienced=True, carer_name="Jo  Carter", area="Valley", allocated_worker=worker
    )
    same_carer = NominationFactory(programme=programme, category=category, status=S.ELIGIBLE, nominator_name="jo carter", nominator_relationship=Relationship.FOSTER_CARER)
    same_area = NominationFactory(programme=programme, category=category, status=S.ELIGIBLE, nominee=NomineeFactory(programme=programme, area="VALLEY"))
    same_worker = NominationFactory(programme=programme, category=category, status=S.ELIGIBLE, nominee=NomineeFactory(programme=programme, area="City", allocated_worker=worker))
    teacher_named_jo = NominationFactory(programme=programme, category=category, status=S.ELIGIBLE, nominator_name="Jo Carter", nominator_relationship=Relationship.TEACHER, nominee=NomineeFactory(programme=programme, area="City"))

    conflicts_detect(panel=panel)

    sources = dict(Conflict.objects.filter(member=young).values_list("nominee_id", "source"))
    assert sources == {
        same_carer.nominee_id: ConflictSource.SHARED_CARER,
        same_area.nominee_id: ConflictSource.SHARED_AREA,
        same_worker.nominee_id: ConflictSource.SHARED_WORKER,
    }
    assert teacher_named_jo.nominee_id not in sources


def test_declared_conflict_hides_nomination_from_member(setup):
    member = setup["members"][1]
    nomination = setup["nominations"][0]
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    assert assignments_for_member(member.user).filter(nomination=nomination).exists()

    conflict_declare(member=member, nominee=nomination.nominee, actor=member.user, reason="Went to school together")

    assert not assignments_for_member(member.user).filter(nomination=nomination).exists()
    assert assignments_for_member(member.user).count() == 2
    with pytest.raises(ShortlistingError, match="not open for you"):
        review_save(assignment=assignment_of(member, nomination), actor=member.user, scores={setup["impact"].pk: 3})


def test_member_cannot_declare_for_someone_else(setup):
    a, b = setup["members"][1:]
    with pytest.raises(NotAllowed):
        conflict_declare(member=a, nominee=setup["nominations"][0].nominee, actor=b.user)


# --- assignment ----------------------------------------------------------------------


def test_everyone_strategy_skips_conflicts_and_rerun_only_adds(setup, programme):
    panel = setup["panel"]
    conflict_declare(member=setup["members"][2], nominee=setup["nominations"][0].nominee, actor=setup["organiser"])

    assert assignment_run(panel=panel, actor=setup["organiser"]) == 8
    review_save(assignment=assignment_of(setup["members"][0], setup["nominations"][0]), actor=setup["members"][0].user, scores={setup["impact"].pk: 4})
    late = NominationFactory(programme=programme, category=setup["category"], status=S.ELIGIBLE)
    assert assignment_run(panel=panel, actor=setup["organiser"]) == 3

    assert Assignment.objects.filter(nomination=late).count() == 3
    assert assignment_of(setup["members"][0], setup["nominations"][0]).review.scores.get().value == 4
    assert not Assignment.objects.filter(member=setup["members"][2], nomination=setup["nominations"][0]).exists()


def test_k_reviewers_are_balanced_and_topped_up_after_conflict(programme, organiser):
    link = PanelCategoryFactory(panel__programme=programme, panel__strategy=AssignmentStrategy.K_REVIEWERS, panel__reviewers_per_nomination=2, category__programme=programme)
    panel = link.panel
    members = [PanelMemberFactory(panel=panel) for _ in range(5)]
    nominations = [NominationFactory(programme=programme, category=link.category, status=S.ELIGIBLE) for _ in range(11)]

    assignment_run(panel=panel, actor=organiser)

    per_nomination = Counter(Assignment.objects.values_list("nomination_id", flat=True))
    per_member = Counter(Assignment.objects.values_list("member_id", flat=True))
    assert set(per_nomination.values()) == {2}
    average = 22 / 5
    assert max(per_member.values()) <= average + 1
    assert min(per_member.values()) >= average - 1

    victim = Assignment.objects.filter(nomination=nominations[0]).first()
    conflict_declare(member=victim.member, nominee=nominations[0].nominee, actor=victim.member.user)

    active = [a for a in Assignment.objects.filter(nomination=nominations[0]) if a.member_id != victim.member_id]
    assert len(active) == 2
    assert len(members) == 5


def test_assignment_needs_members(programme, organiser):
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme)
    with pytest.raises(ShortlistingError, match="Add members"):
        assignment_run(panel=link.panel, actor=organiser)


# --- scoring -------------------------------------------------------------------------


def test_review_draft_then_submit_with_range_checks(setup):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    member = setup["members"][1]
    assignment = assignment_of(member, setup["nominations"][0])
    impact, effort = setup["impact"], setup["effort"]

    draft = review_save(assignment=assignment, actor=member.user, scores={impact.pk: 4}, comment="Strong")
    assert (draft.status, draft.comment) == (ReviewStatus.DRAFT, "Strong")
    with pytest.raises(ShortlistingError, match="Missing: Effort"):
        review_save(assignment=assignment, actor=member.user, scores={}, submit=True)
    with pytest.raises(ShortlistingError, match="'Effort' must be a whole number from 0 to 5"):
        review_save(assignment=assignment, actor=member.user, scores={effort.pk: 6})
    with pytest.raises(ShortlistingError, match="Unknown criteria"):
        review_save(assignment=assignment, actor=member.user, scores={CriterionFactory().pk: 1})
    submitted = review_save(assignment=assignment, actor=member.user, scores={effort.pk: 3}, submit=True)

    assert submitted.status == ReviewStatus.SUBMITTED
    assert dict(submitted.scores.values_list("criterion_id", "value")) == {impact.pk: 4, effort.pk: 3}


def test_only_the_assigned_member_scores(setup):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    assignment = assignment_of(setup["members"][1], setup["nominations"][0])
    for intruder in (setup["members"][2].user, setup["organiser"], UserFactory()):
        with pytest.raises(NotAllowed):
            review_save(assignment=assignment, actor=intruder, scores={setup["impact"].pk: 1})


def test_scores_lock_after_deadline(setup):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    setup["panel"].deadline = timezone.now() - dt.timedelta(minutes=1)
    setup["panel"].save()
    member = setup["members"][1]

    with pytest.raises(Locked, match="deadline"):
        review_save(assignment=assignment_of(member, setup["nominations"][0]), actor=member.user, scores={setup["impact"].pk: 1})


def test_ineligible_nomination_cannot_be_scored(setup):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    nomination = setup["nominations"][0]
    nomination.status = S.INELIGIBLE
    nomination.save()
    member = setup["members"][1]

    with pytest.raises(ShortlistingError, match="not open"):
        review_save(assignment=assignment_of(member, nomination), actor=member.user, scores={setup["impact"].pk: 1})


def test_others_scores_visible_only_after_own_submission(setup):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    nomination = setup["nominations"][0]
    a, b = setup["members"][1], setup["members"][2]
    full = {setup["impact"].pk: 3, setup["effort"].pk: 2}
    review_save(assignment=assignment_of(b, nomination), actor=b.user, scores=full, submit=True)
    mine = assignment_of(a, nomination)
    review_save(assignment=mine, actor=a.user, scores=full)

    assert list(other_reviews_visible(Assignment.objects.get(pk=mine.pk))) == []
    review_save(assignment=mine, actor=a.user, scores=full, submit=True)
    assert [r.assignment.member for r in other_reviews_visible(Assignment.objects.get(pk=mine.pk))] == [b]


# --- ranking ---------------------------------------------------------------------------

HAND_SCORES = {  # member index -> nomination index -> (impact ×2, effort ×1)
    0: [(3, 2), (2, 2), (1, 1)],  # totals 8, 6, 3 (a harsh scorer)
    1: [(5, 5), (5, 4), (2, 1)],  # 15, 14, 5
    2: [(4, 4), (5, 5), (2, 0)],  # 12, 15, 4
}


def score_all(setup, table=HAND_SCORES):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    for m, rows in table.items():
        member = setup["members"][m]
        for n, (impact, effort) in enumerate(rows):
            review_save(
                assignment=assignment_of(member, setup["nominations"][n]),
                actor=member.user,
                scores={setup["impact"].pk: impact, setup["effort"].pk: effort},
                submit=True,
            )


def test_ranking_matches_hand_computed_example(setup):
    score_all(setup)
    n1, n2, n3 = setup["nominations"]

    rows = {r.nomination.pk: r for r in category_ranking(panel=setup["panel"], category=setup["category"])}

    # Weighted totals: means of 2×impact + effort over the three members.
    assert rows[n1.pk].weighted_total == pytest.approx(11.67, abs=0.01)
    assert rows[n2.pk].weighted_total == pytest.approx(11.67, abs=0.01)
    assert rows[n3.pk].weighted_total == pytest.approx(4.0)
    assert (rows[n1.pk].rank, rows[n2.pk].rank, rows[n3.pk].rank) == (1, 1, 3)
    assert rows[n1.pk].tied and rows[n2.pk].tied and not rows[n3.pk].tied
    # Spread between members, flagged above 30% of the maximum (15).
    assert (rows[n1.pk].spread, rows[n2.pk].spread, rows[n3.pk].spread) == (7, 9, 2)
    assert (rows[n1.pk].high_disagreement, rows[n3.pk].high_disagreement) == (True, False)
    assert rows[n1.pk].coverage == "3/3"
    assert rows[n1.pk].criterion_means == {setup["impact"].pk: 4.0, setup["effort"].pk: pytest.approx(3.667, abs=0.001)}


def test_normalised_ranking_corrects_harsh_and_lenient_scorers(setup):
    score_all(setup)
    n1, n2, n3 = setup["nominations"]

    rows = category_ranking(panel=setup["panel"], category=setup["category"], normalise=True)

    # Each member's totals as z-scores against their own mean and population SD, averaged.
    assert [r.nomination.pk for r in rows] == [n1.pk, n2.pk, n3.pk]
    assert [r.normalised_total for r in rows] == [pytest.approx(0.770, abs=0.001), pytest.approx(0.587, abs=0.001), pytest.approx(-1.357, abs=0.001)]
    assert [r.rank for r in rows] == [1, 2, 3]


def test_ranking_leaves_out_drafts_and_conflicted_scores(setup):
    score_all(setup)
    n1 = setup["nominations"][0]
    conflict_declare(member=setup["members"][1], nominee=n1.nominee, actor=setup["organiser"])

    row = next(r for r in category_ranking(panel=setup["panel"], category=setup["category"]) if r.nomination.pk == n1.pk)

    assert row.weighted_total == pytest.approx((8 + 12) / 2)
    assert row.coverage == "2/2"


def test_progress_counts_per_member(setup):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    member = setup["members"][1]
    review_save(
        assignment=assignment_of(member, setup["nominations"][0]),
        actor=member.user,
        scores={setup["impact"].pk: 1, setup["effort"].pk: 1},
        submit=True,
    )

    progress = {p.member.pk: (p.assigned, p.submitted, p.left) for p in panel_progress(setup["panel"])}

    assert progress[member.pk] == (3, 1, 2)
    assert progress[setup["members"][0].pk] == (3, 0, 3)


def test_reminders_go_to_members_with_work_left(setup, mailoutbox, django_capture_on_commit_callbacks):
    assignment_run(panel=setup["panel"], actor=setup["organiser"])
    done = setup["members"][1]
    for nomination in setup["nominations"]:
        review_save(assignment=assignment_of(done, nomination), actor=done.user, scores={setup["impact"].pk: 1, setup["effort"].pk: 1}, submit=True)

    with django_capture_on_commit_callbacks(execute=True):
        count = panel_send_reminders(panel=setup["panel"], actor=setup["organiser"])

    assert count == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([setup["members"][0].user.email, setup["members"][2].user.email])
    assert "3 nominations are waiting" in mailoutbox[0].subject


# --- shortlist ----------------------------------------------------------------------------


def test_shortlist_propose_confirm_lock_reopen(setup):
    score_all(setup)
    chair = setup["members"][0].user
    n1, n2, n3 = setup["nominations"]
    category = setup["category"]

    with pytest.raises(ShortlistingError, match="at most 2 finalists"):
        shortlist_propose(category=category, nominations=[n1, n2, n3], actor=chair)
    with pytest.raises(NotAllowed):
        shortlist_propose(category=category, nominations=[n1], actor=setup["members"][1].user)
    with pytest.raises(NotAllowed):
        shortlist_confirm(category=category, actor=chair)
    shortlist_propose(category=category, nominations=[n1, n2], actor=chair)
    shortlist = shortlist_confirm(category=category, actor=setup["organiser"])

    assert shortlist.state == ShortlistState.CONFIRMED
    statuses = {n.pk: n.status for n in (n1, n2, n3)}
    for n in (n1, n2, n3):
        n.refresh_from_db()
    assert (n1.status, n2.status, n3.status) == (S.SHORTLISTED, S.SHORTLISTED, S.NOT_SHORTLISTED)
    assert statuses  # captured before the refresh
    assert NominationHistory.objects.filter(nomination=n3, to_status=S.NOT_SHORTLISTED, actor=setup["organiser"]).exists()
    with pytest.raises(Locked, match="already confirmed"):
        shortlist_confirm(category=category, actor=setup["organiser"])
    with pytest.raises(Locked, match="confirmed"):
        shortlist_propose(category=category, nominations=[n3], actor=chair)
    member = setup["members"][1]
    with pytest.raises(Locked):
        review_save(assignment=assignment_of(member, n1), actor=member.user, scores={setup["impact"].pk: 1})

    with pytest.raises(ShortlistingError, match="reason"):
        shortlist_reopen(category=category, actor=setup["organiser"], reason=" ")
    with pytest.raises(NotAllowed):
        shortlist_reopen(category=category, actor=chair, reason="Mistake")
    shortlist_reopen(category=category, actor=setup["organiser"], reason="Late safeguarding information")
    shortlist_propose(category=category, nominations=[n1, n3], actor=chair)
    shortlist_confirm(category=category, actor=setup["organiser"])

    for n in (n2, n3):
        n.refresh_from_db()
    assert (n2.status, n3.status) == (S.NOT_SHORTLISTED, S.SHORTLISTED)
    assert ShortlistHistory.objects.get(action="shortlisting.shortlist.reopened").reason == "Late safeguarding information"


def test_proposal_outside_category_or_ineligible_refused(setup, programme):
    other = NominationFactory(programme=programme, status=S.ELIGIBLE)
    withdrawn = NominationFactory(programme=programme, category=setup["category"], status=S.WITHDRAWN)
    chair = setup["members"][0].user

    for wrong in (other, withdrawn):
        with pytest.raises(ShortlistingError, match="Not nominations under review"):
            shortlist_propose(category=setup["category"], nominations=[wrong], actor=chair)


def test_results_recorded_through_lifecycle(setup):
    n1, n2, n3 = setup["nominations"]
    category = setup["category"]
    shortlist_propose(category=category, nominations=[n1, n2], actor=setup["organiser"], despite_gaps=True)
    shortlist_confirm(category=category, actor=setup["organiser"], decisions={n3.pk: (Decision.REJECT, "Not this year.")})

    with pytest.raises(ShortlistingError, match="shortlisted"):
        results_record(category=category, actor=setup["organiser"], winner=n3)
    results_record(category=category, actor=setup["organiser"], winner=n2)

    for n in (n1, n2):
        n.refresh_from_db()
    assert (n1.status, n2.status) == (S.FINALIST, S.WINNER)


def test_organiser_of_other_programme_cannot_act(setup):
    stranger = user_with_role(ProgrammeFactory(), Role.ORGANISER)
    with pytest.raises(NotAllowed):
        assignment_run(panel=setup["panel"], actor=stranger)
    with pytest.raises(NotAllowed):
        panel_member_add(panel=setup["panel"], actor=stranger, user=UserFactory())
    assert PanelMember.objects.count() == 3
