"""Forms of the nomination pages. They check shape and which fields a category needs;
the rules (window, age, cohort, duplicates) stay with nominations.services."""

from datetime import date

from django import forms

from awards.enums import Cohort, NomineeKind
from awards.models import Category, Programme
from mail.errors import ServiceError

from .enums import ACHIEVEMENT_MAX, ANYTHING_ELSE_MAX, WHY_IT_MATTERS_MAX, Relationship
from .services import NominatorInput, PersonInput, ReasonsInput, eligibility_problems
from .validation import validate_multiline, validate_single_line

MAX_GROUP_MEMBERS = 6

COHORT_CHOICES = [(c.value, c.label) for c in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER)]

TOO_LONG = "Use %(limit_value)d characters or fewer; this has %(show_value)d."


class ParagraphField(forms.CharField):
    """Several lines of text. Line breaks are kept but stored as one character each:
    browsers send CRLF yet count it as one against maxlength."""

    def __init__(
        self, *, label: str, max_length: int, required: bool = True, error_messages: dict[str, str] | None = None, **kwargs
    ):
        super().__init__(
            label=label,
            max_length=max_length,
            required=required,
            widget=forms.Textarea(attrs={"rows": 8}),
            help_text=f"Up to {max_length:,} characters.",
            validators=[validate_multiline],
            error_messages={"max_length": TOO_LONG, **(error_messages or {})},
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


def line(
    label: str, max_length: int, *, required: bool = False, error_messages: dict[str, str] | None = None, **kwargs
) -> forms.CharField:
    """One line of text, checked for characters that cannot be stored."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[validate_single_line],
        error_messages={"max_length": TOO_LONG, **(error_messages or {})},
        **kwargs,
    )


class DatePartsWidget(forms.MultiWidget):
    """A date people know by heart as three boxes, day, month and year, as GOV.UK advises for
    memorable dates (templates/forms/widgets/date_parts.html). A single value posted under the
    field's own name (an ISO date, as older forms and tests send) is taken as it is."""

    template_name = "forms/widgets/date_parts.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(
            [
                forms.TextInput({**box, "maxlength": 2, "class": "govuk-date-input__input govuk-input--width-2"}),
                forms.TextInput({**box, "maxlength": 2, "class": "govuk-date-input__input govuk-input--width-2"}),
                forms.TextInput({**box, "maxlength": 4, "class": "govuk-date-input__input govuk-input--width-4"}),
            ],
            attrs,
        )

    def decompress(self, value):
        if value and hasattr(value, "day"):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        parts = [str(data.get(f"{name}_{i}") or "").strip() for i in range(3)]
        if not any(parts):
            return ""
        return DateParts(*parts)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{i}" in data for i in range(3))

    def format_value(self, value):
        if isinstance(value, DateParts):
            return [value.day, value.month, value.year]
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        if isinstance(value, DateParts):
            value = [value.day, value.month, value.year]
        context = super().get_context(name, value, attrs)
        for part, label in zip(context["widget"]["subwidgets"], ("Day", "Month", "Year")):
            part["label"] = label
        return context


class DateParts(tuple):
    """What was typed in the three boxes, kept to show again with the error."""

    def __new__(cls, day, month, year):
        return super().__new__(cls, (day, month, year))

    day = property(lambda self: self[0])
    month = property(lambda self: self[1])
    year = property(lambda self: self[2])


class DatePartsField(forms.DateField):
    """A date from three boxes, with an error that says what is wrong: a part missing, a year not
    of four digits, or a date that does not exist ("31 2 2011")."""

    widget = DatePartsWidget

    def to_python(self, value):
        if isinstance(value, DateParts):
            if not all(value):
                raise forms.ValidationError("Enter the day, the month and the year, for example 17 5 2010.", code="incomplete")
            if not all(part.isdigit() for part in value):
                raise forms.ValidationError("Use numbers only, for example 17 5 2010.", code="invalid")
            if len(value.year) != 4:
                raise forms.ValidationError("Enter the year with 4 digits, for example 2010.", code="invalid")
            try:
                return date(int(value.year), int(value.month), int(value.day))
            except ValueError:
                raise forms.ValidationError(
                    f"There is no {value.day}/{value.month}/{value.year}: check the day and the month.", code="impossible"
                ) from None
        return super().to_python(value)


def date_field(label: str, **kwargs) -> forms.DateField:
    return DatePartsField(
        label=label,
        required=False,
        error_messages={"invalid": "Enter a real date, for example 17 5 2010."},
        **kwargs,
    )


