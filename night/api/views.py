"""The event night through the API: the running order and compere script, tables and seating, the
door (guest lookup, check-in, offline arrivals, walk-ins, live totals) and the organisers'
downloads. Every write is one service call in night.services.

Who sees what: organisers of the programme everything; its event staff the running order (the
winner only once revealed, no notes), the compere script and the door, where a guest is a name,
a table, access needs and an arrival time and nothing else. Anyone else gets a 404; the guest
list refuses an event they do not work at exactly as one that does not exist."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.response import Response

from awards.api.permissions import ActionRules, authenticated
from awards.concurrency import ETAG, IF_MATCH, PRECONDITION_FAILED, ConditionalWrites, check_if_match, lock_row, tagged
from awards.enums import Role
from awards.models import Category
from awards.rules import is_any_organiser, is_organiser, programme_ids_with_role
from events.api.filters import GuestFilterSet
from events.api.serializers import BAD_REQUEST, ErrorSerializer
from events.enums import InvitationKind, ItemKind
from events.models import Event, Guest, Invitation, RunningOrderItem, Table
from events.selectors import (
    coming,
    door_programme_ids,
    events_at_the_door,
    events_organised_by,
    finalists_companions,
    guest_name_expression,
)
from events.services import EventError
from nominations.downloads import XLSX, xlsx_response
from nominations.models import Nomination
from nominations.naming import Audience, nomination_name, words_for

from ..exporters import CertificatesExporter, EventNightWorkbook
from ..selectors import DOOR_NOMINATION_UNREAD, night_lines
from ..services import (
    AlreadyArrived,
    door_totals,
    guest_check_in,
    guest_check_in_undo,
    guest_move,
    running_order_add,
    running_order_generate,
    running_order_remove,
    running_order_reorder,
    running_order_update,
    seating_assign,
    tables_set,
    walk_in_add,
    walk_in_remove,
    winner_reveal,
    winner_set,
)
from .serializers import (
    ArrivalsResultSerializer,
    ArrivalsSerializer,
    CheckInSerializer,
    CompereScriptLineSerializer,
    DoorGuestSerializer,
    DoorTotalsSerializer,
    GuestMoveSerializer,
    OrganiserGuestSerializer,
    OrganiserRunningOrderItemSerializer,
    RunningOrderGenerateSerializer,
    RunningOrderItemCreateSerializer,
    RunningOrderItemSerializer,
    RunningOrderItemUpdateSerializer,
    RunningOrderReorderSerializer,
    SeatingResultSerializer,
    TableSerializer,
    TablesSetSerializer,
    WalkInSerializer,
    WinnerSerializer,
)

RUNNING_ORDER_FOR_ROLE = PolymorphicProxySerializer(
    component_name="RunningOrderForRole",
    serializers=[OrganiserRunningOrderItemSerializer, RunningOrderItemSerializer],
    resource_type_field_name=None,
    many=True,
)
GUEST_FOR_ROLE = PolymorphicProxySerializer(
    component_name="GuestForRole",
    serializers=[OrganiserGuestSerializer, DoorGuestSerializer],
    resource_type_field_name=None,
)


def _organiser_item(item: RunningOrderItem) -> dict:
    lines = night_lines(item.event, sealed_winners=True)
    return OrganiserRunningOrderItemSerializer(next(line for line in lines if line.item.pk == item.pk)).data


def _award_lines(event: Event) -> list:
    """The compere's script: the award items' lines, winners sealed until revealed."""
    return [line for line in night_lines(event, sealed_winners=False) if line.item.kind == ItemKind.AWARD]


def tables_of(event: Event) -> list[Table]:
    return list(Table.objects.filter(event=event).annotate(seated=Count("guests")).order_by("number"))


def _guest_serializer_class(user, event: Event):
    return OrganiserGuestSerializer if is_organiser(user, event.programme_id) else DoorGuestSerializer


def _guest_for(user, guest: Guest) -> dict:
    fresh = Guest.objects.select_related(
        "table", "invitation__nomination__nominee", "invitation__nomination__group"
    ).get(pk=guest.pk)
    context = {"companions": finalists_companions([fresh])}
    return _guest_serializer_class(user, guest.event)(fresh, context=context).data


# --- the event's night actions -------------------------------------------------------------------

# A whole list of a small thing (the items of one night, its tables): not paged, not filtered.
WHOLE_LIST = {"pagination_class": None, "filter_backends": []}

# Actions event staff may use as well as organisers; every other action is for organisers only.
DOOR_ACTIONS = frozenset({"running_order", "compere_script", "arrivals", "walk_ins", "door_totals"})


class EventNightViewSet(viewsets.GenericViewSet):
    """The night's actions on an event, under the event's own path (`/api/v1/events/{id}/…`, beside
    events.api.views.EventViewSet). The door's actions (running order, compere script, arrivals,
    walk-ins, door totals) are for the programme's organisers and event staff; the rest for its
    organisers only: an event outside that scope is a 404."""

    queryset = Event.objects.none()
    permission_classes = [ActionRules]
    # Only actions on one event: no list to filter, order or page.
    filter_backends = []
    pagination_class = None
    action_rules = {
        "running_order": authenticated,
        "running_order_generate": authenticated,
        "running_order_reorder": authenticated,
        "compere_script": authenticated,
        "tables": authenticated,
        "seating": authenticated,
        "arrivals": authenticated,
        "walk_ins": authenticated,
        "door_totals": authenticated,
        "workbook": authenticated,
        "certificates": authenticated,
    }

    def get_queryset(self):
        if self.action in DOOR_ACTIONS:
            return events_at_the_door(self.request.user)
        return events_organised_by(self.request.user)

    @extend_schema(responses={200: RUNNING_ORDER_FOR_ROLE})
    @action(detail=True, methods=["get"], url_path="running-order", **WHOLE_LIST)
    def running_order(self, request, pk=None):
        """The running order: items in sequence with planned start and duration, presenters,
        compere, walk-on music and slide; for each award its finalists by announce name with how
        to say it and whether they are in the room. Organisers and event staff; event staff see
        the winner only once an organiser has revealed it, and no notes."""
        event = self.get_object()
        if is_organiser(request.user, event.programme_id):
            return Response(OrganiserRunningOrderItemSerializer(night_lines(event, sealed_winners=True), many=True).data)
        return Response(RunningOrderItemSerializer(night_lines(event, sealed_winners=False), many=True).data)

    @extend_schema(
        request=RunningOrderGenerateSerializer,
        responses={201: OrganiserRunningOrderItemSerializer(many=True), 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="running-order/generate")
    def running_order_generate(self, request, pk=None):
        """A first running order: welcome, an award for each category with finalists (an interval
        half way when there are more than three) and the close. Refused when there is one
        already, unless `replace` is true."""
        event = self.get_object()
        payload = RunningOrderGenerateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        running_order_generate(event=event, actor=request.user, replace=payload.validated_data["replace"])
        body = OrganiserRunningOrderItemSerializer(night_lines(event, sealed_winners=True), many=True).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RunningOrderReorderSerializer,
        responses={200: OrganiserRunningOrderItemSerializer(many=True), 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="running-order/reorder")
    def running_order_reorder(self, request, pk=None):
        """Put the items in a new order (every item once); positions and start times are recomputed."""
        event = self.get_object()
        payload = RunningOrderReorderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        running_order_reorder(event=event, actor=request.user, item_ids=payload.validated_data["items"])
        return Response(OrganiserRunningOrderItemSerializer(night_lines(event, sealed_winners=True), many=True).data)

    @extend_schema(responses={200: CompereScriptLineSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="compere-script", **WHOLE_LIST)
    def compere_script(self, request, pk=None):
        """The compere's script, one entry per award in running order. Organisers and event staff."""
        return Response(CompereScriptLineSerializer(_award_lines(self.get_object()), many=True).data)

    @extend_schema(methods=["GET"], parameters=[ETAG], responses={200: TableSerializer(many=True)})
    @extend_schema(
        methods=["PUT"],
        request=TablesSetSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: TableSerializer(many=True), 400: BAD_REQUEST, 412: PRECONDITION_FAILED},
    )
    @action(detail=True, methods=["get", "put"], **WHOLE_LIST)
    def tables(self, request, pk=None):
        """The tables with their seats and guests placed, and the ETag of that list. PUT creates or
        changes the tables listed (by number; all or nothing); tables not listed are kept, and a
        table's capacity cannot drop below the guests seated at it. With If-Match, only if the list
        has not changed since it was read."""
        event = self.get_object()
        if request.method == "PUT":
            with transaction.atomic():
                lock_row(event)  # the tables are the event's: its row stands for the whole list
                check_if_match(request, TableSerializer(tables_of(event), many=True).data)
                payload = TablesSetSerializer(data=request.data)
                payload.is_valid(raise_exception=True)
                rows = [(t["number"], t["capacity"], t["accessible"]) for t in payload.validated_data["tables"]]
                tables_set(event=event, actor=request.user, tables=rows)
        return tagged(TableSerializer(tables_of(event), many=True).data)

    @extend_schema(request=None, responses={200: SeatingResultSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def seating(self, request, pk=None):
        """Seat everyone coming, replacing earlier placements: parties together, access needs at
        accessible tables, finalists nearest the stage. All or nothing: when a party does not fit,
        nothing changes and the error says how many and why."""
        result = seating_assign(event=self.get_object(), actor=request.user)
        return Response(SeatingResultSerializer({"seated": result.seated, "tables_used": result.tables_used}).data)

    @extend_schema(request=ArrivalsSerializer, responses={200: ArrivalsResultSerializer})
    @action(detail=True, methods=["post"])
    def arrivals(self, request, pk=None):
        """Arrivals a phone queued while offline, each with when it happened. Each is marked on its
        own and answered in order: arrived, already arrived (someone else, or an earlier line of
        the same batch, got there first: counted once), not found, or refused (not on the list)."""
        event = self.get_object()
        payload = ArrivalsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arrivals = payload.validated_data["arrivals"]
        guests = {g.pk: g for g in Guest.objects.filter(event=event, pk__in={a["guest"] for a in arrivals})}
        results = []
        for arrival in arrivals:
            results.append(self._arrive(request.user, event, guests.get(arrival["guest"]), arrival["guest"], arrival["at"]))
        return Response(ArrivalsResultSerializer({"results": results, "totals": door_totals(event)}).data)

    @staticmethod
    def _arrive(user, event: Event, guest: Guest | None, guest_id: int, at: datetime | None) -> dict:
        if guest is None:
            return {"guest": guest_id, "outcome": "not_found", "detail": f"There is no guest {guest_id} at {event.name}.", "checked_in_at": None}
        guest.event = event
        try:
            marked = guest_check_in(guest=guest, actor=user, at=at)
        except AlreadyArrived as error:
            current = Guest.objects.values_list("checked_in_at", flat=True).get(pk=guest.pk)
            return {"guest": guest_id, "outcome": "already_arrived", "detail": error.message, "checked_in_at": current}
        except EventError as error:
            return {"guest": guest_id, "outcome": "refused", "detail": error.message, "checked_in_at": None}
        return {"guest": guest_id, "outcome": "arrived", "detail": "", "checked_in_at": marked.checked_in_at}

    @extend_schema(request=WalkInSerializer, responses={201: GUEST_FOR_ROLE, 400: BAD_REQUEST, 409: ErrorSerializer})
    @action(detail=True, methods=["post"], url_path="walk-ins")
    def walk_ins(self, request, pk=None):
        """Someone not on the list, let in at the door: marked arrived now. A walk-in takes a seat;
        when every seat is taken the answer is 409."""
        event = self.get_object()
        payload = WalkInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        table = None
        if data["table"] is not None:
            table = Table.objects.filter(event=event, number=data["table"]).first()
            if table is None:
                raise EventError(f"There is no table {data['table']} at {event.name}.", field="table")
        guest = walk_in_add(event=event, actor=request.user, name=data["name"], table=table, access_needs=data["access_needs"])
        return Response(_guest_for(request.user, guest), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DoorTotalsSerializer})
    @action(detail=True, methods=["get"], url_path="door-totals")
    def door_totals(self, request, pk=None):
        """Live totals: expected, arrived, and both per table. Organisers and event staff."""
        return Response(DoorTotalsSerializer(door_totals(self.get_object())).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def workbook(self, request, pk=None):
        """The event-night workbook (XLSX): running order, compere script, finalists by category,
        guest list, table plan, dietary and access, photography, presenters. Announce names only;
        winners sealed until revealed. Organisers only."""
        return xlsx_response(EventNightWorkbook(self.get_object()))

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def certificates(self, request, pk=None):
        """The certificates list (XLSX): a line for every eligible nomination of the programme by
        announce name, with the nominator to send it to. Organisers only."""
        return xlsx_response(CertificatesExporter(self.get_object().programme))


# --- running-order items -------------------------------------------------------------------------


def _any_organiser(request, view) -> bool:
    return is_any_organiser(request.user)


def _item_values(event: Event, data: dict) -> tuple[dict, list[Invitation] | None]:
    """The item's fields with ids turned into this event's objects. An id that is not one of
    them gets the same answer as the wrong kind of object would from the service."""
    values = dict(data)
    if values.get("category") is not None:
        category = Category.objects.filter(pk=values["category"], programme_id=event.programme_id).first()
        if category is None:
            raise EventError("That category is not in this event's programme.", field="category")
        values["category"] = category
    if values.get("compere") is not None:
        compere = Invitation.objects.filter(pk=values["compere"], event=event).first()
        if compere is None:
            raise EventError("The compere must be one of this event's compere invitations.", field="compere")
        values["compere"] = compere
    presenter_ids = values.pop("presenters", None)
    if presenter_ids is None:
        return values, None
    found = Invitation.objects.in_bulk([*presenter_ids])
    presenters = [found.get(pk) for pk in dict.fromkeys(presenter_ids)]
    if any(p is None or p.event_id != event.pk for p in presenters):
        raise EventError("Presenters must be this event's presenter or VIP invitations.", field="presenters")
    return values, presenters


class RunningOrderItemViewSet(ConditionalWrites, viewsets.GenericViewSet):
    """Items of the running order: add one at a position, change it, remove it, record and reveal
    an award's winner. Organisers of the programme only; positions and start times are recomputed
    after every change. The answer is the item as organisers see it."""

    queryset = RunningOrderItem.objects.none()
    serializer_class = OrganiserRunningOrderItemSerializer
    permission_classes = [ActionRules]
    action_rules = {
        "create": _any_organiser,
        "retrieve": authenticated,
        "partial_update": authenticated,
        "destroy": authenticated,
        "winner": authenticated,
        "reveal": authenticated,
    }

    def get_queryset(self):
        organised = programme_ids_with_role(self.request.user, Role.ORGANISER)
        return RunningOrderItem.objects.filter(event__programme_id__in=organised).select_related("event")

    @extend_schema(
        request=RunningOrderItemCreateSerializer, responses={201: OrganiserRunningOrderItemSerializer, 400: BAD_REQUEST}
    )
    def create(self, request):
        """Insert an item at `position` (at the end when left out); the items after it move down."""
        payload = RunningOrderItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        event = Event.objects.filter(
            pk=data.pop("event"), programme_id__in=programme_ids_with_role(request.user, Role.ORGANISER)
        ).first()
        if event is None:
            raise EventError("There is no such event among those you organise.", field="event")
        position = data.pop("position")
        values, presenters = _item_values(event, data)
        item = running_order_add(event=event, actor=request.user, position=position, presenters=presenters, **values)
        item.event = event
        return Response(_organiser_item(item), status=status.HTTP_201_CREATED)

    def representation(self, instance: RunningOrderItem) -> dict:
        return _organiser_item(instance)

    @extend_schema(parameters=[ETAG], responses={200: OrganiserRunningOrderItemSerializer})
    def retrieve(self, request, pk=None):
        """The item as organisers see it, with the ETag to send in If-Match when changing it."""
        return self.tagged_object()

    @extend_schema(
        request=RunningOrderItemUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: OrganiserRunningOrderItemSerializer, 400: BAD_REQUEST, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request, pk=None):
        """Change the item; only the fields sent are changed (`presenters` replaces the list). With
        If-Match, only if no one else has changed the item since."""
        item = self.get_object()
        payload = RunningOrderItemUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        values, presenters = _item_values(item.event, payload.validated_data)
        with transaction.atomic():
            item = self.locked_object()
            running_order_update(item=item, actor=request.user, presenters=presenters, **values)
        return self.tagged_object()

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Remove the item; the items after it move up."""
        running_order_remove(item=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=WinnerSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: OrganiserRunningOrderItemSerializer, 400: BAD_REQUEST, 412: PRECONDITION_FAILED},
    )
    @action(detail=True, methods=["post"])
    def winner(self, request, pk=None):
        """Record the award's winner, one of its finalists (null clears it and seals it again).
        Only organisers see it until it is revealed. With If-Match, only if no one else has
        changed the item since (another organiser recording a different winner)."""
        item = self.get_object()
        payload = WinnerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination = None
        nomination_id = payload.validated_data["nomination"]
        if nomination_id is not None:
            nomination = Nomination.objects.filter(pk=nomination_id, programme_id=item.event.programme_id).first()
            if nomination is None:
                raise EventError("The winner must be one of this award's finalists.", field="winner")
        with transaction.atomic():
            item = self.locked_object()
            winner_set(item=item, actor=request.user, nomination=nomination)
        return self.tagged_object()

    @extend_schema(
        request=None, parameters=[ETAG], responses={200: OrganiserRunningOrderItemSerializer, 400: BAD_REQUEST}
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Reveal the recorded winner: event staff see it from now on."""
        item = self.get_object()
        winner_reveal(item=item, actor=request.user)
        return self.tagged_object()


# --- guests at the door --------------------------------------------------------------------------


class _GuestOrdering(OrderingFilter):
    """`ordering=name` orders by the name the event team sees (a finalist's own line keeps none)."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return [term.replace("name", "shown") if term.lstrip("-") == "name" else term for term in ordering or []] or ordering


# What the door's page of guests reads of each row (DoorGuestSerializer's fields, and what its
# name and access words are composed from), as plain values: no model instances for the guests.
DOOR_ROW_VALUES = (
    "id", "invitation_id", "position", "name", "access_needs", "access_other", "checked_in_at", "table__number",
    "invitation__kind", "invitation__nomination_id",
)


def door_rows(rows: list[dict]) -> list[dict]:
    """DoorGuestSerializer's answer for a page of guests read as DOOR_ROW_VALUES, in at most two
    queries (the nominations a finalist's name or words are composed from, and the first guest each
    finalist brings), building model instances only for those nominations: the same name
    (events.selectors.guest_name) and access words (guest_text) as the serializer gives."""
    finalist = [row for row in rows if row["invitation__kind"] == InvitationKind.FINALIST]
    needed = {row["invitation__nomination_id"] for row in finalist if row["position"] == 0 or row["access_other"]}
    nominations = (
        Nomination.objects.select_related("nominee", "group").defer(*DOOR_NOMINATION_UNREAD).in_bulk(needed) if needed else {}
    )
    invitees = {row["invitation_id"] for row in rows if row["position"] == 0 and row["invitation_id"]}
    companions = (
        dict(Guest.objects.filter(invitation_id__in=invitees, position=1).values_list("invitation_id", "name")) if invitees else {}
    )
    when = serializers.DateTimeField()
    answer = []
    for row in rows:
        name, words = row["name"], row["access_other"]
        if row["invitation__kind"] == InvitationKind.FINALIST:
            nomination = nominations.get(row["invitation__nomination_id"])
            if row["position"] == 0:
                name = nomination_name(
                    Audience.EVENT_TEAM, nomination, number=row["invitation_id"], table=row["table__number"],
                    with_name=companions.get(row["invitation_id"], ""),
                )
            if words:
                words = words_for(Audience.EVENT_TEAM, words, nomination)
        answer.append({
            "id": row["id"], "name": name, "table": row["table__number"], "access_needs": list(row["access_needs"]),
            "access_other": words, "checked_in_at": when.to_representation(row["checked_in_at"]) if row["checked_in_at"] else None,
        })
    return answer


class _EventFilterBackend(DjangoFilterBackend):
    """The guest list's filters, keeping the filter set on the view: its `event`, checked to be
    one the user works at, is the event the list needs (no second query for it)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class GuestViewSet(viewsets.GenericViewSet):
    """Guests on the night. The list is for the door: everyone coming to one event (`event` is
    required), found by name or table. Event staff see a guest's name, table, access needs and
    arrival only; organisers also food, photography, transport and whose party. Checking in is
    for both; moving a guest to another table for organisers."""

    queryset = Guest.objects.none()
    serializer_class = DoorGuestSerializer
    permission_classes = [ActionRules]
    action_rules = {
        "list": authenticated, "check_in": authenticated, "undo_check_in": authenticated, "move": authenticated,
        "destroy": authenticated,
    }
    filterset_class = GuestFilterSet
    filter_backends = [_EventFilterBackend, _GuestOrdering]
    ordering_fields = ["name", "checked_in_at", "table__number"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "move":
            programmes = programme_ids_with_role(user, Role.ORGANISER)
        else:
            programmes = door_programme_ids(user)
        queryset = Guest.objects.filter(event__programme_id__in=programmes)
        if self.action == "list":
            # The list shows no event: joining it put a whole event on each of 50 guests. A
            # finalist's name is composed from their record (searched and sorted in SQL).
            return (
                coming(queryset.select_related("table", "invitation__nomination__nominee", "invitation__nomination__group"))
                .annotate(shown=guest_name_expression())
                .order_by(Lower("shown"), "pk")
            )
        return queryset.select_related("event", "table")

    @extend_schema(responses={200: GUEST_FOR_ROLE})
    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        # The filter has checked that `event` is one the user works at.
        event = self.filterset.form.cleaned_data["event"]
        serializer_class = _guest_serializer_class(request.user, event)
        if serializer_class is DoorGuestSerializer:
            # Event staff: the page read as values and named in two queries (door_rows), not 250
            # model instances for 50 guests and everything joined to them.
            return self.get_paginated_response(door_rows(self.paginate_queryset(queryset.values(*DOOR_ROW_VALUES))))
        page = self.paginate_queryset(queryset)
        context = {"companions": finalists_companions(page)}
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)

    @extend_schema(request=CheckInSerializer, responses={200: GUEST_FOR_ROLE, 400: BAD_REQUEST, 409: ErrorSerializer})
    @action(detail=True, methods=["post"], url_path="check-in", filter_backends=[])
    def check_in(self, request, pk=None):
        """Mark the guest arrived (at `at`, from a phone that was offline, or now). A second mark
        is refused with 409 and the time of the first: a guest is counted once."""
        guest = self.get_object()
        payload = CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        guest_check_in(guest=guest, actor=request.user, at=payload.validated_data["at"])
        return Response(_guest_for(request.user, guest))

    @extend_schema(request=None, responses={200: GUEST_FOR_ROLE})
    @action(detail=True, methods=["post"], url_path="undo-check-in", filter_backends=[])
    def undo_check_in(self, request, pk=None):
        """Take back an arrival marked by mistake."""
        guest = self.get_object()
        guest_check_in_undo(guest=guest, actor=request.user)
        return Response(_guest_for(request.user, guest))

    @extend_schema(request=None, responses={204: None, 409: ErrorSerializer})
    def destroy(self, request, pk=None):
        """Remove a walk-in added by mistake (twice, or the wrong person): their seat is free again.
        An invited guest is refused with 409: their place comes from their RSVP (use undo-check-in)."""
        guest = get_object_or_404(self.get_queryset(), pk=pk)
        walk_in_remove(guest=guest, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=GuestMoveSerializer, responses={200: OrganiserGuestSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        """Move the guest to another table by hand (null: not seated). The table must have room,
        and be accessible for a guest with access needs. Organisers only."""
        guest = self.get_object()
        payload = GuestMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        table = None
        table_id = payload.validated_data["table"]
        if table_id is not None:
            table = Table.objects.filter(pk=table_id, event_id=guest.event_id).first()
            if table is None:
                raise EventError("That table is not at this event.", field="table")
        guest_move(guest=guest, actor=request.user, table=table)
        return Response(_guest_for(request.user, guest))
