import contextlib
import io
import re

import pytest
from django.db import connection
from openpyxl import load_workbook

from awards.enums import Role
from nominations.enums import NominationStatus, PublicityLevel
from shortlisting.enums import PanelRole
from shortlisting.models import Assignment, Conflict, Review, Score
from shortlisting.services import NOT_OPEN_TO_SCORE, assignment_run, review_save
from tests.conftest import client_for, user_with_role
from tests.factories import (
    CriterionFactory,
    NominationFactory,
    NomineeFactory,
    PanelCategoryFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = ("Persephone", "Quartermaine", "Percy", "Hidden Hollow", "Marjorie Fosterling", "Oakfield Fostering")


@pytest.fixture
def world(programme, organiser):
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme, category__name="Education", category__max_finalists=1)
    panel, category = link.panel, link.category
    impact = CriterionFactory(category=category, name="Impact", weight=2, max_score=5, guidance="How much changed?")
    chair = PanelMemberFactory(panel=panel, role=PanelRole.CHAIR)
    member = PanelMemberFactory(panel=panel, is_young_person=True)
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
        achievement="Percy Quartermaine ran the Hidden Hollow food bank. PERCY's energy is amazing, Marjorie Fosterling says.",
        why_it_matters="Persephone's confidence grew.",
    )
    other = NominationFactory(programme=programme, category=category, status=NominationStatus.ELIGIBLE)
    assignment_run(panel=panel, actor=organiser)
    return dict(panel=panel, category=category, impact=impact, chair=chair, member=member, nomination=nomination, other=other, organiser=organiser)


def test_member_queue_is_blind(world):
    response = client_for(world["member"].user).get("/api/v1/assignments/")

    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body
    cards = [r["nomination"] for r in response.json()["results"]]
    card = next(c for c in cards if "food bank" in c["achievement"])
    # The full name is one placeholder: first name and surname are matched together too.
    assert card["achievement"] == "[name] ran the [place] food bank. [name]'s energy is amazing, [name] says."
    assert card["announce_name"] is None
    assert card["label"].startswith("Education")


def test_non_blind_programme_shows_announce_name_only(world, programme):
    programme.blind_review = False
    programme.save()

    results = client_for(world["member"].user).get("/api/v1/assignments/").json()["results"]

    names = {r["nomination"]["announce_name"] for r in results}
    assert "Percy Quartermaine" in names
    assert "Quartermaine" not in str([r["nomination"]["announce_name"] for r in results if r["nomination"]["announce_name"] != "Percy Quartermaine"])


def test_conflicted_and_foreign_assignments_are_404(world):
    member = world["member"]
    client = client_for(member.user)
    mine = Assignment.objects.get(member=member, nomination=world["nomination"])
    theirs = Assignment.objects.get(member=world["chair"], nomination=world["nomination"])

    declared = client.post(f"/api/v1/assignments/{mine.pk}/declare-conflict/", {"reason": "My cousin"}, format="json")

    assert declared.status_code == 201
    assert Conflict.objects.get(member=member).reason == "My cousin"
    assert client.get(f"/api/v1/assignments/{mine.pk}/").status_code == 404
    assert client.get(f"/api/v1/assignments/{theirs.pk}/").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/assignments/").json()["results"]] == [
        Assignment.objects.get(member=member, nomination=world["other"]).pk
    ]


def test_review_through_api_with_clear_errors(world):
    member = world["member"]
    assignment = Assignment.objects.get(member=member, nomination=world["nomination"])
    client = client_for(member.user)
    url = f"/api/v1/assignments/{assignment.pk}/review/"

    too_high = client.post(url, {"scores": {str(world["impact"].pk): 9}}, format="json")
    bad_key = client.post(url, {"scores": {"impact": 3}}, format="json")
    ok = client.post(url, {"scores": {str(world["impact"].pk): 4}, "comment": "Great", "submit": True}, format="json")

    assert too_high.status_code == 400
    assert "from 0 to 5" in too_high.json()["detail"]
    assert bad_key.status_code == 400
    assert ok.status_code == 200
    assert ok.json()["review"]["status"] == "submitted"
    assert ok.json()["review"]["scores"] == [{"criterion": world["impact"].pk, "value": 4}]


def test_others_scores_appear_after_own_submission(world):
    chair, member = world["chair"], world["member"]
    nomination = world["nomination"]
    review_save(assignment=Assignment.objects.get(member=chair, nomination=nomination), actor=chair.user, scores={world["impact"].pk: 2}, submit=True)
    mine = Assignment.objects.get(member=member, nomination=nomination)
    client = client_for(member.user)

    before = client.get(f"/api/v1/assignments/{mine.pk}/").json()["other_reviews"]
    client.post(f"/api/v1/assignments/{mine.pk}/review/", {"scores": {str(world["impact"].pk): 5}, "submit": True}, format="json")
    after = client.get(f"/api/v1/assignments/{mine.pk}/").json()["other_reviews"]

    assert before == []
    assert [(r["member"], r["scores"][0]["value"]) for r in after] == [(chair.user.username, 2)]


