import datetime as dt
import json

import pytest

from awards.enums import Role
from mail.enums import DeliveryStatus, EmailKind
from mail.models import EmailDelivery
from nominations.enums import NominationStatus, PublicityLevel
from nominations.models import IdentityAccess, Nomination
from nominations.services import nomination_create, nomination_link_create
from tests.conftest import client_for, user_with_role
from tests.factories import CategoryFactory, NominationFactory, NomineeFactory, ProgrammeFactory, UserFactory

from ..test_services import REASONS, nominator, person

pytestmark = pytest.mark.django_db

IDENTITY_FIELDS = {"legal_first_name", "legal_last_name", "date_of_birth", "area", "allocated_worker", "safeguarding_notes"}


def payload(for_category, **overrides):
    body = {
        "programme": for_category.programme.slug,
        "category": for_category.slug,
        "nominee": {
            "legal_first_name": "Kai",
            "legal_last_name": "Brennan",
            "date_of_birth": "2012-06-01",
            "cohort": "child_in_care",
            "area": "Valley",
        },
        "nominator_name": "Pat Carer",
        "nominator_email": "pat@example.org",
        "nominator_relationship": "foster_carer",
        "nominator_known_recently": True,
        "achievement": "Started a football club.",
        "why_it_matters": "Other children joined in.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def secret_nominee(programme, staff_user):
    """A nominee with everything that must not leak, allocated to staff_user."""
    return NomineeFactory(
        programme=programme,
        legal_first_name="Persephone",
        legal_last_name="Quartermaine",
        preferred_name="Percy",
        area="Hidden Hollow",
        allocated_worker=staff_user,
        safeguarding_notes="Do not share placement with birth family",
        publicity_level=PublicityLevel.FIRST_NAME,
    )


# --- create --------------------------------------------------------------------


def test_anonymous_can_nominate_and_gets_reference(category, api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/nominations/", payload(category), format="json")

    assert response.status_code == 201
    body = response.json()
    nomination = Nomination.objects.get()
    assert body["reference"] == nomination.reference
    assert body["status"] == "submitted"
    assert nomination.source == "api"
    assert set(body) == {"reference", "status", "category", "submitted_at", "message"}
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"nominator_email": "not-an-email"}, "nominator_email", "valid email"),
        ({"achievement": ""}, "achievement", "may not be blank"),
        ({"achievement": "x" * 3001}, "achievement", "no more than 3000"),
        ({"nominator_relationship": "aunt"}, "nominator_relationship", "not a valid choice"),
        ({"nominator_name": "Pat\x00Carer"}, "nominator_name", "control character"),
        ({"nominator_name": "Pat\ud800"}, "nominator_name", "unpaired surrogate"),
        ({"nominator_phone": "call me maybe"}, "nominator_phone", "phone number"),
    ],
)
def test_create_bad_shape_names_the_field(category, api, change, field, fragment):
    # Sent as raw JSON: a lone surrogate can only arrive escaped.
    body = json.dumps(payload(category, **change))
    response = api.post("/api/v1/nominations/", body, content_type="application/json")

    assert response.status_code == 400
    answer = response.json()
    # A field's own check answers {field: [messages]}; the parser, which refuses a NUL anywhere in
    # the body before any field is looked at (awards.api.parsers), names the field as `field`.
    messages = answer[field] if field in answer else [answer["detail"]] if answer.get("field") == field else []
    assert fragment in " ".join(messages), answer
    assert Nomination.objects.count() == 0


