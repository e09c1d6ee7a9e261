"""The subject access requests of data protection (DESIGN.md rules 6 and 7): what was held about
one young person when someone asked, its review and its release. The tables keep their first
names (`events_subjectaccessrequest…`): the models moved here without touching the database."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from .enums import RequesterRelationship, SubjectAccessStatus


class SubjectAccessRequest(models.Model):
    """A request for everything held about one young person. What was held is gathered once, when
    the request is made (`data`), so the reviewer reviews exactly what is released; nothing can be
    downloaded until an organiser has reviewed it and chosen any parts to withhold."""

    programme = models.ForeignKey("awards.Programme", on_delete=models.PROTECT, related_name="subject_access_requests")
    nominee = models.ForeignKey("nominations.Nominee", on_delete=models.PROTECT, related_name="subject_access_requests")
    requester_name = models.CharField(max_length=150, blank=True)
    requester_relationship = models.CharField(max_length=16, choices=RequesterRelationship.choices)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    status = models.CharField(max_length=16, choices=SubjectAccessStatus.choices, default=SubjectAccessStatus.AWAITING_REVIEW)
    data = models.JSONField(default=dict, blank=True, help_text="What was held when the request was made.")
    gathered_at = models.DateTimeField()
    withheld_parts = models.JSONField(default=list, blank=True)
    # Single lines of free text the reviewer withheld as well (their places in `data`).
    withheld_lines = models.JSONField(default=list, blank=True)
    withheld_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by_label = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Set when the young person's data is erased or anonymised: the gathered copy goes too.
    data_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "events_subjectaccessrequest"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=SubjectAccessStatus.AWAITING_REVIEW) | Q(reviewed_at__isnull=False),
                name="subject_access_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request #{self.pk}"


class SubjectAccessRequestHistory(models.Model):
    """Who made, reviewed and downloaded a request, when. Appended, never edited."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=64, help_text="Dotted name, e.g. data_protection.request.downloaded")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "events_subjectaccessrequesthistory"
        ordering = ["request", "at", "id"]
        verbose_name_plural = "subject access request history"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"


class ErasureRecord(models.Model):
    """One record of the erasure register: a young person's record was erased. It holds no personal
    data: the record's id and a one-way fingerprint of who it was (a keyed hash of the names and
    date of birth it held), so that after a restore from a backup made before the erasure,
    `restore_database` erases the same person again, and never someone else who now has the id."""

    nominee_id = models.BigIntegerField(db_index=True)
    fingerprint = models.CharField(max_length=64)
    erased_at = models.DateTimeField()

    class Meta:
        ordering = ["erased_at", "id"]
        constraints = [models.UniqueConstraint(fields=["nominee_id", "fingerprint"], name="erasure_record_once")]

    def __str__(self) -> str:
        return f"Erasure of record #{self.nominee_id}"
