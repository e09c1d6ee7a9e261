import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from awards.enums import Cohort, NomineeKind, ProgrammeStatus, Role
from nominations.enums import ALLOWED_TRANSITIONS, ConsentPurpose, NominationStatus, PublicityLevel, Relationship, Source
from nominations.models import Consent, Nomination, NominationHistory, NominationSequence, Nominee, NomineeGroup, NomineeHistory
from nominations.selectors import hash_token, nomination_for_private_link
from nominations.services import (
    DuplicateNomination,
    NominationDraft,
    NominationError,
    NominatorInput,
    NotAllowed,
    NotEligible,
    PersonInput,
    ReasonsInput,
    TransitionNotAllowed,
    consent_record,
    consent_withdraw,
    nomination_create,
    nomination_create_from_data,
    nomination_link_create,
    nomination_transition,
    nomination_withdraw,
    nominations_create_many,
    nominee_merge,
    nominee_record_safeguarding,
)
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, NominationFactory, NomineeFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

S = NominationStatus


def person(**overrides) -> PersonInput:
    values = dict(
        legal_first_name="Alfie",
        legal_last_name="Moss",
        date_of_birth=dt.date(2012, 4, 1),
        cohort=Cohort.CHILD_IN_CARE,
    )
    values.update(overrides)
    return PersonInput(**values)


def nominator(**overrides) -> NominatorInput:
    values = dict(name="Pat Carer", email="pat@example.org", relationship=Relationship.FOSTER_CARER, known_recently=True)
    values.update(overrides)
    return NominatorInput(**values)


REASONS = ReasonsInput(achievement="Joined the youth council.", why_it_matters="Found their voice.")


def create(category, **kwargs):
    """A nomination and a live private link to it, as its nominator holds one."""
    kwargs.setdefault("person", person())
    kwargs.setdefault("nominator", nominator())
    kwargs.setdefault("reasons", REASONS)
    nomination = nomination_create(programme=category.programme, category=category, **kwargs)
    return nomination, nomination_link_create(nomination)


# --- creation and eligibility ------------------------------------------------


def test_create_submits_with_reference_history_and_hashed_token(category):
    nomination, token = create(category)

    assert nomination.status == S.SUBMITTED
    assert nomination.reference == f"{category.programme.reference_prefix}-0001"
    assert nomination.submitted_at is not None
    assert nomination.access_token_hash == hash_token(token)
    assert token not in nomination.access_token_hash
    assert list(nomination.history.values_list("action", "from_status", "to_status")) == [
        ("nominations.nomination.created", "", S.DRAFT),
        ("nominations.nomination.submitted", S.DRAFT, S.SUBMITTED),
    ]
    assert nomination_for_private_link(token) == nomination


def test_create_references_count_up_per_programme(category):
    first, _ = create(category)
    second, _ = create(category, person=person(legal_first_name="Ruby"))
    other_programme = CategoryFactory()
    third, _ = create(other_programme)

    assert [first.reference[-4:], second.reference[-4:], third.reference[-4:]] == ["0001", "0002", "0001"]


def test_create_sends_private_link_email_after_commit(category, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nomination_create(programme=category.programme, category=category, person=person(), nominator=nominator(), reasons=REASONS)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["pat@example.org"]
    assert nomination.reference in message.subject
    token = re.search(r"/n/([A-Za-z0-9_-]{40,})/", message.body).group(1)
    assert nomination_for_private_link(token) == nomination
    # No young person's name in an e-mail.
    assert "Moss" not in message.subject + message.body
    assert "Alfie" not in message.subject + message.body


def test_create_refused_when_window_closed(category):
    programme = category.programme
    programme.nominations_close_at = timezone.now() - dt.timedelta(minutes=1)
    programme.nominations_open_at = timezone.now() - dt.timedelta(days=10)
    programme.save()

    with pytest.raises(NotEligible, match="are closed"):
        create(category)
    assert Nomination.objects.count() == 0
    assert Nominee.objects.count() == 0


def test_create_refused_before_window_opens(category):
    programme = category.programme
    programme.nominations_open_at = timezone.now() + dt.timedelta(days=1)
    programme.nominations_close_at = timezone.now() + dt.timedelta(days=10)
    programme.save()

    with pytest.raises(NotEligible, match="open on"):
        create(category)


def test_create_refused_when_programme_not_open(category):
    category.programme.status = ProgrammeStatus.DRAFT
    category.programme.save()

    with pytest.raises(NotEligible, match="closed"):
        create(category)


def test_create_refused_for_inactive_category(category):
    category.is_active = False
    category.save()

    with pytest.raises(NotEligible, match="not taking nominations") as error:
        create(category)
    assert error.value.field == "category"


def test_create_refused_for_category_of_another_programme(category):
    other = CategoryFactory()
    with pytest.raises(NotEligible, match="not part of"):
        nomination_create(programme=category.programme, category=other, person=person(), nominator=nominator(), reasons=REASONS)


def test_create_import_may_skip_the_window(category):
    category.programme.nominations_close_at = timezone.now() - dt.timedelta(minutes=1)
    category.programme.nominations_open_at = timezone.now() - dt.timedelta(days=10)
    category.programme.save()

    nomination, _ = create(category, source=Source.IMPORT, enforce_window=False)

    assert nomination.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("born", "min_age", "max_age", "message"),
    [
        (dt.date(2018, 1, 1), 11, 15, "aged 11 or over on 31 August 2026; this young person will be 8"),
        (dt.date(2009, 1, 1), 11, 15, "aged up to 15 on 31 August 2026; this young person will be 17"),
        (dt.date(1990, 1, 1), None, None, "aged 0 to 25"),
    ],
)
def test_create_refused_outside_age_rule(programme, born, min_age, max_age, message):
    category = CategoryFactory(programme=programme, min_age=min_age, max_age=max_age)

    with pytest.raises(NotEligible, match=message) as error:
        create(category, person=person(date_of_birth=born))
    assert error.value.field == "date_of_birth"


