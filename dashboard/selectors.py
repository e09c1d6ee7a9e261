"""The figures of the organiser dashboard: the programme at a glance.

Every figure comes from an aggregate query (COUNT … GROUP BY), so the dashboard asks the
database the same number of times for 30 nominations or 30,000. Counts only: no names, no
identity, nothing that needs the access log. A nomination counts once it has been sent in
(it has a `submitted_at`), whatever happened to it since, so every chart adds up to the same
total. It lives in events because it reads every app.
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


def nominations_per_category(programme: Programme) -> tuple[list[Tally], int]:
    """Sent in per category (active ones, and retired ones that still have some), and how
    many wait for an eligibility decision. One query."""
    sent = Q(nominations__submitted_at__isnull=False)
    categories = (
        Category.objects.filter(programme=programme)
        .annotate(
            sent=Count("nominations", filter=sent),
            waiting=Count("nominations", filter=sent & Q(nominations__status=NominationStatus.SUBMITTED)),
        )
        .order_by("display_order", "name", "pk")
    )
    rows, waiting = [], 0
    for category in categories:
        waiting += category.waiting
        if category.is_active or category.sent:
            rows.append(Tally(category.name, category.sent))
    return rows, waiting


def nominations_per_week(programme: Programme) -> tuple[list[Tally], list[date]]:
    """Sent in per week (weeks start on Monday, in local time), with the quiet weeks between
    the first and the last shown as nought. One query."""
    counted = {
        # Truncated in the current time zone (Europe/London), so weeks start at local midnight.
        timezone.localtime(row["week"]).date(): row["n"]
        for row in sent_in(programme)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    }
    if not counted:
        return [], []
    weeks, week = [], min(counted)
    while week <= max(counted):
        weeks.append(week)
        week += timedelta(days=7)
    same_year = weeks[0].year == weeks[-1].year
    labels = [f"Week of {w.day} {w:%b}" + ("" if same_year else f" {w.year}") for w in weeks]
    return [Tally(label, counted.get(w, 0)) for label, w in zip(labels, weeks)], weeks


def nominations_by_area(programme: Programme) -> list[Tally]:
    """Sent in per area of the county, most first; groups (no one area) and unknown last. One query."""
    rows = (
        sent_in(programme)
        .annotate(place=Trim("nominee__area"))
        .values("place")
        .annotate(n=Count("pk"))
    )
    areas: dict[str, int] = {}
    groups = unknown = 0
    for row in rows:
        # A group's nomination has no nominee, so no area at all (None); a blank area is ''.
        if row["place"] is None:
            groups += row["n"]
        elif not row["place"]:
            unknown += row["n"]
        else:
            areas[row["place"]] = areas.get(row["place"], 0) + row["n"]
    ordered = [Tally(name, n) for name, n in sorted(areas.items(), key=lambda item: (-item[1], item[0].lower()))]
    if unknown:
        ordered.append(Tally(NOT_RECORDED, unknown))
    if groups:
        ordered.append(Tally(GROUPS, groups))
    return ordered


def nominations_by_cohort(programme: Programme) -> list[Tally]:
    """Sent in for children in care and care leavers (always shown, even at nought), then
    unknown, groups and adults where there are any. One query."""
    counts = {Cohort.CHILD_IN_CARE.label: 0, Cohort.CARE_LEAVER.label: 0, NOT_RECORDED: 0, GROUPS: 0, ADULTS: 0}
    rows = sent_in(programme).values("nominee__kind", "nominee__cohort").annotate(n=Count("pk"))
    for row in rows:
        # A group's nomination has no nominee, so no kind.
        if row["nominee__kind"] is None:
            key = GROUPS
        elif row["nominee__kind"] == PersonKind.ADULT:
            key = ADULTS
        elif row["nominee__cohort"] in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER):
            key = Cohort(row["nominee__cohort"]).label
        else:
            key = NOT_RECORDED
        counts[key] += row["n"]
    always = (Cohort.CHILD_IN_CARE.label, Cohort.CARE_LEAVER.label)
    return [Tally(label, n) for label, n in counts.items() if n or label in always]


def nomination_figures(programme: Programme) -> NominationFigures:
    per_category, waiting = nominations_per_category(programme)
    per_week, week_starts = nominations_per_week(programme)
    return NominationFigures(
        total=sum(row.value for row in per_category),
        waiting=waiting,
        per_category=per_category,
        per_week=per_week,
        week_starts=week_starts,
        by_area=nominations_by_area(programme),
        by_cohort=nominations_by_cohort(programme),
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