def test_create_rule_errors_are_json_naming_the_rule(category, api):
    category.max_age = 10
    category.save()

    response = api.post("/api/v1/nominations/", payload(category), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "date_of_birth"
    assert "aged up to 10" in body["detail"]


def test_create_unknown_category_and_programme(category, api):
    unknown_category = api.post("/api/v1/nominations/", payload(category, category="nope"), format="json")
    unknown_programme = api.post("/api/v1/nominations/", payload(category, programme="nope"), format="json")

    assert unknown_category.status_code == 400
    assert "has no category 'nope'" in unknown_category.json()["detail"]
    assert unknown_programme.status_code == 400
    assert "no open programme 'nope'" in unknown_programme.json()["detail"]


def test_create_duplicate_is_409_pointing_to_first(category, api):
    first = api.post("/api/v1/nominations/", payload(category), format="json").json()

    response = api.post("/api/v1/nominations/", payload(category, nominator_email="PAT@example.org"), format="json")

    assert response.status_code == 409
    assert response.json()["first_reference"] == first["reference"]
    assert Nomination.objects.count() == 1


def test_create_keeps_unicode_exactly(category, api, organiser):
    names = {"legal_first_name": "Zoë\u0301 🌈", "legal_last_name": "אברהם", "date_of_birth": "2012-06-01", "cohort": "care_leaver"}
    category.cohort = "any"
    category.save()

    response = api.post("/api/v1/nominations/", payload(category, nominee=names), format="json")

    assert response.status_code == 201
    listed = client_for(organiser).get("/api/v1/nominations/").json()["results"][0]["nominee"]
    assert (listed["legal_first_name"], listed["legal_last_name"]) == (names["legal_first_name"], names["legal_last_name"])


def test_create_is_rate_limited(category, api, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "nominate": "2/hour"})
    responses = [
        api.post("/api/v1/nominations/", payload(category, nominator_email=f"p{i}@example.org"), format="json")
        for i in range(3)
    ]

    assert [r.status_code for r in responses] == [201, 201, 429]
    assert "throttled" in responses[2].json()["detail"].lower()
    assert Nomination.objects.count() == 2


# --- who sees what -------------------------------------------------------------


def test_organiser_sees_identity_and_each_read_is_logged(programme, organiser, secret_nominee):
    NominationFactory(programme=programme, nominee=secret_nominee)

    response = client_for(organiser).get("/api/v1/nominations/")

    row = response.json()["results"][0]
    assert row["nominee"]["legal_last_name"] == "Quartermaine"
    assert row["nominee"]["safeguarding_notes"] == "Do not share placement with birth family"
    assert row["announce_name"] == "Percy"
    log = IdentityAccess.objects.get()
    assert (log.user, log.nominee_id, log.context) == (organiser, secret_nominee.pk, "api.nominations.list")


def test_allocated_staff_see_only_their_young_people(programme, staff_user, secret_nominee):
    mine = NominationFactory(programme=programme, nominee=secret_nominee)
    NominationFactory(programme=programme)

    response = client_for(staff_user).get("/api/v1/nominations/")

    assert [r["reference"] for r in response.json()["results"]] == [mine.reference]


def test_unallocated_staff_see_nothing_and_get_404_on_detail(programme, secret_nominee):
    other_staff = user_with_role(programme, Role.STAFF)
    nomination = NominationFactory(programme=programme, nominee=secret_nominee)
    client = client_for(other_staff)

    assert client.get("/api/v1/nominations/").json()["results"] == []
    assert client.get(f"/api/v1/nominations/{nomination.pk}/").status_code == 404
    assert client.get(f"/api/v1/nominees/{secret_nominee.pk}/").status_code == 404
    assert IdentityAccess.objects.count() == 0


def test_organiser_of_other_programme_gets_404(programme, secret_nominee):
    nomination = NominationFactory(programme=programme, nominee=secret_nominee)
    elsewhere = user_with_role(ProgrammeFactory(), Role.ORGANISER)
    client = client_for(elsewhere)

    assert client.get("/api/v1/nominations/").json()["results"] == []
    assert client.get(f"/api/v1/nominations/{nomination.pk}/").status_code == 404
    response = client.post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.EVENT_STAFF, None])
def test_event_staff_and_plain_users_see_no_nominations(programme, secret_nominee, role):
    user = user_with_role(programme, role) if role else UserFactory()
    NominationFactory(programme=programme, nominee=secret_nominee)
    client = client_for(user)

    assert client.get("/api/v1/nominations/").json()["results"] == []
    assert client.get("/api/v1/nominees/").json()["results"] == []


def test_anonymous_cannot_list(programme, api):
    NominationFactory(programme=programme)
    assert api.get("/api/v1/nominations/").status_code in (401, 403)
    assert api.get("/api/v1/nominees/").status_code in (401, 403)


def test_nominator_sees_own_nominations_without_identity(programme, category, secret_nominee):
    carer = UserFactory()
    mine = NominationFactory(programme=programme, category=category, nominee=secret_nominee, nominator_user=carer)
    NominationFactory(programme=programme, category=category)

    response = client_for(carer).get("/api/v1/my-nominations/")

    results = response.json()["results"]
    assert [r["reference"] for r in results] == [mine.reference]
    text = response.content.decode()
    for secret in ("Quartermaine", "Hidden Hollow", "placement", "Persephone"):
        assert secret not in text
    assert results[0]["announce_name"] == "Percy"
    assert set(results[0]) & IDENTITY_FIELDS == set()