def test_age_is_taken_on_reference_date_boundary(programme):
    category = CategoryFactory(programme=programme, min_age=11, max_age=15)
    # Turns 11 exactly on the reference date (31 August 2026): eligible.
    nomination, _ = create(category, person=person(date_of_birth=dt.date(2015, 8, 31)))
    assert nomination.status == S.SUBMITTED
    # Turns 11 the day after: not eligible.
    with pytest.raises(NotEligible, match="will be 10"):
        create(category, person=person(legal_first_name="Ruby", date_of_birth=dt.date(2015, 9, 1)))


def test_create_refused_for_wrong_cohort(programme):
    category = CategoryFactory(programme=programme, cohort=Cohort.CARE_LEAVER, name="Inspiration")

    with pytest.raises(NotEligible, match="Inspiration is for care leavers only") as error:
        create(category, person=person(cohort=Cohort.CHILD_IN_CARE))
    assert error.value.field == "cohort"


def test_create_refused_without_recent_contact(category):
    with pytest.raises(NotEligible, match="last 12 months"):
        create(category, nominator=nominator(known_recently=False))


def test_create_refused_for_overlong_reason(category):
    with pytest.raises(NominationError, match="Achievement") as error:
        create(category, reasons=ReasonsInput(achievement="x" * 3001, why_it_matters="y"))
    assert error.value.field == "achievement"
    assert Nomination.objects.count() == 0


def test_create_keeps_names_exactly_as_typed(category):
    typed = dict(legal_first_name="Zoë\u0301 🌟", legal_last_name="مريم")
    nomination, _ = create(category, person=person(**typed))

    nominee = Nominee.objects.get(pk=nomination.nominee_id)
    assert (nominee.legal_first_name, nominee.legal_last_name) == (typed["legal_first_name"], typed["legal_last_name"])


def test_create_adult_category_needs_a_young_nominator(programme):
    proud_plus = CategoryFactory(programme=programme, nominee_kind=NomineeKind.ADULT, name="PROUD+")
    adult = PersonInput(legal_first_name="Sam", legal_last_name="Okafor")

    with pytest.raises(NotEligible, match="for young people to nominate"):
        create(proud_plus, person=adult)
    nomination, _ = create(proud_plus, person=adult, nominator=nominator(relationship=Relationship.PEER))

    assert nomination.nominee.kind == "adult"
    assert nomination.nominee.date_of_birth is None


def test_create_group_nomination_with_members(programme):
    team = CategoryFactory(programme=programme, nominee_kind=NomineeKind.GROUP, name="Team Effort")
    members = [person(legal_first_name="Ava"), person(legal_first_name="Ben", date_of_birth=dt.date(2011, 2, 2))]

    nomination, _ = create(team, person=None, group_name="Children in Care Council film", group_members=members)

    assert nomination.nominee is None
    assert nomination.group.name == "Children in Care Council film"
    assert sorted(nomination.group.members.values_list("legal_first_name", flat=True)) == ["Ava", "Ben"]


@pytest.fixture
def team(programme):
    return CategoryFactory(programme=programme, nominee_kind=NomineeKind.GROUP, name="Team Effort")


CREW = [person(legal_first_name="Ava"), person(legal_first_name="Ben", date_of_birth=dt.date(2011, 2, 2))]


def test_the_same_group_nominated_again_is_one_record(team):
    first, _ = create(team, person=None, group_name="Film  Crew", group_members=CREW)
    # Another nominator, the name typed differently, the members in another order.
    second, _ = create(
        team, person=None, group_name=" film crew ", group_members=CREW[::-1], nominator=nominator(email="sam@example.org")
    )

    assert second.group_id == first.group_id
    assert first.group.name == "Film Crew"
    assert NomineeGroup.objects.count() == 1


def test_a_group_of_the_same_name_with_other_members_is_another_group(team):
    first, _ = create(team, person=None, group_name="Film crew", group_members=CREW)
    other, _ = create(team, person=None, group_name="Film crew", group_members=CREW[:1], nominator=nominator(email="sam@example.org"))

    assert other.group_id != first.group_id
    assert sorted(other.group.members.values_list("legal_first_name", flat=True)) == ["Ava"]


def test_same_nominator_cannot_nominate_the_same_group_twice_in_a_category(team):
    first, _ = create(team, person=None, group_name="Film crew", group_members=CREW)

    with pytest.raises(DuplicateNomination) as error:
        create(team, person=None, group_name="FILM CREW", group_members=CREW, nominator=nominator(email="Pat@Example.org"))

    assert error.value.message == (
        f"You have already nominated this group for Team Effort: see nomination {first.reference}. "
        "You can add to it by contacting the awards team."
    )
    assert Nomination.objects.count() == 1
    nomination_withdraw(nomination=first, actor=None, holds_private_link=True)
    again, _ = create(team, person=None, group_name="Film crew", group_members=CREW)
    assert again.group_id == first.group_id


