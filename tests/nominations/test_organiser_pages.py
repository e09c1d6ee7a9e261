"""The organisers' nomination pages: who may use them, the list's filters and fixed query count,
one nomination with its identity (logged) and the decision that moves it along the lifecycle."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.enums import Role
from nominations.enums import NominationStatus, PublicityLevel
from nominations.models import IdentityAccess, Nomination, NominationHistory
from nominations.services import nomination_transition
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    PanelFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Data that could leak: a distinctive legal surname, a date of birth and notes no one but
# organisers may read. The nominee is anonymous to everyone else.
SURNAME = "Featherstonehaugh"
NOTES = "Placement moved in March; do not share the new address."


def text(response) -> str:
    return unescape(response.content.decode())


def main(response) -> str:
    """The page's main content as a person reads it: tags gone, spaces collapsed."""
    body = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).strip()


def references(response) -> list[str]:
    """The references in the list's table, in page order."""
    return re.findall(r'<th class="govuk-table__header" scope="row"><a href="/organise/nominations/\d+/">([^<]+)</a></th>', response.content.decode())


def error_summary(response) -> list[tuple[str, str]]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    result = []
    for item in items:
        anchor = re.search(r'href="#([^"]+)"', item)
        result.append((anchor.group(1) if anchor else "", unescape(re.sub(r"<[^>]+>", "", item)).strip()))
    return result


def offered_moves(response) -> list[str]:
    return re.findall(r'<input class="govuk-radios__input" type="radio" name="to" value="([^"]+)"', response.content.decode())


def snapshot() -> tuple:
    return (
        list(Nomination.objects.order_by("pk").values_list("pk", "status")),
        NominationHistory.objects.count(),
    )


@pytest.fixture
def nomination(programme, category):
    nominee = NomineeFactory(
        programme=programme,
        legal_first_name="Rowan",
        legal_last_name=SURNAME,
        date_of_birth=dt.date(2011, 2, 3),
        area="Moorland",
        publicity_level=PublicityLevel.ANONYMOUS,
        safeguarding_notes=NOTES,
    )
    return NominationFactory(
        programme=programme,
        category=category,
        nominee=nominee,
        reference="PR-0001",
        nominator_name="Pat Carer",
        nominator_email="pat@example.org",
        achievement="Organised the whole football tournament.",
    )


def detail_url(nomination) -> str:
    return f"/organise/nominations/{nomination.pk}/"


# --- who may use the pages ------------------------------------------------------------------

OUTSIDERS = [
    "plain user",
    "site admin account",
    "staff (the allocated worker)",
    "event staff",
    "panel member",
    "organiser of another programme",
]


def outsider(who: str, nomination):
    programme = nomination.programme
    if who == "plain user":
        return UserFactory(username="plain")
    if who == "site admin account":
        return UserFactory(username="admin", is_staff=True, is_superuser=True)
    if who == "staff (the allocated worker)":
        # May read this young person's identity through the API, but does not decide eligibility.
        user = user_with_role(programme, Role.STAFF, "staffer")
        nomination.nominee.allocated_worker = user
        nomination.nominee.save()
        return user
    if who == "event staff":
        return user_with_role(programme, Role.EVENT_STAFF, "door")
    if who == "panel member":
        return PanelMemberFactory(panel=PanelFactory(programme=programme), user__username="panellist").user
    return user_with_role(ProgrammeFactory(), Role.ORGANISER, "elsewhere")


def test_anonymous_people_are_sent_to_sign_in_and_change_nothing(client, nomination):
    before = snapshot()
    for response, url in [
        (client.get("/organise/nominations/"), "/organise/nominations/"),
        (client.get(detail_url(nomination)), detail_url(nomination)),
        (client.post(detail_url(nomination), {"to": "eligible"}), detail_url(nomination)),
    ]:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    assert snapshot() == before
    assert IdentityAccess.objects.count() == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_but_the_programmes_organisers_gets_not_found_and_changes_nothing(client, nomination, who):
    client.force_login(outsider(who, nomination))
    before = snapshot()

    page = client.get(detail_url(nomination))
    decision = client.post(
        detail_url(nomination), {"to": "eligible", "seen_status": "submitted", "reason": ""}
    )
    listing = client.get("/organise/nominations/")

    assert page.status_code == 404 and decision.status_code == 404
    assert SURNAME not in text(page) and SURNAME not in text(decision)
    if who == "organiser of another programme":
        # Their own list opens, without this programme's nominations.
        assert listing.status_code == 200
        assert references(listing) == []
        assert "PR-0001" not in text(listing)
    else:
        assert listing.status_code == 404
    assert snapshot() == before
    assert IdentityAccess.objects.count() == 0


