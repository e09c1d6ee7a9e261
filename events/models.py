"""The celebration night, its invitations and their private links and history, the guests coming, the
tables and the running order items."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q

from awards.models import Programme
from nominations.models import Nomination

from .enums import (
    AccessNeed,
    Dietary,
    GuestRelationship,
    InvitationKind,
    InvitationStatus,
    ItemKind,
    ShowStage,
    ShowView,
    Speech,
)

FREE_TEXT_MAX = 500


class Event(models.Model):
    """The celebration night of a programme."""

    programme = models.OneToOneField(Programme, on_delete=models.PROTECT, related_name="event")
    name = models.CharField(max_length=150)
    venue_name = models.CharField(max_length=150)
    venue_address = models.TextField()
    starts_at = models.DateTimeField()
    doors_open_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    rsvp_deadline = models.DateTimeField()
    capacity = models.PositiveIntegerField(help_text="Seats in the room, everyone included.")
    # Kept equal to the number of guests of accepted invitations plus walk-ins, by the RSVP service
    # and walk_in_add, under a lock on this row; the check constraint below is the last line
    # against overbooking.
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    default_guest_allowance = models.PositiveSmallIntegerField(default=2, help_text="Guests a finalist may bring.")
    access_information = models.TextField(blank=True)
    # The walk-on tracks the organisers approve, one a line: young people choose from these.
    walk_on_music_choices = models.TextField(
        blank=True, validators=[MaxLengthValidator(3000)], help_text="Walk-on tracks young people may choose, one a line."
    )
    dress_code = models.CharField(max_length=150, blank=True)
    organiser_contact_name = models.CharField(max_length=150)
    organiser_contact_email = models.EmailField()
    organiser_contact_phone = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="event_never_over_capacity"),
            models.CheckConstraint(condition=Q(doors_open_at__lte=F("starts_at")), name="event_doors_before_start"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="event_starts_before_end"),
            models.CheckConstraint(condition=Q(rsvp_deadline__lte=F("starts_at")), name="event_deadline_before_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class Invitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=12, choices=InvitationKind.choices)
    nomination = models.ForeignKey(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations",
        help_text="The shortlisted nomination, for a finalist.",
    )
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.DRAFT)
    # Who the e-mail goes to: for a finalist, the responsible adult (carer or allocated worker).
    addressee_name = models.CharField(max_length=150)
    addressee_email = models.EmailField()
    # Also to the young person themselves, where an organiser judges that right (e.g. care leavers).
    young_person_email = models.EmailField(blank=True)
    # Who is invited: a presenter's, performer's ... own name. Blank for a finalist, whose name
    # is composed from the nominee for each audience (events.selectors.invitee_name).
    invitee_name = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=150, blank=True, help_text='e.g. "High Sheriff of Lancashire".')
    guest_allowance = models.PositiveSmallIntegerField(help_text="Guests who may come with the invitee.")
    # The nominator's words quoted in the invitation, only once an organiser has approved them.
    quote = models.TextField(blank=True, validators=[MaxLengthValidator(600)])
    quote_approved_at = models.DateTimeField(null=True, blank=True)
    quote_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the party's QR code holds for the door (not the RSVP token): made when the invitation
    # is accepted, unique, and only of use to the event's own door staff, who find the party by it.
    door_code = models.CharField(max_length=16, null=True, blank=True, unique=True, editable=False)
    responded_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When who it goes to (addressee or young person's address) last changed: the links made before
    # then went to the earlier addressee, and close at the next resend (events.services.invitation_resend).
    readdressed_at = models.DateTimeField(null=True, blank=True)
    # Its e-mails in the outbox (invitation, reminders, confirmations); deleted with it.
    deliveries = GenericRelation("mail.EmailDelivery", related_query_name="invitation")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "kind", "id"]
        indexes = [models.Index(fields=["event", "status"], name="invitation_event_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "nomination"], condition=Q(nomination__isnull=False), name="invitation_once_per_nomination"
            ),
            models.CheckConstraint(
                condition=Q(kind=InvitationKind.FINALIST, nomination__isnull=False)
                | (~Q(kind=InvitationKind.FINALIST) & Q(nomination__isnull=True)),
                name="invitation_finalist_has_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation #{self.pk} ({self.get_kind_display()})"


class InvitationLink(models.Model):
    """One private link sent by e-mail. The token itself is never stored, only its SHA-256."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the invitation was resent to someone else: the link then opens nothing.
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Link #{self.pk}"


