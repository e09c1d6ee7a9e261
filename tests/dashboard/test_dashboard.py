"""The organiser dashboard: who may see it, every figure against the database, every chart's
text alternative and data table, and a fixed number of queries whatever the programme's size."""

import datetime as dt
import re
from collections import Counter
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.enums import Cohort, Role
from events.enums import InvitationStatus
from events.models import Event, Guest
from nominations.enums import NominationStatus, PersonKind
from nominations.models import Nomination
from shortlisting.enums import ConflictSource, ReviewStatus
from shortlisting.models import Assignment, Conflict, Review
from shortlisting.selectors import panel_progress
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    EventFactory,
    InvitationFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelCategoryFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


# --- reading the page -------------------------------------------------------------------------


def clean(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def charts(response) -> dict[str, dict]:
    """Each chart on the page: its SVG's accessible name and description, the label and number
    of each bar, and the rows of its data table."""
    found = {}
    for key, figure in re.findall(r'<figure class="chart" id="chart-([\w-]+)">(.*?)</figure>', response.content.decode(), re.S):
        svg_tag = re.search(r"<svg ([^>]*)>", figure).group(1)
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', svg_tag))
        svg = re.search(r"<svg .*?</svg>", figure, re.S).group(0)
        titles = dict(re.findall(r'<title id="([^"]+)">(.*?)</title>', svg, re.S))
        descs = dict(re.findall(r'<desc id="([^"]+)">(.*?)</desc>', svg, re.S))
        labels = [clean(" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", t))) for t in re.findall(r'<text class="chart__label"[^>]*>(.*?)</text>', svg, re.S)]
        values = [unescape(v) for v in re.findall(r'<text class="chart__value"[^>]*>(.*?)</text>', svg)]
        table = re.search(r'<table class="table" id="chart-[\w-]+-table">(.*?)</table>', figure, re.S)
        rows = [
            tuple(clean(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
        ] if table else []
        found[key] = {
            "attrs": attrs,
            "name": unescape(titles.get(attrs.get("aria-labelledby"), "")),
            "description": unescape(descs.get(attrs.get("aria-describedby"), "")),
            "labels": labels,
            "values": values,
            "table": rows[1:],
            "headers": rows[0] if rows else (),
        }
    return found


def numbers(chart: dict) -> list[tuple]:
    """The table's rows with numbers as numbers."""
    return [tuple(int(cell) if cell.isdigit() else cell for cell in row) for row in chart["table"]]


# --- who may see it ---------------------------------------------------------------------------


OUTSIDERS = ["plain user", "site admin account", "staff", "event staff", "panel member"]


def outsider(who: str, programme):
    if who == "plain user":
        return UserFactory(username="plain")
    if who == "site admin account":
        return UserFactory(username="admin", is_staff=True, is_superuser=True)
    if who == "staff":
        return user_with_role(programme, Role.STAFF, "staffer")
    if who == "event staff":
        return user_with_role(programme, Role.EVENT_STAFF, "door")
    return PanelMemberFactory(panel=PanelFactory(programme=programme), user__username="panellist").user


def test_anonymous_people_are_sent_to_sign_in(client, event):
    response = client.get(f"/dashboard/?programme={event.programme.slug}")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/dashboard/%3Fprogramme%3D{event.programme.slug}"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_people_who_organise_nothing_get_not_found(client, event, category, who):
    NominationFactory(programme=event.programme, category=category)
    client.force_login(outsider(who, event.programme))

    for url in ["/dashboard/", f"/dashboard/?programme={event.programme.slug}"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Positive Choices" not in response.content.decode()


def test_an_organiser_of_another_programme_sees_theirs_and_never_this_one(client, event, category):
    NominationFactory(programme=event.programme, category=category)
    theirs = ProgrammeFactory(name="Elsewhere Awards")
    someone = user_with_role(theirs, Role.ORGANISER, "elsewhere")
    client.force_login(someone)

    own = client.get("/dashboard/")
    other = client.get(f"/dashboard/?programme={event.programme.slug}")

    assert own.status_code == 200
    assert '<p class="govuk-caption-l">Elsewhere Awards</p>' in own.content.decode()
    assert "Positive Choices" not in own.content.decode()
    assert other.status_code == 404


def test_the_organiser_sees_the_newest_programme_first_and_can_choose_another(client, programme, category, organiser):
    older = ProgrammeFactory(name="PROUD Awards 2020", slug="proud-2020", year=2020)
    ProgrammeRoleFactory(programme=older, user=organiser, role=Role.ORGANISER)
    CategoryFactory(programme=older, name="Old Award")
    client.force_login(organiser)

    newest = client.get("/dashboard/")
    chosen = client.get("/dashboard/?programme=proud-2020")
    unknown = client.get("/dashboard/?programme=no-such-awards")

    assert newest.status_code == 200 and chosen.status_code == 200
    assert f'<p class="govuk-caption-l">{programme.name}</p>' in newest.content.decode()
    assert charts(newest)["categories"]["labels"] == ["Positive Choices"]
    assert '<p class="govuk-caption-l">PROUD Awards 2020</p>' in chosen.content.decode()
    assert charts(chosen)["categories"]["labels"] == ["Old Award"]
    assert '<option value="proud-2020" selected>' in chosen.content.decode()
    assert unknown.status_code == 404


# --- the figures --------------------------------------------------------------------------------


@pytest.fixture
def world(programme, category, organiser, event):
    """Nominations in three awards over several weeks, areas and cohorts; three panels; an event
    with invitations in every state, guests and check-ins."""
    category.display_order = 0
    category.save()
    talent = CategoryFactory(programme=programme, name="Talent", display_order=1)
    retired = CategoryFactory(programme=programme, name="Retired Award", display_order=2, is_active=False)
    CategoryFactory(programme=programme, name="Never Used", display_order=3, is_active=False)

    def nominate(reference, cat, submitted_at, status=NominationStatus.SUBMITTED, **nominee):
        if nominee.pop("group", False):
            group = NomineeGroupFactory(programme=programme)
            return NominationFactory(
                programme=programme, category=cat, nominee=None, group=group, reference=reference,
                submitted_at=submitted_at, status=status,
            )
        return NominationFactory(
            programme=programme, category=cat, reference=reference, submitted_at=submitted_at, status=status,
            nominee=NomineeFactory(programme=programme, **nominee),
        )

    cic, leaver = Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER
    n = {
        "n1": nominate("N1", category, at(2026, 3, 2, 9), cohort=cic, area="Moorland"),
        # Sunday night: still the week of 2 March.
        "n2": nominate("N2", category, at(2026, 3, 8, 23, 30), cohort=cic, area="Moorland "),
        "n3": nominate("N3", category, at(2026, 3, 4), NominationStatus.WITHDRAWN, cohort=leaver, area="Valley"),
        "n4": nominate("N4", category, at(2026, 3, 17), NominationStatus.ELIGIBLE, cohort=leaver, area=""),
        # Monday 00:30 in summer time is Sunday 23:30 in UTC: it belongs to the week of 6 April here.
        "n5": nominate("N5", talent, at(2026, 4, 6, 0, 30), NominationStatus.ELIGIBLE, group=True),
        "n6": nominate(
            "N6", talent, at(2026, 3, 18), kind=PersonKind.ADULT, cohort="", date_of_birth=None, area="Valley"
        ),
        "n7": nominate("N7", retired, at(2026, 3, 3), NominationStatus.INELIGIBLE, cohort=cic, area="Coastal"),
    }
    # A draft is not sent in: it counts nowhere.
    nominate("D1", category, None, NominationStatus.DRAFT, cohort=cic, area="Moorland")

    # Panels: A reviews Positive Choices, B Talent, C has no work yet.
    panel_a, panel_b = PanelFactory(programme=programme, name="Panel A"), PanelFactory(programme=programme, name="Panel B")
    PanelFactory(programme=programme, name="Panel C")
    PanelCategoryFactory(panel=panel_a, category=category)
    PanelCategoryFactory(panel=panel_b, category=talent)
    a1, a2, a3 = (PanelMemberFactory(panel=panel_a) for _ in range(3))
    b1 = PanelMemberFactory(panel=panel_b)
    submitted = {"status": ReviewStatus.SUBMITTED, "submitted_at": timezone.now()}
    Review.objects.create(assignment=Assignment.objects.create(panel=panel_a, member=a1, nomination=n["n4"]), **submitted)
    Review.objects.create(assignment=Assignment.objects.create(panel=panel_a, member=a2, nomination=n["n4"]))
    # Conflicted work is not counted, nor work on a nomination no longer under review.
    Conflict.objects.create(member=a3, nominee=n["n4"].nominee, source=ConflictSource.DECLARED)
    Review.objects.create(assignment=Assignment.objects.create(panel=panel_a, member=a3, nomination=n["n4"]), **submitted)
    Review.objects.create(assignment=Assignment.objects.create(panel=panel_a, member=a1, nomination=n["n1"]), **submitted)
    Assignment.objects.create(panel=panel_b, member=b1, nomination=n["n5"])

    # The event: answers in every state, six seats taken, five arrived of seven expected.
    statuses = [
        InvitationStatus.ACCEPTED, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.SENT,
        InvitationStatus.QUEUED, InvitationStatus.DRAFT, InvitationStatus.DRAFT, InvitationStatus.REVOKED,
    ]
    invitations = [InvitationFactory(event=event, status=status) for status in statuses]
    for invitation in invitations[:2]:
        for position in range(3):
            Guest.objects.create(
                invitation=invitation, position=position, name=f"Guest {invitation.pk}-{position}", relationship="family",
                checked_in_at=timezone.now() if position < 2 else None,
            )
    Guest.objects.create(event=event, name="Walk-in", relationship="other", position=0, checked_in_at=timezone.now())
    Event.objects.filter(pk=event.pk).update(seats_taken=6)
    return n


def test_nominations_per_award_match_the_database(client, world, organiser, programme):
    client.force_login(organiser)

    chart = charts(client.get("/dashboard/"))["categories"]

    sent = Nomination.objects.filter(programme=programme, submitted_at__isnull=False)
    truth = Counter(n.category.name for n in sent)
    assert numbers(chart) == [("Positive Choices", 4), ("Talent", 2), ("Retired Award", 1)]
    assert dict(numbers(chart)) == dict(truth)


def test_nominations_per_week_match_the_database_in_local_weeks(client, world, organiser, programme):
    client.force_login(organiser)

    chart = charts(client.get("/dashboard/"))["weeks"]

    assert numbers(chart) == [
        ("Week of 2 Mar", 4),
        ("Week of 9 Mar", 0),
        ("Week of 16 Mar", 2),
        ("Week of 23 Mar", 0),
        ("Week of 30 Mar", 0),
        ("Week of 6 Apr", 1),
    ]
    truth = Counter()
    for nomination in Nomination.objects.filter(programme=programme, submitted_at__isnull=False):
        day = timezone.localtime(nomination.submitted_at).date()
        monday = day - dt.timedelta(days=day.weekday())
        truth[f"Week of {monday.day} {monday:%b}"] += 1
    assert {label: count for label, count in numbers(chart) if count} == dict(truth)


def test_nominations_by_area_and_cohort_match_the_database(client, world, organiser, programme):
    client.force_login(organiser)

    found = charts(client.get("/dashboard/"))

    assert numbers(found["areas"]) == [
        ("Moorland", 2), ("Valley", 2), ("Coastal", 1), ("Not recorded", 1), ("Groups of young people", 1),
    ]
    assert numbers(found["cohorts"]) == [
        ("Child in care", 3), ("Care leaver", 2), ("Groups of young people", 1), ("Carers and staff (PROUD+)", 1),
    ]
    sent = list(Nomination.objects.filter(programme=programme, submitted_at__isnull=False).select_related("nominee"))
    areas = Counter(n.nominee.area.strip() or "Not recorded" if n.nominee else "Groups of young people" for n in sent)
    assert dict(numbers(found["areas"])) == dict(areas)
    assert sum(count for _, count in numbers(found["cohorts"])) == len(sent)


def test_the_cohorts_always_show_children_in_care_and_care_leavers(client, programme, category, organiser):
    NominationFactory(programme=programme, category=category, nominee=NomineeFactory(programme=programme, cohort=Cohort.CARE_LEAVER))
    client.force_login(organiser)

    chart = charts(client.get("/dashboard/"))["cohorts"]

    # None for children in care is exactly what an organiser needs to see.
    assert numbers(chart) == [("Child in care", 0), ("Care leaver", 1)]


def test_panel_progress_matches_each_members_progress(client, world, organiser, programme):
    client.force_login(organiser)

    chart = charts(client.get("/dashboard/"))["panels"]

    assert numbers(chart) == [("Panel A", 1, 2, "50%"), ("Panel B", 0, 1, "0%"), ("Panel C", 0, 0, "none")]
    assert chart["headers"] == ("Panel", "Reviews sent", "Reviews assigned", "Share")
    for label, sent, assigned, _ in numbers(chart):
        panel = programme.panels.get(name=label)
        members = panel_progress(panel)
        assert (sent, assigned) == (sum(m.submitted for m in members), sum(m.assigned for m in members))


def test_answers_seats_and_check_in_match_the_database(client, world, organiser, event):
    client.force_login(organiser)

    found = charts(client.get("/dashboard/"))

    assert numbers(found["answers"]) == [
        ("Accepted", 2), ("Declined", 1), ("Waiting for an answer", 2), ("Not sent yet", 2), ("Revoked", 1),
    ]
    invitations = Counter(event.invitations.values_list("status", flat=True))
    assert dict(numbers(found["answers"]))["Accepted"] == invitations[InvitationStatus.ACCEPTED]
    assert dict(numbers(found["answers"]))["Waiting for an answer"] == invitations["sent"] + invitations["queued"]
    event.refresh_from_db()
    assert numbers(found["seats"]) == [("Seats taken", event.seats_taken, event.capacity, "3%")]
    arrived = Guest.objects.filter(event=event, checked_in_at__isnull=False).count()
    assert numbers(found["door"]) == [("Arrived", 5, 7, "71%")]
    assert arrived == 5


def test_the_headline_counts_and_the_waiting_link(client, world, organiser, programme):
    client.force_login(organiser)

    body = client.get("/dashboard/").content.decode()

    assert "<dt>Nominations sent in</dt><dd>7</dd>" in body
    assert "<dt>Waiting for an eligibility decision</dt><dd>3</dd>" in body
    assert f'href="/organise/nominations/?programme={programme.slug}&amp;status=submitted"' in body


def test_every_chart_has_a_name_a_description_and_a_table_with_the_same_numbers(client, world, organiser):
    client.force_login(organiser)
    response = client.get("/dashboard/")
    body = response.content.decode()
    found = charts(response)

    assert sorted(found) == sorted(["categories", "weeks", "areas", "cohorts", "panels", "answers", "seats", "door"])
    # Every SVG on the page is one of these charts, and an image with a name.
    assert body.count("<svg ") == len(found) == body.count('role="img"')
    for key, chart in found.items():
        attrs = chart["attrs"]
        assert attrs["role"] == "img", key
        assert attrs["aria-labelledby"] == f"chart-{key}-title" and chart["name"], key
        assert attrs["aria-describedby"] == f"chart-{key}-desc" and chart["description"], key
        assert f'<caption id="chart-{key}-caption">{chart["name"]}</caption>' in unescape(body), key
        assert chart["table"], key
        if len(chart["headers"]) == 2:
            # Bars: each bar's label and the number written beside it are the table's row.
            assert list(zip(chart["labels"], chart["values"])) == chart["table"], key
            for label, value in chart["table"]:
                assert f"{label}: {value}." in chart["description"], key
        else:
            # Parts of a whole: the label says "done of total", as the table does.
            assert chart["values"] == [], key
            for label_text, (label, done, total, share) in zip(chart["labels"], chart["table"]):
                assert label_text == f"{label}: {done} of {total} ({share})", key
                assert f"{label_text}." in chart["description"], key
        assert len(chart["labels"]) == len(chart["table"]), key


def test_bars_are_drawn_to_scale(client, world, organiser):
    client.force_login(organiser)
    body = client.get("/dashboard/").content.decode()

    figure = re.search(r'<figure class="chart" id="chart-categories">.*?</figure>', body, re.S).group(0)
    widths = [float(w) for w in re.findall(r'<rect class="chart__bar"[^>]*width="([\d.]+)%"', figure)]

    # 4, 2 and 1: the longest bar takes 80% of the width, the rest in proportion.
    assert widths == [80.0, 40.0, 20.0]
    door = re.search(r'<figure class="chart" id="chart-door">.*?</figure>', body, re.S).group(0)
    assert re.findall(r'<rect class="chart__bar"[^>]*width="([\d.]+)%"', door) == ["71.43"]


def test_a_programme_without_nominations_panels_or_event_says_so(client, programme, category, organiser):
    client.force_login(organiser)

    response = client.get("/dashboard/")
    body = clean(response.content.decode())

    assert response.status_code == 200
    assert sorted(charts(response)) == ["categories", "cohorts"]
    assert numbers(charts(response)["categories"]) == [("Positive Choices", 0)]
    assert "Nominations per week No nominations have been sent in yet." in body
    assert "This programme has no panels yet." in body
    assert "This programme has no event yet." in body


# --- queries ------------------------------------------------------------------------------------


def populate(programme, category, size: int) -> None:
    """A programme of `size` nominations over several weeks, areas and cohorts, a panel per
    three nominations with reviews, and an event with `size` invitations, guests and arrivals."""
    talent = CategoryFactory(programme=programme, name="Talent")
    event = EventFactory(programme=programme)
    start = at(2026, 3, 2)
    nominations = []
    for number in range(size):
        kwargs = {"programme": programme, "category": category if number % 2 else talent,
                  "submitted_at": start + dt.timedelta(days=3 * number), "status": NominationStatus.ELIGIBLE}
        if number % 5 == 4:
            nominations.append(NominationFactory(nominee=None, group=NomineeGroupFactory(programme=programme), **kwargs))
        else:
            nominee = NomineeFactory(
                programme=programme, area=f"Area {number % 4}",
                cohort=Cohort.CARE_LEAVER if number % 3 else Cohort.CHILD_IN_CARE,
            )
            nominations.append(NominationFactory(nominee=nominee, **kwargs))
    for number in range(0, size, 3):
        panel = PanelFactory(programme=programme, name=f"Panel {number}")
        member = PanelMemberFactory(panel=panel)
        for nomination in nominations[number:number + 3]:
            assignment = Assignment.objects.create(panel=panel, member=member, nomination=nomination)
            Review.objects.create(assignment=assignment, status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
    for number in range(size):
        invitation = InvitationFactory(event=event, status=InvitationStatus.ACCEPTED if number % 2 else InvitationStatus.SENT)
        if number % 2:
            Guest.objects.create(invitation=invitation, position=0, name=f"Guest {number}", relationship="family",
                                 checked_in_at=timezone.now() if number % 3 else None)
    Event.objects.filter(pk=event.pk).update(seats_taken=size // 2)


@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboard_asks_the_database_a_fixed_number_of_times(client, programme, category, organiser, size):
    populate(programme, category, size)
    client.force_login(organiser)
    client.get("/dashboard/")  # the session is read once, as on any page

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")

    assert response.status_code == 200
    found = charts(response)
    assert sum(count for _, count in numbers(found["categories"])) == size
    assert len(found["panels"]["table"]) == len(range(0, size, 3))
    # Session, user, roles, programmes; the nominations counted by every chart's keys at once, and
    # the awards; panels (2); the event, its answers (3) and check-in (2).
    assert len(queries) == 14, "\n".join(q["sql"] for q in queries.captured_queries)
