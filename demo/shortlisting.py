"""Shortlisting in the demo programme: panels over all the categories, their members (the young
member's carer set up to be found as a conflict), assignments, and about half the reviews, some
submitted and some in draft, scored with each member's own habits so normalisation has work to do.

Everything goes through shortlisting.services (panels, members, conflict detection, assignment,
reviews), except that in bulk every panel reviews with K members and reviews and scores are
bulk-created by the same rules review_save keeps."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from awards.models import Category, Programme
from nominations.enums import NominationStatus, Relationship
from nominations.models import Nomination
from shortlisting.enums import AssignmentStrategy, PanelRole, ReviewStatus
from shortlisting.models import Assignment, Review, Score
from shortlisting.services import assignment_run, panel_create, panel_member_add, review_save

from .data import BATCH_SIZE, Progress, adult_name
from .scale import copy_rows, insert_rows


@dataclass(frozen=True)
class PanelSpec:
    name: str
    categories: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (username, panel role)
    strategy: str = AssignmentStrategy.EVERYONE
    reviewers_per_nomination: int = 3


# Between them the panels cover every 2026 category, each exactly once.
PANELS = (
    PanelSpec(
        "Young people's panel",
        ("positive-choices-11-15", "positive-choices-16-25", "inspiration-award", "proud-plus"),
        (("chair", PanelRole.CHAIR), ("panel", PanelRole.MEMBER), ("youngpanel", PanelRole.MEMBER),
         ("panel.member1", PanelRole.MEMBER)),
    ),
    PanelSpec(
        "Achievement panel",
        ("positive-choices-under-11", "achievement-in-education", "talent"),
        (("panel.member2", PanelRole.CHAIR), ("panel.member3", PanelRole.MEMBER), ("panel.member4", PanelRole.MEMBER),
         ("panel.member5", PanelRole.MEMBER), ("panel.member6", PanelRole.MEMBER), ("panel.member7", PanelRole.MEMBER)),
        strategy=AssignmentStrategy.K_REVIEWERS, reviewers_per_nomination=3,
    ),
    PanelSpec(
        "Community panel",
        ("responding-to-the-needs-of-others", "outstanding-service-to-the-community", "team-effort"),
        (("panel.member8", PanelRole.CHAIR), ("panel", PanelRole.MEMBER), ("panel.member3", PanelRole.MEMBER),
         ("panel.member1", PanelRole.MEMBER)),
    ),
)
# From the Children in Care Council or the Care Leavers Forum: care-experienced young members.
YOUNG_PANEL_MEMBERS = ("youngpanel", "panel.member1")
# Scoring habits, so normalisation visibly reorders: (points added, stretch around the middle,
# share of assignments scored). Other members get random habits.
SCORING_HABITS = {
    "chair": (0.9, 0.6, 0.8),  # generous, and keeps to the top of the scale
    "panel": (-0.8, 1.3, 0.35),  # strict, uses the whole scale, and has plenty left to do
    "youngpanel": (0.3, 1.5, 0.5),
}
SUBMITTED_SHARE_OF_SCORED = 0.8
REVIEW_COMMENTS = (
    "Strong evidence of progress from a difficult starting point.",
    "The statement is short; I would like to hear more about the impact.",
    "Real determination here.",
    "Would be an inspiring finalist.",
    "Hard to compare with the others: a different kind of achievement.",
)
PANEL_DEADLINE_AFTER_CLOSE = timedelta(weeks=2)


class ShortlistingSeeder:
    """Panels over all the categories, their members, conflicts, assignments and about half
    the reviews, some submitted and some in draft."""

    def __init__(
        self, *, programme: Programme, categories: dict[str, Category], users: dict, rng: random.Random,
        now: datetime, progress: Progress | None,
    ):
        self.programme = programme
        self.categories = categories
        self.users = users
        self.organiser = users["organiser"]
        self.rng = rng
        self.now = now
        self.progress = progress or (lambda label, done, total: None)
        self.quality: dict[int, float] = {}  # nomination pk -> how strong it is, 0 to 1
        self.criteria = {
            category.pk: [(c.pk, c.max_score) for c in category.criteria.order_by("display_order", "pk")]
            for category in categories.values()
        }

    def run(self, *, bulk: bool) -> dict[str, int]:
        deadline = self.programme.nominations_close_at + PANEL_DEADLINE_AFTER_CLOSE
        assignments = 0
        for spec in PANELS:
            panel = panel_create(
                programme=self.programme, name=spec.name, categories=[self.categories[slug] for slug in spec.categories],
                actor=self.organiser,
                # At scale "everyone reviews everything" would mean thousands of reviews per member.
                strategy=AssignmentStrategy.K_REVIEWERS if bulk else spec.strategy,
                reviewers_per_nomination=spec.reviewers_per_nomination, deadline=deadline,
            )
            for username, role in spec.members:
                young = username in YOUNG_PANEL_MEMBERS
                panel_member_add(
                    panel=panel, actor=self.organiser, user=self.users[username], role=role,
                    is_young_person=young, is_care_experienced=young,
                    carer_name=self._shared_carer(spec) if username == "youngpanel" else "",
                )
            assignments += assignment_run(panel=panel, actor=self.organiser)
        plans = self._plans()
        if bulk:
            self._reviews_bulk(plans)
        else:
            self._reviews_by_service(plans)
        submitted = sum(1 for _, submit, _, _ in plans if submit)
        return {
            "panels": len(PANELS), "assignments": assignments,
            "reviews_submitted": submitted, "reviews_draft": len(plans) - submitted,
        }

    def _shared_carer(self, spec: PanelSpec) -> str:
        """The young member's carer is one who nominated a young person this panel reviews,
        so the conflict detection has something to find."""
        carers = list(
            Nomination.objects.filter(
                programme=self.programme, category__slug__in=spec.categories, status=NominationStatus.ELIGIBLE,
                nominee__isnull=False,
                nominator_relationship__in=[Relationship.FOSTER_CARER, Relationship.RESIDENTIAL_WORKER],
            ).order_by("reference").values_list("nominator_name", flat=True)[:50]
        )
        return self.rng.choice(carers) if carers else adult_name(self.rng)

    def _plans(self) -> list[tuple[int, bool, dict[int, int], str]]:
        """(assignment pk, submit, scores by criterion, comment) for the assignments each member has
        got to: a share of their own, in a random order; a draft may leave parts unscored."""
        rng = self.rng
        by_member: dict[str, list[tuple[int, int, int]]] = {}
        for pk, username, nomination_pk, category_pk in (
            Assignment.objects.filter(panel__programme=self.programme)
            .order_by("id")
            .values_list("id", "member__user__username", "nomination_id", "nomination__category_id")
            .iterator(chunk_size=BATCH_SIZE)
        ):
            # One member's habits hold across their panels.
            by_member.setdefault(username, []).append((pk, nomination_pk, category_pk))
        plans = []
        for username, own in by_member.items():
            shift, stretch, share = SCORING_HABITS.get(username) or (
                rng.uniform(-1.2, 1.2), rng.uniform(0.6, 1.4), rng.uniform(0.3, 0.7)
            )
            rng.shuffle(own)
            for pk, nomination_pk, category_pk in own[: round(share * len(own))]:
                quality = self.quality.setdefault(nomination_pk, rng.uniform(0.15, 0.95))
                criteria = self.criteria[category_pk]
                submit = rng.random() < SUBMITTED_SHARE_OF_SCORED
                scored = criteria if submit else criteria[: rng.randint(1, len(criteria))]
                scores = {criterion: self._score(top, quality, shift, stretch) for criterion, top in scored}
                comment = rng.choice(REVIEW_COMMENTS) if rng.random() < 0.25 else ""
                plans.append((pk, submit, scores, comment))
        return plans

    def _score(self, top: int, quality: float, shift: float, stretch: float) -> int:
        """A member's score out of `top`: the nomination's quality, stretched around the middle
        and shifted by the member's habits, with some noise; always within 0..top."""
        value = top * (0.5 + stretch * (quality - 0.5)) + shift + self.rng.gauss(0, 0.6)
        return min(top, max(0, round(value)))

    def _reviews_by_service(self, plans) -> None:
        assignments = Assignment.objects.select_related("panel", "member__user", "nomination__category").in_bulk(
            [pk for pk, _, _, _ in plans]
        )
        for pk, submit, scores, comment in plans:
            assignment = assignments[pk]
            review_save(assignment=assignment, actor=assignment.member.user, scores=scores, comment=comment, submit=submit)

    def _reviews_bulk(self, plans) -> None:
        """What review_save would write, in bulk: one Score per criterion scored, each within
        0..max_score; a submitted review has every criterion and submitted_at."""
        rng = self.rng
        total = len(plans)
        columns = [Score._meta.get_field(name).column for name in ("review", "criterion", "value")]
        for start in range(0, total, BATCH_SIZE):
            batch = plans[start:start + BATCH_SIZE]
            reviews = insert_rows(Review, [
                Review(
                    assignment_id=pk, comment=comment,
                    status=ReviewStatus.SUBMITTED if submit else ReviewStatus.DRAFT,
                    submitted_at=self.now - timedelta(minutes=rng.randint(10, 60 * 24 * 14)) if submit else None,
                )
                for pk, submit, _, comment in batch
            ])
            # Plain tuples for the scores: building model instances takes seconds at scale.
            copy_rows(Score._meta.db_table, columns, [
                (review.pk, criterion, value)
                for review, (_, _, scores, _) in zip(reviews, batch)
                for criterion, value in scores.items()
            ])
            self.progress("reviews", start + len(batch), total)
