"""The event night through the API: running order, compere script, tables and seating, the door.

Input serializers check shape; the services in night.services check the rules. Output comes in two
tiers. Event staff get serializers that have no field for what they must not see (dietary needs,
photography, party, notes, a winner before it is revealed); organisers get the fuller ones. A
finalist is always named by their announce name."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.enums import AccessNeed, Dietary, ItemKind
from events.models import Guest
from events.selectors import guest_name, guest_text, invitee_name
from nominations.api.serializers import line, paragraph
from nominations.naming import Audience

from ..selectors import Presence

ARRIVAL_OUTCOMES = [
    ("arrived", "Marked arrived now"),
    ("already_arrived", "Already marked arrived: not counted again"),
    ("not_found", "No such guest at this event"),
    ("refused", "Not on the guest list"),
]


# --- the running order ---------------------------------------------------------------------------


class OnStageSerializer(serializers.Serializer):
    """A presenter or compere: their invitation, name and title."""

    id = serializers.IntegerField(help_text="The invitation's id")
    name = serializers.CharField()
    title = serializers.CharField(help_text='e.g. "High Sheriff of Lancashire"; may be blank')


class FinalistLineSerializer(serializers.Serializer):
    """A finalist's line of night.selectors.night_lines."""

    announce_name = serializers.CharField(source="name", help_text="The only name others may see (the nominee's publicity level)")
    pronunciation = serializers.CharField(help_text="How to say the parts of the name the room hears; blank for an anonymous finalist")
    in_the_room = serializers.ChoiceField(
        source="presence",
        choices=Presence.choices,
        help_text="Not coming: no accepted invitation; otherwise whether the finalist has arrived",
    )
    arrived_at = serializers.DateTimeField(allow_null=True)


class OrganiserFinalistLineSerializer(FinalistLineSerializer):
    nomination = serializers.IntegerField(source="nomination_id", help_text="The nomination's id, to record the winner")


class RunningOrderItemSerializer(serializers.Serializer):
    """An item as event staff see it (a line of night.selectors.night_lines): no notes, and the
    winner only once revealed."""

    id = serializers.IntegerField(source="item.pk")
    position = serializers.IntegerField(source="item.position", help_text="1 is first")
    kind = serializers.ChoiceField(source="item.kind", choices=ItemKind.choices)
    title = serializers.CharField(source="item.title")
    starts_at = serializers.DateTimeField(
        source="item.starts_at", help_text="Planned start, recomputed from the event start and the items before"
    )
    duration_minutes = serializers.IntegerField(source="item.duration_minutes")
    category = serializers.IntegerField(
        source="item.category_id", allow_null=True, help_text="The award's category id; null for other items"
    )
    category_name = serializers.SerializerMethodField()
    presenters = OnStageSerializer(many=True)
    compere = OnStageSerializer(allow_null=True)
    walk_on_music = serializers.CharField(source="item.walk_on_music")
    slide = serializers.CharField(source="item.slide")
    finalists = FinalistLineSerializer(many=True, help_text="For an award: its finalists by announce name")
    winner = serializers.CharField(allow_null=True, help_text="The winner's announce name once an organiser has revealed it")
    winner_revealed = serializers.BooleanField()

    def get_category_name(self, line) -> str:
        return line.item.category.name if line.item.category_id else ""


class OrganiserRunningOrderItemSerializer(RunningOrderItemSerializer):
    """An item as organisers see it: with notes, the finalists' nominations and the sealed winner."""

    notes = serializers.CharField(source="item.notes")
    finalists = OrganiserFinalistLineSerializer(many=True, help_text="For an award: its finalists by announce name")
    winner = serializers.CharField(allow_null=True, help_text="The winner's announce name, revealed or not")
    winner_nomination = serializers.IntegerField(allow_null=True, help_text="The winner's nomination id")


class RunningOrderGenerateSerializer(serializers.Serializer):
    replace = serializers.BooleanField(
        default=False, help_text="Replace an existing running order (it is otherwise refused)"
    )


class RunningOrderReorderSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(), max_length=500, help_text="Every item's id, each once, in the new order"
    )


class RunningOrderItemUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed."""

    kind = serializers.ChoiceField(choices=ItemKind.choices)
    title = line(150)
    duration_minutes = serializers.IntegerField(help_text="1 to 240")
    category = serializers.IntegerField(allow_null=True, help_text="For an award: the id of a category with finalists")
    presenters = serializers.ListField(
        child=serializers.IntegerField(), max_length=20, help_text="Ids of the event's presenter or VIP invitations; replaces the list"
    )
    compere = serializers.IntegerField(allow_null=True, help_text="Id of one of the event's compere invitations")
    walk_on_music = line(150, required=False)
    slide = line(60, required=False, help_text="Slide reference")
    notes = paragraph(2000, required=False, help_text="For organisers only")


class RunningOrderItemCreateSerializer(RunningOrderItemUpdateSerializer):
    event = serializers.IntegerField(help_text="Id of the event")
    position = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Where to insert it (1 is first); at the end when left out"
    )
    duration_minutes = serializers.IntegerField(required=False, help_text="1 to 240; a default for the kind when left out")
    category = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="For an award: the id of a category with finalists"
    )
    presenters = serializers.ListField(
        child=serializers.IntegerField(), max_length=20, required=False, help_text="Ids of the event's presenter or VIP invitations"
    )
    compere = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of one of the event's compere invitations"
    )


class WinnerSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(allow_null=True, help_text="The winning finalist's nomination id; null to clear")


# --- the compere script --------------------------------------------------------------------------


class CompereFinalistSerializer(FinalistLineSerializer):
    citation = serializers.CharField(help_text="The words an organiser approved to read out; blank when none")


class CompereScriptLineSerializer(serializers.Serializer):
    """An award's line of night.selectors.night_lines, as the compere reads it."""

    item = serializers.IntegerField(source="item.pk", help_text="The running-order item's id")
    starts_at = serializers.DateTimeField(source="item.starts_at")
    award = serializers.CharField(source="item.title")
    category_name = serializers.CharField(source="item.category.name")
    description = serializers.CharField(source="item.category.description", help_text="What the award recognises: say it first")
    finalists = CompereFinalistSerializer(many=True)
    presenters = OnStageSerializer(many=True, help_text="Then introduce them")
    compere = OnStageSerializer(allow_null=True)


