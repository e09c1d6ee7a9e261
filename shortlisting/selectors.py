"""Reads that decide what panel members, chairs and organisers see."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from awards.enums import Role
from awards.models import Criterion
from awards.rules import programme_ids_with_role
from nominations.models import Nomination, Nominee, NomineeGroup

from .enums import DISAGREEMENT_SHARE, REVIEWABLE_STATUSES, ReviewStatus
from .models import Assignment, Conflict, Panel, PanelMember, Review, Score


def conflicted(member_ref: str = "member_id", nomination_ref: str = "nomination") -> Exists:
    """True where the member has a conflict with the nomination's nominee or any member of its group."""
    return Exists(
        Conflict.objects.filter(member_id=OuterRef(member_ref)).filter(
            Q(nominee_id=OuterRef(f"{nomination_ref}__nominee_id")) | Q(nominee__groups=OuterRef(f"{nomination_ref}__group_id"))
        )
    )


def active_assignments() -> QuerySet[Assignment]:
    """Assignments a member may work on: no conflict, nomination still under review."""
    return Assignment.objects.filter(nomination__status__in=REVIEWABLE_STATUSES).exclude(conflicted())


def assignments_for_member(user, *, panel=None) -> QuerySet[Assignment]:
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    queryset = active_assignments().filter(member__user=user)
    if panel is not None:
        queryset = queryset.filter(panel=panel)
    return with_card_relations(queryset)


def with_card_relations(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """What a scoring card shows of an assignment, read in a fixed number of queries. Only for
    assignments already chosen through assignments_for_member."""
    return queryset.select_related(
        "panel__programme", "member", "nomination__category", "nomination__nominee", "nomination__group", "review"
    ).prefetch_related(
        "nomination__group__members",
        Prefetch("review__scores", queryset=Score.objects.select_related("criterion")),
        "nomination__category__criteria",
    )


def page_of_cards(assignments: QuerySet[Assignment]) -> list[Assignment]:
    """A page of scoring cards (assignments already chosen through assignments_for_member), read
    with all they show in the same number of queries whatever the page holds: the cards, then the
    members of the groups on it, the reviews' scores and the categories' rubrics, each read once
    even when there is none to read (a prefetch skips its query then, which made a page with no
    review or no group one query cheaper than another)."""
    cards = list(assignments.select_related(
        "panel__programme", "member", "nomination__category", "nomination__nominee", "nomination__group", "review"
    ).prefetch_related(None))
    if not cards:
        return cards

    def one_query(lookup: str, ids) -> Q:
        # An empty IN is not sent to the database at all: ask for nothing in a query all the same.
        return Q(**{lookup: list(ids)}) if ids else Q(pk__isnull=True)

    # Each card has its own copy of its group, review and category (select_related): each gets the rows.
    group_ids = {a.nomination.group_id for a in cards if a.nomination.group_id}
    members: dict[int, list] = {pk: [] for pk in group_ids}
    for member in Nominee.objects.filter(one_query("groups__id__in", group_ids)).annotate(in_group=F("groups__id")):
        members[member.in_group].append(member)
    reviews = [a.review for a in cards if getattr(a, "review", None) is not None]
    scores: dict[int, list] = {review.pk: [] for review in reviews}
    for score in Score.objects.filter(one_query("review_id__in", scores)):
        scores[score.review_id].append(score)
    category_ids = {a.nomination.category_id for a in cards}
    criteria: dict[int, list] = {pk: [] for pk in category_ids}
    for criterion in Criterion.objects.filter(category_id__in=category_ids):
        criteria[criterion.category_id].append(criterion)
    for card in cards:
        nomination = card.nomination
        if nomination.group_id:
            nomination.group._prefetched_objects_cache = {"members": list(members[nomination.group_id])}
        nomination.category._prefetched_objects_cache = {"criteria": list(criteria[nomination.category_id])}
    for review in reviews:
        review._prefetched_objects_cache = {"scores": scores[review.pk]}
    return cards


def panels_visible_to(user) -> QuerySet[Panel]:
    if not getattr(user, "is_authenticated", False):
        return Panel.objects.none()
    organised = programme_ids_with_role(user, Role.ORGANISER)
    return Panel.objects.filter(Q(programme_id__in=organised) | Q(members__user=user)).distinct()


def panels_managed_by(user) -> QuerySet[Panel]:
    return Panel.objects.filter(programme_id__in=programme_ids_with_role(user, Role.ORGANISER))


def reviewable_nominations(panel: Panel) -> QuerySet[Nomination]:
    return Nomination.objects.filter(category__panel_link__panel=panel, status__in=REVIEWABLE_STATUSES)


def other_reviews_visible(assignment: Assignment) -> QuerySet[Review]:
    """Other members' submitted reviews of the same nomination, only once this member has submitted."""
    own = getattr(assignment, "review", None)
    if own is None or own.status != ReviewStatus.SUBMITTED:
        return Review.objects.none()
    return (
        Review.objects.filter(
            assignment__nomination_id=assignment.nomination_id,
            assignment__panel_id=assignment.panel_id,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(pk=own.pk)
        .exclude(conflicted("assignment__member_id", "assignment__nomination"))
        .select_related("assignment__member__user")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
    )


@dataclass
class MemberProgress:
    member: PanelMember
    assigned: int
    submitted: int

    @property
    def left(self) -> int:
        return self.assigned - self.submitted


def panel_progress(panel: Panel) -> list[MemberProgress]:
    """Per member: assigned, scored (submitted), left. Two queries whatever the panel's size."""
    counts = {
        row["member_id"]: row
        for row in active_assignments()
        .filter(panel=panel)
        .values("member_id")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=Q(review__status=ReviewStatus.SUBMITTED)))
    }
    return [
        MemberProgress(member=m, assigned=counts.get(m.pk, {}).get("assigned", 0), submitted=counts.get(m.pk, {}).get("submitted", 0))
        for m in panel.members.select_related("user").order_by("role", "user__username")
    ]