def test_a_nominator_cannot_nominate_a_group_again_through_its_twin_record(team):
    """Twins (the same name and young people in two records) are left by a merge or by nominations
    made before groups were matched; the earlier nomination may be on either."""
    first, _ = create(team, person=None, group_name="Film crew", group_members=CREW, nominator=nominator(email="sam@example.org"))
    twin = NomineeGroup.objects.create(programme=team.programme, name="Film crew")
    twin.members.set(first.group.members.all())
    NominationFactory(programme=team.programme, category=team, nominee=None, group=twin, nominator_email="pat@example.org")

    with pytest.raises(DuplicateNomination):
        create(team, person=None, group_name="Film crew", group_members=CREW)
    again, _ = create(team, person=None, group_name="Film crew", group_members=CREW, nominator=nominator(email="lee@example.org"))
    assert again.group_id == first.group_id  # the oldest record


def test_the_database_refuses_a_second_nomination_of_a_group_by_the_same_nominator(team):
    first, _ = create(team, person=None, group_name="Film crew", group_members=CREW)

    with pytest.raises(IntegrityError, match="nomination_one_per_nominator_group_category"), transaction.atomic():
        NominationFactory(
            programme=team.programme, category=team, nominee=None, group=first.group, nominator_email="PAT@example.org"
        )


def test_create_group_member_outside_rules_refuses_whole_group(programme):
    team = CategoryFactory(programme=programme, nominee_kind=NomineeKind.GROUP, max_age=15)
    members = [person(legal_first_name="Ava"), person(legal_first_name="Old", date_of_birth=dt.date(2004, 1, 1))]

    with pytest.raises(NotEligible, match="aged up to 15"):
        create(team, person=None, group_name="Film crew", group_members=members)
    assert Nominee.objects.count() == 0


# --- duplicates ---------------------------------------------------------------


def test_same_young_person_is_attached_to_one_nominee(category):
    first, _ = create(category)
    # Another nominator, other case, accents and spacing.
    second, _ = create(
        category,
        person=person(legal_first_name="  ALFIE ", legal_last_name="moss"),
        nominator=nominator(email="teacher@example.org"),
    )

    assert second.nominee_id == first.nominee_id
    assert Nominee.objects.count() == 1


@pytest.mark.parametrize(("first_name", "other"), [("Alfie", "Alfred"), ("Oliver", "Olivia"), ("Samuel", "Samantha")])
def test_short_forms_and_twins_are_flagged_never_attached(category, first_name, other):
    first, _ = create(category, person=person(legal_first_name=first_name))
    second, _ = create(category, person=person(legal_first_name=other), nominator=nominator(email="x@example.org"))

    assert second.nominee_id != first.nominee_id
    assert second.nominee.legal_first_name == other
    assert second.nominee.possible_duplicate_of_id == first.nominee_id


def test_lookalike_with_other_birth_date_is_flagged_not_attached(category):
    first, _ = create(category)
    second, _ = create(category, person=person(date_of_birth=dt.date(2012, 4, 11)), nominator=nominator(email="x@example.org"))

    assert second.nominee_id != first.nominee_id
    assert second.nominee.possible_duplicate_of_id == first.nominee_id


def test_same_nominator_twice_in_category_points_to_first(category):
    first, _ = create(category)

    with pytest.raises(DuplicateNomination) as error:
        create(category, nominator=nominator(email="PAT@example.org"))
    assert error.value.first_reference == first.reference
    assert first.reference in error.value.message
    assert Nomination.objects.count() == 1


def test_same_nominator_may_nominate_again_after_withdrawing(category):
    first, _ = create(category)
    nomination_withdraw(nomination=first, actor=None, holds_private_link=True)

    second, _ = create(category)

    assert second.nominee_id == first.nominee_id


def test_database_refuses_duplicate_when_service_is_bypassed(category):
    first, _ = create(category)
    with pytest.raises(IntegrityError), transaction.atomic():
        NominationFactory(
            programme=category.programme, category=category, nominee=first.nominee, nominator_email="Pat@Example.org"
        )


# --- lifecycle ----------------------------------------------------------------


def test_organiser_moves_along_lifecycle_with_history(category, organiser):
    nomination, _ = create(category)

    nomination_transition(nomination=nomination, to=S.ELIGIBLE, actor=organiser)
    nomination_transition(nomination=nomination, to=S.SHORTLISTED, actor=organiser, reason="Panel decision")

    nomination.refresh_from_db()
    assert nomination.status == S.SHORTLISTED
    last = nomination.history.last()
    assert (last.from_status, last.to_status, last.actor, last.reason) == (S.ELIGIBLE, S.SHORTLISTED, organiser, "Panel decision")


@pytest.mark.parametrize(
    ("start", "to"),
    [(s, t) for s in S.values for t in S.values if t not in ALLOWED_TRANSITIONS[s]],
)
def test_transition_not_in_table_is_refused(programme, organiser, start, to):
    nomination = NominationFactory(programme=programme, status=start)

    with pytest.raises(TransitionNotAllowed, match="cannot become"):
        nomination_transition(nomination=nomination, to=to, actor=organiser, reason="r")
    nomination.refresh_from_db()
    assert nomination.status == start
    assert nomination.history.count() == 0


