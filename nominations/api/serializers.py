"""Input serializers check shape; services check rules. Output serializers come in tiers:
identity (organisers and allocated staff) and nominator (announce name only)."""

from functools import cached_property

from django.core.validators import EmailValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.enums import Cohort, Role
from awards.rules import programme_ids_with_role

from ..enums import (
    ACHIEVEMENT_MAX,
    ANYTHING_ELSE_MAX,
    WHY_IT_MATTERS_MAX,
    ConsentGiver,
    ConsentPurpose,
    NominationStatus,
    PublicityLevel,
    Relationship,
)
from ..models import Consent, Nomination, Nominee
from ..naming import Audience, announce_name, nomination_announce_name, nomination_name
from ..outcomes import status_shown, status_shown_label
from ..validation import validate_multiline, validate_single_line


def line(max_length: int, *, required: bool = True, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        trim_whitespace=True,
        validators=[validate_single_line],
        **kwargs,
    )


def paragraph(max_length: int, *, required: bool = True, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        validators=[validate_multiline],
        **kwargs,
    )


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class OptionalEmailField(serializers.CharField):
    """An e-mail address, or empty where none is given (DRF's EmailField would be described with
    `format: email` alone, which refuses the empty string the answer then holds)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)
        self.validators.append(EmailValidator(message="Enter a valid email address."))


YOUNG_PERSON_COHORTS = [(Cohort.CHILD_IN_CARE.value, Cohort.CHILD_IN_CARE.label), (Cohort.CARE_LEAVER.value, Cohort.CARE_LEAVER.label)]


class PersonInputSerializer(serializers.Serializer):
    legal_first_name = line(100, help_text="First name as on their records")
    legal_last_name = line(100)
    preferred_name = line(100, required=False)
    say_first_name = line(100, required=False, help_text="How to say their first name (the one they go by)")
    say_last_name = line(100, required=False, help_text="How to say their surname")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    cohort = serializers.ChoiceField(choices=YOUNG_PERSON_COHORTS, required=False, allow_blank=True, default="")
    area = line(80, required=False)


class NominationCreateSerializer(serializers.Serializer):
    programme = serializers.SlugField(help_text="Programme slug")
    category = serializers.SlugField(help_text="Category slug within the programme")
    nominee = PersonInputSerializer(required=False, help_text="The young person, or for a carer/staff award the adult")
    group_name = line(150, required=False)
    group_members = PersonInputSerializer(many=True, required=False, default=list)
    nominator_name = line(150)
    nominator_email = serializers.EmailField(max_length=254)
    nominator_phone = serializers.RegexField(
        r"^\+?[0-9 ()-]{6,31}$",
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": "Enter a phone number using digits, spaces and an optional leading +."},
    )
    nominator_organisation = line(150, required=False)
    nominator_relationship = serializers.ChoiceField(choices=Relationship.choices)
    nominator_known_recently = serializers.BooleanField(
        help_text="You have worked with or known the young person in the last 12 months."
    )
    achievement = paragraph(ACHIEVEMENT_MAX, help_text="What they achieved")
    why_it_matters = paragraph(WHY_IT_MATTERS_MAX, help_text="Why it matters")
    anything_else = paragraph(ANYTHING_ELSE_MAX, required=False)


class NominationReceiptSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    message = serializers.SerializerMethodField()

    class Meta:
        model = Nomination
        fields = ["reference", "status", "category", "submitted_at", "message"]

    def get_message(self, nomination) -> str:
        return (
            f"Thank you. Your reference is {nomination.reference}. We have e-mailed you a private link "
            "to see or withdraw your nomination."
        )


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "purpose", "given", "given_by", "given_by_name", "given_at", "withdrawn_at"]


class NomineeIdentitySerializer(serializers.ModelSerializer):
    """Every field of a nominee. Only for organisers and the allocated worker; each read is logged."""

    announce_name = serializers.SerializerMethodField()
    allocated_worker = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    safeguarding_checked_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    safeguarding_complete = serializers.BooleanField(read_only=True)
    cohort = serializers.ChoiceField(
        choices=YOUNG_PERSON_COHORTS, allow_blank=True, read_only=True, help_text="A young person's; empty for an adult"
    )

    class Meta:
        model = Nominee
        fields = [
            "id",
            "kind",
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "say_first_name",
            "say_last_name",
            "chosen_name",
            "date_of_birth",
            "cohort",
            "area",
            "allocated_worker",
            "allocated_worker_name",
            "announce_name",
            "publicity_level",
            "photography_allowed",
            "named_to_event_staff",
            "contact_allowed",
            "attendance_safe",
            "safeguarding_complete",
            "safeguarding_checked_at",
            "safeguarding_checked_by",
            "safeguarding_notes",
            "possible_duplicate_of",
            "merged_into",
        ]
        read_only_fields = fields

    def get_announce_name(self, nominee) -> str:
        return announce_name(nominee)


class NomineeDetailSerializer(NomineeIdentitySerializer):
    consents = serializers.SerializerMethodField()

    class Meta(NomineeIdentitySerializer.Meta):
        fields = NomineeIdentitySerializer.Meta.fields + ["consents"]
        read_only_fields = fields

    @extend_schema_field(ConsentSerializer(many=True))
    def get_consents(self, nominee):
        current = [c for c in nominee.consents.all() if c.withdrawn_at is None]
        return ConsentSerializer(current, many=True).data


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = NomineeIdentitySerializer(many=True)


class NominationSerializer(serializers.ModelSerializer):
    """Identity tier: organisers of the programme and allocated staff. Allocated staff see a winner
    as a finalist until the night is over (nominations.outcomes); organisers see the result."""

    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status = serializers.SerializerMethodField()
    announce_name = serializers.SerializerMethodField()
    nominee = NomineeIdentitySerializer(read_only=True, allow_null=True, help_text="Null for a group's nomination")
    group = GroupSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "reference",
            "programme",
            "category",
            "category_name",
            "status",
            "source",
            "announce_name",
            "nominee",
            "group",
            "nominator_name",
            "nominator_email",
            "nominator_phone",
            "nominator_organisation",
            "nominator_relationship",
            "nominator_known_recently",
            "achievement",
            "why_it_matters",
            "anything_else",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_announce_name(self, nomination) -> str:
        return nomination_announce_name(nomination)

    @cached_property
    def _organised(self) -> set[int]:
        request = self.context.get("request")
        return set(programme_ids_with_role(request.user, Role.ORGANISER)) if request else set()

    @extend_schema_field(serializers.ChoiceField(choices=NominationStatus.choices))
    def get_status(self, nomination) -> str:
        return nomination.status if nomination.programme_id in self._organised else status_shown(nomination)


class NominatorNominationSerializer(serializers.ModelSerializer):
    """What the person who made a nomination sees of it: no identity fields, no safeguarding, and a
    winner as a finalist until the night is over (nominations.outcomes)."""

    programme = serializers.CharField(source="programme.name", read_only=True)
    category = serializers.CharField(source="category.name", read_only=True)
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    known_name = serializers.SerializerMethodField(help_text="Who it is for, as the nominator knows them: first name and initial")
    announce_name = serializers.SerializerMethodField(help_text="The name the room and the public hear")

    class Meta:
        model = Nomination
        fields = [
            "id",
            "reference",
            "programme",
            "category",
            "status",
            "status_label",
            "known_name",
            "announce_name",
            "achievement",
            "why_it_matters",
            "anything_else",
            "submitted_at",
        ]
        read_only_fields = fields

    def get_known_name(self, nomination) -> str:
        return nomination_name(Audience.KNOWN, nomination)

    def get_announce_name(self, nomination) -> str:
        return nomination_announce_name(nomination)

    @extend_schema_field(serializers.ChoiceField(choices=NominationStatus.choices))
    def get_status(self, nomination) -> str:
        return status_shown(nomination)

    def get_status_label(self, nomination) -> str:
        return status_shown_label(nomination)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=NominationStatus.choices)
    reason = paragraph(2000, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = paragraph(2000, required=False)


class PrivateLinkSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=128, help_text="The token from the private link e-mailed to the nominator")


class PrivateLinkWithdrawSerializer(PrivateLinkSerializer):
    reason = paragraph(2000, required=False)


class SafeguardingSerializer(serializers.Serializer):
    attendance_safe = serializers.BooleanField()
    publicity_level = serializers.ChoiceField(choices=PublicityLevel.choices)
    photography_allowed = serializers.BooleanField()
    named_to_event_staff = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="May the door and floor staff know the name (else a neutral label); left out: unchanged",
    )
    contact_allowed = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="May certificates and letters be sent to them (through the responsible adult); false: nothing is "
        "sent or printed for them; left out: unchanged",
    )
    notes = paragraph(5000, required=False)


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    given = serializers.BooleanField(default=True)
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    given_by_name = line(150, required=False)


class ConsentWithdrawSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)


class MergeSerializer(serializers.Serializer):
    merge = serializers.IntegerField(help_text="Id of the nominee record to merge into this one")
    reason = paragraph(2000, required=False)


# --- the nominations list, from .values() rows ------------------------------------------------
# A page of 50 through NominationSerializer built some 150 model instances and looked up about
# 2,200 fields one by one: a third of the list's time. The list reads the same columns as plain
# rows and writes the same JSON, field for field, with DRF's own fields for dates and times
# (tests/nominations/api/test_nomination_rows.py compares the two on every kind of row). The
# serializers above stay the description of the answer (the schema) and serve single records.

_NOMINEE_COLUMNS = (
    "id", "kind", "legal_first_name", "legal_last_name", "preferred_name", "say_first_name", "say_last_name", "chosen_name",
    "date_of_birth", "cohort", "area", "allocated_worker__username", "allocated_worker_name", "publicity_level",
    "own_publicity_level", "photography_allowed", "named_to_event_staff", "contact_allowed", "attendance_safe",
    "safeguarding_checked_at", "safeguarding_checked_by__username", "safeguarding_notes", "possible_duplicate_of_id",
    "merged_into_id",
)
NOMINATION_ROW_COLUMNS = (
    "id", "reference", "programme_id", "programme__slug", "programme__event_date", "category__slug", "category__name",
    "status", "source", "group_id", "group__name", "nominee_id", "nominator_name", "nominator_email", "nominator_phone",
    "nominator_organisation", "nominator_relationship", "nominator_known_recently", "achievement", "why_it_matters",
    "anything_else", "submitted_at", "created_at", "updated_at",
    *(f"nominee__{column}" for column in _NOMINEE_COLUMNS),
)
GROUP_MEMBER_COLUMNS = _NOMINEE_COLUMNS


class _Person:
    """A nominee's row with the attributes the naming functions read."""

    __slots__ = ("kind", "publicity_level", "own_publicity_level", "preferred_name", "legal_first_name", "legal_last_name")

    def __init__(self, row: dict, prefix: str = ""):
        for name in self.__slots__:
            setattr(self, name, row[prefix + name])


