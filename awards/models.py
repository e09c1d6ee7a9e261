"""A programme with its dates and status, its award categories with eligibility, their scoring rubric,
and who holds which role in it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .enums import Cohort, NomineeKind, ProgrammeStatus, Role


class Programme(models.Model):
    """One year's awards, e.g. "PROUD Awards 2026"."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    reference_prefix = models.CharField(
        max_length=12, help_text="Starts every nomination reference, e.g. PROUD26 gives PROUD26-0042."
    )
    status = models.CharField(max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    nominations_open_at = models.DateTimeField()
    nominations_close_at = models.DateTimeField()
    age_reference_date = models.DateField(help_text="Ages for eligibility are taken on this date.")
    event_date = models.DateField(null=True, blank=True, help_text="Retention runs from this date.")
    blind_review = models.BooleanField(default=True, help_text="Panel members see nominations without names.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominations_close_at__gt=F("nominations_open_at")),
                name="programme_window_closes_after_opening",
            ),
            models.UniqueConstraint(fields=["reference_prefix"], name="programme_unique_reference_prefix"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.nominations_open_at and self.nominations_close_at:
            if self.nominations_close_at <= self.nominations_open_at:
                raise ValidationError({"nominations_close_at": "The window must close after it opens."})

    def window_is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.status == ProgrammeStatus.OPEN and self.nominations_open_at <= at < self.nominations_close_at
        )


class Category(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    description = models.TextField(help_text="Shown to nominators: what the award recognises.")
    nominee_kind = models.CharField(max_length=12, choices=NomineeKind.choices, default=NomineeKind.INDIVIDUAL)
    cohort = models.CharField(max_length=16, choices=Cohort.choices, default=Cohort.ANY)
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(25)], help_text="On the programme's reference date."
    )
    max_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(25)])
    max_finalists = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["programme", "display_order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="category_unique_slug_per_programme"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="category_min_age_not_above_max_age",
            ),
            models.CheckConstraint(condition=Q(max_finalists__gte=1), name="category_max_finalists_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": "The maximum age must not be below the minimum age."})

    @property
    def eligibility_text(self) -> str:
        """The rule in words, for the nomination form."""
        if self.nominee_kind == NomineeKind.ADULT:
            return "Nominated by a young person: a carer or member of staff."
        who = {
            Cohort.CHILD_IN_CARE: "Children in care",
            Cohort.CARE_LEAVER: "Care leavers",
            Cohort.ANY: "Children in care and care leavers",
        }[Cohort(self.cohort)]
        if self.min_age is not None and self.max_age is not None:
            ages = f" aged {self.min_age} to {self.max_age}"
        elif self.min_age is not None:
            ages = f" aged {self.min_age} or over"
        elif self.max_age is not None:
            ages = f" aged up to {self.max_age}"
        else:
            ages = ""
        group = " (a group of young people)" if self.nominee_kind == NomineeKind.GROUP else ""
        return f"{who}{ages}{group}."


class Criterion(models.Model):
    """One line of a category's scoring rubric."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField(default=5)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "display_order", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="criterion_unique_name_per_category"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(max_score__lte=100), name="criterion_max_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.name}"


class ProgrammeRole(models.Model):
    """Who holds which role in a programme. Panel roles live with panels."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_roles")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "user", "role"], name="programme_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.programme}"