class Guest(models.Model):
    """Someone coming on the night under an accepted invitation: the invitee first, then their guests."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guests")
    # None for a walk-in added at the door.
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="guests")
    position = models.PositiveSmallIntegerField(help_text="0 is the invitee; guests follow.")
    # The name typed for this guest. A finalist's own line (position 0 of a finalist's invitation)
    # keeps none: its name is composed from the nominee when read (events.selectors.guest_name).
    name = models.CharField(max_length=150, blank=True)
    relationship = models.CharField(max_length=12, choices=GuestRelationship.choices)
    dietary = models.JSONField(default=list, blank=True, help_text=f"Codes from {[c for c in Dietary.values]}.")
    dietary_other = models.CharField(max_length=FREE_TEXT_MAX, blank=True)
    access_needs = models.JSONField(default=list, blank=True, help_text=f"Codes from {[c for c in AccessNeed.values]}.")
    access_other = models.CharField(max_length=FREE_TEXT_MAX, blank=True)
    photography_consent = models.BooleanField(default=False)
    # They agreed to their access needs being marked on their place card, so floor staff can help.
    access_on_place_card = models.BooleanField(default=False)
    transport_needed = models.BooleanField(default=False)
    table = models.ForeignKey("Table", null=True, blank=True, on_delete=models.SET_NULL, related_name="guests")
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invitation", "position"]
        indexes = [models.Index(fields=["event", "name"], name="guest_event_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "position"], condition=Q(invitation__isnull=False), name="guest_position_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Guest #{self.pk}"

    def save(self, *args, **kwargs):
        # A guest of an invitation belongs to that invitation's event.
        if self.event_id is None and self.invitation_id is not None:
            self.event_id = Invitation.objects.values_list("event_id", flat=True).get(pk=self.invitation_id)
        super().save(*args, **kwargs)


class InvitationHistory(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=64)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invitation", "at", "id"]
        verbose_name_plural = "invitation history"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"


class Table(models.Model):
    """A table in the room. Number 1 is nearest the stage; accessible tables are marked by the organiser."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField()
    accessible = models.BooleanField(default=False, help_text="Wheelchair space and step-free route.")
    label = models.CharField(max_length=60, blank=True, help_text='e.g. "Near the quiet room".')

    class Meta:
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="table_number_once"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="table_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"Table {self.number}"


class RunningOrderItem(models.Model):
    """One item of the night, in sequence; planned start times are recomputed from the durations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="running_order")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    title = models.CharField(max_length=150)
    duration_minutes = models.PositiveSmallIntegerField(default=5)
    starts_at = models.DateTimeField(editable=False, help_text="Recomputed from the event start and the items before.")
    category = models.ForeignKey(
        "awards.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="running_order_items"
    )
    presenters = models.ManyToManyField(Invitation, blank=True, related_name="presents")
    compere = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="comperes")
    walk_on_music = models.CharField(max_length=150, blank=True)
    slide = models.CharField(max_length=60, blank=True, help_text="Slide reference.")
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    winner = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    winner_revealed = models.BooleanField(default=False)

    class Meta:
        ordering = ["event", "position"]
        constraints = [
            models.UniqueConstraint(fields=["event", "position"], name="running_order_position_once"),
            models.UniqueConstraint(
                fields=["event", "category"], condition=Q(category__isnull=False), name="running_order_award_once"
            ),
            models.CheckConstraint(
                condition=Q(kind=ItemKind.AWARD, category__isnull=False) | (~Q(kind=ItemKind.AWARD) & Q(category__isnull=True)),
                name="running_order_award_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Show(models.Model):
    """The night as it runs (night.show): which running-order item is on and how far it has got.
    An event has a live show and, apart from it, a rehearsal, in which winners are placeholders;
    the audience screen, compere and stage views follow the one on air. `cue` counts the presses,
    so a press made on a stale view (a double tap, a second controller) is refused."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shows")
    rehearsal = models.BooleanField(default=False)
    on_air = models.BooleanField(default=False)
    item = models.ForeignKey(RunningOrderItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stage = models.CharField(max_length=10, choices=ShowStage.choices, default=ShowStage.READY)
    cue = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "rehearsal"], name="show_one_live_one_rehearsal"),
            models.UniqueConstraint(fields=["event"], condition=Q(on_air=True), name="show_one_on_air"),
        ]

    def __str__(self) -> str:
        return f"{'Rehearsal' if self.rehearsal else 'Show'} of event #{self.event_id}"


class ShowOperator(models.Model):
    """Someone an organiser named to drive the show's controller (not an organiser themselves)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="show_operators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="show_operator_once")]

    def __str__(self) -> str:
        return f"Show operator #{self.pk}"


class ShowKey(models.Model):
    """Opens one view of the show (the audience screen, the compere's or the stage view) on a
    device without signing in, until an organiser revokes it or the night is over. The key is
    `<lookup>.<secret>`: only the lookup and the SHA-256 of the secret are kept (night.show)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="show_keys")
    view = models.CharField(max_length=8, choices=ShowView.choices)
    label = models.CharField(max_length=60, help_text='Which device, e.g. "Projector laptop".')
    lookup = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["event", "-created_at", "id"]

    def __str__(self) -> str:
        return f"Show key #{self.pk} ({self.get_view_display()})"


class CelebrationLink(models.Model):
    """The young person's own private link to "How you'd like to be celebrated", sent with their
    invitation (to them at a safe contact, else inside their carer's). Like the RSVP link, only
    the SHA-256 of its token is kept, and it opens nothing after the night."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="celebration_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Celebration link #{self.pk}"


class CelebrationChoices(models.Model):
    """The young person's answers about the night that are not about their name or photographs
    (those are on the nominee: nominations.services.nominee_record_own_choices)."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="celebration")
    # An approved track, exactly as the organisers wrote it, or blank for "surprise me".
    walk_on_music = models.CharField(max_length=150, blank=True)
    # Guest ids of their own party they would like to sit with.
    sit_with = models.JSONField(default=list, blank=True)
    easier = models.JSONField(default=list, blank=True)
    speech = models.CharField(max_length=10, choices=Speech.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "celebration choices"

    def __str__(self) -> str:
        return f"Celebration choices #{self.pk}"