def test_unknown_status_is_refused(category, organiser):
    nomination, _ = create(category)
    with pytest.raises(TransitionNotAllowed, match="not a nomination status"):
        nomination_transition(nomination=nomination, to="crowned", actor=organiser)


def test_ineligible_needs_a_reason(category, organiser):
    nomination, _ = create(category)
    with pytest.raises(NominationError, match="Give a reason"):
        nomination_transition(nomination=nomination, to=S.INELIGIBLE, actor=organiser)


def test_staff_and_strangers_cannot_make_organiser_moves(category, staff_user):
    nomination, _ = create(category)
    stranger = UserFactory()

    for actor in (staff_user, stranger, None):
        with pytest.raises(NotAllowed):
            nomination_transition(nomination=nomination, to=S.ELIGIBLE, actor=actor)
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED


def test_organiser_of_another_programme_cannot_move(category):
    nomination, _ = create(category)
    elsewhere = user_with_role(ProgrammeFactory(), Role.ORGANISER)

    with pytest.raises(NotAllowed):
        nomination_transition(nomination=nomination, to=S.ELIGIBLE, actor=elsewhere)


def test_nominator_withdraws_own_nomination_and_record_is_kept(category):
    carer = UserFactory()
    nomination, _ = create(category, user=carer)

    nomination_withdraw(nomination=nomination, actor=carer, reason="Young person asked us to")

    nomination.refresh_from_db()
    assert nomination.status == S.WITHDRAWN
    assert nomination.history.last().reason == "Young person asked us to"
    assert Nomination.objects.filter(pk=nomination.pk).exists()


def test_nominator_cannot_make_organiser_moves(category):
    carer = UserFactory()
    nomination, _ = create(category, user=carer)

    with pytest.raises(NotAllowed):
        nomination_transition(nomination=nomination, to=S.ELIGIBLE, actor=carer)
    with pytest.raises(NotAllowed):
        nomination_transition(nomination=nomination, to=S.ELIGIBLE, actor=None, holds_private_link=True)


def test_withdrawn_cannot_be_withdrawn_again(category):
    nomination, _ = create(category)
    nomination_withdraw(nomination=nomination, actor=None, holds_private_link=True)

    with pytest.raises(TransitionNotAllowed, match="withdrawn cannot become withdrawn"):
        nomination_withdraw(nomination=nomination, actor=None, holds_private_link=True)


def test_submitting_a_draft_rechecks_eligibility(category):
    carer = UserFactory()
    nomination, _ = create(category, user=carer, submit=False)
    assert nomination.status == S.DRAFT
    category.is_active = False
    category.save()

    with pytest.raises(NotEligible, match="not taking nominations"):
        nomination_transition(nomination=nomination, to=S.SUBMITTED, actor=carer)
    category.is_active = True
    category.save()
    nomination_transition(nomination=nomination, to=S.SUBMITTED, actor=carer)
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED
    assert nomination.submitted_at is not None


# --- safeguarding and consent ---------------------------------------------------


def give(nominee, actor, *purposes):
    for purpose in purposes:
        consent_record(nominee=nominee, purpose=purpose, given=True, given_by="young_person", actor=actor)


def test_allocated_worker_records_safeguarding_check(category, staff_user):
    nomination, _ = create(category)
    nominee = nomination.nominee
    nominee.allocated_worker = staff_user
    nominee.save()
    give(nominee, staff_user, ConsentPurpose.NAME_READ_OUT, ConsentPurpose.PHOTOGRAPHED)

    nominee_record_safeguarding(
        nominee=nominee, actor=staff_user, attendance_safe=True, publicity_level=PublicityLevel.FIRST_NAME, photography_allowed=True
    )

    nominee.refresh_from_db()
    assert nominee.safeguarding_complete
    assert (nominee.publicity_level, nominee.photography_allowed, nominee.safeguarding_checked_by) == (
        PublicityLevel.FIRST_NAME,
        True,
        staff_user,
    )
    assert NomineeHistory.objects.filter(nominee=nominee, action="nominations.nominee.safeguarding_checked").count() == 1


def test_check_without_consent_cannot_expose_a_name_or_photo(category, organiser):
    nomination, _ = create(category)
    nominee = nomination.nominee

    with pytest.raises(NominationError, match="consent to the name being read out") as name_error:
        nominee_record_safeguarding(nominee=nominee, actor=organiser, attendance_safe=True, publicity_level="first_name", photography_allowed=False)
    with pytest.raises(NominationError, match="consent to being photographed") as photo_error:
        nominee_record_safeguarding(nominee=nominee, actor=organiser, attendance_safe=True, publicity_level="anonymous", photography_allowed=True)
    nominee_record_safeguarding(nominee=nominee, actor=organiser, attendance_safe=True, publicity_level="anonymous", photography_allowed=False)

    assert (name_error.value.field, photo_error.value.field) == ("publicity_level", "photography_allowed")
    nominee.refresh_from_db()
    assert nominee.safeguarding_complete and nominee.publicity_level == PublicityLevel.ANONYMOUS