def test_nominator_withdraws_through_my_nominations(programme, category):
    carer = UserFactory()
    mine = NominationFactory(programme=programme, category=category, nominator_user=carer)
    theirs = NominationFactory(programme=programme, category=category)
    client = client_for(carer)

    response = client.post(f"/api/v1/my-nominations/{mine.pk}/withdraw/", {"reason": "Moved away"}, format="json")
    other = client.post(f"/api/v1/my-nominations/{theirs.pk}/withdraw/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert other.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == NominationStatus.SUBMITTED


# --- transitions through the API -------------------------------------------------


def test_organiser_transition_and_refusals(programme, organiser):
    nomination = NominationFactory(programme=programme)
    client = client_for(organiser)

    ok = client.post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible"}, format="json")
    refused = client.post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "winner"}, format="json")
    no_reason = client.post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "ineligible"}, format="json")

    assert ok.status_code == 200
    assert ok.json()["status"] == "eligible"
    assert refused.status_code == 409
    assert refused.json()["detail"] == "A nomination that is eligible cannot become winner."
    assert no_reason.status_code == 400
    assert no_reason.json()["field"] == "reason"
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ELIGIBLE


def test_allocated_staff_cannot_transition(programme, staff_user, secret_nominee):
    nomination = NominationFactory(programme=programme, nominee=secret_nominee)

    response = client_for(staff_user).post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible"}, format="json")

    assert response.status_code == 403
    assert "permission" in response.json()["detail"]


# --- private link ------------------------------------------------------------------


def test_private_link_views_and_withdraws(category, api):
    nomination = nomination_create(
        programme=category.programme, category=category, person=person(), nominator=nominator(), reasons=REASONS
    )
    token = nomination_link_create(nomination)

    seen = api.post("/api/v1/nomination-link/view/", {"token": token}, format="json")
    withdrawn = api.post("/api/v1/nomination-link/withdraw/", {"token": token, "reason": "Changed mind"}, format="json")
    wrong = api.post("/api/v1/nomination-link/view/", {"token": token[:-1] + "x"}, format="json")

    assert seen.status_code == 200
    assert seen.json()["reference"] == nomination.reference
    assert "Moss" not in seen.content.decode()
    assert withdrawn.json()["status"] == "withdrawn"
    assert wrong.status_code == 404
    assert wrong.json() == {"detail": "This link is not valid."}


# --- nominees ------------------------------------------------------------------------


def test_safeguarding_and_consent_through_api(programme, staff_user, secret_nominee):
    client = client_for(staff_user)
    refused = client.post(
        f"/api/v1/nominees/{secret_nominee.pk}/safeguarding/",
        {"attendance_safe": True, "publicity_level": "first_name_initial", "photography_allowed": False},
        format="json",
    )
    client.post(f"/api/v1/nominees/{secret_nominee.pk}/consents/", {"purpose": "name_read_out", "given_by": "young_person"}, format="json")

    checked = client.post(
        f"/api/v1/nominees/{secret_nominee.pk}/safeguarding/",
        {"attendance_safe": True, "publicity_level": "first_name_initial", "photography_allowed": False},
        format="json",
    )
    consent = client.post(
        f"/api/v1/nominees/{secret_nominee.pk}/consents/", {"purpose": "attending", "given_by": "carer"}, format="json"
    )
    detail = client.get(f"/api/v1/nominees/{secret_nominee.pk}/").json()

    assert refused.status_code == 400
    assert refused.json()["field"] == "publicity_level"
    assert checked.status_code == 200
    assert checked.json()["announce_name"] == "Percy Q."
    assert consent.status_code == 201
    assert [c["purpose"] for c in detail["consents"]] == ["attending", "name_read_out"]
    assert detail["safeguarding_complete"] is True


