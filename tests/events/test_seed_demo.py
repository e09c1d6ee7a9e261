import unicodedata
from datetime import date
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client

from awards.enums import Cohort, NomineeKind, Role
from awards.models import Category, Programme, ProgrammeRole
from awards.rules import is_organiser
from nominations.enums import NominationStatus, PersonKind, Relationship
from nominations.matching import match_key
from nominations.models import Consent, Nomination, NominationHistory, Nominee
from nominations.services import NominatorInput, PersonInput, ReasonsInput, eligibility_problems, nomination_create

from ..factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = ["organiser", "staff", "panel", "chair", "youngpanel", "door"]


@pytest.fixture(autouse=True)
def _debug_on(settings):
    # pytest-django runs tests with DEBUG off; the command only runs on development set-ups.
    settings.DEBUG = True


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def programme_2026():
    seed_demo()
    return Programme.objects.get(slug="proud-2026")


def test_seed_demo_builds_the_default_programme(programme_2026):
    nominations = Nomination.objects.filter(programme=programme_2026)
    statuses = set(nominations.values_list("status", flat=True))
    empty_categories = Category.objects.filter(programme=programme_2026).annotate(n=Count("nominations")).filter(n=0)

    assert nominations.count() == 270
    assert 180 <= Nominee.objects.filter(programme=programme_2026).count() <= 220
    assert list(empty_categories) == []
    assert statuses == {
        NominationStatus.DRAFT,
        NominationStatus.SUBMITTED,
        NominationStatus.ELIGIBLE,
        NominationStatus.INELIGIBLE,
        NominationStatus.WITHDRAWN,
    }
    assert programme_2026.reference_prefix == "PROUD26"
    assert programme_2026.window_is_open()
    assert Programme.objects.get(slug="proud-2025").categories.count() == 5


def test_seed_demo_includes_deliberate_duplicates(programme_2026):
    alfie = Nominee.objects.get(programme=programme_2026, legal_last_name="Whitlock")
    statements = " ".join(alfie.nominations.values_list("achievement", flat=True))
    mistyped = Nominee.objects.get(programme=programme_2026, legal_first_name="Siobhan", legal_last_name="Byrne")

    assert alfie.nominations.count() == 2
    assert "Alfie" in statements
    assert "Alfred" in statements
    assert mistyped.possible_duplicate_of.legal_first_name == "Siobhán"
    assert Nominee.objects.annotate(n=Count("nominations")).filter(n__gte=2).count() > 20


def test_seed_demo_nominees_have_their_match_keys(programme_2026):
    nominees = list(Nominee.objects.filter(programme=programme_2026))

    assert all(nominee.match_key for nominee in nominees)
    assert all(
        nominee.match_key
        == match_key(
            first_name=nominee.legal_first_name, last_name=nominee.legal_last_name, date_of_birth=nominee.date_of_birth
        )
        for nominee in nominees
    )


def test_seed_demo_names_include_right_to_left_script(programme_2026):
    names = Nominee.objects.filter(programme=programme_2026).values_list("legal_first_name", flat=True)

    assert any(unicodedata.bidirectional(ch) in {"R", "AL"} for name in names for ch in name)


def test_seed_demo_nominations_fit_their_categories(programme_2026):
    nominations = Nomination.objects.filter(programme=programme_2026).select_related("category", "nominee", "group")

    for nomination in nominations:
        nomination.full_clean()
        kind = nomination.category.nominee_kind
        if kind == NomineeKind.GROUP:
            assert nomination.group.members.exists()
        elif kind == NomineeKind.ADULT:
            assert nomination.nominee.kind == PersonKind.ADULT
            assert nomination.nominator_relationship == Relationship.PEER
        else:
            nominee = nomination.nominee
            person = PersonInput(
                legal_first_name=nominee.legal_first_name,
                legal_last_name=nominee.legal_last_name,
                date_of_birth=nominee.date_of_birth,
                cohort=nominee.cohort,
            )
            assert eligibility_problems(category=nomination.category, person=person, programme=programme_2026) == []