def test_an_organiser_elsewhere_who_is_this_young_persons_worker_here_still_gets_not_found(client, nomination):
    # Organises another programme, and is staff here with this young person allocated: the
    # identity selector lets them read the nominee, but these pages are for this programme's organisers.
    user = user_with_role(ProgrammeFactory(), Role.ORGANISER, "both")
    ProgrammeRoleFactory(programme=nomination.programme, user=user, role=Role.STAFF)
    nomination.nominee.allocated_worker = user
    nomination.nominee.save()
    client.force_login(user)
    before = snapshot()

    page = client.get(detail_url(nomination))
    decision = client.post(detail_url(nomination), {"to": "eligible", "seen_status": "submitted"})
    listing = client.get("/organise/nominations/")

    assert page.status_code == 404 and decision.status_code == 404
    assert listing.status_code == 200 and references(listing) == []
    assert snapshot() == before
    assert IdentityAccess.objects.count() == 0


def test_the_organiser_opens_both_pages(client, nomination, organiser):
    client.force_login(organiser)

    listing = client.get("/organise/nominations/")
    page = client.get(detail_url(nomination))

    assert listing.status_code == 200 and page.status_code == 200
    assert references(listing) == ["PR-0001"]
    assert "<h1>Nomination PR-0001</h1>" in page.content.decode()


@pytest.mark.parametrize("who, shown", [("organiser", True), ("plain user", False), ("staff (the allocated worker)", False)])
def test_the_nominations_and_dashboard_links_are_in_the_navigation_for_organisers_only(
    client, nomination, organiser, who, shown
):
    client.force_login(organiser if who == "organiser" else outsider(who, nomination))

    nav = re.search(r'<nav aria-label="Main" class="govuk-service-navigation__wrapper".*?</nav>', client.get("/").content.decode(), re.S).group(0)

    assert ('<a class="govuk-service-navigation__link" href="/organise/nominations/">Nominations</a>' in nav) is shown
    assert ('<a class="govuk-service-navigation__link" href="/dashboard/">Dashboard</a>' in nav) is shown


# --- the list -------------------------------------------------------------------------------


def test_the_list_names_young_people_to_organisers_and_logs_each_showing(client, nomination, organiser, category):
    named = NominationFactory(
        programme=nomination.programme,
        category=category,
        reference="PR-0002",
        nominee=NomineeFactory(
            programme=nomination.programme, legal_first_name="Sam", legal_last_name="Okafor",
            publicity_level=PublicityLevel.FIRST_NAME_INITIAL,
        ),
    )
    group = NomineeGroupFactory(programme=nomination.programme, name="The Youth Council")
    NominationFactory(programme=nomination.programme, category=category, nominee=None, group=group, reference="PR-0003")
    client.force_login(organiser)

    response = client.get("/organise/nominations/")

    # Organisers are entitled to know who they look at (nominations.naming: identity): the legal
    # name, whatever the publicity level, and each showing is recorded. No other identity field.
    body = main(response)
    assert f"PR-0001 Positive Choices Rowan {SURNAME} Submitted" in body
    assert f"PR-0002 Positive Choices Sam Okafor Submitted {timezone.localdate(named.submitted_at):%-d %b %Y}" in body
    assert "PR-0003 Positive Choices The Youth Council Submitted" in body
    assert "Moorland" not in body and "2011" not in body
    assert sorted(IdentityAccess.objects.values_list("nominee_id", "context")) == sorted(
        [(nomination.nominee_id, "page.nomination_list"), (named.nominee_id, "page.nomination_list")]
    )


