"""Input serializers check shape; services check rules. Output comes in two tiers: the organiser's
invitation (addressees, gate, deliveries) and the invitee's own (through the private link), which
has no addresses, references or history. Both name a finalist by their known name: the organisers
and the responsible adult know the young person (nominations.naming)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from mail.models import EmailDelivery
from nominations.api.serializers import OptionalEmailField, line, paragraph
from nominations.naming import Audience

from ..enums import AccessNeed, Dietary, GuestRelationship, InvitationKind
from ..models import FREE_TEXT_MAX, Event, Guest, Invitation
from ..selectors import gate_problems, guest_name, invitee_name

# --- the event -------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "programme",
            "name",
            "venue_name",
            "venue_address",
            "starts_at",
            "doors_open_at",
            "ends_at",
            "rsvp_deadline",
            "capacity",
            "seats_taken",
            "seats_left",
            "default_guest_allowance",
            "access_information",
            "dress_code",
            "organiser_contact_name",
            "organiser_contact_email",
            "organiser_contact_phone",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EventUpdateSerializer(serializers.Serializer):
    """The event's fields; on a change, only those sent are changed."""

    name = line(150)
    venue_name = line(150)
    venue_address = paragraph(1000)
    starts_at = serializers.DateTimeField()
    doors_open_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    rsvp_deadline = serializers.DateTimeField(help_text="Answers are taken until then; no later than the start.")
    capacity = serializers.IntegerField(min_value=1, max_value=100000, help_text="Seats in the room, everyone included.")
    default_guest_allowance = serializers.IntegerField(min_value=0, max_value=20, required=False)
    access_information = paragraph(2000, required=False)
    dress_code = line(150, required=False)
    organiser_contact_name = line(150)
    organiser_contact_email = serializers.EmailField(max_length=254)
    organiser_contact_phone = serializers.RegexField(
        r"^\+?[0-9 ()-]{6,31}$",
        max_length=32,
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Enter a phone number using digits, spaces and an optional leading +."},
    )


class EventCreateSerializer(EventUpdateSerializer):
    programme = serializers.SlugField(help_text="Slug of the programme whose event this is")


class CountsSerializer(serializers.Serializer):
    invitations = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="Queued or sent, not answered yet")
    draft = serializers.IntegerField()
    revoked = serializers.IntegerField()
    expired = serializers.IntegerField()
    capacity = serializers.IntegerField()
    seats_taken = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    failed_emails = serializers.IntegerField(help_text="Messages that used every retry; retry them by hand")
    retrying_emails = serializers.IntegerField(help_text="Messages that failed at least once and will be tried again")


class NeedsSerializer(serializers.Serializer):
    guests = serializers.IntegerField(help_text="Everyone coming under accepted invitations")
    dietary = serializers.DictField(child=serializers.IntegerField(), help_text="People per dietary code")
    dietary_other = serializers.IntegerField(help_text="People who described another dietary need")
    access = serializers.DictField(child=serializers.IntegerField(), help_text="People per access-need code")
    transport_needed = serializers.IntegerField()
    no_photographs = serializers.IntegerField(help_text="People who did not agree to be photographed")


class BlockedFinalistSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    status = serializers.CharField()
    invitee = serializers.CharField(help_text="The finalist's known name (first name and initial)")
    category = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class FailedDeliverySerializer(serializers.ModelSerializer):
    invitation = serializers.SerializerMethodField(help_text="The invitation it is about; null for the programme's other e-mail")

    class Meta:
        model = EmailDelivery
        fields = ["id", "invitation", "kind", "attempts", "last_error", "updated_at"]
        read_only_fields = fields

    def get_invitation(self, delivery: EmailDelivery) -> int | None:
        return delivery.object_id if delivery.content_type.model_class() is Invitation else None


class EventSummarySerializer(serializers.Serializer):
    counts = CountsSerializer()
    needs = NeedsSerializer()
    blocked = BlockedFinalistSerializer(many=True, help_text="Finalists the safeguarding gate holds back, with why")
    failed_deliveries = FailedDeliverySerializer(many=True)


class FinalistInvitationsCreatedSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the new draft invitations")
    already_invited = serializers.IntegerField()


class SendInvitationsSerializer(serializers.Serializer):
    invitations = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=5000,
        help_text="Ids to send; without it, every draft of the event",
    )


class SendResultSerializer(serializers.Serializer):
    queued = serializers.ListField(child=serializers.IntegerField())
    blocked = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Invitation id: why it was not sent"
    )


# --- invitations (organisers) ----------------------------------------------------------------


class GuestSerializer(serializers.ModelSerializer):
    """A guest of an invitation. The finalist's own line is named by their known name (the
    responsible adult and organisers know the young person, nominations.naming); the others by
    the name typed for them."""

    name = serializers.SerializerMethodField()
    dietary = serializers.ListField(child=serializers.ChoiceField(choices=Dietary.choices))
    access_needs = serializers.ListField(child=serializers.ChoiceField(choices=AccessNeed.choices))

    class Meta:
        model = Guest
        fields = [
            "position",
            "name",
            "relationship",
            "dietary",
            "dietary_other",
            "access_needs",
            "access_other",
            "photography_consent",
            "transport_needed",
            "access_on_place_card",
        ]
        read_only_fields = fields

    def get_name(self, guest) -> str:
        return getattr(guest, "shown", None) or guest_name(guest, Audience.KNOWN)


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailDelivery
        fields = ["id", "kind", "status", "attempts", "last_error", "next_attempt_at", "sent_at", "created_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    """The organiser's view of an invitation. A finalist is named by their announce name."""

    invitee = serializers.SerializerMethodField(help_text="Who is invited: a finalist by their known name (first name and initial)")
    nomination = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True, help_text="A finalist's nomination; null for other invitations"
    )
    young_person_email = OptionalEmailField(read_only=True, help_text="Where the young person gets it too; empty when not")
    category = serializers.SerializerMethodField()
    guests = GuestSerializer(many=True, read_only=True)
    gate_problems = serializers.SerializerMethodField(help_text="Why it may not be sent yet; empty when it may")
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "event",
            "kind",
            "status",
            "invitee",
            "title",
            "nomination",
            "category",
            "addressee_name",
            "addressee_email",
            "young_person_email",
            "guest_allowance",
            "guests",
            "quote",
            "quote_approved_at",
            "gate_problems",
            "deliveries",
            "sent_at",
            "responded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_invitee(self, invitation) -> str:
        return invitee_name(invitation, Audience.KNOWN)

    def get_category(self, invitation) -> str:
        return invitation.nomination.category.name if invitation.nomination_id else ""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_gate_problems(self, invitation) -> list[str]:
        return gate_problems(invitation)


NON_FINALIST_KINDS = [(value, label) for value, label in InvitationKind.choices if value != InvitationKind.FINALIST]


class InvitationCreateSerializer(serializers.Serializer):
    event = serializers.IntegerField(help_text="Id of the event")
    kind = serializers.ChoiceField(choices=NON_FINALIST_KINDS, help_text="Finalists are invited from the confirmed shortlist")
    addressee_name = line(150)
    addressee_email = serializers.EmailField(max_length=254)
    invitee_name = line(150, required=False, help_text="Who is invited, when not the addressee")
    title = line(150, required=False, help_text='e.g. "High Sheriff of Lancashire"')
    guest_allowance = serializers.IntegerField(
        min_value=0, max_value=20, required=False, allow_null=True, default=None, help_text="The event's default when left out"
    )


class InvitationUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed."""

    addressee_name = line(150)
    addressee_email = serializers.EmailField(max_length=254)
    young_person_email = serializers.EmailField(max_length=254, allow_blank=True)
    invitee_name = line(150, required=False, help_text="Not for finalists: they are named by their announce name")
    title = line(150, required=False)
    guest_allowance = serializers.IntegerField(min_value=0, max_value=20)


class RevokeSerializer(serializers.Serializer):
    reason = paragraph(2000, help_text="Why; kept in the invitation's history")


class QuoteSerializer(serializers.Serializer):
    quote = paragraph(600, required=False, help_text="The nominator's words to quote; blank for none")


class ErrorSerializer(serializers.Serializer):
    """A refusal, as config.api.exception_handler writes it."""

    detail = serializers.CharField(help_text="What is wrong and what to do about it")
    code = serializers.CharField()
    field = serializers.CharField(required=False, help_text="The input at fault, when there is one")


# A 400 is either DRF's field errors ({"field": ["message", ...]}) or a refusal as above.
BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Field errors {"field": ["message"]}, or a refusal {"detail", "code", "field"}',
)


class BlockedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


# --- RSVP (the invitee, through the private link) --------------------------------------------


class RsvpTokenSerializer(serializers.Serializer):
    # No length limit here: a token of any other length is simply not valid, and gets the same 404.
    token = serializers.CharField(help_text="The token from the private link in the invitation e-mail")


class RsvpPersonSerializer(serializers.Serializer):
    name = line(150, required=False, help_text="Required for guests; a finalist's own name is fixed")
    relationship = serializers.ChoiceField(choices=GuestRelationship.choices, default=GuestRelationship.OTHER)
    dietary = serializers.ListField(
        child=serializers.ChoiceField(choices=Dietary.choices), required=False, default=list, max_length=len(Dietary.values)
    )
    dietary_other = line(FREE_TEXT_MAX, required=False)
    access_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=AccessNeed.choices), required=False, default=list, max_length=len(AccessNeed.values)
    )
    access_other = line(FREE_TEXT_MAX, required=False)
    photography_consent = serializers.BooleanField(default=False)
    transport_needed = serializers.BooleanField(default=False)
    access_on_place_card = serializers.BooleanField(
        default=False, help_text="They agree to their access needs (the ticked ones) being marked on their place card"
    )


class RsvpRespondSerializer(RsvpTokenSerializer):
    attending = serializers.BooleanField()
    party = RsvpPersonSerializer(
        many=True,
        required=False,
        default=list,
        max_length=21,
        help_text="When attending: the invitee first, then each guest",
    )


class RsvpEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = [
            "name",
            "venue_name",
            "venue_address",
            "starts_at",
            "doors_open_at",
            "ends_at",
            "rsvp_deadline",
            "access_information",
            "dress_code",
            "organiser_contact_name",
            "organiser_contact_email",
            "organiser_contact_phone",
        ]
        read_only_fields = fields


class RsvpGuestSerializer(GuestSerializer):
    class Meta(GuestSerializer.Meta):
        fields = [f for f in GuestSerializer.Meta.fields if f != "position"]
        read_only_fields = fields


class RsvpInvitationSerializer(serializers.Serializer):
    """The invitation as the invitee sees it."""

    event = RsvpEventSerializer()
    kind = serializers.ChoiceField(choices=InvitationKind.choices)
    invitee = serializers.CharField(help_text="A finalist by their known name (first name and initial)")
    title = serializers.CharField()
    category = serializers.CharField(help_text="The award category, for a finalist")
    quote = serializers.CharField(help_text="Words from the nomination an organiser approved, or blank")
    guest_allowance = serializers.IntegerField()
    attending = serializers.BooleanField(allow_null=True, help_text="The current answer; null before one is given")
    responded_at = serializers.DateTimeField(allow_null=True)
    guests = RsvpGuestSerializer(many=True, help_text="Everyone coming: the invitee first")
    closed = serializers.BooleanField(help_text="The deadline has passed: answers can no longer be changed here")


class RsvpResultSerializer(serializers.Serializer):
    changed = serializers.BooleanField(help_text="False when the same answer was already saved")
    invitation = RsvpInvitationSerializer()
