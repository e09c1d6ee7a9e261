import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from awards.enums import Role

from ..conftest import user_with_role
from ..factories import NominationFactory, NomineeFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["awards", "nominations"]))
    client = Client()
    client.force_login(user)
    return client


def test_admin_shows_an_organiser_only_their_programme(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    mine = NominationFactory(programme=programme, nominee=NomineeFactory(programme=programme, legal_last_name="Ashdown"))
    theirs = NominationFactory(nominee=NomineeFactory(legal_last_name="Blackthorn"))
    client = admin_client(organiser)

    nominations = client.get("/admin/nominations/nomination/").content.decode()
    nominees = client.get("/admin/nominations/nominee/").content.decode()

    assert mine.reference in nominations
    assert theirs.reference not in nominations
    assert "Ashdown" in nominees
    assert "Blackthorn" not in nominees
    assert client.get(f"/admin/nominations/nomination/{theirs.pk}/change/").status_code == 302  # "does not exist" redirect


def test_admin_search_and_filters_work_for_organisers(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    wanted = NominationFactory(programme=programme, nominee=NomineeFactory(programme=programme, legal_last_name="Ashdown"))
    NominationFactory(programme=programme)
    client = admin_client(organiser)

    found = client.get("/admin/nominations/nomination/", {"q": "Ashdown"}).content.decode()
    filtered = client.get("/admin/nominations/nomination/", {"status__exact": "withdrawn"}).content.decode()

    assert wanted.reference in found
    assert "1 nomination" in found
    assert wanted.reference not in filtered


def test_superuser_sees_every_programme():
    first = NominationFactory()
    second = NominationFactory(programme=ProgrammeFactory())
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)

    page = client.get("/admin/nominations/nomination/").content.decode()

    assert first.reference in page and second.reference in page