def _nominee_representation(row: dict, prefix: str, dates) -> dict:
    """NomineeIdentitySerializer's answer for a nominee's columns in `row` (under `prefix`)."""
    born, checked_at = row[prefix + "date_of_birth"], row[prefix + "safeguarding_checked_at"]
    attendance_safe = row[prefix + "attendance_safe"]
    return {
        "id": row[prefix + "id"],
        "kind": row[prefix + "kind"],
        "legal_first_name": row[prefix + "legal_first_name"],
        "legal_last_name": row[prefix + "legal_last_name"],
        "preferred_name": row[prefix + "preferred_name"],
        "say_first_name": row[prefix + "say_first_name"],
        "say_last_name": row[prefix + "say_last_name"],
        "chosen_name": row[prefix + "chosen_name"],
        "date_of_birth": None if born is None else dates.date.to_representation(born),
        "cohort": row[prefix + "cohort"],
        "area": row[prefix + "area"],
        "allocated_worker": row[prefix + "allocated_worker__username"],
        "allocated_worker_name": row[prefix + "allocated_worker_name"],
        "announce_name": announce_name(_Person(row, prefix)),
        "publicity_level": row[prefix + "publicity_level"],
        "photography_allowed": row[prefix + "photography_allowed"],
        "named_to_event_staff": row[prefix + "named_to_event_staff"],
        "contact_allowed": row[prefix + "contact_allowed"],
        "attendance_safe": attendance_safe,
        "safeguarding_complete": checked_at is not None and attendance_safe is not None,
        "safeguarding_checked_at": None if checked_at is None else dates.datetime.to_representation(checked_at),
        "safeguarding_checked_by": row[prefix + "safeguarding_checked_by__username"],
        "safeguarding_notes": row[prefix + "safeguarding_notes"],
        "possible_duplicate_of": row[prefix + "possible_duplicate_of_id"],
        "merged_into": row[prefix + "merged_into_id"],
    }