@pytest.fixture
def two_programmes(programme, category, organiser):
    """The organiser's two programmes with nominations in several awards and states."""
    talent = CategoryFactory(programme=programme, name="Talent")
    later = ProgrammeFactory(name="PROUD Awards 2030", slug="proud-2030", year=2030)
    ProgrammeRoleFactory(programme=later, user=organiser, role=Role.ORGANISER)
    later_category = CategoryFactory(programme=later, name="Education")
    made = {
        "A-1": (programme, category, NominationStatus.SUBMITTED),
        "A-2": (programme, category, NominationStatus.ELIGIBLE),
        "A-3": (programme, talent, NominationStatus.SUBMITTED),
        "A-4": (programme, talent, NominationStatus.INELIGIBLE),
        "B-1": (later, later_category, NominationStatus.SUBMITTED),
        "B-2": (later, later_category, NominationStatus.WITHDRAWN),
    }
    now = timezone.now()
    for age, (reference, (prog, cat, status)) in enumerate(made.items()):
        NominationFactory(
            programme=prog, category=cat, status=status, reference=reference, submitted_at=now - dt.timedelta(hours=age)
        )
    # Someone else's programme, which must never appear.
    NominationFactory(reference="X-1")
    return {"first": programme, "later": later, "category": category, "talent": talent}


def test_the_list_is_newest_first_across_the_organisers_programmes(client, organiser, two_programmes):
    client.force_login(organiser)

    response = client.get("/organise/nominations/")

    assert references(response) == ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2"]
    # Categories of both programmes can be chosen, grouped by programme; nobody else's.
    assert '<optgroup label="PROUD Awards 2030">' in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"programme": "proud-2030"}, ["B-1", "B-2"]),
        ({"category": "talent"}, ["A-3", "A-4"]),
        ({"status": "submitted"}, ["A-1", "A-3", "B-1"]),
        ({"status": "submitted", "programme": "first"}, ["A-1", "A-3"]),
        ({"q": "b-"}, ["B-1", "B-2"]),
        ({"q": "X-1"}, []),
        ({"status": "not-a-status"}, ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2"]),
        # A value that is not a choice is ignored; the other filters still apply.
        ({"status": "not-a-status", "programme": "proud-2030"}, ["B-1", "B-2"]),
    ],
)
def test_the_list_filters_by_programme_award_status_and_reference(client, organiser, two_programmes, query, expected):
    values = dict(query)
    if values.get("programme") == "first":
        values["programme"] = two_programmes["first"].slug
    if values.get("category") == "talent":
        values["category"] = str(two_programmes["talent"].pk)
    client.force_login(organiser)

    response = client.get("/organise/nominations/", values)

    assert response.status_code == 200
    assert references(response) == expected


def test_another_programmes_category_cannot_be_used_as_a_filter(client, organiser, two_programmes):
    elsewhere = Nomination.objects.get(reference="X-1")
    client.force_login(organiser)

    response = client.get("/organise/nominations/", {"category": str(elsewhere.category_id)})

    # Not a choice: ignored, so the organiser's own nominations show and never the other one.
    assert references(response) == ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2"]


def test_the_list_has_fifty_a_page_and_keeps_the_filters_between_pages(client, programme, category, organiser):
    now = timezone.now()
    for number in range(53):
        NominationFactory(
            programme=programme, category=category, reference=f"P-{number:03d}", submitted_at=now - dt.timedelta(minutes=number)
        )
    NominationFactory(programme=programme, category=category, reference="E-1", status=NominationStatus.ELIGIBLE)
    client.force_login(organiser)

    first = client.get("/organise/nominations/", {"status": "submitted"})
    second = client.get("/organise/nominations/", {"status": "submitted", "page": "2"})

    assert references(first) == [f"P-{n:03d}" for n in range(50)]
    assert 'href="?status=submitted&amp;page=2" rel="next"' in first.content.decode()
    assert references(second) == ["P-050", "P-051", "P-052"]
    assert "Nominations 51 to 53 of 53" in main(second)


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_asks_the_database_a_fixed_number_of_times(client, programme, category, organiser, size):
    second = CategoryFactory(programme=programme, name="Talent")
    for number in range(size):
        if number % 3 == 2:
            group = NomineeGroupFactory(programme=programme)
            NominationFactory(programme=programme, category=second, nominee=None, group=group)
        else:
            NominationFactory(programme=programme, category=category if number % 2 else second)
    client.force_login(organiser)
    client.get("/organise/nominations/")  # the session is read once, as on any page

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organise/nominations/", {"status": "submitted"})

    assert len(references(response)) == size
    # Session, user, roles, programmes, categories, count, the page of rows.
    # ... and one insert recording who was shown (the access log).
    assert len(queries) == 8, "\n".join(q["sql"] for q in queries.captured_queries)


