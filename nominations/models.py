"""Nominees (one record per young person, and groups), nominations with their history, consent, the
identity-access log and the reference sequence."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from awards.enums import Cohort
from awards.models import Category, Programme

from .enums import (
    ACHIEVEMENT_MAX,
    ANYTHING_ELSE_MAX,
    WHY_IT_MATTERS_MAX,
    ConsentGiver,
    ConsentPurpose,
    NominationStatus,
    PersonKind,
    PhotoChoice,
    PublicityLevel,
    Relationship,
    Source,
)


class Nominee(models.Model):
    """One person nominated in a programme, however many nominations they receive.

    Identity fields (legal names, date of birth, area, allocated worker, safeguarding
    notes) are for organisers and allocated staff only; everyone else gets the
    announce name (see nominations.naming.announce_name).
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="nominees")
    kind = models.CharField(max_length=16, choices=PersonKind.choices, default=PersonKind.YOUNG_PERSON)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="What they like to be called.")
    # How to say each part of the name they go by (the preferred name if they have one): shown
    # only for the parts an audience hears (nominations.naming.pronunciation_for).
    say_first_name = models.CharField(max_length=100, blank=True, help_text="How to say their first name, as it will be said.")
    say_last_name = models.CharField(max_length=100, blank=True, help_text="How to say their surname.")
    # Their own name on their certificate and letter; blank: preferred first name and surname.
    chosen_name = models.CharField(max_length=150, blank=True, help_text="The name on their certificate and letter.")
    date_of_birth = models.DateField(null=True, blank=True)
    cohort = models.CharField(
        max_length=16,
        blank=True,
        choices=[(Cohort.CHILD_IN_CARE.value, Cohort.CHILD_IN_CARE.label), (Cohort.CARE_LEAVER.value, Cohort.CARE_LEAVER.label)],
    )
    area = models.CharField(max_length=80, blank=True, help_text="Area of the county.")
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_nominees"
    )
    allocated_worker_name = models.CharField(max_length=150, blank=True)

    # Safeguarding, set by the check before any name is exposed.
    publicity_level = models.CharField(
        max_length=20, choices=PublicityLevel.choices, default=PublicityLevel.ANONYMOUS
    )
    photography_allowed = models.BooleanField(default=False)
    named_to_event_staff = models.BooleanField(
        default=True, help_text="The door and floor staff may know their name (else a neutral label)."
    )
    # A safe way to reach the young person themselves, recorded by the allocated worker with the
    # check: their own "How you'd like to be celebrated" link goes there (else to their carer).
    safe_contact_email = models.EmailField(blank=True)
    # The young person's own say (events' "How you'd like to be celebrated"): blank until they
    # answer. The room follows the stricter of this and the check (nominations.naming).
    own_publicity_level = models.CharField(max_length=20, choices=PublicityLevel.choices, blank=True)
    own_photos = models.CharField(max_length=12, choices=PhotoChoice.choices, blank=True)
    own_choices_at = models.DateTimeField(null=True, blank=True)
    attendance_safe = models.BooleanField(null=True, blank=True)
    contact_allowed = models.BooleanField(
        default=True,
        help_text="Certificates and letters may be sent (through the responsible adult); no: nothing is sent or printed for them.",
    )
    safeguarding_checked_at = models.DateTimeField(null=True, blank=True)
    safeguarding_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    safeguarding_notes = models.TextField(blank=True)

    # Duplicate handling: the normalised names and birth date, and where an organiser must look.
    match_key = models.CharField(max_length=255, db_index=True, editable=False)
    alias_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=PersonKind.ADULT) | Q(date_of_birth__isnull=False),
                name="nominee_young_person_has_birth_date",
            ),
        ]

    def __str__(self) -> str:
        # Admin and logs only: organisers' back office. Never used for public output.
        return f"Nominee #{self.pk}"

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.legal_first_name

    @property
    def safeguarding_complete(self) -> bool:
        return self.safeguarding_checked_at is not None and self.attendance_safe is not None


