"""Panels and their members and categories, assignments, conflicts, reviews with scores per criterion,
shortlists and their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from awards.models import Category, Criterion, Programme
from nominations.models import Nomination, Nominee

from .enums import AssignmentStrategy, ConflictSource, PanelRole, ReviewStatus, ShortlistState


class Panel(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(max_length=120)
    categories = models.ManyToManyField(Category, through="PanelCategory", related_name="panels")
    strategy = models.CharField(max_length=12, choices=AssignmentStrategy.choices, default=AssignmentStrategy.EVERYONE)
    reviewers_per_nomination = models.PositiveSmallIntegerField(default=3, help_text="K, for the K-reviewers strategy.")
    deadline = models.DateTimeField(null=True, blank=True, help_text="Scores can change until then.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="panel_unique_name_per_programme"),
            models.CheckConstraint(condition=Q(reviewers_per_nomination__gte=1), name="panel_k_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.name


class PanelCategory(models.Model):
    """A category is shortlisted by exactly one panel."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE)
    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name="panel_link")

    def __str__(self) -> str:
        return f"{self.panel}: {self.category}"


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships")
    role = models.CharField(max_length=8, choices=PanelRole.choices, default=PanelRole.MEMBER)
    is_young_person = models.BooleanField(default=False, help_text="From the Children in Care Council or Care Leavers Forum.")
    # For care-experienced young members only, to find conflicts; organisers see these, no one else.
    is_care_experienced = models.BooleanField(default=False)
    carer_name = models.CharField(max_length=150, blank=True)
    area = models.CharField(max_length=80, blank=True)
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["panel", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once_per_panel")]

    def __str__(self) -> str:
        return f"{self.user} on {self.panel}"


class Conflict(models.Model):
    """A member must not see or score this nominee's nominations."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="conflicts")
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="panel_conflicts")
    source = models.CharField(max_length=20, choices=ConflictSource.choices)
    reason = models.TextField(blank=True, help_text="Private to organisers.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "nominee"], name="conflict_once_per_member_nominee")]

    def __str__(self) -> str:
        return f"Conflict: member #{self.member_id}, nominee #{self.nominee_id}"


class Assignment(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="assignments")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "nomination"], name="assignment_once_per_member")]
        indexes = [models.Index(fields=["panel", "nomination"], name="assignment_panel_nomination")]

    def __str__(self) -> str:
        return f"Assignment #{self.pk}"


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="review_submitted_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"Review #{self.pk} ({self.status})"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(value__lte=100), name="score_value_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.value}"


class Shortlist(models.Model):
    """The finalists of one category: proposed by the panel chair, confirmed by an organiser."""

    category = models.OneToOneField(Category, on_delete=models.PROTECT, related_name="shortlist")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="shortlists")
    state = models.CharField(max_length=10, choices=ShortlistState.choices, default=ShortlistState.OPEN)
    finalists = models.ManyToManyField(Nomination, blank=True, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Shortlist: {self.category}"


class ShortlistHistory(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shortlist", "at", "id"]
        verbose_name_plural = "shortlist history"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"
