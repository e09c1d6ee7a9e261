"""The nominations list writes its page from plain rows (nominations.api.serializers.
nomination_rows_representation): its answer must be, field for field, what NominationSerializer
writes for the same nominations and the same reader, on every kind of row."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from nominations.api.serializers import NominationSerializer
from nominations.enums import NominationStatus, PersonKind, PublicityLevel
from nominations.models import IdentityAccess, Nomination
from tests.conftest import client_for
from tests.factories import NominationFactory, NomineeFactory, NomineeGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind(programme, staff_user, organiser):
    """Nominations of every shape the list shows: a young person checked and allocated, an adult
    without a birth date, a group of two (one in a second group too), a sealed winner, a draft never
    submitted, a merged duplicate, text beyond ASCII."""
    programme.event_date = timezone.localdate() + dt.timedelta(days=30)
    programme.save()
    checked = NomineeFactory(
        programme=programme, legal_first_name="Zoë", legal_last_name="O'Neill-Hughes", preferred_name="Zo",
        say_first_name="ZOH", chosen_name="Zo O'Neill", allocated_worker=staff_user, allocated_worker_name="Sam Worker",
        publicity_level=PublicityLevel.FIRST_NAME_INITIAL, own_publicity_level=PublicityLevel.FIRST_NAME,
        photography_allowed=True, attendance_safe=True, safeguarding_checked_at=timezone.now() - dt.timedelta(days=2),
        safeguarding_checked_by=organiser, safeguarding_notes="Placement\nprivate", named_to_event_staff=False,
        contact_allowed=False,
    )
    adult = NomineeFactory(programme=programme, kind=PersonKind.ADULT, date_of_birth=None, cohort="", area="")
    duplicate = NomineeFactory(  # checked, but with attendance not yet decided: not complete
        programme=programme, possible_duplicate_of=checked, merged_into=checked, allocated_worker=staff_user,
        safeguarding_checked_at=timezone.now(), attendance_safe=None,
    )
    first, second = (NomineeFactory(programme=programme, allocated_worker=staff_user) for _ in range(2))
    group = NomineeGroupFactory(programme=programme, name="The Riverside Crew")
    group.members.add(first, second)
    other_group = NomineeGroupFactory(programme=programme, name="Choir")
    other_group.members.add(second)
    NominationFactory(programme=programme, nominee=checked, status=NominationStatus.WINNER, achievement="Zoë – “brilliant”")
    NominationFactory(programme=programme, nominee=adult, status=NominationStatus.ELIGIBLE, nominator_phone="+44 1234 567890")
    NominationFactory(programme=programme, nominee=duplicate, status=NominationStatus.DRAFT, submitted_at=None)
    NominationFactory(programme=programme, nominee=None, group=group, status=NominationStatus.HIGHLY_COMMENDED)
    NominationFactory(programme=programme, nominee=None, group=other_group, status=NominationStatus.SHORTLISTED)
    return programme


def _as_serializer_writes(user, references) -> list[dict]:
    nominations = {n.reference: n for n in Nomination.objects.filter(reference__in=references)}
    context = {"request": SimpleNamespace(user=user)}
    data = [NominationSerializer(nominations[reference], context=context).data for reference in references]
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("reader", ["organiser", "staff_user"])
def test_the_list_answers_as_the_serializer_would_for_every_kind_of_row(every_kind, reader, request):
    user = request.getfixturevalue(reader)

    body = client_for(user).get("/api/v1/nominations/").json()

    references = [row["reference"] for row in body["results"]]
    assert len(references) == (5 if reader == "organiser" else 2)  # staff: their own young people, not groups
    assert body["results"] == _as_serializer_writes(user, references)
    statuses = {row["status"] for row in body["results"]}
    # The sealed results: as recorded to the organiser, a finalist to allocated staff until the night.
    assert ("winner" in statuses) == (reader == "organiser")
    assert ("highly_commended" in statuses) == (reader == "organiser")


def test_the_list_logs_each_identity_it_shows_once(every_kind, organiser):
    body = client_for(organiser).get("/api/v1/nominations/").json()

    shown = {row["nominee"]["id"] for row in body["results"] if row["nominee"]}
    shown |= {member["id"] for row in body["results"] if row["group"] for member in row["group"]["members"]}
    logged = list(IdentityAccess.objects.values_list("nominee_id", "user", "username", "context"))
    assert sorted(logged) == sorted((pk, organiser.pk, organiser.username, "api.nominations.list") for pk in shown)
    assert all(entry.at is not None for entry in IdentityAccess.objects.all())


def test_the_second_page_counts_the_whole_list_and_answers_as_the_serializer_would(programme, organiser):
    NominationFactory.create_batch(53, programme=programme)

    body = client_for(organiser).get("/api/v1/nominations/", {"page": 2}).json()

    assert body["count"] == 53
    assert body["previous"] is not None and body["next"] is None
    references = [row["reference"] for row in body["results"]]
    assert len(references) == 3
    assert body["results"] == _as_serializer_writes(organiser, references)
    assert client_for(organiser).get("/api/v1/nominations/", {"page": 3}).status_code == 404
