import pytest

from awards.enums import ProgrammeStatus, Role
from awards.models import Category, ProgrammeRole
from tests.conftest import client_for, user_with_role
from tests.factories import CategoryFactory, CriterionFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_reads_open_programmes_and_their_active_categories(api):
    open_programme = ProgrammeFactory(status=ProgrammeStatus.OPEN)
    ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    active = CategoryFactory(programme=open_programme)
    CategoryFactory(programme=open_programme, is_active=False)
    CriterionFactory(category=active, name="Impact")

    programmes = api.get("/api/v1/programmes/").json()["results"]
    categories = api.get(f"/api/v1/categories/?programme={open_programme.slug}").json()["results"]

    assert [p["slug"] for p in programmes] == [open_programme.slug]
    assert programmes[0]["is_open"] is True
    assert [c["slug"] for c in categories] == [active.slug]
    assert categories[0]["eligibility"] == "Children in care and care leavers."
    assert [c["name"] for c in categories[0]["criteria"]] == ["Impact"]


def test_organiser_sees_own_draft_programme_but_not_others():
    draft = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    other_draft = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    organiser = user_with_role(draft, Role.ORGANISER)

    slugs = [p["slug"] for p in client_for(organiser).get("/api/v1/programmes/").json()["results"]]

    assert slugs == [draft.slug]
    assert client_for(organiser).get(f"/api/v1/programmes/{other_draft.slug}/").status_code == 404


def test_organiser_creates_and_edits_categories_with_clear_errors(programme, organiser):
    client = client_for(organiser)
    body = {"programme": programme.slug, "name": "Talent", "slug": "talent", "description": "Arts, sport, music", "min_age": 16, "max_age": 12}

    bad = client.post("/api/v1/categories/", body, format="json")
    good = client.post("/api/v1/categories/", {**body, "max_age": 25}, format="json")
    clash = client.post("/api/v1/categories/", {**body, "max_age": 25}, format="json")
    edited = client.patch(f"/api/v1/categories/{good.json()['id']}/", {"is_active": False}, format="json")

    assert bad.status_code == 400
    assert bad.json() == {"max_age": ["The maximum age must not be below the minimum age."]}
    assert good.status_code == 201
    assert clash.status_code == 400
    assert "already has a category 'talent'" in clash.json()["slug"][0]
    assert edited.json()["is_active"] is False


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVENT_STAFF, None])
def test_non_organisers_cannot_change_categories(programme, role):
    user = user_with_role(programme, role) if role else UserFactory()
    category = CategoryFactory(programme=programme, name="Talent")
    client = client_for(user)

    created = client.post(
        "/api/v1/categories/", {"programme": programme.slug, "name": "X", "slug": "x", "description": "d"}, format="json"
    )
    edited = client.patch(f"/api/v1/categories/{category.pk}/", {"name": "Hacked"}, format="json")

    # Refused before the body is read: someone who organises nothing cannot create categories at all.
    assert created.status_code == 403
    assert edited.status_code == 403
    category.refresh_from_db()
    assert category.name == "Talent"
    assert Category.objects.count() == 1


def test_anonymous_cannot_write(api, programme):
    response = api.post("/api/v1/categories/", {"programme": programme.slug}, format="json")
    assert response.status_code in (401, 403)


def test_copy_categories_action(programme, organiser):
    last_year = ProgrammeFactory(status=ProgrammeStatus.ARCHIVED)
    organiser_of_both = organiser
    ProgrammeRole.objects.create(programme=last_year, user=organiser_of_both, role=Role.ORGANISER)
    CategoryFactory(programme=last_year, slug="inspiration")

    response = client_for(organiser_of_both).post(
        f"/api/v1/programmes/{programme.slug}/copy-categories/", {"source": last_year.slug}, format="json"
    )

    assert response.status_code == 201
    assert [c["slug"] for c in response.json()] == ["inspiration"]
    again = client_for(organiser_of_both).post(
        f"/api/v1/programmes/{programme.slug}/copy-categories/", {"source": last_year.slug}, format="json"
    )
    assert again.status_code == 400
    assert "already exist" in again.json()["detail"]


def test_staff_cannot_copy_categories(programme, staff_user):
    response = client_for(staff_user).post(
        f"/api/v1/programmes/{programme.slug}/copy-categories/", {"source": "x"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("size", [1, 4])
def test_category_list_query_count_is_fixed(programme, size, api, django_assert_num_queries):
    for _ in range(size):
        CriterionFactory(category=CategoryFactory(programme=programme))

    # count, page, criteria.
    with django_assert_num_queries(3):
        assert api.get("/api/v1/categories/").json()["count"] == size


def test_token_login(api, organiser):
    ok = api.post("/api/v1/auth/token/", {"username": "organiser", "password": "correct horse battery"}, format="json")
    bad = api.post("/api/v1/auth/token/", {"username": "organiser", "password": "nope"}, format="json")

    assert ok.status_code == 200
    token = ok.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/nominations/").status_code == 200
    assert bad.status_code == 400
    assert "Unable to log in" in bad.json()["non_field_errors"][0]


def test_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/")
    docs = api.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/nominations/" in schema.content
    assert docs.status_code == 200