def test_unallocated_staff_cannot_record_safeguarding(category, staff_user):
    nomination, _ = create(category)
    with pytest.raises(NotAllowed):
        nominee_record_safeguarding(
            nominee=nomination.nominee, actor=staff_user, attendance_safe=True, publicity_level="full_name", photography_allowed=True
        )
    nomination.nominee.refresh_from_db()
    assert nomination.nominee.safeguarding_checked_at is None


def test_withdrawn_consent_takes_effect_on_outputs(category, organiser):
    nomination, _ = create(category)
    nominee = nomination.nominee
    give(nominee, organiser, ConsentPurpose.NAME_READ_OUT, ConsentPurpose.PHOTOGRAPHED)
    nominee_record_safeguarding(
        nominee=nominee, actor=organiser, attendance_safe=True, publicity_level=PublicityLevel.FULL_NAME, photography_allowed=True
    )

    consent_withdraw(nominee=nominee, purpose=ConsentPurpose.NAME_READ_OUT, actor=organiser)
    consent_withdraw(nominee=nominee, purpose=ConsentPurpose.PHOTOGRAPHED, actor=organiser)

    nominee.refresh_from_db()
    assert nominee.publicity_level == PublicityLevel.ANONYMOUS
    assert nominee.photography_allowed is False
    assert Consent.objects.filter(nominee=nominee, withdrawn_at__isnull=True).count() == 0
    # A later check cannot undo the withdrawal: with no current consent it is refused.
    with pytest.raises(NominationError, match="consent"):
        nominee_record_safeguarding(
            nominee=nominee, actor=organiser, attendance_safe=True, publicity_level=PublicityLevel.FULL_NAME, photography_allowed=False
        )
    nominee.refresh_from_db()
    assert nominee.publicity_level == PublicityLevel.ANONYMOUS


def test_refusing_consent_to_be_nominated_withdraws_nominations(category, organiser):
    nomination, _ = create(category)
    second, _ = create(CategoryFactory(programme=category.programme), nominator=nominator(email="t@example.org"))

    consent_record(nominee=nomination.nominee, purpose=ConsentPurpose.NOMINATION, given=False, given_by="young_person", actor=organiser)

    for n in (nomination, second):
        n.refresh_from_db()
        assert n.status == S.WITHDRAWN
        assert n.history.last().reason == "Consent to being nominated was refused or withdrawn."


def test_withdrawal_refused_after_the_event(category):
    programme = category.programme
    nomination, _ = create(category)
    programme.event_date = timezone.localdate() - dt.timedelta(days=1)
    programme.save()

    with pytest.raises(TransitionNotAllowed, match="awards night has passed"):
        nomination_withdraw(nomination=nomination, actor=None, holds_private_link=True)


def test_new_consent_replaces_current_one_for_that_purpose(category, organiser):
    nomination, _ = create(category)
    nominee = nomination.nominee
    consent_record(nominee=nominee, purpose="attending", given=True, given_by="carer", actor=organiser)
    consent_record(nominee=nominee, purpose="attending", given=True, given_by="young_person", actor=organiser)

    current = Consent.objects.get(nominee=nominee, purpose="attending", withdrawn_at__isnull=True)
    assert current.given_by == "young_person"
    assert Consent.objects.filter(nominee=nominee).count() == 2


def test_withdrawing_absent_consent_is_refused(category, organiser):
    nomination, _ = create(category)
    with pytest.raises(NominationError, match="no current consent"):
        consent_withdraw(nominee=nomination.nominee, purpose="press", actor=organiser)


# --- merge ----------------------------------------------------------------------


def test_merge_moves_every_nomination_and_keeps_the_record(programme, organiser):
    cat_a = CategoryFactory(programme=programme)
    cat_b = CategoryFactory(programme=programme)
    keep = NomineeFactory(programme=programme, preferred_name="")
    merge = NomineeFactory(programme=programme, preferred_name="Jay", say_first_name="JAY")
    kept_nomination = NominationFactory(programme=programme, category=cat_a, nominee=keep, nominator_email="a@example.org")
    moved = NominationFactory(programme=programme, category=cat_b, nominee=merge, nominator_email="a@example.org")
    clash = NominationFactory(programme=programme, category=cat_a, nominee=merge, nominator_email="A@example.org")

    nominee_merge(keep=keep, merge=merge, actor=organiser, reason="Same young person")

    keep.refresh_from_db()
    merge.refresh_from_db()
    assert set(keep.nominations.values_list("pk", flat=True)) == {kept_nomination.pk, moved.pk, clash.pk}
    assert merge.merged_into == keep
    assert keep.preferred_name == "Jay"
    clash.refresh_from_db()
    assert clash.status == S.WITHDRAWN
    assert "Duplicate" in clash.history.get(action="nominations.nomination.withdrawn").reason
    moved.refresh_from_db()
    assert moved.status == S.SUBMITTED


def test_merge_refused_for_staff_and_for_other_programme(programme, organiser, staff_user):
    keep = NomineeFactory(programme=programme)
    merge = NomineeFactory(programme=programme)
    elsewhere = NomineeFactory()

    with pytest.raises(NotAllowed):
        nominee_merge(keep=keep, merge=merge, actor=staff_user)
    with pytest.raises(NominationError, match="different programmes"):
        nominee_merge(keep=keep, merge=elsewhere, actor=organiser)
    with pytest.raises(NominationError, match="two different"):
        nominee_merge(keep=keep, merge=keep, actor=organiser)
    merge.refresh_from_db()
    assert merge.merged_into is None