def test_ranking_and_shortlist_by_role(world):
    category = world["category"]
    url = f"/api/v1/shortlists/{category.pk}/"
    chair_view = client_for(world["chair"].user).get(url)
    organiser_view = client_for(world["organiser"]).get(url)

    assert client_for(world["member"].user).get(url).status_code == 404
    assert client_for(user_with_role(ProgrammeFactory(), Role.ORGANISER)).get(url).status_code == 404
    assert chair_view.status_code == 200
    assert "reference" not in chair_view.json()["ranking"][0]
    for secret in SECRETS:
        assert secret not in chair_view.content.decode()
    assert {r["reference"] for r in organiser_view.json()["ranking"]} == {world["nomination"].reference, world["other"].reference}

    too_many = client_for(world["chair"].user).post(f"{url}propose/", {"nominations": [world["nomination"].pk, world["other"].pk]}, format="json")
    proposed = client_for(world["chair"].user).post(
        f"{url}propose/", {"nominations": [world["nomination"].pk], "despite_gaps": True}, format="json"
    )
    chair_confirm = client_for(world["chair"].user).post(f"{url}confirm/")
    decisions = {"decisions": [{"nomination": world["other"].pk, "decision": "reject", "reason": "Not this year."}]}
    confirmed = client_for(world["organiser"]).post(f"{url}confirm/", decisions, format="json")
    twice = client_for(world["organiser"]).post(f"{url}confirm/")

    assert too_many.status_code == 400
    assert "at most 1 finalists" in too_many.json()["detail"]
    assert proposed.json()["state"] == "proposed"
    assert chair_confirm.status_code == 403
    assert confirmed.json()["state"] == "confirmed"
    assert twice.status_code == 409
    world["nomination"].refresh_from_db()
    assert world["nomination"].status == NominationStatus.SHORTLISTED


def test_panel_management_is_for_organisers(world, mailoutbox, django_capture_on_commit_callbacks):
    panel = world["panel"]
    member_client = client_for(world["member"].user)
    organiser_client = client_for(world["organiser"])

    assert member_client.get(f"/api/v1/panels/{panel.pk}/").json()["name"] == panel.name
    assert "members" not in member_client.get(f"/api/v1/panels/{panel.pk}/").json()
    assert member_client.post(f"/api/v1/panels/{panel.pk}/assign/").status_code == 403
    assert member_client.get(f"/api/v1/panels/{panel.pk}/progress/").status_code == 403
    assert client_for(UserFactory()).get(f"/api/v1/panels/{panel.pk}/").status_code == 404

    progress = organiser_client.get(f"/api/v1/panels/{panel.pk}/progress/").json()
    with django_capture_on_commit_callbacks(execute=True):
        reminded = organiser_client.post(f"/api/v1/panels/{panel.pk}/remind/")
        added = organiser_client.post(f"/api/v1/panels/{panel.pk}/members/", {"email": "helper@example.org"}, format="json")

    assert {(p["assigned"], p["left"]) for p in progress} == {(2, 2)}
    assert reminded.json() == {"reminded": 2}
    assert len(mailoutbox) == 2 + 1  # two reminders, one invitation
    assert added.status_code == 201


def test_create_panel_through_api(programme, organiser):
    from tests.factories import CategoryFactory

    CategoryFactory(programme=programme, slug="talent")
    client = client_for(organiser)

    created = client.post("/api/v1/panels/", {"programme": programme.slug, "name": "Arts", "categories": ["talent"]}, format="json")
    missing = client.post("/api/v1/panels/", {"programme": programme.slug, "name": "X", "categories": ["nope"]}, format="json")
    taken = client.post("/api/v1/panels/", {"programme": programme.slug, "name": "Y", "categories": ["talent"]}, format="json")

    assert created.status_code == 201
    assert created.json()["categories"] == ["talent"]
    assert missing.status_code == 400
    assert "no categories: nope" in missing.json()["detail"]
    assert taken.status_code == 400
    assert "already have a panel" in taken.json()["detail"]
    assert client_for(UserFactory()).post("/api/v1/panels/", {}, format="json").status_code == 403


def test_score_sheet_export(world):
    nomination = world["nomination"]
    for member in (world["chair"], world["member"]):
        review_save(assignment=Assignment.objects.get(member=member, nomination=nomination), actor=member.user, scores={world["impact"].pk: 4}, submit=True)

    response = client_for(world["chair"].user).get(f"/api/v1/panels/{world['panel'].pk}/score-sheet/")

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Education"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]]))
    assert header[:3] == ["Rank", "Label", "Mean: Impact"]
    assert (first["Rank"], first["Mean: Impact"], first["Weighted total"], first["Coverage"]) == (1, 4, 8, "2/2")
    assert sheet.max_row == 3
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    for secret in SECRETS:
        assert secret not in text
    assert client_for(world["member"].user).get(f"/api/v1/panels/{world['panel'].pk}/score-sheet/").status_code == 403


