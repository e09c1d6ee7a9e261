"""The outbox: one row per e-mail the system sends (DESIGN.md: mail/).

A message is stored in the same transaction as the change that causes it, and built only when it
is sent, by the app that owns what it is about (mail.registry): a private link's token is made then
and never stored. What it is about is a generic reference, so the outbox knows nothing of the apps
to its right; `programme_id` says whose organisers may see and retry it (a plain id for the same
reason). The table keeps its first name, `events_emaildelivery`."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .enums import DeliveryStatus, EmailKind


class EmailDelivery(models.Model):
    """One e-mail to send, kept until it is sent. A failure is retried with back-off; it is queued
    once (`key` is unique), and claimed under a lock before sending, for a time (the lease): a
    worker that dies holding it leaves it to be taken again once the lease is over (see
    mail.delivery for what that means for "sent once")."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("content_type", "object_id")
    programme_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text="The programme whose organisers see this message."
    )
    kind = models.CharField(max_length=32, choices=EmailKind.choices)
    key = models.CharField(max_length=120, unique=True, help_text="What this message is, so it is queued once.")
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    # The claim of the worker sending it: who (host:pid, no personal data) and until when. A claim
    # past its time is its worker's death (or a hung mail server): the message is taken again.
    claimed_by = models.CharField(max_length=100, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "events_emaildelivery"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["content_type", "object_id"], name="delivery_about"),
            models.Index(fields=["status", "claim_expires_at"], name="delivery_claim"),
        ]
        verbose_name_plural = "e-mail deliveries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
