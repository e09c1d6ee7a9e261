import unicodedata
from datetime import date
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client, RequestFactory, override_settings

from awards.enums import Cohort, NomineeKind, Role
from awards.models import Category, Programme, ProgrammeRole
from awards.rules import is_organiser
from demo import seed as demo
from nominations.enums import ConsentPurpose, NominationStatus, PersonKind, PublicityLevel, Relationship
from nominations.matching import match_key
from nominations.models import Consent, Nomination, NominationHistory, Nominee
from nominations.services import NominatorInput, PersonInput, ReasonsInput, eligibility_problems, nomination_create
from shortlisting.enums import AssignmentStrategy, ConflictSource, PanelRole, ReviewStatus
from shortlisting.models import Assignment, Conflict, Panel, PanelMember, Review
from shortlisting.rules import can_view_ranking
from shortlisting.selectors import category_ranking, conflicted, panel_progress
from tests.factories import ProgrammeFactory


def sign_in_request():
    """django-axes counts sign-ins per address, so authenticate() needs the request it came in."""
    return RequestFactory().post("/accounts/login/")


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


def assert_consent_rules_hold(programme) -> None:
    current = Consent.objects.filter(nominee__programme=programme, withdrawn_at__isnull=True)
    nominees = Nominee.objects.filter(programme=programme)

    def given(purpose):
        return current.filter(purpose=purpose, given=True).values("nominee_id")

    def refused(purpose):
        return current.filter(purpose=purpose, given=False).values("nominee_id")

    named_without_consent = nominees.exclude(publicity_level=PublicityLevel.ANONYMOUS).exclude(
        pk__in=given(ConsentPurpose.NAME_READ_OUT)
    )
    photographed_without_consent = nominees.filter(photography_allowed=True).exclude(
        pk__in=given(ConsentPurpose.PHOTOGRAPHED)
    )
    named_despite_refusal = nominees.filter(pk__in=refused(ConsentPurpose.NAME_READ_OUT)).exclude(
        publicity_level=PublicityLevel.ANONYMOUS
    )
    photographed_despite_refusal = nominees.filter(pk__in=refused(ConsentPurpose.PHOTOGRAPHED), photography_allowed=True)
    nominated_despite_refusal = Nomination.objects.filter(nominee__in=refused(ConsentPurpose.NOMINATION)).exclude(
        status=NominationStatus.WITHDRAWN
    )

    assert list(named_without_consent) == []
    assert list(photographed_without_consent) == []
    assert list(named_despite_refusal) == []
    assert list(photographed_despite_refusal) == []
    assert list(nominated_despite_refusal) == []


def assert_reviews_follow_the_rules(programme) -> None:
    """What review_save guarantees: scores within 0..max, one per criterion (the database
    refuses a second), submitted reviews complete and timed."""
    reviews = Review.objects.filter(assignment__panel__programme=programme).prefetch_related(
        "scores__criterion", "assignment__nomination__category__criteria"
    )
    for review in reviews:
        criteria = {c.pk for c in review.assignment.nomination.category.criteria.all()}
        scores = list(review.scores.all())
        assert all(0 <= score.value <= score.criterion.max_score for score in scores)
        assert {score.criterion_id for score in scores} <= criteria
        if review.status == ReviewStatus.SUBMITTED:
            assert {score.criterion_id for score in scores} == criteria
            assert review.submitted_at is not None
        else:
            assert scores
    # Nobody is assigned a nomination they are conflicted on.
    assert not Assignment.objects.filter(panel__programme=programme).filter(conflicted()).exists()


