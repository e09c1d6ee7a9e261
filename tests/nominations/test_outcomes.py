"""A winner stays a finalist to everyone but the organisers until the night is over."""

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from nominations.enums import NominationStatus as S
from nominations.models import Nomination, NominationHistory
from nominations.outcomes import outcomes_announced, status_shown, status_shown_filter
from nominations.services import nomination_create, nomination_link_create
from tests.conftest import client_for
from tests.factories import NominationFactory, NomineeFactory, ProgrammeFactory, UserFactory

from .test_services import REASONS, nominator, person

TODAY = dt.date(2027, 3, 12)


@pytest.mark.parametrize(
    ("event_date", "announced"),
    [(None, False), (TODAY + dt.timedelta(days=30), False), (TODAY, False), (TODAY - dt.timedelta(days=1), True)],
    ids=["no event date", "before the night", "on the night", "the day after"],
)
def test_results_are_announced_from_the_day_after_the_event(event_date, announced):
    programme = ProgrammeFactory.build(event_date=event_date)
    winner = NominationFactory.build(programme=programme, status=S.WINNER)
    commended = NominationFactory.build(programme=programme, status=S.HIGHLY_COMMENDED)

    assert outcomes_announced(programme, today=TODAY) is announced
    assert status_shown(winner, today=TODAY) == (S.WINNER if announced else S.FINALIST)
    assert status_shown(commended, today=TODAY) == (S.HIGHLY_COMMENDED if announced else S.FINALIST)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.SHORTLISTED, S.FINALIST, S.NOT_SHORTLISTED, S.WITHDRAWN])
def test_other_statuses_are_shown_as_they_are(status):
    programme = ProgrammeFactory.build(event_date=TODAY + dt.timedelta(days=30))
    assert status_shown(NominationFactory.build(programme=programme, status=status), today=TODAY) == status


@pytest.mark.django_db
def test_filtering_by_the_shown_status():
    before = ProgrammeFactory(event_date=TODAY + dt.timedelta(days=5))
    undated = ProgrammeFactory(event_date=None)
    after = ProgrammeFactory(event_date=TODAY - dt.timedelta(days=5))
    made = {
        (programme.pk, status): NominationFactory(programme=programme, status=status).pk
        for programme in (before, undated, after)
        for status in (S.WINNER, S.HIGHLY_COMMENDED, S.FINALIST, S.SHORTLISTED)
    }

    def found(*statuses):
        return set(Nomination.objects.filter(status_shown_filter(statuses, today=TODAY)).values_list("pk", flat=True))

    sealed = {made[p.pk, s] for p in (before, undated) for s in (S.WINNER, S.HIGHLY_COMMENDED, S.FINALIST)}
    assert found(S.FINALIST) == sealed | {made[after.pk, S.FINALIST]}
    assert found(S.WINNER) == {made[after.pk, S.WINNER]}
    assert found(S.WINNER, S.HIGHLY_COMMENDED) == {made[after.pk, S.WINNER], made[after.pk, S.HIGHLY_COMMENDED]}
    assert found(S.SHORTLISTED) == {made[p.pk, S.SHORTLISTED] for p in (before, undated, after)}


# --- what each person is shown --------------------------------------------------------------


@pytest.fixture
def winner(programme, category, staff_user):
    """A winner recorded by the panel, with the night still to come."""
    programme.event_date = timezone.localdate() + dt.timedelta(days=20)
    programme.save()
    nomination = nomination_create(
        programme=programme, category=category, person=person(), nominator=nominator(), reasons=REASONS,
        user=UserFactory(),
    )
    token = nomination_link_create(nomination)
    Nomination.objects.filter(pk=nomination.pk).update(status=S.WINNER)
    nomination.nominee.allocated_worker = staff_user
    nomination.nominee.save()
    nomination.refresh_from_db()
    return nomination, token


def _night_is_over(programme):
    programme.event_date = timezone.localdate() - dt.timedelta(days=1)
    programme.save()


def test_nominator_api_shows_a_winner_as_a_finalist_until_the_night_is_over(winner, programme):
    nomination, _ = winner
    client = client_for(nomination.nominator_user)

    before = client.get("/api/v1/my-nominations/").json()["results"]
    asked_for_winners = client.get("/api/v1/my-nominations/", {"status": "winner"}).json()["count"]
    asked_for_finalists = client.get("/api/v1/my-nominations/", {"status": "finalist"}).json()["count"]
    _night_is_over(programme)
    after = client.get("/api/v1/my-nominations/").json()["results"]

    assert [(row["status"], row["status_label"]) for row in before] == [("finalist", "Finalist")]
    assert (asked_for_winners, asked_for_finalists) == (0, 1)
    assert [(row["status"], row["status_label"]) for row in after] == [("winner", "Winner")]
    assert client.get("/api/v1/my-nominations/", {"status": "winner"}).json()["count"] == 1