def test_merged_nominee_is_not_matched_again(category, organiser):
    first, _ = create(category)
    twin = NomineeFactory(programme=category.programme, legal_first_name="Alfie", legal_last_name="Moss", date_of_birth=dt.date(2012, 4, 1))
    nominee_merge(keep=twin, merge=first.nominee, actor=organiser)

    again, _ = create(category, nominator=nominator(email="new@example.org"))

    assert again.nominee_id == twin.pk
    assert NominationHistory.objects.filter(action="nominations.nominee.merged").count() == 1


def test_merge_keeps_the_stricter_safeguarding_answer(programme, organiser):
    keep = NomineeFactory(programme=programme, publicity_level=PublicityLevel.FULL_NAME, photography_allowed=True, safeguarding_notes="Likes football")
    merge = NomineeFactory(programme=programme, publicity_level=PublicityLevel.FIRST_NAME, photography_allowed=False, attendance_safe=False, safeguarding_notes="Do not share placement")
    give(keep, organiser, ConsentPurpose.NAME_READ_OUT)
    consent_record(nominee=merge, purpose=ConsentPurpose.PHOTOGRAPHED, given=False, given_by="parent", actor=organiser)

    nominee_merge(keep=keep, merge=merge, actor=organiser)

    keep.refresh_from_db()
    assert (keep.publicity_level, keep.photography_allowed, keep.attendance_safe) == (PublicityLevel.FIRST_NAME, False, False)
    assert "Likes football" in keep.safeguarding_notes and "Do not share placement" in keep.safeguarding_notes
    current = dict(Consent.objects.filter(nominee=keep, withdrawn_at__isnull=True).values_list("purpose", "given"))
    assert current == {ConsentPurpose.NAME_READ_OUT: True, ConsentPurpose.PHOTOGRAPHED: False}


def test_merge_refusal_beats_consent_for_same_purpose(programme, organiser):
    keep = NomineeFactory(programme=programme)
    merge = NomineeFactory(programme=programme)
    consent_record(nominee=merge, purpose=ConsentPurpose.NAME_READ_OUT, given=False, given_by="young_person", actor=organiser)
    give(keep, organiser, ConsentPurpose.NAME_READ_OUT)

    nominee_merge(keep=keep, merge=merge, actor=organiser)

    current = Consent.objects.get(nominee=keep, purpose=ConsentPurpose.NAME_READ_OUT, withdrawn_at__isnull=True)
    assert current.given is False


def test_merge_withdraws_the_less_advanced_duplicate_and_refuses_when_stuck(programme, organiser):
    category = CategoryFactory(programme=programme)
    keep = NomineeFactory(programme=programme)
    merge = NomineeFactory(programme=programme)
    advanced = NominationFactory(programme=programme, category=category, nominee=keep, nominator_email="a@example.org", status=S.ELIGIBLE)
    fresh = NominationFactory(programme=programme, category=category, nominee=merge, nominator_email="a@example.org", status=S.SUBMITTED)

    nominee_merge(keep=keep, merge=merge, actor=organiser)

    advanced.refresh_from_db()
    fresh.refresh_from_db()
    assert (advanced.status, fresh.status) == (S.ELIGIBLE, S.WITHDRAWN)
    assert fresh.nominee_id == keep.pk


@pytest.mark.parametrize(("start", "to"), [(s, t) for s in S.values for t in sorted(ALLOWED_TRANSITIONS[s]) if t != S.SUBMITTED])
def test_every_allowed_organiser_move_is_made(programme, organiser, start, to):
    nomination = NominationFactory(programme=programme, status=start)

    nomination_transition(nomination=nomination, to=to, actor=organiser, reason="because")

    nomination.refresh_from_db()
    assert nomination.status == to
    assert nomination.history.get().to_status == to


# --- many at once (the spreadsheet import) ------------------------------------------


def draft_data(first, last, born, email="pat@example.org", **overrides) -> dict:
    """What NominationCreateSerializer hands the service for one young person."""
    values = dict(
        nominee=dict(
            legal_first_name=first, legal_last_name=last, preferred_name="", say_first_name="",
            date_of_birth=born, cohort=Cohort.CHILD_IN_CARE, area="",
        ),
        group_name="", group_members=[], nominator_name="Pat Carer", nominator_email=email, nominator_phone="",
        nominator_organisation="", nominator_relationship=Relationship.FOSTER_CARER, nominator_known_recently=True,
        achievement="Joined the youth council.", why_it_matters="Found their voice.", anything_else="",
    )
    values.update(overrides)
    return values


@pytest.fixture
def stored(category):
    """Records already in the programme: one with a nomination from pat@, a look-alike target, and a
    merged record with the very keys of a new row (merged records are never matched)."""
    programme = category.programme
    moss = NomineeFactory(programme=programme, legal_first_name="Alfred", legal_last_name="Moss", date_of_birth=dt.date(2012, 4, 1))
    NominationFactory(programme=programme, category=category, nominee=moss, nominator_email="Pat@Example.org", reference="OLD-1")
    stone = NomineeFactory(programme=programme, legal_first_name="Olivia", legal_last_name="Stone", date_of_birth=dt.date(2011, 1, 1))
    NomineeFactory(
        programme=programme, legal_first_name="Mia", legal_last_name="Lund", date_of_birth=dt.date(2013, 3, 3), merged_into=stone
    )
    return {"moss": moss.pk, "stone": stone.pk}


