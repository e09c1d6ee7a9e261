"""One factory per model, no surprising side effects. Data is synthetic (Faker, en_GB)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from awards.enums import Cohort, NomineeKind, ProgrammeStatus, Role
from awards.models import Category, Criterion, Programme, ProgrammeRole
from mail.models import EmailDelivery
from nominations.enums import NominationStatus, PersonKind, PublicityLevel, Relationship
from nominations.matching import alias_key, match_key
from nominations.models import Consent, Nomination, Nominee, NomineeGroup

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"PROUD Awards {2026 + n}")
    slug = factory.Sequence(lambda n: f"proud-{2026 + n}")
    year = factory.Sequence(lambda n: 2026 + n % 70)  # within the model's 2000-2100
    reference_prefix = factory.Sequence(lambda n: f"PR{n:02d}")
    status = ProgrammeStatus.OPEN
    nominations_open_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    nominations_close_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    age_reference_date = dt.date(2026, 8, 31)
    blind_review = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Recognises a young person who has made positive choices."
    nominee_kind = NomineeKind.INDIVIDUAL
    cohort = Cohort.ANY
    max_finalists = 3


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    max_score = 5


class ProgrammeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRole

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ORGANISER


class NomineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nominee

    programme = factory.SubFactory(ProgrammeFactory)
    kind = PersonKind.YOUNG_PERSON
    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = dt.date(2010, 5, 17)
    cohort = Cohort.CHILD_IN_CARE
    area = "Northshire"
    publicity_level = PublicityLevel.ANONYMOUS
    match_key = factory.LazyAttribute(
        lambda n: match_key(first_name=n.legal_first_name, last_name=n.legal_last_name, date_of_birth=n.date_of_birth)
    )
    alias_key = factory.LazyAttribute(
        lambda n: alias_key(first_name=n.legal_first_name, last_name=n.legal_last_name, date_of_birth=n.date_of_birth)
    )


class NomineeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NomineeGroup

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Group project {n}")


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    programme = factory.SubFactory(ProgrammeFactory)
    category = factory.SubFactory(CategoryFactory, programme=factory.SelfAttribute("..programme"))
    nominee = factory.SubFactory(NomineeFactory, programme=factory.SelfAttribute("..programme"))
    reference = factory.Sequence(lambda n: f"TEST-{n:05d}")
    status = NominationStatus.SUBMITTED
    nominator_name = factory.Faker("name")
    nominator_email = factory.Sequence(lambda n: f"nominator{n}@example.org")
    nominator_relationship = Relationship.FOSTER_CARER
    nominator_known_recently = True
    achievement = "Took on a lot and stuck with it."
    why_it_matters = "It changed how they see themselves."
    submitted_at = factory.LazyFunction(timezone.now)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    nominee = factory.SubFactory(NomineeFactory)
    purpose = "attending"
    given = True
    given_by = "young_person"
    given_at = factory.LazyFunction(timezone.now)


# --- shortlisting ---------------------------------------------------------------

from shortlisting.models import Panel, PanelCategory, PanelMember  # noqa: E402


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Panel {n}")


class PanelCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelCategory

    panel = factory.SubFactory(PanelFactory)
    category = factory.SubFactory(CategoryFactory, programme=factory.SelfAttribute("..panel.programme"))


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    panel = factory.SubFactory(PanelFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


# --- events ---------------------------------------------------------------------

from events.enums import InvitationKind, InvitationStatus  # noqa: E402
from events.models import Event, Invitation  # noqa: E402


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.LazyAttribute(lambda e: f"{e.programme.name} celebration night")
    venue_name = "Riverside Stadium Suite"
    venue_address = "1 Stadium Way\nNorthtown\nNT1 1AA"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=40))
    doors_open_at = factory.LazyAttribute(lambda e: e.starts_at - dt.timedelta(minutes=30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + dt.timedelta(hours=3))
    rsvp_deadline = factory.LazyAttribute(lambda e: e.starts_at - dt.timedelta(days=14))
    capacity = 200
    default_guest_allowance = 2
    access_information = "Step-free entrance from the west car park; lift to the suite."
    dress_code = "Smart casual"
    organiser_contact_name = "Awards team"
    organiser_contact_email = "awards@example.org"


class InvitationFactory(factory.django.DjangoModelFactory):
    """A presenter's invitation by default; finalists come from `finalist_invitations_create`."""

    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    kind = InvitationKind.PRESENTER
    status = InvitationStatus.DRAFT
    addressee_name = factory.Faker("name")
    addressee_email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    invitee_name = factory.SelfAttribute("addressee_name")
    guest_allowance = 2


def delivery_for(invitation, **fields):
    """A message about `invitation` in the outbox, seen by its programme's organisers."""
    return EmailDelivery.objects.create(about=invitation, programme_id=invitation.event.programme_id, **fields)