def test_private_link_api_shows_a_winner_as_a_finalist(winner, api):
    _, token = winner

    seen = api.post("/api/v1/nomination-link/view/", {"token": token}, format="json")

    assert seen.status_code == 200
    assert (seen.json()["status"], seen.json()["status_label"]) == ("finalist", "Finalist")
    assert "winner" not in seen.content.decode().lower()


def _status_on_page(response) -> list[str]:
    return re.findall(r'<dt class="govuk-summary-list__key">Status</dt><dd class="govuk-summary-list__value">([^<]*)(?:<span[^>]*>[^<]*</span>)?</dd>', unescape(response.content.decode()))


def test_nominator_pages_show_a_winner_as_a_finalist_until_the_night_is_over(winner, programme, client):
    nomination, token = winner
    client.get(f"/n/{token}/")
    linked_before = client.get("/my-nomination/")
    client.force_login(nomination.nominator_user)
    mine_before = client.get("/my-nominations/")
    _night_is_over(programme)

    assert _status_on_page(linked_before) == ["Finalist"]
    assert _status_on_page(mine_before) == ["Finalist"]
    assert _status_on_page(client.get("/my-nominations/")) == ["Winner"]


def test_allocated_staff_see_a_finalist_and_organisers_the_winner(winner, programme, staff_user, organiser):
    nomination, _ = winner
    staff, organisers = client_for(staff_user), client_for(organiser)

    def statuses(client, **params):
        return [row["status"] for row in client.get("/api/v1/nominations/", params).json()["results"]]

    assert statuses(staff) == ["finalist"]
    assert client_for(staff_user).get(f"/api/v1/nominations/{nomination.pk}/").json()["status"] == "finalist"
    assert statuses(staff, status="winner") == []
    assert statuses(staff, status="finalist") == ["finalist"]
    assert statuses(organisers) == ["winner"]
    assert statuses(organisers, status="winner") == ["winner"]
    _night_is_over(programme)
    assert statuses(staff, status="winner") == ["winner"]


def test_a_staff_member_who_also_organises_another_programme_sees_each_as_their_role_allows(winner, programme, staff_user):
    other = ProgrammeFactory(event_date=timezone.localdate() + dt.timedelta(days=20))
    from awards.models import ProgrammeRole

    ProgrammeRole.objects.create(programme=other, user=staff_user, role="organiser")
    organised = NominationFactory(programme=other, status=S.WINNER, nominee=NomineeFactory(programme=other))

    rows = client_for(staff_user).get("/api/v1/nominations/", {"status": "winner"}).json()["results"]

    assert [(row["id"], row["status"]) for row in rows] == [(organised.pk, "winner")]


def test_ordering_by_status_does_not_single_out_a_sealed_winner_for_staff(winner, programme, staff_user, organiser):
    nomination, _ = winner
    shortlisted = NominationFactory(
        programme=programme, status=S.SHORTLISTED, nominee=NomineeFactory(programme=programme, allocated_worker=staff_user)
    )

    def order(client, ordering):
        rows = client.get("/api/v1/nominations/", {"ordering": ordering}).json()["results"]
        return [row["id"] for row in rows]

    # Shown as "finalist", the winner sorts before "shortlisted"; recorded as "winner", after it.
    assert order(client_for(staff_user), "status") == [nomination.pk, shortlisted.pk]
    assert order(client_for(staff_user), "-status") == [shortlisted.pk, nomination.pk]
    assert order(client_for(organiser), "status") == [shortlisted.pk, nomination.pk]
    _night_is_over(programme)
    assert order(client_for(staff_user), "status") == [shortlisted.pk, nomination.pk]


def test_a_refused_move_names_the_status_the_nominator_is_shown(winner):
    nomination, _ = winner

    refused = client_for(nomination.nominator_user).post(f"/api/v1/my-nominations/{nomination.pk}/submit/")

    assert refused.status_code == 409
    assert refused.json()["detail"] == "A nomination that is finalist cannot become submitted."


def test_subject_access_export_shows_a_sealed_result_as_a_finalist(winner, programme):
    from data_protection.export import subject_access_gather

    nomination, _ = winner
    NominationHistory.objects.create(
        nomination=nomination, action="nominations.nomination.winner", from_status=S.SHORTLISTED, to_status=S.WINNER,
        actor_label="organiser",
    )

    def exported():
        (row,) = subject_access_gather(nomination.nominee)["nominations"]
        step = row["history"][-1]
        return row["status"], step["action"], step["to_status"]

    before = exported()
    _night_is_over(programme)

    assert before == ("Finalist", "Nomination: finalist", "Finalist")
    assert exported() == ("Winner", "Nomination: winner", "Winner")