# --- tables and seating --------------------------------------------------------------------------


class TableSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="1 is nearest the stage")
    capacity = serializers.IntegerField()
    accessible = serializers.BooleanField(help_text="Wheelchair space and step-free route")
    label = serializers.CharField()
    seated = serializers.IntegerField(help_text="Guests placed at it")


class TableInputSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 to 999; 1 is nearest the stage")
    capacity = serializers.IntegerField(help_text="1 to 50 seats")
    accessible = serializers.BooleanField(default=False)


class TablesSetSerializer(serializers.Serializer):
    tables = TableInputSerializer(
        many=True, max_length=999, help_text="Tables to create or change, by number; tables not listed are kept"
    )


class SeatingResultSerializer(serializers.Serializer):
    seated = serializers.IntegerField()
    tables_used = serializers.IntegerField()


class GuestMoveSerializer(serializers.Serializer):
    table = serializers.IntegerField(allow_null=True, help_text="The table's id; null to unseat")


# --- the door ------------------------------------------------------------------------------------


class DoorGuestSerializer(serializers.ModelSerializer):
    """A guest as event staff see them: the name, the table, access needs and arrival, nothing
    else. The name is the event team's (nominations.naming): a finalist's is composed from their
    record when read; the view passes `companions` (the first guest each finalist brings) in the
    context for the neutral label of a finalist event staff may not know by name."""

    name = serializers.SerializerMethodField(help_text="The guest's name as the event team sees it")
    table = serializers.SerializerMethodField(help_text="The table's number; null when not seated")
    access_needs = serializers.ListField(child=serializers.ChoiceField(choices=AccessNeed.choices))
    access_other = serializers.SerializerMethodField(help_text="Other access needs, in the carer's words")

    class Meta:
        model = Guest
        fields = ["id", "name", "table", "access_needs", "access_other", "checked_in_at"]
        read_only_fields = fields

    def get_name(self, guest) -> str:
        return guest_name(guest, with_name=self.context.get("companions", {}).get(guest.invitation_id, ""))

    def get_access_other(self, guest) -> str:
        return guest_text(guest, guest.access_other)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_table(self, guest) -> int | None:
        return guest.table.number if guest.table_id else None


class OrganiserGuestSerializer(DoorGuestSerializer):
    """A guest as organisers see them: also food, photography, transport and whose party they are in."""

    dietary = serializers.ListField(child=serializers.ChoiceField(choices=Dietary.choices))
    party = serializers.SerializerMethodField(help_text="Whose party: the invitee as the event team names them, or Walk-in")

    class Meta(DoorGuestSerializer.Meta):
        fields = [
            *DoorGuestSerializer.Meta.fields,
            "relationship",
            "dietary",
            "dietary_other",
            "photography_consent",
            "transport_needed",
            "invitation",
            "party",
        ]
        read_only_fields = fields

    def get_party(self, guest) -> str:
        return invitee_name(guest.invitation, Audience.EVENT_TEAM) if guest.invitation_id else "Walk-in"


class CheckInSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="When the guest arrived, from a phone that was offline; now when left out (never later than now)",
    )


class ArrivalSerializer(serializers.Serializer):
    guest = serializers.IntegerField(help_text="The guest's id")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="When they arrived")


class ArrivalsSerializer(serializers.Serializer):
    arrivals = ArrivalSerializer(many=True, max_length=2000, help_text="Arrivals queued on a phone while it was offline")


class ArrivalOutcomeSerializer(serializers.Serializer):
    guest = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=ARRIVAL_OUTCOMES)
    detail = serializers.CharField(help_text="Why, when the arrival was not counted")
    checked_in_at = serializers.DateTimeField(allow_null=True, help_text="When the guest is recorded as arrived")


class TableTotalsSerializer(serializers.Serializer):
    table = serializers.IntegerField(allow_null=True, help_text="The table's number; null for guests not seated")
    expected = serializers.IntegerField()
    arrived = serializers.IntegerField()


class DoorTotalsSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="Everyone coming: accepted invitations' guests and walk-ins")
    arrived = serializers.IntegerField()
    tables = TableTotalsSerializer(many=True)


class ArrivalsResultSerializer(serializers.Serializer):
    results = ArrivalOutcomeSerializer(many=True, help_text="One per arrival sent, in the order sent")
    totals = DoorTotalsSerializer(help_text="The door totals after these arrivals")


class WalkInSerializer(serializers.Serializer):
    name = line(150)
    table = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="The table's number")
    access_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=AccessNeed.choices), required=False, default=list, max_length=len(AccessNeed.values)
    )
