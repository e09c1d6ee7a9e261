"""The safeguarding pages: an organiser or the allocated worker records the check and consent on a
page, the finalist the gate held back can then be invited, and everyone else gets a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.enums import Role
from events.models import Invitation
from events.selectors import gate_problems
from events.services import finalist_invitations_create
from nominations.enums import ConsentPurpose, PublicityLevel
from nominations.models import Consent, IdentityAccess, Nominee
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, ConsentFactory, NomineeFactory
from tests.worlds import cleared_nominee, confirmed_finalists


@pytest.fixture
def worker(programme):
    return user_with_role(programme, Role.STAFF, "worker")


@pytest.fixture
def unchecked(programme, worker):
    """A young person with consent to be nominated and nothing else: the gate holds them back."""
    nominee = NomineeFactory(
        programme=programme, legal_first_name="Oriel", legal_last_name="Vantongeren", allocated_worker=worker,
        safeguarding_checked_at=None, attendance_safe=None,
    )
    ConsentFactory(nominee=nominee, purpose=ConsentPurpose.NOMINATION)
    return nominee


@pytest.fixture
def blocked_invitation(programme, category, event, organiser, unchecked):
    confirmed_finalists(programme, category, [unchecked])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    return invitation


def check_url(nominee, **query):
    url = reverse("safeguarding:check", kwargs={"nominee_id": nominee.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def consent(client, nominee, purpose, given="yes", by="young_person"):
    return client.post(
        check_url(nominee),
        {"consent-purpose": purpose, "consent-given": given, "consent-given_by": by, "consent-given_by_name": ""},
    )


CHECK = {
    "check-attendance_safe": "yes", "check-publicity_level": PublicityLevel.FIRST_NAME, "check-photography_allowed": "no",
    "check-named_to_event_staff": "yes", "check-notes": "Lives out of county; no contact with birth family at events.",
}


def test_an_organiser_records_the_check_and_consent_on_a_page_and_the_finalist_can_be_invited(
    client, organiser, unchecked, blocked_invitation
):
    assert gate_problems(blocked_invitation)  # held back: no check, no consent to attend
    client.force_login(organiser)
    back = reverse("event-admin:invitation", kwargs={"invitation_id": blocked_invitation.pk})

    page = client.get(back)
    assert check_url(unchecked) in page.content.decode()  # the blocked invitation links straight to the fix

    assert consent(client, unchecked, ConsentPurpose.ATTENDING).status_code == 302
    assert consent(client, unchecked, ConsentPurpose.NAME_READ_OUT).status_code == 302
    response = client.post(check_url(unchecked), {**CHECK, "next": back})

    assert response.status_code == 302 and response["Location"] == back  # clear now: back where they came from
    unchecked.refresh_from_db()
    assert unchecked.attendance_safe is True and unchecked.publicity_level == PublicityLevel.FIRST_NAME
    assert unchecked.named_to_event_staff is True and unchecked.safeguarding_checked_by == organiser
    assert "birth family" in unchecked.safeguarding_notes
    assert gate_problems(Invitation.objects.get(pk=blocked_invitation.pk)) == []
    given = Consent.objects.filter(nominee=unchecked, withdrawn_at__isnull=True, given=True)
    assert set(given.values_list("purpose", flat=True)) == {"nomination", "attending", "name_read_out"}


def test_a_name_level_without_consent_is_refused_on_its_field_and_nothing_is_written(client, organiser, unchecked):
    client.force_login(organiser)
    response = client.post(check_url(unchecked), CHECK)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Record consent to the name being read out" in body and 'href="#id_check-publicity_level' in body
    unchecked.refresh_from_db()
    assert unchecked.safeguarding_checked_at is None and unchecked.safeguarding_notes == ""


def test_an_empty_check_names_each_missing_answer(client, organiser, unchecked):
    client.force_login(organiser)
    response = client.post(check_url(unchecked), {"check-notes": ""})
    assert response.status_code == 400
    body = response.content.decode()
    for message in ("Say whether it is safe for them to attend.", "Choose how their name may be used.", "Say whether they may be photographed."):
        assert message in body
    assert response.content.decode().count("<title>Error:") == 1


def test_withdrawing_consent_asks_first_then_withdraws_and_the_gate_closes_again(client, organiser, programme, category, event):
    nominee = cleared_nominee(programme)
    confirmed_finalists(programme, category, [nominee])
    (invitation,) = finalist_invitations_create(event=event, actor=organiser).created
    assert gate_problems(invitation) == []
    client.force_login(organiser)
    url = reverse("safeguarding:withdraw", kwargs={"nominee_id": nominee.pk, "purpose": "attending"})

    page = client.get(url)
    assert page.status_code == 200 and "cannot be invited" in page.content.decode()
    assert client.post(url, {"purpose": "attending"}).status_code == 400  # not confirmed: nothing happens
    assert Consent.objects.filter(nominee=nominee, purpose="attending", withdrawn_at__isnull=True).exists()

    assert client.post(url, {"purpose": "attending", "confirm": "on"}).status_code == 302
    assert not Consent.objects.filter(nominee=nominee, purpose="attending", withdrawn_at__isnull=True).exists()
    assert gate_problems(Invitation.objects.get(pk=invitation.pk))
    assert client.get(url).status_code == 404  # nothing left to withdraw


def test_the_allocated_worker_may_and_other_staff_may_not(client, programme, unchecked, worker):
    other = user_with_role(programme, Role.STAFF, "other-worker")
    client.force_login(other)
    assert client.get(check_url(unchecked)).status_code == 404
    assert consent(client, unchecked, ConsentPurpose.ATTENDING).status_code == 404
    assert not Consent.objects.filter(nominee=unchecked, purpose="attending").exists()

    client.force_login(worker)
    assert client.get(check_url(unchecked)).status_code == 200
    assert consent(client, unchecked, ConsentPurpose.ATTENDING).status_code == 302
    assert Consent.objects.get(nominee=unchecked, purpose="attending").recorded_by == worker


def test_event_staff_and_panel_have_no_safeguarding_pages(client, programme, unchecked):
    door = user_with_role(programme, Role.EVENT_STAFF, "door")
    client.force_login(door)
    assert client.get(reverse("safeguarding:waiting")).status_code == 404
    assert client.get(check_url(unchecked)).status_code == 404
    assert "Safeguarding</a>" not in client.get(reverse("nominations:home")).content.decode()


def test_viewing_a_check_is_written_to_the_access_log(client, organiser, unchecked):
    client.force_login(organiser)
    client.get(check_url(unchecked))
    assert IdentityAccess.objects.filter(nominee=unchecked, user=organiser, context="page.safeguarding_check").count() == 1


def test_a_back_link_to_another_site_is_ignored(client, organiser, unchecked):
    client.force_login(organiser)
    body = client.get(check_url(unchecked, next="https://evil.example/")).content.decode()
    assert "evil.example" not in body


def test_the_waiting_list_shows_every_held_back_finalist_with_a_link_and_the_nav_leads_there(
    client, organiser, programme, category, event, unchecked
):
    cleared = cleared_nominee(programme, legal_first_name="Clementine")
    confirmed_finalists(programme, category, [unchecked, cleared])
    finalist_invitations_create(event=event, actor=organiser)
    client.force_login(organiser)
    home = client.get(reverse("nominations:home")).content.decode()
    assert f'href="{reverse("safeguarding:waiting")}"' in home

    body = client.get(reverse("safeguarding:waiting")).content.decode()
    assert "Oriel Vantongeren" in body and check_url(unchecked) in body
    assert "Clementine" not in body  # cleared: not waiting
    assert "1 young person waiting" in body
    event_page = client.get(reverse("event-admin:event", kwargs={"event_id": event.pk})).content.decode()
    assert check_url(unchecked) in event_page  # the event page's blocked list links to the fix too


def test_the_waiting_list_takes_a_fixed_number_of_queries(client, organiser, programme, category):
    client.force_login(organiser)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("safeguarding:waiting")).status_code == 200
        return len(ctx.captured_queries)

    confirmed_finalists(programme, category, [NomineeFactory(programme=programme, safeguarding_checked_at=None) for _ in range(2)])
    few = queries()
    other = CategoryFactory(programme=programme)
    confirmed_finalists(programme, other, [NomineeFactory(programme=programme, safeguarding_checked_at=None) for _ in range(6)])
    assert queries() == few
    assert Nominee.objects.filter(programme=programme).count() == 8


def test_a_worker_finds_every_young_person_allocated_to_them_before_any_shortlist(client, programme, worker, unchecked):
    someone_elses = NomineeFactory(programme=programme, legal_first_name="Tamsin", safeguarding_checked_at=None)
    client.force_login(worker)
    body = client.get(reverse("safeguarding:waiting")).content.decode()
    assert "Young people allocated to you" in body
    assert "Oriel Vantongeren" in body and check_url(unchecked) in body and "Not recorded yet" in body
    assert "Tamsin" not in body and check_url(someone_elses) not in body
    assert IdentityAccess.objects.filter(nominee=unchecked, user=worker, context="page.safeguarding_waiting").exists()


def test_a_withdrawn_consent_shows_as_withdrawn_not_as_never_asked(client, organiser, programme):
    nominee = cleared_nominee(programme)
    client.force_login(organiser)
    client.post(reverse("safeguarding:withdraw", kwargs={"nominee_id": nominee.pk, "purpose": "attending"}), {"purpose": "attending", "confirm": "on"})
    body = client.get(check_url(nominee)).content.decode()
    row = body[body.index("Attending the event"):]
    row = row[: row.index("</tr>")]
    assert "Withdrawn" in row and "Not recorded" not in row