class NomineeGroup(models.Model):
    """A named group of young people nominated together, e.g. a sibling group or a council project."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="nominee_groups")
    name = models.CharField(max_length=150)
    members = models.ManyToManyField(Nominee, blank=True, related_name="groups")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """Consent for one purpose, given by someone with the right to give it; withdrawable."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=16, choices=ConsentPurpose.choices)
    given = models.BooleanField(default=True, help_text="False records a refusal.")
    given_by = models.CharField(max_length=16, choices=ConsentGiver.choices)
    given_by_name = models.CharField(max_length=150, blank=True)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["nominee", "purpose", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nominee", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_current_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({'given' if self.given else 'refused'})"


class Nomination(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="nominations")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="nominations")
    nominee = models.ForeignKey(
        Nominee, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    group = models.ForeignKey(
        NomineeGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    reference = models.CharField(max_length=24, unique=True, editable=False)
    status = models.CharField(
        max_length=20, choices=NominationStatus.choices, default=NominationStatus.DRAFT, db_index=True
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)

    nominator_name = models.CharField(max_length=150)
    nominator_email = models.EmailField(max_length=254)
    nominator_phone = models.CharField(max_length=32, blank=True)
    nominator_organisation = models.CharField(max_length=150, blank=True)
    nominator_relationship = models.CharField(max_length=20, choices=Relationship.choices)
    nominator_known_recently = models.BooleanField(
        default=False, help_text="Has worked with or known the young person in the last 12 months."
    )
    nominator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations_made"
    )

    achievement = models.TextField(validators=[MaxLengthValidator(ACHIEVEMENT_MAX)])
    why_it_matters = models.TextField(validators=[MaxLengthValidator(WHY_IT_MATTERS_MAX)])
    anything_else = models.TextField(blank=True, validators=[MaxLengthValidator(ANYTHING_ELSE_MAX)])

    # The nominator's private link: only a hash of its token is kept.
    access_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"], name="nomination_programme_status"),
            models.Index(fields=["category", "status"], name="nomination_category_status"),
            # The lists' default order: a page is read straight off the index, without sorting
            # (drafts, with no submitted_at, come first and were all sorted on every page).
            models.Index(fields=["-submitted_at", "-id"], name="nomination_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(nominee__isnull=False) & Q(group__isnull=True))
                | (Q(nominee__isnull=True) & Q(group__isnull=False)),
                name="nomination_has_one_nominee_or_group",
            ),
            models.UniqueConstraint(
                Lower("nominator_email"),
                "category",
                "nominee",
                condition=~Q(status=NominationStatus.WITHDRAWN) & Q(nominee__isnull=False),
                name="nomination_one_per_nominator_nominee_category",
            ),
            models.UniqueConstraint(
                Lower("nominator_email"),
                "category",
                "group",
                condition=~Q(status=NominationStatus.WITHDRAWN) & Q(group__isnull=False),
                name="nomination_one_per_nominator_group_category",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class NominationSequence(models.Model):
    """The last reference number handed out in a programme."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


class NominationHistory(models.Model):
    """Who did what to a nomination, when and why. Appended, never edited."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=64, help_text="Dotted name, e.g. nominations.nomination.withdrawn")
    from_status = models.CharField(max_length=20, blank=True, choices=NominationStatus.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=NominationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, help_text="Who acted, kept if the account goes.")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination", "at", "id"]
        verbose_name_plural = "nomination history"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"


class IdentityAccess(models.Model):
    """A record that someone read a nominee's identity fields (DESIGN.md rule 6)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="identity_accesses")
    context = models.CharField(max_length=80, help_text="Where the read happened, e.g. api.nominees.retrieve")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "identity accesses"

    def __str__(self) -> str:
        return f"{self.username} read nominee #{self.nominee_id} ({self.context})"


class NomineeHistory(models.Model):
    """Changes to a nominee that matter for safeguarding: checks, consent, merges. Appended only."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=64, help_text="Dotted name, e.g. nominations.nominee.merged")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nominee", "at", "id"]
        verbose_name_plural = "nominee history"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"
