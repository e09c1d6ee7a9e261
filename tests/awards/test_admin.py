"""The awards back office: an organiser works in their programmes only."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from awards.admin import ProgrammeRoleAdmin
from awards.enums import Role
from awards.models import Category, Programme, ProgrammeRole
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, ProgrammeFactory, ProgrammeRoleFactory, UserFactory

from ..nominations.test_admin import admin_client, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programmes():
    mine = ProgrammeFactory(name="Northshire PROUD 2026")
    theirs = ProgrammeFactory(name="Southshire Stars 2026")
    return mine, theirs


def test_an_organiser_cannot_give_anyone_a_role_in_another_programme(two_programmes):
    mine, theirs = two_programmes
    organiser = user_with_role(mine, Role.ORGANISER)
    client = admin_client(organiser)

    form = client.get("/admin/awards/programmerole/add/").content.decode()
    response = client.post(
        "/admin/awards/programmerole/add/", {"programme": theirs.pk, "user": organiser.pk, "role": Role.ORGANISER}
    )

    assert mine.name in form and theirs.name not in form
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ProgrammeRole.objects.filter(programme=theirs).exists()
    assert client.get("/admin/awards/programme/").content.decode().count(theirs.name) == 0


def test_an_organiser_can_give_roles_in_their_own_programme(two_programmes):
    mine, _ = two_programmes
    organiser = user_with_role(mine, Role.ORGANISER)
    colleague = UserFactory(username="colleague")

    response = admin_client(organiser).post(
        "/admin/awards/programmerole/add/", {"programme": mine.pk, "user": colleague.pk, "role": Role.STAFF}
    )

    assert response.status_code == 302
    assert ProgrammeRole.objects.filter(programme=mine, user=colleague, role=Role.STAFF).exists()


def test_an_existing_role_cannot_be_moved_to_another_programme(two_programmes):
    mine, theirs = two_programmes
    organiser = user_with_role(mine, Role.ORGANISER)
    role = ProgrammeRoleFactory(programme=mine, user=UserFactory(), role=Role.STAFF)
    client = admin_client(organiser)
    url = f"/admin/awards/programmerole/{role.pk}/change/"

    response = client.post(url, form_data(client.get(url).content.decode(), programme=str(theirs.pk)))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    role.refresh_from_db()
    assert role.programme_id == mine.pk


def test_an_organiser_cannot_add_a_category_to_another_programme(two_programmes):
    mine, theirs = two_programmes
    organiser = user_with_role(mine, Role.ORGANISER)
    data = {
        "programme": theirs.pk, "name": "Sneaky", "slug": "sneaky", "description": "x", "nominee_kind": "individual",
        "cohort": "any", "max_finalists": 3, "display_order": 0, "is_active": "on",
        "criteria-TOTAL_FORMS": 0, "criteria-INITIAL_FORMS": 0,
    }

    response = admin_client(organiser).post("/admin/awards/category/add/", data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Category.objects.filter(name="Sneaky").exists()


def test_an_organiser_cannot_create_programmes(two_programmes):
    mine, _ = two_programmes
    organiser = user_with_role(mine, Role.ORGANISER)

    assert admin_client(organiser).get("/admin/awards/programme/add/").status_code == 403
    assert Programme.objects.count() == 2


def test_save_model_refuses_another_programme_as_a_last_line(two_programmes):
    mine, theirs = two_programmes
    organiser = user_with_role(mine, Role.ORGANISER)
    request = RequestFactory().post("/admin/awards/programmerole/add/")
    request.user = organiser
    model_admin = ProgrammeRoleAdmin(ProgrammeRole, admin.site)

    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, ProgrammeRole(programme=theirs, user=organiser, role=Role.ORGANISER), None, False)

    assert not ProgrammeRole.objects.filter(programme=theirs).exists()


def test_filter_sidebars_list_only_the_organisers_programmes(two_programmes):
    mine, theirs = two_programmes
    # Two programmes of their own, so that the sidebar has a choice to offer (one is not shown).
    organiser = user_with_role(mine, Role.ORGANISER)
    also_mine = ProgrammeFactory(name="Northshire Care Leavers 2026")
    ProgrammeRoleFactory(programme=also_mine, user=organiser, role=Role.ORGANISER)
    CategoryFactory(programme=mine, name="Positive Choices")
    CategoryFactory(programme=also_mine, name="Moving On")
    CategoryFactory(programme=theirs, name="Secret Category")
    user_with_role(theirs, Role.ORGANISER)
    client = admin_client(organiser)

    categories = client.get("/admin/awards/category/").content.decode()
    roles = client.get("/admin/awards/programmerole/").content.decode()

    assert 'id="changelist-filter"' in categories
    assert categories.count(also_mine.name) >= 2  # its row and its filter choice
    assert theirs.name not in categories and "Secret Category" not in categories
    assert roles.count(also_mine.name) >= 2 and theirs.name not in roles


def test_superuser_sees_every_programme_and_can_give_any_role(two_programmes):
    mine, theirs = two_programmes
    CategoryFactory(programme=theirs, name="Secret Category")
    user = UserFactory(username="someone")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)

    categories = client.get("/admin/awards/category/").content.decode()
    form = client.get("/admin/awards/programmerole/add/").content.decode()
    response = client.post(
        "/admin/awards/programmerole/add/", {"programme": theirs.pk, "user": user.pk, "role": Role.ORGANISER}
    )

    assert theirs.name in categories and "Secret Category" in categories
    assert mine.name in form and theirs.name in form
    assert response.status_code == 302
    assert ProgrammeRole.objects.filter(programme=theirs, user=user, role=Role.ORGANISER).exists()
    assert client.get("/admin/awards/programme/add/").status_code == 200