@dataclass
class RankingRow:
    nomination: Nomination
    rank: int
    weighted_total: float | None
    normalised_total: float | None
    spread: float | None
    submitted: int
    assigned: int
    criterion_means: dict[int, float]
    tied: bool = False

    @property
    def coverage(self) -> str:
        return f"{self.submitted}/{self.assigned}"

    @property
    def high_disagreement(self) -> bool:
        return bool(self.spread is not None and self._max_total and self.spread > DISAGREEMENT_SHARE * self._max_total)

    _max_total: float = 0.0


_REVIEW_TOTALS = """
WITH totals AS (
    SELECT r.id AS review_id, a.member_id AS member_id, a.nomination_id AS nomination_id,
           SUM(s.value * c.weight) AS total
    FROM {review} r
    JOIN {assignment} a ON a.id = r.assignment_id
    JOIN {nomination} n ON n.id = a.nomination_id
    JOIN {score} s ON s.review_id = r.id
    JOIN {criterion} c ON c.id = s.criterion_id
    WHERE r.status = %s AND n.category_id = %s AND a.panel_id = %s AND n.status IN ({statuses})
      AND NOT EXISTS (
          SELECT 1 FROM {conflict} cf
          WHERE cf.member_id = a.member_id
            AND (cf.nominee_id = n.nominee_id
                 OR cf.nominee_id IN (SELECT gm.nominee_id FROM {group_members} gm WHERE gm.nomineegroup_id = n.group_id))
      )
    GROUP BY r.id, a.member_id, a.nomination_id
),
member_stats AS (
    SELECT member_id, AVG(total) AS mean, STDDEV_POP(total) AS sd FROM totals GROUP BY member_id
)
SELECT t.nomination_id,
       AVG(t.total),
       AVG(CASE WHEN ms.sd > 0 THEN (t.total - ms.mean) / ms.sd ELSE 0 END),
       MAX(t.total) - MIN(t.total),
       COUNT(*)
FROM totals t JOIN member_stats ms ON ms.member_id = t.member_id
GROUP BY t.nomination_id
"""


def _tables() -> dict[str, str]:
    return {
        "review": Review._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "nomination": Nomination._meta.db_table,
        "score": Score._meta.db_table,
        "criterion": Criterion._meta.db_table,
        "conflict": Conflict._meta.db_table,
        "group_members": NomineeGroup.members.through._meta.db_table,
    }