def drafts_for(category, rows):
    return [NominationDraft(category=category, data=draft_data(*row[:3], **(row[3] if len(row) > 3 else {}))) for row in rows]


ACCEPTED_ROWS = [
    ("Alfred", "Moss", dt.date(2012, 4, 1), {"nominator_email": "sam@example.org"}),  # the stored record
    ("Oliver", "Stone", dt.date(2011, 1, 1)),  # new, looks like the stored Olivia Stone (short forms)
    ("Kai", "Brennan", dt.date(2012, 6, 1)),  # new
    ("Kai", "Brennan", dt.date(2013, 7, 7)),  # new, looks like the row before (same names)
    ("kai", "BRENNAN", dt.date(2012, 6, 1), {"nominator_email": "lee@example.org"}),  # the new record two rows up
    ("Zed", "Moss", dt.date(2012, 4, 1)),  # new, looks like the stored Alfred Moss (surname and birth date)
    ("Mia", "Lund", dt.date(2013, 3, 3)),  # new: the stored Mia Lund is merged
    ("Ava", "Hart", None, {"nominee": None}),  # refused: no one named
]


def one_at_a_time(programme, drafts, user) -> list[str]:
    """What nomination_create makes of the drafts, each in its own savepoint as the import once did."""
    outcomes = []
    for draft in drafts:
        try:
            with transaction.atomic():
                nomination = nomination_create_from_data(
                    draft.data, programme=programme, category=draft.category, user=user, source=Source.IMPORT,
                    enforce_window=False,
                )
            outcomes.append(nomination.reference)
        except NominationError as exc:
            outcomes.append(f"{exc.field}: {exc.message}")
    return outcomes


def written(programme, stored_ids) -> list[tuple]:
    """The imported nominations as (reference, nominee, look-alike), a new record named by the first
    reference made for it, so that two runs compare."""
    nominations = list(Nomination.objects.filter(programme=programme, source=Source.IMPORT).order_by("reference"))
    first = {}
    for n in nominations:
        first.setdefault(n.nominee_id, n.reference)

    def name(pk):
        return None if pk is None else pk if pk in stored_ids else f"new {first[pk]}"

    return [(n.reference, name(n.nominee_id), name(n.nominee.possible_duplicate_of_id), n.history.count()) for n in nominations]


def test_create_many_matches_and_flags_as_one_at_a_time_does(category, organiser, stored):
    programme, drafts = category.programme, drafts_for(category, ACCEPTED_ROWS[:-1])
    stored_ids = set(Nominee.objects.values_list("pk", flat=True))
    with transaction.atomic():
        expected_outcomes = one_at_a_time(programme, drafts, organiser)
        expected = written(programme, stored_ids)
        transaction.set_rollback(True)

    created = nominations_create_many(programme=programme, drafts=drafts, user=organiser, source=Source.IMPORT, enforce_window=False)

    assert [n.reference for n in created] == expected_outcomes
    assert written(programme, stored_ids) == expected
    ref = programme.reference_prefix
    assert expected == [
        (f"{ref}-0001", stored["moss"], None, 2),
        (f"{ref}-0002", f"new {ref}-0002", stored["stone"], 2),
        (f"{ref}-0003", f"new {ref}-0003", None, 2),
        (f"{ref}-0004", f"new {ref}-0004", f"new {ref}-0003", 2),
        (f"{ref}-0005", f"new {ref}-0003", None, 2),
        (f"{ref}-0006", f"new {ref}-0006", stored["moss"], 2),
        (f"{ref}-0007", f"new {ref}-0007", None, 2),
    ]


def test_create_many_refuses_as_one_at_a_time_does_and_writes_nothing(category, organiser, stored):
    rows = [
        ("Alfred", "Moss", dt.date(2012, 4, 1)),  # pat@ already nominated the stored record: OLD-1
        *ACCEPTED_ROWS,
        ("Kai", "Brennan", dt.date(2012, 6, 1), {"nominator_email": "PAT@example.org"}),  # repeats an earlier row
        ("Noor", "Ali", dt.date(2012, 1, 1), {"nominator_known_recently": False}),
        ("Noor", "Ali", dt.date(1990, 1, 1)),  # too old
    ]
    programme, drafts = category.programme, drafts_for(category, rows)
    counts = (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count())
    with transaction.atomic():
        expected = one_at_a_time(programme, drafts, organiser)
        transaction.set_rollback(True)

    created = nominations_create_many(programme=programme, drafts=drafts, user=organiser, source=Source.IMPORT, enforce_window=False)

    outcomes = [f"{r.field}: {r.message}" if isinstance(r, NominationError) else r.reference for r in created]
    assert outcomes == expected
    assert [o for o in outcomes if "already nominated" in o] == [
        "nominee: You have already nominated this young person for Positive Choices: see nomination OLD-1. "
        "You can add to it by contacting the awards team.",
        f"nominee: You have already nominated this young person for Positive Choices: see nomination "
        f"{programme.reference_prefix}-0003. You can add to it by contacting the awards team.",
    ]
    assert (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count()) == counts
    assert not NominationSequence.objects.filter(programme=programme, last_number__gt=0).exists()