def member_field_names(number: int) -> tuple[str, str, str, str]:
    return (
        f"member_{number}_first_name",
        f"member_{number}_last_name",
        f"member_{number}_date_of_birth",
        f"member_{number}_cohort",
    )


def put_service_error(form: forms.Form, error: ServiceError, *, field: str | None = None) -> None:
    """Show a service's refusal on the form: on `field` when given, else on the field the error
    names when the form has it, else at the top of the form (the error summary)."""
    name = field if field is not None else error.field
    form.add_error(name if name in form.fields else None, error.message)


class ErrorSummaryMixin:
    """The box at the top of a page with errors, GOV.UK style."""

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the box at the top of the page, in page order; no anchor for
        problems that belong to no one field."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            field = self[name]
            # A group of radios, or a date's three boxes, is reached through its first one.
            first_of_many = isinstance(field.field.widget, (forms.RadioSelect, DatePartsWidget))
            anchor = f"{field.auto_id}_0" if first_of_many else field.auto_id
            items += [(anchor, str(message)) for message in field.errors]
        return items


class NominationForm(ErrorSummaryMixin, forms.Form):
    category = forms.ChoiceField(
        label="Which award are you nominating them for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an award.", "invalid_choice": "Choose one of the awards listed."},
    )

    # The person: a young person, or for a carer/staff award the adult.
    legal_first_name = line("First name", 100, help_text="As it appears on their records.")
    legal_last_name = line("Last name", 100)
    preferred_name = line("The name they like to be called (optional)", 100)
    date_of_birth = date_field(
        "Date of birth", help_text="For example, 17 5 2010. Not needed for an award for a carer or member of staff."
    )
    cohort = forms.ChoiceField(
        label="Are they in care or a care leaver?",
        choices=COHORT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="Not needed for an award for a carer or member of staff.",
    )
    area = line("Area of the county where they live (optional)", 80)

    group_name = line("Name of the group", 150, help_text="For example, the Children in Care Council.")

    nominator_name = line("Your name", 150, required=True, error_messages={"required": "Enter your name."})
    nominator_email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We send your reference and a private link to see or withdraw your nomination here.",
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the right format, like name@example.org.",
        },
    )
    nominator_phone = forms.RegexField(
        r"^\+?[0-9 ()-]{6,31}$",
        label="Your phone number (optional)",
        max_length=32,
        required=False,
        error_messages={"invalid": "Enter a phone number using digits, spaces and an optional leading +."},
    )
    nominator_organisation = line("Your organisation or team (optional)", 150)
    nominator_relationship = forms.ChoiceField(
        label="How do you know them?",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you know them."},
    )
    # Asked as a question, answered with the rest of the form: "No" is refused at once, with the rule
    # in words, rather than after the form is otherwise right (the service checks it too).
    nominator_known_recently = forms.TypedChoiceField(
        label="Have you worked with them, or known them, in the last 12 months?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Only someone who knows them now can nominate them.",
        error_messages={"required": "Say whether you have worked with them, or known them, in the last 12 months."},
    )

    achievement = ParagraphField(
        label="What have they achieved?",
        max_length=ACHIEVEMENT_MAX,
        error_messages={"required": "Tell us what they have achieved."},
    )
    why_it_matters = ParagraphField(
        label="Why does this matter for them?",
        max_length=WHY_IT_MATTERS_MAX,
        error_messages={"required": "Tell us why this matters for them."},
    )
    anything_else = ParagraphField(
        label="Anything else you would like the panel to know (optional)", max_length=ANYTHING_ELSE_MAX, required=False
    )

    def __init__(self, *args, programme: Programme, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.categories = {c.slug: c for c in categories}
        self.fields["category"].choices = [(c.slug, c.name) for c in categories]
        member_names = []
        for number in range(1, MAX_GROUP_MEMBERS + 1):
            first, last, born, cohort = member_field_names(number)
            self.fields[first] = line("First name", 100)
            self.fields[last] = line("Last name", 100)
            self.fields[born] = date_field("Date of birth")
            self.fields[cohort] = forms.ChoiceField(
                label="In care or a care leaver?", choices=[("", "Choose")] + COHORT_CHOICES, required=False
            )
            member_names += [first, last, born, cohort]
        # Page order, so the error summary lists problems top to bottom.
        names = list(self.fields)
        after_group = names.index("group_name") + 1
        self.order_fields(names[:after_group] + member_names + names[after_group:])

    # --- what the page shows --------------------------------------------------

    def category_options(self) -> list[tuple[forms.BoundField, Category]]:
        return [(radio, self.categories[radio.data["value"]]) for radio in self["category"]]

    def member_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (number, [self[name] for name in member_field_names(number)]) for number in range(1, MAX_GROUP_MEMBERS + 1)
        ]

    # --- checks ---------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nominator_known_recently") is False:
            self.add_error(
                "nominator_known_recently",
                "You can nominate someone only if you have worked with them, or known them, in the last 12 months. "
                "Ask someone who knows them now to nominate them.",
            )
        category = self.chosen_category
        if category is None:
            return cleaned
        if category.nominee_kind == NomineeKind.GROUP:
            self._clean_group(category)
            return cleaned
        adult = category.nominee_kind == NomineeKind.ADULT
        who = "the person" if adult else "the young person"
        self._require("legal_first_name", f"Enter {who}'s first name.")
        self._require("legal_last_name", f"Enter {who}'s last name.")
        if not adult:
            self._require("date_of_birth", "Enter the young person's date of birth.")
            self._require("cohort", "Say whether the young person is in care or a care leaver.")
        return cleaned

    def _require(self, name: str, message: str) -> None:
        if name not in self.errors and not self.cleaned_data.get(name):
            self.add_error(name, message)

    def _clean_group(self, category: Category) -> None:
        self._require("group_name", "Give the group a name.")
        started = 0
        for number in range(1, MAX_GROUP_MEMBERS + 1):
            names = member_field_names(number)
            if not any(self.cleaned_data.get(n) or n in self.errors for n in names):
                continue
            started += 1
            first, last, born, cohort = names
            self._require(first, f"Enter the first name of young person {number}.")
            self._require(last, f"Enter the last name of young person {number}.")
            self._require(born, f"Enter the date of birth of young person {number}.")
            self._require(cohort, f"Say whether young person {number} is in care or a care leaver.")
            if any(n in self.errors for n in names):
                continue
            # The service checks every member too, but cannot say which one is out of range.
            for field, message in eligibility_problems(
                category=category, person=self._member(number), programme=self.programme
            ):
                self.add_error(born if field == "date_of_birth" else cohort, f"Young person {number}: {message}")
        if not started:
            self.add_error(member_field_names(1)[0], "Name at least one young person in the group.")

    # --- what the service gets ------------------------------------------------

    @property
    def chosen_category(self) -> Category | None:
        return self.categories.get(getattr(self, "cleaned_data", {}).get("category", ""))

    def person(self) -> PersonInput | None:
        category = self.chosen_category
        if category.nominee_kind == NomineeKind.GROUP:
            return None
        data = self.cleaned_data
        # A carer's or worker's date of birth is not needed, so it is not kept.
        adult = category.nominee_kind == NomineeKind.ADULT
        return PersonInput(
            legal_first_name=data["legal_first_name"],
            legal_last_name=data["legal_last_name"],
            preferred_name=data["preferred_name"],
            date_of_birth=None if adult else data["date_of_birth"],
            cohort="" if adult else data["cohort"],
            area=data["area"],
        )

    def _member(self, number: int) -> PersonInput:
        first, last, born, cohort = member_field_names(number)
        data = self.cleaned_data
        return PersonInput(
            legal_first_name=data[first], legal_last_name=data[last], date_of_birth=data[born], cohort=data[cohort]
        )

    def group(self) -> tuple[str, list[PersonInput]]:
        """The group's name and members; empty unless the award is for a group."""
        if self.chosen_category.nominee_kind != NomineeKind.GROUP:
            return "", []
        members = [
            self._member(number)
            for number in range(1, MAX_GROUP_MEMBERS + 1)
            if self.cleaned_data.get(member_field_names(number)[0])
        ]
        return self.cleaned_data["group_name"], members

    def nominator(self) -> NominatorInput:
        data = self.cleaned_data
        return NominatorInput(
            name=data["nominator_name"],
            email=data["nominator_email"],
            phone=data["nominator_phone"],
            organisation=data["nominator_organisation"],
            relationship=data["nominator_relationship"],
            known_recently=data["nominator_known_recently"],
        )

    def reasons(self) -> ReasonsInput:
        data = self.cleaned_data
        return ReasonsInput(
            achievement=data["achievement"], why_it_matters=data["why_it_matters"], anything_else=data["anything_else"]
        )


class WithdrawForm(ErrorSummaryMixin, forms.Form):
    reason = ParagraphField(label="Why are you withdrawing it? (optional)", max_length=2000, required=False)
