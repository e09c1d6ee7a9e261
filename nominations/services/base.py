"""What every write to nominations shares: its errors, its inputs, who is acting, and the
eligibility rules a nomination is checked against."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from awards.enums import Cohort, NomineeKind
from awards.models import Category, Programme
from mail.errors import ServiceError  # NotAllowed, TransitionNotAllowed: re-exported

from ..enums import (
    PersonKind,
)


class NominationError(ServiceError):
    """A write of nominations the rules refuse."""


class NotEligible(NominationError):
    pass


class DuplicateNomination(NominationError):
    status_code = 409

    def __init__(self, message: str, *, first_reference: str):
        super().__init__(message, field="nominee")
        self.first_reference = first_reference

    @property
    def code(self) -> str:
        return "duplicate_nomination"

    def details(self) -> dict:
        return {"first_reference": self.first_reference} if self.first_reference else {}


@dataclass(frozen=True)
class PersonInput:
    legal_first_name: str
    legal_last_name: str
    date_of_birth: date | None = None
    cohort: str = ""
    preferred_name: str = ""
    say_first_name: str = ""
    say_last_name: str = ""
    area: str = ""
    kind: str = PersonKind.YOUNG_PERSON


@dataclass(frozen=True)
class NominatorInput:
    name: str
    email: str
    relationship: str
    known_recently: bool
    phone: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ReasonsInput:
    achievement: str
    why_it_matters: str
    anything_else: str = ""



# How the rules speak of the cohorts: "for children in care only", "recorded as a care leaver".
COHORT_PLURAL = {Cohort.CHILD_IN_CARE: "children in care", Cohort.CARE_LEAVER: "care leavers"}
COHORT_ONE = {Cohort.CHILD_IN_CARE: "a child in care", Cohort.CARE_LEAVER: "a care leaver"}

def _actor_label(actor, *, holds_private_link: bool = False) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "nominator (private link)" if holds_private_link else "system"


def _user_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def eligibility_problems(*, category: Category, person: PersonInput, programme: Programme) -> list[tuple[str, str]]:
    """Why this person cannot be nominated in this category: (field, message) pairs, empty when eligible."""
    problems: list[tuple[str, str]] = []
    if category.nominee_kind == NomineeKind.ADULT:
        return problems
    if person.date_of_birth is None:
        return [("date_of_birth", "Enter the young person's date of birth.")]
    age = age_on(person.date_of_birth, programme.age_reference_date)
    when = programme.age_reference_date.strftime("%-d %B %Y")
    if age < 0 or age > 25:
        problems.append(("date_of_birth", f"A nominee must be aged 0 to 25 on {when}; this date of birth gives {age}."))
    elif category.min_age is not None and age < category.min_age:
        problems.append(
            ("date_of_birth", f"{category.name} is for young people aged {category.min_age} or over on {when}; "
             f"this young person will be {age}.")
        )
    elif category.max_age is not None and age > category.max_age:
        problems.append(
            ("date_of_birth", f"{category.name} is for young people aged up to {category.max_age} on {when}; "
             f"this young person will be {age}.")
        )
    if person.cohort not in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER):
        problems.append(("cohort", "Say whether the young person is in care or a care leaver."))
    elif category.cohort != Cohort.ANY and person.cohort != category.cohort:
        problems.append(
            ("cohort", f"{category.name} is for {COHORT_PLURAL[category.cohort]} only; "
             f"this young person is recorded as {COHORT_ONE[person.cohort]}.")
        )
    return problems


def _check_can_submit(*, category: Category, programme: Programme, at: datetime, enforce_window: bool = True) -> None:
    if category.programme_id != programme.pk:
        raise NotEligible(f"The category '{category.name}' is not part of {programme.name}.", field="category")
    if not category.is_active:
        raise NotEligible(f"The category '{category.name}' is not taking nominations.", field="category")
    if enforce_window and not programme.window_is_open(at):
        if at < programme.nominations_open_at:
            opens = timezone.localtime(programme.nominations_open_at).strftime("%-d %B %Y")
            raise NotEligible(f"Nominations for {programme.name} open on {opens}.")
        raise NotEligible(f"Nominations for {programme.name} are closed.")


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise NotEligible(" ".join(m for _, m in problems), field=field)


def _full_clean(instance, **options) -> None:
    """full_clean, its first problem raised as a NominationError naming the field."""
    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise NominationError(f"{field.replace('_', ' ').capitalize()}: {' '.join(messages)}", field=field) from exc