def test_bad_safeguarding_input_is_400(programme, organiser, secret_nominee):
    response = client_for(organiser).post(
        f"/api/v1/nominees/{secret_nominee.pk}/safeguarding/", {"publicity_level": "shout_it"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"attendance_safe", "publicity_level", "photography_allowed"}


def test_merge_through_api(programme, organiser):
    keep = NomineeFactory(programme=programme)
    other = NomineeFactory(programme=programme)
    NominationFactory(programme=programme, nominee=other)

    response = client_for(organiser).post(f"/api/v1/nominees/{keep.pk}/merge/", {"merge": other.pk}, format="json")

    assert response.status_code == 200
    assert keep.nominations.count() == 1


# --- query counts --------------------------------------------------------------------


@pytest.mark.parametrize("groups", [0, 1, 2], ids=["no group", "one group", "two groups"])
@pytest.mark.parametrize("size", [1, 3, 12])
def test_nomination_list_query_count_is_fixed(programme, organiser, size, groups, django_assert_num_queries):
    """The same number of queries whatever the size, and whether or not a group is on the page."""
    from tests.factories import NomineeGroupFactory

    for _ in range(size):
        NominationFactory(programme=programme, nominee=NomineeFactory(programme=programme, allocated_worker=UserFactory()))
    members = {}
    for _ in range(groups):
        group = NomineeGroupFactory(programme=programme)
        group.members.set([NomineeFactory(programme=programme, allocated_worker=UserFactory()) for _ in range(size)])
        members[NominationFactory(programme=programme, nominee=None, group=group).reference] = group.members.all()
    client = client_for(organiser)

    # roles, count, page, group members, one access-log insert.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/nominations/")
    body = response.json()
    assert body["count"] == size + groups
    shown = {r["reference"]: r["group"] for r in body["results"] if r["group"]}
    assert {ref: sorted(m["id"] for m in g["members"]) for ref, g in shown.items()} == {
        ref: sorted(m.pk for m in group_members) for ref, group_members in members.items()
    }
    assert IdentityAccess.objects.filter(nominee__in=[m for ms in members.values() for m in ms]).count() == size * groups


@pytest.mark.parametrize("size", [1, 3, 12])
def test_nominee_and_my_nomination_lists_query_count_is_fixed(programme, organiser, size, django_assert_num_queries):
    carer = UserFactory()
    for _ in range(size):
        NominationFactory(programme=programme, nominator_user=carer)

    # roles, count, page, one access-log insert.
    with django_assert_num_queries(4):
        assert client_for(organiser).get("/api/v1/nominees/").json()["count"] == size
    # count, page.
    with django_assert_num_queries(2):
        assert client_for(carer).get("/api/v1/my-nominations/").json()["count"] == size


def test_filters_narrow_the_list(programme, organiser):
    category = CategoryFactory(programme=programme, slug="talent")
    wanted = NominationFactory(programme=programme, category=category, nominee=NomineeFactory(programme=programme, area="Coastal", legal_last_name="Featherstonehaugh"))
    NominationFactory(programme=programme, status=NominationStatus.ELIGIBLE)
    client = client_for(organiser)

    def refs(query):
        return [r["reference"] for r in client.get(f"/api/v1/nominations/?{query}").json()["results"]]

    assert refs("category=talent") == [wanted.reference]
    assert refs("area=coastal") == [wanted.reference]
    assert refs(f"reference={wanted.reference.lower()}") == [wanted.reference]
    assert len(refs("status=submitted&status=eligible")) == 2
    assert refs("status=eligible") != [wanted.reference]
    assert refs(f"search={wanted.nominee.legal_last_name}") == [wanted.reference]
    today = dt.date.today().isoformat()
    assert len(refs(f"submitted_after={today}")) == 2
    assert refs("submitted_before=2000-01-01") == []


def test_allocated_worker_without_staff_role_sees_nothing(programme):
    former = UserFactory()
    nominee = NomineeFactory(programme=programme, allocated_worker=former)
    NominationFactory(programme=programme, nominee=nominee)
    client = client_for(former)

    assert client.get("/api/v1/nominations/").json()["results"] == []
    assert client.get(f"/api/v1/nominees/{nominee.pk}/").status_code == 404


def test_transition_response_is_logged_as_identity_read(programme, organiser):
    nomination = NominationFactory(programme=programme)

    client_for(organiser).post(f"/api/v1/nominations/{nomination.pk}/transition/", {"to": "eligible"}, format="json")

    assert list(IdentityAccess.objects.values_list("context", "nominee_id")) == [("api.nominations.transition", nomination.nominee_id)]


def test_mail_server_down_still_saves_and_answers(category, api, settings, django_capture_on_commit_callbacks, caplog):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/nominations/", payload(category), format="json")

    assert response.status_code == 201
    assert Nomination.objects.get().reference == response.json()["reference"]
    assert "ConnectionRefusedError" in caplog.text
    # The receipt waits in the outbox to be tried again: nothing is lost.
    receipt = EmailDelivery.objects.get(kind=EmailKind.NOMINATION_RECEIVED)
    assert (receipt.status, receipt.attempts, receipt.last_error) == (
        DeliveryStatus.PENDING, 1, "ConnectionRefusedError: mail server down"
    )
