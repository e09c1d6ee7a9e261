"""Shortlisting in the back office: read-only, and an organiser sees their programmes only."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from awards.enums import Role
from shortlisting.enums import ConflictSource
from shortlisting.models import Conflict, Panel
from tests.conftest import user_with_role
from tests.factories import NomineeFactory, PanelCategoryFactory, PanelMemberFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def shortlisting_admin_client(user) -> Client:
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="shortlisting"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_panels(programme):
    mine = PanelCategoryFactory(panel__programme=programme, panel__name="Northshire panel", category__programme=programme).panel
    other = ProgrammeFactory()
    theirs = PanelCategoryFactory(panel__programme=other, panel__name="Southshire panel", category__programme=other).panel
    for panel in (mine, theirs):
        member = PanelMemberFactory(panel=panel)
        Conflict.objects.create(
            member=member,
            nominee=NomineeFactory(programme=panel.programme),
            source=ConflictSource.DECLARED,
            reason=f"Knows the family ({panel.name})",
        )
    return mine, theirs


def test_an_organiser_sees_only_their_programmes_panels_and_conflicts(programme, two_panels):
    mine, theirs = two_panels
    client = shortlisting_admin_client(user_with_role(programme, Role.ORGANISER))

    panels = client.get("/admin/shortlisting/panel/").content.decode()
    conflicts = client.get("/admin/shortlisting/conflict/").content.decode()
    their_conflict = Conflict.objects.get(member__panel=theirs)

    assert "Northshire panel" in panels and "Southshire panel" not in panels
    assert client.get(f"/admin/shortlisting/panel/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/shortlisting/panel/{theirs.pk}/change/").status_code == 302  # "doesn't exist", to the index
    assert conflicts.count('class="field-source"') == 1
    assert client.get(f"/admin/shortlisting/conflict/{their_conflict.pk}/change/").status_code == 302


def test_shortlisting_admin_changes_nothing(programme, two_panels):
    mine, _ = two_panels
    client = shortlisting_admin_client(user_with_role(programme, Role.ORGANISER))

    assert client.get("/admin/shortlisting/panel/add/").status_code == 403
    response = client.post(f"/admin/shortlisting/panel/{mine.pk}/change/", {"name": "Renamed"})
    assert response.status_code == 403
    assert Panel.objects.get(pk=mine.pk).name == "Northshire panel"
    assert client.post(f"/admin/shortlisting/panel/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Panel.objects.filter(pk=mine.pk).exists()


def test_a_panel_member_without_admin_access_gets_the_login_page(programme, two_panels):
    mine, _ = two_panels
    client = Client()
    client.force_login(mine.members.first().user)
    assert client.get("/admin/shortlisting/conflict/").status_code == 302