@pytest.fixture(scope="class")
def _default_demo(django_db_setup, django_db_blocker):
    """One default seed shared by the tests of a class, in a transaction rolled back after
    them; each test runs in its own savepoint inside it, so none sees another's changes."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # The hasher the tests use (tests/conftest.py), or the demo logins would not work in them.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            demo.seed_demo()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def programme_2026(_default_demo):
    return Programme.objects.get(slug="proud-2026")


class TestDefaultDemo:
    """The default seed (270 nominations), built once for these tests."""

    def test_seed_demo_builds_the_default_programme(self, programme_2026):
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
            # the finished panels' shortlists are confirmed (demo.event)
            NominationStatus.SHORTLISTED,
            NominationStatus.NOT_SHORTLISTED,
        }
        assert programme_2026.reference_prefix == "PROUD26"
        assert programme_2026.window_is_open()
        assert Programme.objects.get(slug="proud-2025").categories.count() == 5

    def test_seed_demo_includes_deliberate_duplicates(self, programme_2026):
        alfie = Nominee.objects.get(programme=programme_2026, legal_last_name="Whitlock")
        statements = " ".join(alfie.nominations.values_list("achievement", flat=True))
        mistyped = Nominee.objects.get(programme=programme_2026, legal_first_name="Siobhan", legal_last_name="Byrne")

        assert alfie.nominations.count() == 2
        assert "Alfie" in statements
        assert "Alfred" in statements
        assert mistyped.possible_duplicate_of.legal_first_name == "Siobhán"
        assert Nominee.objects.annotate(n=Count("nominations")).filter(n__gte=2).count() > 20

    def test_seed_demo_nominees_have_their_match_keys(self, programme_2026):
        nominees = list(Nominee.objects.filter(programme=programme_2026))

        assert all(nominee.match_key for nominee in nominees)
        assert all(
            nominee.match_key
            == match_key(
                first_name=nominee.legal_first_name, last_name=nominee.legal_last_name, date_of_birth=nominee.date_of_birth
            )
            for nominee in nominees
        )

    def test_seed_demo_names_include_right_to_left_script(self, programme_2026):
        names = Nominee.objects.filter(programme=programme_2026).values_list("legal_first_name", flat=True)

        assert any(unicodedata.bidirectional(ch) in {"R", "AL"} for name in names for ch in name)

    def test_seed_demo_nominations_fit_their_categories(self, programme_2026):
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

    def test_seed_demo_records_history_safeguarding_and_consent(self, programme_2026):
        nominees = Nominee.objects.filter(programme=programme_2026)
        checked = nominees.filter(safeguarding_checked_at__isnull=False).count()
        submitted = Nomination.objects.filter(programme=programme_2026).exclude(status=NominationStatus.DRAFT)

        assert 0.3 < checked / nominees.count() < 0.7
        assert Consent.objects.filter(nominee__programme=programme_2026).exists()
        assert NominationHistory.objects.filter(
            nomination__in=submitted, action="nominations.nomination.submitted"
        ).count() == submitted.count()
        assert not NominationHistory.objects.filter(to_status=NominationStatus.INELIGIBLE, reason="").exists()

    def test_seed_demo_references_are_sequential_and_the_service_continues_them(self, programme_2026):
        references = sorted(Nomination.objects.filter(programme=programme_2026).values_list("reference", flat=True))

        nomination = nomination_create(
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

    def test_seed_demo_accounts_log_in_with_the_demo_password(self, programme_2026):
        password = django_settings.DEMO_PASSWORD
        users = {username: authenticate(sign_in_request(), username=username, password=password) for username in DEMO_USERNAMES}
        organiser = users["organiser"]

        assert all(users.values())
        assert is_organiser(organiser, programme_2026)
        assert organiser.is_staff
        assert not organiser.is_superuser
        assert organiser.has_perm("nominations.change_nominee")
        assert organiser.has_perm("shortlisting.change_panel")
        assert set(ProgrammeRole.objects.filter(programme=programme_2026).values_list("user__username", "role")) == {
            ("organiser", Role.ORGANISER),
            ("staff", Role.STAFF),
            ("door", Role.EVENT_STAFF),
        }
        assert Nominee.objects.filter(allocated_worker=users["staff"]).count() == 20

    def test_seed_demo_organiser_can_use_the_admin(self, programme_2026):
        client = Client()
        client.force_login(authenticate(sign_in_request(), username="organiser", password=django_settings.DEMO_PASSWORD))

        page = client.get("/admin/nominations/nomination/", {"q": "PROUD26-0001"})

        assert page.status_code == 200
        assert "PROUD26-0001" in page.content.decode()
        assert "270 total" in page.content.decode()

    def test_seed_demo_if_empty_after_seeding_creates_nothing_more(self, programme_2026):
        before = (Programme.objects.count(), Nominee.objects.count(), Nomination.objects.count())

        seed_demo("--if-empty")

        assert (Programme.objects.count(), Nominee.objects.count(), Nomination.objects.count()) == before

    def test_seed_demo_refuses_to_run_twice(self, programme_2026):
        with pytest.raises(CommandError, match="already exists"):
            seed_demo()

        assert Nomination.objects.count() == 270

    def test_seed_demo_publicity_and_photography_follow_consent(self, programme_2026):
        current = Consent.objects.filter(nominee__programme=programme_2026, withdrawn_at__isnull=True)
        nominees = Nominee.objects.filter(programme=programme_2026)

        assert_consent_rules_hold(programme_2026)
        # Every rule has cases to bite on.
        assert nominees.exclude(publicity_level=PublicityLevel.ANONYMOUS).count() > 20
        assert nominees.filter(photography_allowed=True).count() > 20
        assert current.filter(purpose=ConsentPurpose.NAME_READ_OUT, given=False).exists()
        assert current.filter(purpose=ConsentPurpose.PHOTOGRAPHED, given=False).exists()
        assert nominees.filter(kind=PersonKind.ADULT).exclude(publicity_level=PublicityLevel.ANONYMOUS).exists()

    def test_seed_demo_refused_nomination_consent_withdrew_the_nominations(self, programme_2026):
        refused = Consent.objects.filter(
            nominee__programme=programme_2026, purpose=ConsentPurpose.NOMINATION, given=False, withdrawn_at__isnull=True
        ).values("nominee_id")
        withdrawn = Nomination.objects.filter(nominee__in=refused)

        assert withdrawn.exists()
        assert set(withdrawn.values_list("status", flat=True)) == {NominationStatus.WITHDRAWN}
        assert NominationHistory.objects.filter(
            nomination__in=withdrawn, to_status=NominationStatus.WITHDRAWN, reason=demo.CONSENT_REFUSED_REASON
        ).count() == withdrawn.count()

    def test_seed_demo_panels_cover_every_category_with_the_demo_accounts(self, programme_2026):
        panels = Panel.objects.filter(programme=programme_2026)
        covered = list(
            Category.objects.filter(programme=programme_2026, is_active=True, panel_link__panel__in=panels)
            .values_list("slug", flat=True)
        )
        members = {
            (m.user.username, m.panel.name): m
            for m in PanelMember.objects.filter(panel__programme=programme_2026).select_related("user", "panel")
        }
        young = members[("youngpanel", "Young people's panel")]

        assert 2 <= panels.count() <= 3
        assert sorted(covered) == sorted(
            Category.objects.filter(programme=programme_2026, is_active=True).values_list("slug", flat=True)
        )
        assert members[("chair", "Young people's panel")].role == PanelRole.CHAIR
        assert members[("panel", "Young people's panel")].role == PanelRole.MEMBER
        assert (young.role, young.is_young_person, young.is_care_experienced) == (PanelRole.MEMBER, True, True)
        assert panels.filter(strategy=AssignmentStrategy.K_REVIEWERS, reviewers_per_nomination=3).exists()
        assert all(panel.deadline > programme_2026.nominations_close_at for panel in panels)
        assert all(panel.members.count() >= 3 for panel in panels)

    def test_seed_demo_categories_have_eligible_nominations_to_review(self, programme_2026):
        nominations = Nomination.objects.filter(programme=programme_2026)
        # Eligible ones, and those a confirmed shortlist has since decided.
        eligible = nominations.filter(
            status__in=[NominationStatus.ELIGIBLE, NominationStatus.SHORTLISTED, NominationStatus.NOT_SHORTLISTED]
        )
        empty = Category.objects.filter(programme=programme_2026).exclude(nominations__in=eligible)

        assert 0.4 < eligible.count() / nominations.count() < 0.65
        assert list(empty) == []
        assert Assignment.objects.filter(panel__programme=programme_2026).exclude(nomination__in=eligible).count() == 0

    def test_seed_demo_reviews_are_partly_done(self, programme_2026):
        assignments = Assignment.objects.filter(panel__programme=programme_2026)
        reviews = Review.objects.filter(assignment__in=assignments)
        progress = {
            (p.member.user.username, panel.name): p
            for panel in Panel.objects.filter(programme=programme_2026)
            for p in panel_progress(panel)
        }
        panel_left = sum(p.left for (username, _), p in progress.items() if username == "panel")

        assert_reviews_follow_the_rules(programme_2026)
        assert 0.35 < reviews.count() / assignments.count() < 0.65
        assert reviews.filter(status=ReviewStatus.SUBMITTED).exists()
        assert reviews.filter(status=ReviewStatus.DRAFT).exists()
        assert panel_left > 0
        assert progress[("panel", "Young people's panel")].submitted > 0

    def test_seed_demo_chair_sees_a_ranking_that_normalising_reorders(self, programme_2026):
        chair = authenticate(sign_in_request(), username="chair", password=django_settings.DEMO_PASSWORD)
        panel = Panel.objects.get(programme=programme_2026, name="Young people's panel")
        chair_submitted = Review.objects.filter(
            assignment__panel=panel, assignment__member__user=chair, status=ReviewStatus.SUBMITTED
        )

        def ranked(category, normalise):
            rows = category_ranking(panel=panel, category=category, normalise=normalise)
            total = (lambda row: row.normalised_total) if normalise else (lambda row: row.weighted_total)
            return [row.nomination.reference for row in rows if total(row) is not None]

        raw = {category.slug: ranked(category, False) for category in panel.categories.all()}
        normalised = {category.slug: ranked(category, True) for category in panel.categories.all()}

        assert can_view_ranking(chair, panel)
        assert chair_submitted.count() >= 10
        assert max(len(references) for references in raw.values()) >= 5
        assert raw != normalised

    def test_seed_demo_finds_the_young_members_conflict(self, programme_2026):
        young = PanelMember.objects.get(panel__programme=programme_2026, user__username="youngpanel")
        conflicts = Conflict.objects.filter(member=young)
        conflicted_nominations = Nomination.objects.filter(
            category__panel_link__panel=young.panel, status=NominationStatus.ELIGIBLE, nominee__panel_conflicts__member=young
        )

        assert 1 <= conflicts.count() <= 3
        assert set(conflicts.values_list("source", flat=True)) == {ConflictSource.SHARED_CARER}
        assert conflicted_nominations.exists()
        assert not Assignment.objects.filter(member=young, nomination__in=conflicted_nominations).exists()
        assert Assignment.objects.filter(panel=young.panel, nomination__in=conflicted_nominations).exists()


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


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed_demo()

    assert not Programme.objects.exists()


def test_seed_demo_at_scale_reviews_in_bulk_by_the_same_rules():
    count = demo.SERVICE_REVIEWS_UP_TO + 1
    seed_demo("--nominations", str(count))
    programme = Programme.objects.get(slug="proud-2026")
    panels = Panel.objects.filter(programme=programme)
    reviews = Review.objects.filter(assignment__panel__programme=programme)

    assert Nomination.objects.filter(programme=programme).count() == count
    assert set(panels.values_list("strategy", flat=True)) == {AssignmentStrategy.K_REVIEWERS}
    assert not Category.objects.filter(programme=programme, panel_link__isnull=True).exists()
    assert reviews.filter(status=ReviewStatus.SUBMITTED).exists()
    assert reviews.filter(status=ReviewStatus.DRAFT).exists()
    assert Conflict.objects.filter(member__user__username="youngpanel").exists()
    assert_reviews_follow_the_rules(programme)
    assert_consent_rules_hold(programme)


def test_seed_demo_has_an_event_with_invitations_in_every_state():
    from events.enums import InvitationKind, InvitationStatus
    from events.models import Event, Guest
    from events.selectors import gate_problems
    from mail.enums import DeliveryStatus
    from mail.models import EmailDelivery

    out = seed_demo()

    event = Event.objects.get(programme__slug="proud-2026")
    invitations = event.invitations.all()
    assert set(invitations.values_list("status", flat=True)) == set(InvitationStatus.values)
    assert set(invitations.values_list("kind", flat=True)) == set(InvitationKind.values) - {InvitationKind.NOMINATOR}
    blocked = [i for i in invitations.filter(kind=InvitationKind.FINALIST, status=InvitationStatus.DRAFT) if gate_problems(i)]
    assert blocked, "a finalist held back by the safeguarding gate"
    assert all(not gate_problems(i) for i in invitations.exclude(status=InvitationStatus.DRAFT))
    assert event.seats_taken == Guest.objects.filter(invitation__event=event, invitation__status=InvitationStatus.ACCEPTED).count() > 0
    assert EmailDelivery.objects.filter(invitation__event=event, status=DeliveryStatus.FAILED).count() == 1
    assert "Event: " in out and "accepted" in out
    # The night: a running order with presenters, tables, everyone coming seated, some arrived.
    items = event.running_order.all()
    assert items.filter(kind="award").count() >= 3 and items.filter(kind="performance").exists()
    assert all(item.presenters.exists() for item in items.filter(kind="award"))
    coming = Guest.objects.filter(event=event, invitation__status=InvitationStatus.ACCEPTED)
    assert event.tables.filter(accessible=True).exists()
    assert not coming.filter(table__isnull=True).exists()
    assert 0 < coming.filter(checked_in_at__isnull=False).count() < coming.count()


def test_seed_demo_in_bulk_has_a_national_scale_night_by_the_services_rules():
    from demo import scale as demo_scale
    from events.enums import InvitationKind, InvitationStatus
    from events.models import Event, Guest, InvitationHistory
    from events.selectors import gate_problems
    from night.services import finalist_nominations
    from shortlisting.enums import ShortlistState
    from shortlisting.models import Shortlist

    out = seed_demo("--nominations", "1200", "--bulk")

    programme = Programme.objects.get(slug="proud-2026")
    event = Event.objects.get(programme=programme)
    finalists, seats = demo_scale.scale_event_size(1200)
    invitations = event.invitations.filter(kind=InvitationKind.FINALIST)
    coming = Guest.objects.filter(event=event, invitation__status=InvitationStatus.ACCEPTED)
    assert invitations.count() == finalists == finalist_nominations(event).count()
    assert set(Shortlist.objects.filter(category__programme=programme).values_list("state", flat=True)) == {ShortlistState.CONFIRMED}
    assert {i.status for i in invitations} >= {
        InvitationStatus.DRAFT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.SENT,
        InvitationStatus.REVOKED, InvitationStatus.EXPIRED,
    }
    # The gate holds back exactly the drafts; everyone it let through is clear.
    assert all(gate_problems(i) for i in invitations.filter(status=InvitationStatus.DRAFT))
    assert not any(gate_problems(i) for i in invitations.exclude(status=InvitationStatus.DRAFT))
    assert event.seats_taken == coming.count() <= event.capacity
    assert 0 < event.seats_taken <= seats
    assert all(len(i.guests.all()) <= i.guest_allowance + 1 for i in invitations.prefetch_related("guests"))
    assert not coming.filter(table__isnull=True).exists()
    assert not coming.exclude(access_needs=[]).filter(table__accessible=False).exists()
    assert 0 < coming.filter(checked_in_at__isnull=False).count() < coming.count()
    assert event.running_order.filter(kind="award").count() == len(set(invitations.values_list("nomination__category", flat=True)))
    assert InvitationHistory.objects.filter(invitation__in=invitations, action="events.invitation.answered").count() == (
        invitations.filter(status__in=[InvitationStatus.ACCEPTED, InvitationStatus.DECLINED]).count()
    )
    assert NominationHistory.objects.filter(
        nomination__programme=programme, to_status=NominationStatus.SHORTLISTED
    ).count() == finalists
    assert f"Event: {finalists} finalists" in out
    assert_consent_rules_hold(programme)
