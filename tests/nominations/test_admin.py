from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from awards.enums import Role
from nominations.enums import PublicityLevel
from nominations.models import Consent, IdentityAccess, Nomination, NomineeHistory
from tests.conftest import user_with_role
from tests.factories import (
    CategoryFactory,
    ConsentFactory,
    NominationFactory,
    NomineeFactory,
    NomineeGroupFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
)

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



# --- helpers ------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """What a browser would post from the admin's change form (the form whose id ends in _form)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._options: list[tuple[str, bool]] = []
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("id") or "").endswith("_form")
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.data[self._select] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = [self._text.lstrip("\n")]
            self._textarea = None


def form_data(html: str, **changes) -> dict:
    parser = _FormFields()
    parser.feed(html)
    data = {k: v if len(v) > 1 else v[0] for k, v in parser.data.items()}
    data.update(changes)
    return data


def field_names(html: str) -> set[str]:
    parser = _FormFields()
    parser.feed(html)
    return set(parser.data)


def accesses(context: str) -> list[int]:
    return sorted(IdentityAccess.objects.filter(context=context).values_list("nominee_id", flat=True))


# --- scoping of choices -------------------------------------------------------------


def test_a_nomination_cannot_be_pointed_at_another_programmes_nominee(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    nomination = NominationFactory(programme=programme, nominee=NomineeFactory(programme=programme))
    own_nominee = nomination.nominee
    elsewhere = NomineeFactory(legal_last_name="Blackthorn")
    client = admin_client(organiser)
    url = f"/admin/nominations/nomination/{nomination.pk}/change/"
    page = client.get(url).content.decode()

    assert "nominee" not in field_names(page)  # fixed once the nomination exists
    response = client.post(
        url,
        form_data(page, nominee=str(elsewhere.pk), programme=str(elsewhere.programme_id), nominator_name="Changed"),
    )

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.nominee_id == own_nominee.pk
    assert nomination.programme_id == programme.pk
    assert nomination.nominator_name == "Changed"  # the rest of the form still works


def test_a_raw_id_choice_from_another_programme_is_a_form_error(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    nominee = NomineeFactory(programme=programme)
    elsewhere = NomineeFactory()
    client = admin_client(organiser)
    url = f"/admin/nominations/nominee/{nominee.pk}/change/"

    response = client.post(url, form_data(client.get(url).content.decode(), possible_duplicate_of=str(elsewhere.pk)))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    nominee.refresh_from_db()
    assert nominee.possible_duplicate_of_id is None


def test_a_group_cannot_take_another_programmes_nominee_as_member(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    group = NomineeGroupFactory(programme=programme)
    mine, elsewhere = NomineeFactory(programme=programme), NomineeFactory()
    client = admin_client(organiser)
    url = f"/admin/nominations/nomineegroup/{group.pk}/change/"
    page = client.get(url).content.decode()

    refused = client.post(url, form_data(page, members=f"{mine.pk},{elsewhere.pk}"))
    accepted = client.post(url, form_data(page, members=str(mine.pk)))

    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(group.members.values_list("pk", flat=True)) == [mine.pk]


def test_nominations_cannot_be_added_in_the_admin(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    category = CategoryFactory(programme=programme)
    nominee = NomineeFactory(programme=programme)
    client = admin_client(organiser)

    response = client.post(
        "/admin/nominations/nomination/add/",
        {"programme": programme.pk, "category": category.pk, "nominee": nominee.pk, "nominator_name": "X"},
    )

    assert response.status_code == 403
    assert not Nomination.objects.exists()


# --- list filters -------------------------------------------------------------------


def test_filter_sidebars_do_not_name_other_programmes_or_categories(programme):
    # Two programmes of their own, so that the sidebar has a choice to offer (one is not shown).
    organiser = user_with_role(programme, Role.ORGANISER)
    also_mine = ProgrammeFactory(name="Northshire Care Leavers 2026")
    ProgrammeRoleFactory(programme=also_mine, user=organiser, role=Role.ORGANISER)
    NominationFactory(programme=programme, category=CategoryFactory(programme=programme, name="Positive Choices"))
    NominationFactory(programme=also_mine, category=CategoryFactory(programme=also_mine, name="Moving On"))
    NomineeGroupFactory(programme=programme)
    NomineeGroupFactory(programme=also_mine)
    other = ProgrammeFactory(name="Southshire Stars 2026")
    NominationFactory(programme=other, category=CategoryFactory(programme=other, name="Secret Category"))
    NomineeGroupFactory(programme=other)
    client = admin_client(organiser)

    nominations = client.get("/admin/nominations/nomination/").content.decode()
    nominees = client.get("/admin/nominations/nominee/").content.decode()
    groups = client.get("/admin/nominations/nomineegroup/").content.decode()

    assert 'id="changelist-filter"' in nominations
    assert also_mine.name in nominations and "Positive Choices" in nominations and "Moving On" in nominations
    assert "Southshire Stars" not in nominations and "Secret Category" not in nominations
    assert also_mine.name in nominees and "Southshire Stars" not in nominees
    assert also_mine.name in groups and "Southshire Stars" not in groups


# --- identity access log ------------------------------------------------------------


def test_nominee_changelist_and_change_view_are_logged(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    first, second = NomineeFactory(programme=programme), NomineeFactory(programme=programme)
    elsewhere = NomineeFactory()
    client = admin_client(organiser)

    listing = client.get("/admin/nominations/nominee/")
    change = client.get(f"/admin/nominations/nominee/{first.pk}/change/")

    assert listing.status_code == 200 and change.status_code == 200
    # Unescaped: a generated surname such as O'Brien is HTML-escaped on the page.
    assert first.legal_last_name in unescape(listing.content.decode())
    assert accesses("admin.nominee.changelist") == sorted([first.pk, second.pk])
    assert accesses("admin.nominee.change") == [first.pk]
    assert not IdentityAccess.objects.filter(nominee=elsewhere).exists()
    assert set(IdentityAccess.objects.values_list("user_id", "username").distinct()) == {
        (organiser.pk, organiser.username)
    }


def test_nominee_search_logs_only_the_rows_shown(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    wanted = NomineeFactory(programme=programme, legal_last_name="Ashdown")
    NomineeFactory(programme=programme, legal_last_name="Brierley")

    admin_client(organiser).get("/admin/nominations/nominee/", {"q": "Ashdown"})

    assert accesses("admin.nominee.changelist") == [wanted.pk]


def test_nomination_changelist_and_change_view_are_logged(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    single = NominationFactory(programme=programme)
    member_a, member_b = NomineeFactory(programme=programme), NomineeFactory(programme=programme)
    group = NomineeGroupFactory(programme=programme)
    group.members.set([member_a, member_b])
    grouped = NominationFactory(programme=programme, nominee=None, group=group)
    NominationFactory()  # another programme's: never shown, never logged
    client = admin_client(organiser)

    client.get("/admin/nominations/nomination/")
    client.get(f"/admin/nominations/nomination/{single.pk}/change/")
    client.get(f"/admin/nominations/nomination/{grouped.pk}/change/")

    assert accesses("admin.nomination.changelist") == sorted([single.nominee_id, member_a.pk, member_b.pk])
    assert accesses("admin.nomination.change") == sorted([single.nominee_id, member_a.pk, member_b.pk])
    assert IdentityAccess.objects.count() == 6


def test_a_refused_change_page_is_not_logged(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    elsewhere = NomineeFactory()

    response = admin_client(organiser).get(f"/admin/nominations/nominee/{elsewhere.pk}/change/")

    assert response.status_code == 302
    assert not IdentityAccess.objects.exists()


# --- writes that belong to the services ---------------------------------------------


def test_safeguarding_fields_are_read_only_but_names_are_editable(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    nominee = NomineeFactory(programme=programme, legal_first_name="Jo", safeguarding_notes="Keep away from X.")
    client = admin_client(organiser)
    url = f"/admin/nominations/nominee/{nominee.pk}/change/"
    page = client.get(url).content.decode()
    names = field_names(page)

    assert {"legal_first_name", "preferred_name", "say_first_name", "say_last_name", "area", "allocated_worker"} <= names
    assert not names & {
        "publicity_level", "photography_allowed", "attendance_safe", "safeguarding_checked_at",
        "safeguarding_notes", "merged_into", "programme",
    }
    assert "Keep away from X." in page  # shown to the organiser, logged above

    response = client.post(
        url,
        form_data(
            page,
            preferred_name="Jojo",
            publicity_level=PublicityLevel.FULL_NAME,
            photography_allowed="on",
            attendance_safe="true",
            safeguarding_notes="",
        ),
    )

    assert response.status_code == 302
    nominee.refresh_from_db()
    assert nominee.preferred_name == "Jojo"
    assert nominee.publicity_level == PublicityLevel.ANONYMOUS
    assert nominee.photography_allowed is False
    assert nominee.attendance_safe is None
    assert nominee.safeguarding_notes == "Keep away from X."
    assert not NomineeHistory.objects.exists()


def test_consent_cannot_be_changed_in_the_admin(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    nominee = NomineeFactory(programme=programme)
    consent = ConsentFactory(nominee=nominee, purpose="name_read_out", given=True)
    client = admin_client(organiser)
    page = client.get(f"/admin/nominations/nominee/{nominee.pk}/change/").content.decode()

    assert "Name read out" in page  # shown
    editable = {"purpose", "given", "given_by", "given_by_name", "given_at_0", "given_at_1", "withdrawn_at_0", "DELETE"}
    assert not {n for n in field_names(page) if n.startswith("consents-") and n.split("-")[-1] in editable}
    assert 'name="consents-MAX_NUM_FORMS" value="0"' in page  # no consent can be added here
    assert client.get("/admin/nominations/consent/add/").status_code == 403
    add = client.post(
        "/admin/nominations/consent/add/",
        {"nominee": nominee.pk, "purpose": "photographed", "given": "on", "given_by": "young_person",
         "given_at_0": "2026-01-01", "given_at_1": "10:00"},
    )
    change = client.post(f"/admin/nominations/consent/{consent.pk}/change/", {"given": ""})
    delete = client.post(f"/admin/nominations/consent/{consent.pk}/delete/", {"post": "yes"})

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert list(Consent.objects.values_list("pk", "given", "withdrawn_at")) == [(consent.pk, True, None)]
    assert client.get(f"/admin/nominations/consent/{consent.pk}/change/").status_code == 200  # still viewable


def test_history_cannot_be_written_in_the_admin(programme):
    organiser = user_with_role(programme, Role.ORGANISER)
    client = admin_client(organiser)

    assert client.get("/admin/nominations/nominationhistory/add/").status_code == 403
    assert client.get("/admin/nominations/nomineehistory/add/").status_code == 403


# --- superusers ---------------------------------------------------------------------


def test_superuser_sees_every_programme_in_filters_and_pages_and_is_logged():
    first = NominationFactory()
    second = NominationFactory(programme=ProgrammeFactory(name="Southshire Stars 2026"))
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)

    page = client.get("/admin/nominations/nomination/").content.decode()
    change = client.get(f"/admin/nominations/nominee/{second.nominee_id}/change/")

    assert first.programme.name in page and "Southshire Stars 2026" in page
    assert first.category.name in page and second.category.name in page
    assert change.status_code == 200
    assert accesses("admin.nomination.changelist") == sorted([first.nominee_id, second.nominee_id])
    assert accesses("admin.nominee.change") == [second.nominee_id]


def test_superuser_can_edit_any_programmes_nominee_and_group():
    nominee = NomineeFactory()
    other = NomineeFactory()
    group = NomineeGroupFactory(programme=other.programme)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)
    url = f"/admin/nominations/nominee/{nominee.pk}/change/"

    edited = client.post(url, form_data(client.get(url).content.decode(), preferred_name="Sam"))
    group_url = f"/admin/nominations/nomineegroup/{group.pk}/change/"
    grouped = client.post(group_url, form_data(client.get(group_url).content.decode(), members=str(other.pk)))

    assert edited.status_code == 302 and grouped.status_code == 302
    nominee.refresh_from_db()
    assert nominee.preferred_name == "Sam"
    assert list(group.members.all()) == [other]
