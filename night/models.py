"""What the night keeps of its own: the letter to each nominee (the words an organiser approved
and whether the nominator may be named), the private links to a young person's certificate and
letter, and what was printed when (to reprint only what changed since).

No row keeps a name: a certificate, letter, badge or place card composes its names when it is
made (nominations.naming). A printed card is remembered by a keyed fingerprint of what it showed,
which tells that it changed and nothing else."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from events.models import Event, Guest, Table
from nominations.models import Nomination

LETTER_QUOTE_MAX = 1200


class Letter(models.Model):
    """The letter to the person a nomination is for, beyond its template: the nominator's words
    an organiser approved for it (redacted to the young person's own name), and whether the
    nominator agreed to be named (else they are named by their role: "your foster carer")."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="letter")
    quote = models.TextField(blank=True, validators=[MaxLengthValidator(LETTER_QUOTE_MAX)])
    quote_approved_at = models.DateTimeField(null=True, blank=True)
    quote_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominator_named = models.BooleanField(
        default=False, help_text="The nominator agreed to be named in the letter (else: by their role)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Letter for nomination #{self.nomination_id}"


class RecognitionLink(models.Model):
    """A private link to a young person's certificate and letter, sent to the responsible adult.
    The token itself is never stored, only its SHA-256."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="recognition_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Recognition link #{self.pk}"


class PrintKind(models.TextChoices):
    BADGES = "badges", "Name badges"
    PLACE_CARDS = "place_cards", "Place cards"
    TABLE_CARDS = "table_cards", "Table-number cards"


class PrintRun(models.Model):
    """One download of a part of the print pack to print: when, by whom, all or only what changed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="print_runs")
    kind = models.CharField(max_length=12, choices=PrintKind.choices)
    only_changes = models.BooleanField(default=False)
    cards = models.PositiveIntegerField(default=0)
    printed_at = models.DateTimeField(auto_now_add=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["event", "-printed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} printed {self.printed_at:%Y-%m-%d %H:%M}"


class PrintedCard(models.Model):
    """A card of a print run: whose (a guest's badge or place card, a table's card) and a keyed
    fingerprint of what it showed (name, table, marks), never the name itself."""

    run = models.ForeignKey(PrintRun, on_delete=models.CASCADE, related_name="printed")
    guest = models.ForeignKey(Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    table = models.ForeignKey(Table, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(guest__isnull=False, table__isnull=True) | models.Q(guest__isnull=True, table__isnull=False),
                name="printed_card_of_a_guest_or_a_table",
            ),
        ]

    def __str__(self) -> str:
        return f"Card of run #{self.run_id}"
