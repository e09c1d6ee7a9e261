"""The kinds of e-mail the system sends and the states of a message in the outbox."""

from django.db import models


class EmailKind(models.TextChoices):
    """Every e-mail the system sends. Each kind's message is built, when it is sent, by the app that
    owns what it is about (its `emails` module registers the builder, see mail.registry)."""

    NOMINATION_RECEIVED = "nomination_received", "Nomination received, with the private link"
    PANEL_INVITATION = "panel_invitation", "Invitation to sit on a panel"
    PANEL_REMINDER = "panel_reminder", "Reminder of scores to give"
    INVITATION = "invitation", "Invitation"
    REMINDER = "reminder", "Reminder"
    CONFIRMATION = "confirmation", "Confirmation of an answer"
    CELEBRATION = "celebration", "A young person's own link: how they'd like to be celebrated"
    CELEBRATION_REMINDER = "celebration_reminder", "Reminder, through the carer, of the young person's link"
    OWN_CHOICE_CHANGED = "own_choice_changed", "A young person told kindly that a choice of theirs was made safer"
    PASSWORD_RESET = "password_reset", "Password reset"
    SUBJECT_ACCESS = "subject_access", "Subject access request to review"
    CERTIFICATE = "certificate", "A nominee's certificate, by private link"
    LETTER = "letter", "A letter to a nominee, by private link"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: every retry used"
    # Its builder found nothing left to say when it came to send it (a reminder whose work is done).
    SKIPPED = "skipped", "Not needed any more"
