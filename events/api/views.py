"""The invitations API: the event, invitations and their e-mail for organisers, and the RSVP
through the private link for invitees. Every write is one service call; everything an organiser
reads is scoped to the programmes they organise, so anyone else gets an empty list or a 404."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from awards.api.permissions import ActionRules, anyone, authenticated
from awards.concurrency import ETAG, IF_MATCH, PRECONDITION_FAILED, ConditionalWrites
from awards.enums import Role
from awards.models import Programme
from awards.rules import is_any_organiser, programme_ids_with_role
from mail.enums import DeliveryStatus
from mail.models import EmailDelivery
from nominations.models import Consent, Nominee
from nominations.naming import Audience
from nominations.rate_limits import ClientRateThrottle

from ..enums import InvitationKind, InvitationStatus
from ..models import Event, Invitation
from ..selectors import (
    approved_words,
    event_counts,
    events_organised_by,
    gate_problems,
    invitation_for_token,
    invitations_for_organiser,
    invitee_name,
    named_party,
    needs_totals,
)
from ..services import (
    EventError,
    GuestInput,
    LinkNotValid,
    RsvpAnswer,
    delivery_retry,
    event_save,
    finalist_invitations_create,
    invitation_change_allowance,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_update_details,
    invitations_send,
    quote_approve,
    rsvp_respond,
)
from .filters import EventFilterSet, InvitationFilterSet
from .serializers import (
    BAD_REQUEST,
    BlockedSerializer,
    DeliverySerializer,
    ErrorSerializer,
    EventCreateSerializer,
    EventSerializer,
    EventSummarySerializer,
    EventUpdateSerializer,
    FinalistInvitationsCreatedSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    InvitationUpdateSerializer,
    QuoteSerializer,
    RevokeSerializer,
    RsvpInvitationSerializer,
    RsvpRespondSerializer,
    RsvpResultSerializer,
    RsvpTokenSerializer,
    SendInvitationsSerializer,
    SendResultSerializer,
)

# A finalist whose answer no longer matters (the invitation is over) is not shown as blocked.
ENDED_STATUSES = (InvitationStatus.REVOKED, InvitationStatus.EXPIRED, InvitationStatus.DECLINED)


def _any_organiser(request, view) -> bool:
    return is_any_organiser(request.user)


def invitations_for_organiser_of(user):
    """Every invitation of the events `user` organises, loaded as `invitations_for_organiser`
    loads one event's (the gate, guests and deliveries in a fixed number of queries)."""
    current_consents = Consent.objects.filter(withdrawn_at__isnull=True)
    return (
        Invitation.objects.filter(event__programme_id__in=programme_ids_with_role(user, Role.ORGANISER))
        .select_related("event", "nomination__category", "nomination__nominee", "nomination__group")
        .prefetch_related(
            "guests",
            "deliveries",
            Prefetch("nomination__nominee__consents", queryset=current_consents, to_attr="current_consents"),
            Prefetch(
                "nomination__group__members",
                queryset=Nominee.objects.prefetch_related(
                    Prefetch("consents", queryset=current_consents, to_attr="current_consents")
                ),
            ),
        )
        .order_by("event_id", "kind", "nomination__category__name", "id")
    )


# --- the event -------------------------------------------------------------------------------