# --- one nomination -------------------------------------------------------------------------


def test_the_nomination_page_shows_statement_nominator_identity_safeguarding_and_history(client, nomination, organiser):
    worker = UserFactory(username="worker", first_name="Claire", last_name="MacLeod")
    nominee = nomination.nominee
    nominee.allocated_worker = worker
    nominee.safeguarding_checked_at = timezone.now()
    nominee.safeguarding_checked_by = organiser
    nominee.photography_allowed = True
    nominee.attendance_safe = True
    nominee.save()
    nomination_transition(nomination=nomination, to=NominationStatus.INELIGIBLE, actor=organiser, reason="Too old for it.")
    client.force_login(organiser)

    body = main(client.get(detail_url(nomination)))

    assert "Award Positive Choices Status Not eligible Named to others as A young person from our care" in body
    assert "What they achieved Organised the whole football tournament." in body
    assert "Name Pat Carer How they know them Foster carer" in body and "pat@example.org" in body
    assert f"Legal name Rowan {SURNAME} Date of birth 3 February 2011 In care or a care leaver Child in care" in body
    assert "Area Moorland Allocated worker Claire MacLeod" in body
    assert "Photographs Allowed Safe to attend the event Yes" in body
    assert f"Safeguarding notes {NOTES}" in body
    assert "Not eligible was submitted organiser Too old for it." in body


def test_viewing_the_nomination_is_written_to_the_access_log(client, nomination, organiser):
    client.force_login(organiser)

    client.get(detail_url(nomination))

    log = list(IdentityAccess.objects.values_list("user", "username", "nominee", "context"))
    assert log == [(organiser.pk, "organiser", nomination.nominee_id, "page.nomination")]


def test_a_group_nomination_shows_and_logs_every_member(client, programme, category, organiser):
    members = [NomineeFactory(programme=programme, legal_last_name=name) for name in ("Adeyemi", "Brennan")]
    group = NomineeGroupFactory(programme=programme, name="The Youth Council")
    group.members.set(members)
    nomination = NominationFactory(programme=programme, category=category, nominee=None, group=group)
    client.force_login(organiser)

    body = main(client.get(detail_url(nomination)))

    assert "Named to others as The Youth Council" in body
    assert "Young person 1" in body and "Adeyemi" in body and "Young person 2" in body and "Brennan" in body
    assert sorted(IdentityAccess.objects.values_list("nominee", flat=True)) == sorted(m.pk for m in members)


def test_only_the_moves_the_lifecycle_allows_are_offered(client, nomination, organiser):
    client.force_login(organiser)

    submitted = offered_moves(client.get(detail_url(nomination)))
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.ELIGIBLE)
    eligible = offered_moves(client.get(detail_url(nomination)))
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.WITHDRAWN)
    withdrawn = client.get(detail_url(nomination))

    assert submitted == ["eligible", "ineligible", "withdrawn"]
    assert eligible == ["ineligible", "shortlisted", "not_shortlisted", "withdrawn"]
    assert offered_moves(withdrawn) == []
    assert "no further change can be made" in main(withdrawn)