def test_create_many_accepts_a_renomination_after_a_withdrawal_as_one_at_a_time_does(category, organiser):
    """A withdrawn nomination does not block the same nominator nominating the same person again."""
    programme = category.programme
    moss = NomineeFactory(programme=programme, legal_first_name="Alfred", legal_last_name="Moss", date_of_birth=dt.date(2012, 4, 1))
    withdrawn = NominationFactory(
        programme=programme, category=category, nominee=moss, nominator_email="Pat@Example.org", reference="OLD-1",
        status=S.WITHDRAWN,
    )
    drafts = drafts_for(category, [("Alfred", "Moss", dt.date(2012, 4, 1))])
    with transaction.atomic():
        expected = one_at_a_time(programme, drafts, organiser)
        transaction.set_rollback(True)

    created = nominations_create_many(programme=programme, drafts=drafts, user=organiser, source=Source.IMPORT, enforce_window=False)

    assert [getattr(r, "reference", r) for r in created] == expected == [f"{programme.reference_prefix}-0001"]
    again = Nomination.objects.get(reference=expected[0])
    assert (again.nominee_id, again.status) == (moss.pk, S.SUBMITTED)
    assert Nomination.objects.get(pk=withdrawn.pk).status == S.WITHDRAWN


def test_create_many_keeps_adults_apart_from_young_people_as_one_at_a_time_does(category, organiser):
    """An adult with the names and birth date of a young person is another record, not attached to
    the young person's (nor flagged against it: records of other kinds are not matched), whether the
    young person is stored or earlier in the batch; young people still match young people."""
    programme = category.programme
    proud_plus = CategoryFactory(programme=programme, nominee_kind=NomineeKind.ADULT, name="PROUD+")
    young = NomineeFactory(programme=programme, legal_first_name="Sam", legal_last_name="Okafor", date_of_birth=dt.date(2012, 4, 1))
    peer = {"nominator_relationship": Relationship.PEER}
    drafts = [
        *drafts_for(category, [("Sam", "Okafor", dt.date(2012, 4, 1))]),  # the stored young person
        *drafts_for(proud_plus, [("Sam", "Okafor", dt.date(2012, 4, 1), peer)]),  # an adult: new
        *drafts_for(category, [("Ada", "Lund", dt.date(2013, 3, 3))]),  # a young person: new
        *drafts_for(proud_plus, [("Ada", "Lund", dt.date(2013, 3, 3), peer)]),  # an adult: new
    ]
    stored_ids = {young.pk}
    with transaction.atomic():
        expected_outcomes = one_at_a_time(programme, drafts, organiser)
        expected = written(programme, stored_ids)
        transaction.set_rollback(True)

    created = nominations_create_many(programme=programme, drafts=drafts, user=organiser, source=Source.IMPORT, enforce_window=False)

    assert [getattr(r, "reference", r) for r in created] == expected_outcomes
    assert written(programme, stored_ids) == expected
    ref = programme.reference_prefix
    assert expected == [
        (f"{ref}-0001", young.pk, None, 2),
        (f"{ref}-0002", f"new {ref}-0002", None, 2),
        (f"{ref}-0003", f"new {ref}-0003", None, 2),
        (f"{ref}-0004", f"new {ref}-0004", None, 2),
    ]
    kinds = [Nomination.objects.get(reference=n.reference).nominee.kind for n in created]
    assert kinds == ["young_person", "adult", "young_person", "adult"]


def test_create_many_refuses_a_reference_already_in_use_and_writes_nothing(category, organiser):
    """A sequence behind the stored references (repaired by hand, restored from a backup) is named,
    not left to fail as a database error; nothing is written and the sequence is not moved."""
    programme = category.programme
    NominationFactory(programme=programme, category=category, reference=f"{programme.reference_prefix}-0002")
    drafts = drafts_for(category, [("Kai", "Brennan", dt.date(2012, 6, 1)), ("Amara", "Okafor", dt.date(2012, 6, 1))])
    counts = (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count())

    with pytest.raises(NominationError) as error:
        nominations_create_many(programme=programme, drafts=drafts, user=organiser, source=Source.IMPORT, enforce_window=False)

    assert error.value.message == (
        f"Reference {programme.reference_prefix}-0002 is already in use: the nomination sequence needs repair."
    )
    assert (Nomination.objects.count(), Nominee.objects.count(), NominationHistory.objects.count()) == counts
    assert not NominationSequence.objects.filter(programme=programme, last_number__gt=0).exists()


@pytest.mark.parametrize("source", [Source.FORM, Source.API, "import-ish"])
def test_create_many_is_only_for_imports(category, organiser, source):
    """It e-mails no receipt and keeps no private link, so a form or API caller must use nomination_create."""
    drafts = drafts_for(category, [("Kai", "Brennan", dt.date(2012, 6, 1))])

    with pytest.raises(ValueError, match=r"nominations_create_many is only for imports \(source='import'\)"):
        nominations_create_many(programme=category.programme, drafts=drafts, user=organiser, source=source, enforce_window=False)

    assert Nomination.objects.count() == Nominee.objects.count() == NominationSequence.objects.count() == 0