class EventViewSet(ConditionalWrites, viewsets.GenericViewSet):
    """The programme's celebration night. Organisers of the programme only. (The night's actions
    on an event, the running order, tables and the door, are described with each of them.)"""

    queryset = Event.objects.none()
    serializer_class = EventSerializer
    permission_classes = [ActionRules]
    action_rules = {
        "list": authenticated,
        "retrieve": authenticated,
        "create": _any_organiser,
        "partial_update": authenticated,
        "summary": authenticated,
        "create_finalist_invitations": authenticated,
        "send_invitations": authenticated,
    }
    filterset_class = EventFilterSet
    ordering_fields = ["starts_at", "name"]

    def get_queryset(self):
        return events_organised_by(self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    def representation(self, instance: Event) -> dict:
        return EventSerializer(instance).data

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request, pk=None):
        """The event, with the ETag to send in If-Match when changing it."""
        return self.tagged_object()

    @extend_schema(request=EventCreateSerializer, responses={201: EventSerializer, 400: BAD_REQUEST})
    def create(self, request):
        """Create the programme's event (one per programme)."""
        payload = EventCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        slug = values.pop("programme")
        programme = Programme.objects.filter(
            pk__in=programme_ids_with_role(request.user, Role.ORGANISER), slug=slug
        ).first()
        if programme is None:
            # The same answer for a programme that does not exist and one organised by others.
            raise EventError(f"You do not organise a programme '{slug}'.", field="programme")
        event = event_save(actor=request.user, programme=programme, **values)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EventUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: EventSerializer, 400: BAD_REQUEST, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request, pk=None):
        """Change the event; only the fields sent are changed. With If-Match, only if no one else
        has changed it since."""
        self.get_object()
        payload = EventUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            event = self.locked_object()
            event_save(actor=request.user, programme=event.programme, event=event, **payload.validated_data)
        return self.tagged_object()

    @extend_schema(responses={200: EventSummarySerializer})
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """Answers, seats, dietary and access totals, finalists the safeguarding gate holds back,
        and e-mail that failed, in a fixed number of queries."""
        event = self.get_object()
        finalists = invitations_for_organiser(event).filter(kind=InvitationKind.FINALIST).exclude(status__in=ENDED_STATUSES)
        blocked = []
        for invitation in finalists:
            reasons = gate_problems(invitation)
            if reasons:
                blocked.append(
                    {
                        "invitation": invitation.pk,
                        "status": invitation.status,
                        "invitee": invitee_name(invitation, Audience.KNOWN),
                        "category": invitation.nomination.category.name,
                        "reasons": reasons,
                    }
                )
        failed = (
            EmailDelivery.objects.filter(programme_id=event.programme_id, status=DeliveryStatus.FAILED)
            .select_related("content_type")
            .order_by("updated_at", "id")
        )
        summary = {"counts": event_counts(event), "needs": needs_totals(event), "blocked": blocked, "failed_deliveries": failed}
        return Response(EventSummarySerializer(summary).data)

    @extend_schema(
        request=None,
        responses={201: FinalistInvitationsCreatedSerializer, 200: FinalistInvitationsCreatedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="create-finalist-invitations")
    def create_finalist_invitations(self, request, pk=None):
        """A draft invitation for every finalist of the confirmed shortlists who has none yet
        (201 when some were made, 200 when everyone already had one)."""
        result = finalist_invitations_create(event=self.get_object(), actor=request.user)
        body = {"created": [i.pk for i in result.created], "already_invited": result.already_invited}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(request=SendInvitationsSerializer, responses={200: SendResultSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"], url_path="send-invitations")
    def send_invitations(self, request, pk=None):
        """Send every draft invitation (or those named) that passes the safeguarding gate; the
        others are listed with why."""
        event = self.get_object()
        payload = SendInvitationsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = payload.validated_data.get("invitations")
        if ids is not None:
            found = set(Invitation.objects.filter(event=event, pk__in=ids).values_list("pk", flat=True))
            unknown = sorted(set(ids) - found)
            if unknown:
                raise EventError(
                    f"{event.name} has no invitations {', '.join(map(str, unknown))}.", field="invitations"
                )
        result = invitations_send(event=event, actor=request.user, invitation_ids=ids)
        body = {"queued": [i.pk for i in result.queued], "blocked": {str(k): v for k, v in result.blocked.items()}}
        return Response(SendResultSerializer(body).data)


# --- invitations -----------------------------------------------------------------------------


class InvitationViewSet(ConditionalWrites, viewsets.GenericViewSet):
    """Invitations to the event: finalists (made from the confirmed shortlist) and everyone else.
    Organisers of the programme only; a finalist is shown by their announce name."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationSerializer
    permission_classes = [ActionRules]
    action_rules = {
        "list": authenticated,
        "retrieve": authenticated,
        "create": _any_organiser,
        "partial_update": authenticated,
        "send": authenticated,
        "resend": authenticated,
        "revoke": authenticated,
        "approve_quote": authenticated,
    }
    filterset_class = InvitationFilterSet
    ordering_fields = ["id", "kind", "status", "sent_at", "responded_at", "created_at"]

    def get_queryset(self):
        return invitations_for_organiser_of(self.request.user)

    def _fresh(self, invitation: Invitation) -> dict:
        return InvitationSerializer(self.get_queryset().get(pk=invitation.pk)).data

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    def representation(self, instance: Invitation) -> dict:
        return InvitationSerializer(instance).data

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request, pk=None):
        """The invitation, with the ETag to send in If-Match when changing it."""
        return self.tagged_object()

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer, 400: BAD_REQUEST})
    def create(self, request):
        """Invite someone who is not a finalist: a presenter, performer, compere, VIP ..."""
        payload = InvitationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        event = events_organised_by(request.user).filter(pk=values.pop("event")).first()
        if event is None:
            raise EventError("There is no such event among those you organise.", field="event")
        invitation = invitation_create(event=event, actor=request.user, **values)
        return Response(self._fresh(invitation), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InvitationUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: InvitationSerializer, 400: BAD_REQUEST, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request, pk=None):
        """Change the addressee, the invitee's name and title (not a finalist's), or the number
        of guests allowed. All or nothing; with If-Match, only if no one else has changed the
        invitation since."""
        self.get_object()
        payload = InvitationUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        details = dict(payload.validated_data)
        allowance = details.pop("guest_allowance", None)
        with transaction.atomic():
            invitation = self.locked_object()
            if details:
                invitation_update_details(invitation=invitation, actor=request.user, **details)
            if allowance is not None:
                invitation_change_allowance(invitation=invitation, actor=request.user, allowance=allowance)
        return self.tagged_object()

    @extend_schema(request=None, responses={200: InvitationSerializer, 409: BlockedSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send this draft invitation, if the safeguarding gate lets it through (409 with the
        reasons when it does not)."""
        invitation = self.get_object()
        result = invitations_send(event=invitation.event, actor=request.user, invitation_ids=[invitation.pk])
        reasons = result.blocked.get(invitation.pk)
        if reasons:
            body = {"detail": "This invitation cannot be sent: " + " ".join(reasons), "code": "blocked", "reasons": reasons}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(self._fresh(invitation))

    @extend_schema(request=None, responses={200: InvitationSerializer, 400: BAD_REQUEST, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Send a sent or answered invitation again, with a new link (earlier links keep working)."""
        invitation = self.get_object()
        invitation_resend(invitation=invitation, actor=request.user)
        return Response(self._fresh(invitation))

    @extend_schema(request=RevokeSerializer, responses={200: InvitationSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Withdraw the invitation: its links stop working and any seats are given back."""
        invitation = self.get_object()
        payload = RevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation_revoke(invitation=invitation, actor=request.user, reason=payload.validated_data["reason"])
        return Response(self._fresh(invitation))

    @extend_schema(
        request=QuoteSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: InvitationSerializer, 400: BAD_REQUEST, 412: PRECONDITION_FAILED},
    )
    @action(detail=True, methods=["post"], url_path="approve-quote")
    def approve_quote(self, request, pk=None):
        """Approve the nominator's words to quote in the invitation (blank: no quote). With
        If-Match, only if no one else has changed the invitation since."""
        self.get_object()
        payload = QuoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            invitation = self.locked_object()
            quote_approve(invitation=invitation, actor=request.user, quote=payload.validated_data["quote"])
        return self.tagged_object()


class EmailDeliveryViewSet(viewsets.GenericViewSet):
    """The programme's e-mail in the outbox (invitations, nominators' receipts, panel members'
    messages). Organisers retry a message that used every attempt."""

    queryset = EmailDelivery.objects.none()
    serializer_class = DeliverySerializer
    permission_classes = [ActionRules]
    action_rules = {"retry": authenticated}

    def get_queryset(self):
        return EmailDelivery.objects.filter(programme_id__in=programme_ids_with_role(self.request.user, Role.ORGANISER))

    @extend_schema(request=None, responses={200: DeliverySerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        delivery = delivery_retry(delivery=self.get_object(), actor=request.user)
        return Response(DeliverySerializer(EmailDelivery.objects.get(pk=delivery.pk)).data)


# --- RSVP through the private link -----------------------------------------------------------


def rsvp_representation(invitation: Invitation) -> dict:
    """The invitation as the invitee sees it (for RsvpInvitationSerializer)."""
    event = invitation.event
    attending = {InvitationStatus.ACCEPTED: True, InvitationStatus.DECLINED: False}.get(invitation.status)
    return {
        "event": event,
        "kind": invitation.kind,
        "invitee": invitee_name(invitation, Audience.KNOWN),
        "title": invitation.title,
        "category": invitation.nomination.category.name if invitation.nomination_id else "",
        "quote": approved_words(invitation),
        "guest_allowance": invitation.guest_allowance,
        "attending": attending,
        "responded_at": invitation.responded_at,
        "guests": named_party(invitation, Audience.KNOWN) if attending else [],
        "closed": timezone.now() > event.rsvp_deadline,
    }


class RsvpViewSet(viewsets.GenericViewSet):
    """The invitee's answer, for apps and integrations, through the private link of the
    invitation e-mail: no login. The token travels in the request body, never in a URL. Any
    token that does not open an invitation now (wrong, revoked, expired, after the event) gets
    the same 404. Responses are never stored and send no referrer."""

    queryset = Invitation.objects.none()
    serializer_class = RsvpTokenSerializer
    permission_classes = [ActionRules]
    action_rules = {"view": anyone, "respond": anyone}
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "rsvp"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def _invitation(self, token: str) -> Invitation:
        invitation = invitation_for_token(token)
        if invitation is None:
            raise LinkNotValid()
        return invitation

    @extend_schema(request=RsvpTokenSerializer, responses={200: RsvpInvitationSerializer, 404: ErrorSerializer})
    @action(detail=False, methods=["post"])
    def view(self, request):
        """The invitation: the event, who is invited, the current answer and whether answers are closed."""
        payload = RsvpTokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation = self._invitation(payload.validated_data["token"])
        return Response(RsvpInvitationSerializer(rsvp_representation(invitation)).data)

    @extend_schema(
        request=RsvpRespondSerializer,
        responses={200: RsvpResultSerializer, 400: BAD_REQUEST, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=False, methods=["post"])
    def respond(self, request):
        """Accept with the party coming (the invitee first, then each guest) or decline. The answer
        can be changed until the deadline; a confirmation is e-mailed."""
        payload = RsvpRespondSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        invitation = self._invitation(data["token"])
        party = tuple(
            GuestInput(
                name=person["name"],
                relationship=person["relationship"],
                dietary=tuple(person["dietary"]),
                dietary_other=person["dietary_other"],
                access_needs=tuple(person["access_needs"]),
                access_other=person["access_other"],
                photography_consent=person["photography_consent"],
                transport_needed=person["transport_needed"],
                access_on_place_card=person["access_on_place_card"],
            )
            for person in data["party"]
        )
        result = rsvp_respond(invitation=invitation, answer=RsvpAnswer(attending=data["attending"], party=party))
        body = {"changed": result.changed, "invitation": rsvp_representation(result.invitation)}
        return Response(RsvpResultSerializer(body).data)