def test_the_organiser_marks_a_nomination_eligible(client, nomination, organiser):
    client.force_login(organiser)

    response = client.post(detail_url(nomination), {"to": "eligible", "reason": "", "seen_status": "submitted"})

    assert response.status_code == 302 and response["Location"] == detail_url(nomination)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ELIGIBLE
    history = NominationHistory.objects.filter(nomination=nomination).latest("id")
    assert (history.action, history.from_status, history.to_status, history.actor, history.reason) == (
        "nominations.nomination.eligible", "submitted", "eligible", organiser, "",
    )
    page = client.get(response["Location"])
    assert "Nomination PR-0001 is now eligible." in main(page)
    assert "Status Eligible" in main(page)


def test_not_eligible_with_a_reason_keeps_the_reason_in_the_history(client, nomination, organiser):
    client.force_login(organiser)

    response = client.post(
        detail_url(nomination), {"to": "ineligible", "reason": "Lives outside the county.", "seen_status": "submitted"}
    )

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.INELIGIBLE
    assert NominationHistory.objects.filter(nomination=nomination).latest("id").reason == "Lives outside the county."


@pytest.mark.parametrize(
    "move, message",
    [
        ("ineligible", "Give a reason when marking a nomination not eligible."),
        ("withdrawn", "Give a reason when withdrawing a nomination."),
    ],
)
def test_a_move_that_needs_a_reason_is_refused_without_one_and_changes_nothing(client, nomination, organiser, move, message):
    client.force_login(organiser)
    before = snapshot()

    response = client.post(detail_url(nomination), {"to": move, "reason": "   ", "seen_status": "submitted"})

    assert response.status_code == 400
    assert error_summary(response) == [("id_reason", message)]
    assert "<title>Error: " in response.content.decode()
    assert snapshot() == before
    # The choice made is kept, so the organiser only adds the reason.
    assert re.search(rf'value="{move}" id="id_to_\d"\s*checked', response.content.decode())


def test_a_forged_move_the_lifecycle_does_not_allow_is_refused(client, nomination, organiser):
    client.force_login(organiser)
    before = snapshot()

    response = client.post(detail_url(nomination), {"to": "winner", "reason": "", "seen_status": "submitted"})

    assert response.status_code == 400
    assert error_summary(response) == [
        ("id_to_0", "That change cannot be made to this nomination now. Choose one of the changes listed.")
    ]
    assert snapshot() == before


def test_a_refusal_by_the_service_is_shown_on_the_page_and_changes_nothing(client, nomination, organiser):
    # The awards night has passed: the lifecycle service refuses a withdrawal then.
    nomination.programme.event_date = timezone.localdate() - dt.timedelta(days=1)
    nomination.programme.save()
    client.force_login(organiser)
    before = snapshot()

    response = client.post(detail_url(nomination), {"to": "withdrawn", "reason": "Moved away.", "seen_status": "submitted"})

    assert response.status_code == 400
    assert error_summary(response) == [
        ("id_to_0", "The awards night has passed: nominations can no longer be withdrawn.")
    ]
    assert snapshot() == before


def test_a_decision_made_on_a_page_that_is_out_of_date_is_not_applied(client, nomination, organiser):
    nomination_transition(nomination=nomination, to=NominationStatus.ELIGIBLE, actor=organiser)
    client.force_login(organiser)
    before = snapshot()

    # The page was loaded while the nomination was still submitted; not eligible is allowed from both.
    response = client.post(detail_url(nomination), {"to": "ineligible", "reason": "Too old.", "seen_status": "submitted"})

    assert response.status_code == 400
    assert error_summary(response) == [
        ("", "Someone changed this nomination to eligible while you were looking at it. Check it and decide again.")
    ]
    assert snapshot() == before
    # The form now carries the status shown, so deciding again works.
    assert '<input type="hidden" name="seen_status" value="eligible">' in response.content.decode()


def test_a_nomination_of_another_programme_cannot_be_decided_by_this_organiser(client, nomination, organiser):
    elsewhere = NominationFactory()
    client.force_login(organiser)
    before = snapshot()

    response = client.post(detail_url(elsewhere), {"to": "eligible", "seen_status": "submitted"})

    assert response.status_code == 404
    assert snapshot() == before