@pytest.mark.parametrize("size", [1, 4])
def test_queue_and_ranking_query_counts_are_fixed(programme, organiser, size, django_assert_num_queries):
    link = PanelCategoryFactory(panel__programme=programme, category__programme=programme)
    CriterionFactory(category=link.category)
    CriterionFactory(category=link.category)
    chair = PanelMemberFactory(panel=link.panel, role=PanelRole.CHAIR)
    for _ in range(size):
        NominationFactory(programme=programme, category=link.category, status=NominationStatus.ELIGIBLE)
    assignment_run(panel=link.panel, actor=organiser)
    for assignment in Assignment.objects.filter(member=chair):
        review_save(assignment=assignment, actor=chair.user, scores={c.pk: 3 for c in link.category.criteria.all()}, submit=True)
    client = client_for(chair.user)

    # count, page (with panel, programme, nomination, review), group members (read even when the
    # page holds no group, so every page costs the same), scores, criteria.
    with django_assert_num_queries(5):
        assert client.get("/api/v1/assignments/").json()["count"] == size
    # roles, category, panel membership, ranking SQL, criterion means, assigned counts, criteria, nominations, shortlist.
    with django_assert_num_queries(9):
        assert len(client.get(f"/api/v1/shortlists/{link.category.pk}/").json()["ranking"]) == size


# --- scores and a conflict at the same moment (issue 16) --------------------------------------


@contextlib.contextmanager
def conflict_declared_when(pattern: str, member, nominee):
    """Declare the member's conflict (as another request would, committed a moment earlier) just
    before the first statement matching `pattern` runs."""
    fired = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        if not fired["n"] and re.search(pattern, sql):
            fired["n"] = 1
            Conflict.objects.create(member=member, nominee=nominee, source="declared", reason="Knows them")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield fired


def scores_of(assignment) -> list:
    return list(Score.objects.filter(review__assignment=assignment).values_list("value", flat=True))


def test_a_conflict_declared_while_scores_are_being_saved_wins_and_nothing_is_saved(world):
    member = world["member"]
    assignment = Assignment.objects.get(member=member, nomination=world["nomination"])
    body = {"scores": {str(world["impact"].pk): 4}, "submit": True}

    # After the "is it still yours?" check at the door, before anything is written.
    with conflict_declared_when(r'FROM "shortlisting_shortlist"', member, world["nomination"].nominee) as fired:
        response = client_for(member.user).post(f"/api/v1/assignments/{assignment.pk}/review/", body, format="json")

    assert fired["n"] == 1
    assert response.status_code == 409
    assert response.json()["code"] == "notopentoscore"
    assert response.json()["detail"] == NOT_OPEN_TO_SCORE
    assert scores_of(assignment) == [] and not Review.objects.filter(assignment=assignment).exists()


def test_a_conflict_declared_just_after_the_scores_are_written_is_a_409_not_a_500(world):
    member = world["member"]
    assignment = Assignment.objects.get(member=member, nomination=world["nomination"])
    body = {"scores": {str(world["impact"].pk): 4}, "submit": True}

    # The scores are written; the answer is read after the conflict went in.
    with conflict_declared_when(r'^INSERT INTO "shortlisting_score"', member, world["nomination"].nominee) as fired:
        response = client_for(member.user).post(f"/api/v1/assignments/{assignment.pk}/review/", body, format="json")

    assert fired["n"] == 1
    assert response.status_code == 409
    assert response.json()["code"] == "notopentoscore"
    assert scores_of(assignment) == []  # all or nothing: the scores went with the refused answer


def test_scores_then_a_conflict_one_after_the_other_both_go_through(world):
    """In order, both are what they were: the scores are saved, then the conflict takes the
    nomination out of the member's list and the ranking leaves those scores aside."""
    member = world["member"]
    assignment = Assignment.objects.get(member=member, nomination=world["nomination"])
    client = client_for(member.user)

    saved = client.post(f"/api/v1/assignments/{assignment.pk}/review/", {"scores": {str(world["impact"].pk): 4}}, format="json")
    declared = client.post(f"/api/v1/assignments/{assignment.pk}/declare-conflict/", {"reason": "Neighbours"}, format="json")

    assert (saved.status_code, declared.status_code) == (200, 201)
    assert scores_of(assignment) == [4]
    assert client.get(f"/api/v1/assignments/{assignment.pk}/").status_code == 404