class _Dates:
    def __init__(self):
        self.date = serializers.DateField()
        self.datetime = serializers.DateTimeField()


class _Shown:
    """What nominations.outcomes.status_shown reads of a nomination."""

    __slots__ = ("status", "programme")

    def __init__(self, status: str, event_date):
        self.status = status
        self.programme = _Programme(event_date)


class _Programme:
    __slots__ = ("event_date",)

    def __init__(self, event_date):
        self.event_date = event_date


def nomination_rows_representation(rows: list[dict], members: dict[int, list[dict]], *, organised: set[int]) -> list[dict]:
    """NominationSerializer's answer for each row of NOMINATION_ROW_COLUMNS; `members`: each group's
    members as rows of GROUP_MEMBER_COLUMNS, in the order the group lists them; `organised`: the
    programmes whose results the reader may see as recorded (nominations.outcomes)."""
    dates = _Dates()
    stamp = dates.datetime.to_representation
    out = []
    for row in rows:
        group_id, status = row["group_id"], row["status"]
        if row["programme_id"] not in organised:
            status = status_shown(_Shown(status, row["programme__event_date"]))
        if group_id is not None:
            name = row["group__name"]
        else:
            name = announce_name(_Person(row, "nominee__"))
        out.append({
            "id": row["id"],
            "reference": row["reference"],
            "programme": row["programme__slug"],
            "category": row["category__slug"],
            "category_name": row["category__name"],
            "status": status,
            "source": row["source"],
            "announce_name": name,
            "nominee": None if row["nominee_id"] is None else _nominee_representation(row, "nominee__", dates),
            "group": None if group_id is None else {
                "id": group_id,
                "name": row["group__name"],
                "members": [_nominee_representation(member, "", dates) for member in members.get(group_id, [])],
            },
            "nominator_name": row["nominator_name"],
            "nominator_email": row["nominator_email"],
            "nominator_phone": row["nominator_phone"],
            "nominator_organisation": row["nominator_organisation"],
            "nominator_relationship": row["nominator_relationship"],
            "nominator_known_recently": row["nominator_known_recently"],
            "achievement": row["achievement"],
            "why_it_matters": row["why_it_matters"],
            "anything_else": row["anything_else"],
            "submitted_at": None if row["submitted_at"] is None else stamp(row["submitted_at"]),
            "created_at": None if row["created_at"] is None else stamp(row["created_at"]),
            "updated_at": None if row["updated_at"] is None else stamp(row["updated_at"]),
        })
    return out
