"""The figures of the organiser dashboard: the programme at a glance.

Every figure comes from an aggregate query (COUNT … GROUP BY), so the dashboard asks the
database the same number of times for 30 nominations or 30,000. Counts only: no names, no
identity, nothing that needs the access log. A nomination counts once it has been sent in
(it has a `submitted_at`), whatever happened to it since, so every chart adds up to the same
total.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Trim, TruncWeek
from django.utils import timezone

from awards.enums import Cohort, Role
from awards.models import Category, Programme
from awards.rules import programme_ids_with_role
from events.models import Event
from events.selectors import event_counts
from night.services import door_totals
from nominations.enums import NominationStatus, PersonKind
from nominations.models import Nomination
from shortlisting.enums import ReviewStatus
from shortlisting.models import Panel
from shortlisting.selectors import active_assignments

NOT_RECORDED = "Not recorded"
GROUPS = "Groups of young people"
ADULTS = "Carers and staff (PROUD+)"


@dataclass(frozen=True)
class Tally:
    """One bar: what is counted and how many."""

    label: str
    value: int


@dataclass(frozen=True)
class Part:
    """Some of a whole: e.g. 38 reviews sent of 50 assigned."""

    label: str
    done: int
    total: int


@dataclass
class NominationFigures:
    total: int
    waiting: int
    per_category: list[Tally]
    per_week: list[Tally]
    week_starts: list[date]
    by_area: list[Tally]
    by_cohort: list[Tally]


@dataclass
class EventFigures:
    event: Event
    counts: dict
    door: dict


@dataclass
class Dashboard:
    programme: Programme
    nominations: NominationFigures
    panels: list[Part] = field(default_factory=list)
    event: EventFigures | None = None


def dashboard_programmes(user) -> list[Programme]:
    """The programmes whose dashboard this user may see (those they organise), newest first."""
    ids = programme_ids_with_role(user, Role.ORGANISER)
    if not ids:
        return []
    return list(Programme.objects.filter(pk__in=ids).order_by("-year", "-created_at", "-pk"))


def sent_in(programme: Programme) -> QuerySet[Nomination]:
    return Nomination.objects.filter(programme=programme, submitted_at__isnull=False)


def sent_in_groups(programme: Programme) -> list[dict]:
    """Every nomination sent in, counted by every key the nomination charts need at once (award,
    local week, area, kind and cohort), with how many of each wait for an eligibility decision:
    one scan of the nominations instead of one a chart (at 100,000 nominations four scans took
    about 450 ms of the page's 500). The charts below add these counts up in Python; there are
    at most a few thousand groups. One query."""
    return list(
        sent_in(programme)
        .annotate(week=TruncWeek("submitted_at"), place=Trim("nominee__area"))
        .values("category_id", "week", "place", "nominee__kind", "nominee__cohort")
        .annotate(n=Count("pk"), waiting=Count("pk", filter=Q(status=NominationStatus.SUBMITTED)))
        .order_by()
    )


def nominations_per_category(programme: Programme, groups: list[dict]) -> tuple[list[Tally], int]:
    """Sent in per category (active ones, and retired ones that still have some), and how
    many wait for an eligibility decision. One query (the categories)."""
    sent: dict[int, int] = {}
    for group in groups:
        sent[group["category_id"]] = sent.get(group["category_id"], 0) + group["n"]
    rows = [
        Tally(category.name, sent.get(category.pk, 0))
        for category in Category.objects.filter(programme=programme).order_by("display_order", "name", "pk")
        if category.is_active or sent.get(category.pk)
    ]
    return rows, sum(group["waiting"] for group in groups)


def nominations_per_week(groups: list[dict]) -> tuple[list[Tally], list[date]]:
    """Sent in per week (weeks start on Monday, in local time), with the quiet weeks between
    the first and the last shown as nought."""
    counted: dict[date, int] = {}
    for group in groups:
        # Truncated in the current time zone (Europe/London), so weeks start at local midnight.
        week = timezone.localtime(group["week"]).date()
        counted[week] = counted.get(week, 0) + group["n"]
    if not counted:
        return [], []
    weeks, week = [], min(counted)
    while week <= max(counted):
        weeks.append(week)
        week += timedelta(days=7)
    same_year = weeks[0].year == weeks[-1].year
    labels = [f"Week of {w.day} {w:%b}" + ("" if same_year else f" {w.year}") for w in weeks]
    return [Tally(label, counted.get(w, 0)) for label, w in zip(labels, weeks)], weeks


def nominations_by_area(groups: list[dict]) -> list[Tally]:
    """Sent in per area of the county, most first; groups (no one area) and unknown last."""
    areas: dict[str, int] = {}
    groups_of_young_people = unknown = 0
    for group in groups:
        # A group's nomination has no nominee, so no area at all (None); a blank area is ''.
        if group["place"] is None:
            groups_of_young_people += group["n"]
        elif not group["place"]:
            unknown += group["n"]
        else:
            areas[group["place"]] = areas.get(group["place"], 0) + group["n"]
    ordered = [Tally(name, n) for name, n in sorted(areas.items(), key=lambda item: (-item[1], item[0].lower()))]
    if unknown:
        ordered.append(Tally(NOT_RECORDED, unknown))
    if groups_of_young_people:
        ordered.append(Tally(GROUPS, groups_of_young_people))
    return ordered


def nominations_by_cohort(groups: list[dict]) -> list[Tally]:
    """Sent in for children in care and care leavers (always shown, even at nought), then
    unknown, groups and adults where there are any."""
    counts = {Cohort.CHILD_IN_CARE.label: 0, Cohort.CARE_LEAVER.label: 0, NOT_RECORDED: 0, GROUPS: 0, ADULTS: 0}
    for group in groups:
        # A group's nomination has no nominee, so no kind.
        if group["nominee__kind"] is None:
            key = GROUPS
        elif group["nominee__kind"] == PersonKind.ADULT:
            key = ADULTS
        elif group["nominee__cohort"] in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER):
            key = Cohort(group["nominee__cohort"]).label
        else:
            key = NOT_RECORDED
        counts[key] += group["n"]
    always = (Cohort.CHILD_IN_CARE.label, Cohort.CARE_LEAVER.label)
    return [Tally(label, n) for label, n in counts.items() if n or label in always]


def nomination_figures(programme: Programme) -> NominationFigures:
    """Two queries: the counts, grouped, and the categories."""
    groups = sent_in_groups(programme)
    per_category, waiting = nominations_per_category(programme, groups)
    per_week, week_starts = nominations_per_week(groups)
    return NominationFigures(
        total=sum(row.value for row in per_category),
        waiting=waiting,
        per_category=per_category,
        per_week=per_week,
        week_starts=week_starts,
        by_area=nominations_by_area(groups),
        by_cohort=nominations_by_cohort(groups),
    )


def panel_figures(programme: Programme) -> list[Part]:
    """Per panel: reviews assigned and reviews sent, counted as `panel_progress` counts them
    (no conflicted work, only nominations still under review). Two queries."""
    counts = {
        row["panel_id"]: row
        for row in active_assignments()
        .filter(panel__programme=programme)
        .values("panel_id")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)))
    }
    return [
        Part(panel.name, counts.get(panel.pk, {}).get("submitted", 0), counts.get(panel.pk, {}).get("assigned", 0))
        for panel in Panel.objects.filter(programme=programme).order_by("name", "pk")
    ]


def event_figures(programme: Programme) -> EventFigures | None:
    """Answers, seats and check-in of the programme's event, if it has one. Six queries."""
    event = Event.objects.filter(programme=programme).first()
    if event is None:
        return None
    return EventFigures(event=event, counts=event_counts(event), door=door_totals(event))


def programme_dashboard(programme: Programme) -> Dashboard:
    return Dashboard(
        programme=programme,
        nominations=nomination_figures(programme),
        panels=panel_figures(programme),
        event=event_figures(programme),
    )