def test_seed_demo_records_history_safeguarding_and_consent(programme_2026):
    nominees = Nominee.objects.filter(programme=programme_2026)
    checked = nominees.filter(safeguarding_checked_at__isnull=False).count()
    submitted = Nomination.objects.filter(programme=programme_2026).exclude(status=NominationStatus.DRAFT)

    assert 0.3 < checked / nominees.count() < 0.7
    assert Consent.objects.filter(nominee__programme=programme_2026).exists()
    assert NominationHistory.objects.filter(
        nomination__in=submitted, action="nominations.nomination.submitted"
    ).count() == submitted.count()
    assert not NominationHistory.objects.filter(to_status=NominationStatus.INELIGIBLE, reason="").exists()


def test_seed_demo_references_are_sequential_and_the_service_continues_them(programme_2026):
    references = sorted(Nomination.objects.filter(programme=programme_2026).values_list("reference", flat=True))

    nomination, _ = nomination_create(
        programme=programme_2026,
        category=Category.objects.get(programme=programme_2026, slug="talent"),
        nominator=NominatorInput(
            name="Test Nominator", email="test.nominator@example.org", relationship=Relationship.TEACHER,
            known_recently=True,
        ),
        reasons=ReasonsInput(achievement="Kept going.", why_it_matters="It matters."),
        person=PersonInput(
            legal_first_name="Rowan", legal_last_name="Testcase", date_of_birth=date(2012, 5, 1), cohort=Cohort.CHILD_IN_CARE
        ),
    )

    assert references == [f"PROUD26-{number:04d}" for number in range(1, 271)]
    assert nomination.reference == "PROUD26-0271"


def test_seed_demo_accounts_log_in_with_the_demo_password(programme_2026):
    password = django_settings.DEMO_PASSWORD
    users = {username: authenticate(username=username, password=password) for username in DEMO_USERNAMES}
    organiser = users["organiser"]

    assert all(users.values())
    assert is_organiser(organiser, programme_2026)
    assert organiser.is_staff
    assert not organiser.is_superuser
    assert organiser.has_perm("nominations.change_nominee")
    assert set(ProgrammeRole.objects.filter(programme=programme_2026).values_list("user__username", "role")) == {
        ("organiser", Role.ORGANISER),
        ("staff", Role.STAFF),
        ("door", Role.EVENT_STAFF),
    }
    assert Nominee.objects.filter(allocated_worker=users["staff"]).count() == 20


def test_seed_demo_organiser_can_use_the_admin(programme_2026):
    client = Client()
    client.force_login(authenticate(username="organiser", password=django_settings.DEMO_PASSWORD))

    page = client.get("/admin/nominations/nomination/", {"q": "PROUD26-0001"})

    assert page.status_code == 200
    assert "PROUD26-0001" in page.content.decode()
    assert "270 total" in page.content.decode()


def test_seed_demo_prints_the_logins():
    out = seed_demo()

    assert f"password: {django_settings.DEMO_PASSWORD}" in out
    assert all(f"  {username} " in out for username in DEMO_USERNAMES)


def test_seed_demo_scales_to_the_number_asked_for():
    seed_demo("--nominations", "50")

    assert Nomination.objects.count() == 50
    assert Nominee.objects.filter(possible_duplicate_of__isnull=False).exists()


def test_seed_demo_same_seed_gives_the_same_data():
    def fingerprint(seed: int) -> list[tuple]:
        with transaction.atomic():
            seed_demo("--nominations", "40", "--seed", str(seed))
            rows = list(
                Nomination.objects.order_by("reference").values_list(
                    "reference", "category__slug", "status", "nominee__legal_first_name", "nominee__legal_last_name"
                )
            )
            transaction.set_rollback(True)
        return rows

    assert fingerprint(1) == fingerprint(1)
    assert fingerprint(1) != fingerprint(2)


def test_seed_demo_if_empty_leaves_a_database_with_a_programme_alone():
    ProgrammeFactory()

    out = seed_demo("--if-empty")

    assert "already exists" in out
    assert Programme.objects.count() == 1
    assert Nomination.objects.count() == 0


def test_seed_demo_if_empty_after_seeding_creates_nothing_more(programme_2026):
    before = (Programme.objects.count(), Nominee.objects.count(), Nomination.objects.count())

    seed_demo("--if-empty")

    assert (Programme.objects.count(), Nominee.objects.count(), Nomination.objects.count()) == before


def test_seed_demo_refuses_to_run_twice(programme_2026):
    with pytest.raises(CommandError, match="already exists"):
        seed_demo()

    assert Nomination.objects.count() == 270


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed_demo()

    assert not Programme.objects.exists()