def category_ranking(*, panel: Panel, category, normalise: bool = False) -> list[RankingRow]:
    """The category's nominations ranked by weighted total (or by members' z-scores when
    `normalise`), with coverage, spread and ties. Aggregated in the database: four queries
    whatever the number of nominations, members and criteria.

    Weighted total of a review = Σ score × criterion weight; a nomination's total is the
    mean over submitted, unconflicted reviews. Normalised: each review total as a z-score
    against that member's own reviews in the category (population standard deviation;
    a member with no spread counts 0), averaged per nomination.
    """
    statuses = list(REVIEWABLE_STATUSES)
    sql = _REVIEW_TOTALS.format(statuses=", ".join(["%s"] * len(statuses)), **_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, [ReviewStatus.SUBMITTED, category.pk, panel.pk, *statuses])
        totals = {row[0]: row[1:] for row in cursor.fetchall()}
    criterion_means: dict[int, dict[int, float]] = {}
    for row in (
        Score.objects.filter(review__status=ReviewStatus.SUBMITTED, review__assignment__panel=panel, review__assignment__nomination__category=category)
        .exclude(conflicted("review__assignment__member_id", "review__assignment__nomination"))
        .values("review__assignment__nomination_id", "criterion_id")
        .annotate(mean=Avg("value"))
    ):
        criterion_means.setdefault(row["review__assignment__nomination_id"], {})[row["criterion_id"]] = float(row["mean"])
    assigned = dict(
        active_assignments()
        .filter(panel=panel, nomination__category=category)
        .values("nomination_id")
        .annotate(n=Count("id"))
        .values_list("nomination_id", "n")
    )
    max_total = float(sum(Decimal(c.max_score) * c.weight for c in category.criteria.all()))
    rows = []
    for nomination in reviewable_nominations(panel).filter(category=category).select_related("category", "nominee", "group"):
        total, z, spread, submitted = totals.get(nomination.pk, (None, None, None, 0))
        row = RankingRow(
            nomination=nomination,
            rank=0,
            weighted_total=_round(total),
            normalised_total=_round(z, 3),
            spread=_round(spread),
            submitted=submitted,
            assigned=assigned.get(nomination.pk, 0),
            criterion_means=criterion_means.get(nomination.pk, {}),
        )
        row._max_total = max_total
        rows.append(row)
    key = (lambda r: r.normalised_total) if normalise else (lambda r: r.weighted_total)
    rows.sort(key=lambda r: (key(r) is None, -(key(r) or 0), r.nomination.reference))
    previous = None
    for position, row in enumerate(rows, start=1):
        value = key(row)
        if previous is not None and value is not None and value == key(previous):
            row.rank = previous.rank
            row.tied = previous.tied = True
        else:
            row.rank = position
        previous = row
    return rows


@dataclass
class CoverageGap:
    """A nomination under review that the panel has not fully scored: nobody assigned, or fewer
    submitted scores than members assigned."""

    nomination: Nomination
    assigned: int
    submitted: int

    @property
    def words(self) -> str:
        if self.assigned == 0:
            return "nobody is assigned to score it"
        if self.submitted == 0:
            return f"none of the {self.assigned} assigned has scored it yet"
        return f"scored by {self.submitted} of {self.assigned}"


def coverage_gaps(panel: Panel, category) -> list[CoverageGap]:
    """Every nomination under review in `category` that `panel` has not fully scored, by
    reference: two queries whatever the size."""
    counts = {
        row["nomination_id"]: row
        for row in active_assignments()
        .filter(panel=panel, nomination__category=category)
        .values("nomination_id")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=Q(review__status=ReviewStatus.SUBMITTED)))
    }
    gaps = []
    for nomination in reviewable_nominations(panel).filter(category=category).select_related("category").order_by("reference"):
        row = counts.get(nomination.pk, {})
        assigned, submitted = row.get("assigned", 0), row.get("submitted", 0)
        if assigned == 0 or submitted < assigned:
            gaps.append(CoverageGap(nomination, assigned, submitted))
    return gaps


def _round(value, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)
