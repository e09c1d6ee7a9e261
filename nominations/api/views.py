"""Nominations, nominees, the nominator's own and the private link through the API; every write is one
service call, every read a selector scoped to the user."""

from collections import defaultdict
from functools import partial

from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from awards.api.permissions import ActionRules, anyone, authenticated, organiser_of_object
from awards.enums import Role
from awards.models import Category
from awards.rules import is_any_organiser, programme_ids_with_role
from awards.selectors import programmes_visible_to

from ..downloads import XLSX, xlsx_response
from ..enums import Source
from ..exporters import NominationsExporter
from ..filters import NominationFilterSet, NominatorNominationFilterSet, NomineeFilterSet, ShownStatusOrdering
from ..models import Consent, Nomination, Nominee
from ..rate_limits import ActionRateThrottle, ClientRateThrottle
from ..selectors import (
    nomination_for_private_link,
    nominations_made_by,
    nominations_with_identity_for,
    nominees_with_identity_for,
)
from ..services import (
    NotEligible,
    consent_record,
    consent_withdraw,
    identity_access_record,
    nomination_create_from_data,
    nomination_transition,
    nomination_withdraw,
    nominee_merge,
    nominee_record_safeguarding,
)
from .serializers import (
    GROUP_MEMBER_COLUMNS,
    NOMINATION_ROW_COLUMNS,
    ConsentInputSerializer,
    ConsentSerializer,
    ConsentWithdrawSerializer,
    MergeSerializer,
    NominationCreateSerializer,
    NominationReceiptSerializer,
    NominationSerializer,
    NominatorNominationSerializer,
    NomineeDetailSerializer,
    NomineeIdentitySerializer,
    PrivateLinkSerializer,
    PrivateLinkWithdrawSerializer,
    ReasonSerializer,
    SafeguardingSerializer,
    TransitionSerializer,
    nomination_rows_representation,
)


def create_from_validated(data: dict, *, user, source: str) -> Nomination:
    """Resolve the programme and category a nominator named, then create through the service."""
    programme = programmes_visible_to(user).filter(slug=data["programme"]).first()
    if programme is None:
        raise NotEligible(f"There is no open programme '{data['programme']}'.", field="programme")
    category = Category.objects.filter(programme=programme, slug=data["category"]).first()
    if category is None:
        raise NotEligible(f"{programme.name} has no category '{data['category']}'.", field="category")
    return nomination_create_from_data(data, programme=programme, category=category, user=user, source=source)


def is_any_organiser_request(request, view) -> bool:
    return is_any_organiser(request.user)


def _group_member_rows(rows: list[dict]) -> dict[int, list[dict]]:
    """The members of the groups nominated on a page of rows, as rows, each group's in the order
    its members are listed (Nominee's ordering). Read by the groups' ids through the membership
    table's index; and in one query whether or not the page holds a group (an empty IN would
    skip it), so a page costs the same number of queries whatever it holds."""
    if not rows:
        return {}
    group_ids = [row["group_id"] for row in rows if row["group_id"] is not None]
    members = (
        Nominee.objects.filter(Q(groups__id__in=group_ids) if group_ids else Q(pk__isnull=True))
        .annotate(in_group=F("groups__id"))
        .values(*GROUP_MEMBER_COLUMNS, "in_group")
    )
    by_group = defaultdict(list)
    for member in members:
        by_group[member["in_group"]].append(member)
    return by_group


class _RowsPaginator(Paginator):
    """Counts the queryset as filtered, and reads the page as .values() rows of `columns`
    (counting the rows' queryset would count over every join its columns need)."""

    def __init__(self, object_list, per_page, *, columns, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.columns = columns

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(list(object_list.values(*self.columns)), number, paginator)


class NominationRowsPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = partial(_RowsPaginator, columns=NOMINATION_ROW_COLUMNS)
        return super().paginate_queryset(queryset, request, view)


def _identity_nominee_ids(nominations) -> list[int]:
    ids = []
    for nomination in nominations:
        if nomination.nominee_id:
            ids.append(nomination.nominee_id)
        elif nomination.group_id:
            ids.extend(m.pk for m in nomination.group.members.all())
    return ids


def _identity_row_ids(rows: list[dict], members: dict[int, list[dict]]) -> list[int]:
    """_identity_nominee_ids for a page of rows: the nominees whose identity the page shows."""
    ids = []
    for row in rows:
        if row["nominee_id"]:
            ids.append(row["nominee_id"])
        elif row["group_id"]:
            ids.extend(member["id"] for member in members.get(row["group_id"], []))
    return ids


class NominationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Nominations with the young person's identity: organisers see their programmes', staff
    those of young people allocated to them. Anyone may create one (no account needed).
    Every read of identity fields is written to the access log."""

    queryset = Nomination.objects.none()
    permission_classes = [ActionRules]
    throttle_classes = [ActionRateThrottle]
    throttle_scope = "nominate"
    throttled_actions = ("create",)
    action_rules = {
        "list": authenticated,
        "retrieve": authenticated,
        "create": anyone,
        "transition": authenticated,
        "export": is_any_organiser_request,
    }
    # Allocated staff may read a nomination, not move it: refused before the body is read.
    object_rules = {"transition": organiser_of_object}
    filterset_class = NominationFilterSet
    filter_backends = [DjangoFilterBackend, ShownStatusOrdering]
    pagination_class = NominationRowsPagination  # the list's page as rows
    ordering_fields = ["submitted_at", "reference", "status"]

    def get_queryset(self):
        return (
            nominations_with_identity_for(self.request.user)
            .select_related(
                "programme",
                "category",
                "nominee__allocated_worker",
                "nominee__safeguarding_checked_by",
                "group",
            )
            .prefetch_related(
                Prefetch(
                    "group__members",
                    queryset=Nominee.objects.select_related("allocated_worker", "safeguarding_checked_by"),
                )
            )
        )

    def get_serializer_class(self):
        if self.action == "create":
            return NominationCreateSerializer
        if self.action == "transition":
            return TransitionSerializer
        return NominationSerializer

    def list(self, request, *args, **kwargs):
        # The page as plain rows (.values()), written as NominationSerializer would write them
        # (serializers.nomination_rows_representation): no model instance per row or related name.
        # (A comment, not a docstring: the docstring would become the operation's description.)
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None).select_related(None)
        page = self.paginate_queryset(queryset)
        members = _group_member_rows(page)
        identity_access_record(user=request.user, nominee_ids=_identity_row_ids(page, members), context="api.nominations.list")
        organised = set(programme_ids_with_role(request.user, Role.ORGANISER))
        return self.get_paginated_response(nomination_rows_representation(page, members, organised=organised))

    def retrieve(self, request, *args, **kwargs):
        nomination = self.get_object()
        identity_access_record(
            user=request.user, nominee_ids=_identity_nominee_ids([nomination]), context="api.nominations.retrieve"
        )
        return Response(NominationSerializer(nomination, context=self.get_serializer_context()).data)

    @extend_schema(request=NominationCreateSerializer, responses={201: NominationReceiptSerializer})
    def create(self, request, *args, **kwargs):
        """Nominate a young person. No account needed; the nominator is e-mailed a private link."""
        payload = NominationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination = create_from_validated(payload.validated_data, user=request.user, source=Source.API)
        return Response(NominationReceiptSerializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses={200: NominationSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move a nomination along its lifecycle (organisers), with a reason kept in its history."""
        nomination = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination_transition(
            nomination=nomination, to=payload.validated_data["to"], actor=request.user, reason=payload.validated_data["reason"]
        )
        nomination = self.get_queryset().get(pk=nomination.pk)
        identity_access_record(
            user=request.user, nominee_ids=_identity_nominee_ids([nomination]), context="api.nominations.transition"
        )
        return Response(NominationSerializer(nomination, context=self.get_serializer_context()).data)


    @extend_schema(
        responses={(200, XLSX): OpenApiTypes.BINARY},
        description="The nominations of the list, with the same filters, as an XLSX workbook. Organisers only.",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        organised = programme_ids_with_role(request.user, Role.ORGANISER)
        queryset = self.filter_queryset(nominations_with_identity_for(request.user).filter(programme_id__in=organised))
        exporter = NominationsExporter(queryset, user=request.user, context="api.nominations.export")
        return xlsx_response(exporter)


class MyNominationViewSet(viewsets.ReadOnlyModelViewSet):
    """The nominations the logged-in user made, as the nominator sees them."""

    queryset = Nomination.objects.none()
    serializer_class = NominatorNominationSerializer
    permission_classes = [ActionRules]
    action_rules = {"list": authenticated, "retrieve": authenticated, "withdraw": authenticated, "submit": authenticated}
    filterset_class = NominatorNominationFilterSet
    ordering_fields = ["submitted_at", "reference"]

    def get_queryset(self):
        return nominations_made_by(self.request.user).select_related("programme", "category", "nominee", "group")

    @extend_schema(request=ReasonSerializer, responses={200: NominatorNominationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        nomination = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination_withdraw(nomination=nomination, actor=request.user, reason=payload.validated_data["reason"])
        return Response(NominatorNominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)

    @extend_schema(request=None, responses={200: NominatorNominationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        nomination = self.get_object()
        nomination_transition(nomination=nomination, to="submitted", actor=request.user)
        return Response(NominatorNominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)


class NominationLinkViewSet(viewsets.GenericViewSet):
    """The nominator's private link, for nominators without an account. The token travels in
    the request body, never in a URL, so it does not end up in logs."""

    queryset = Nomination.objects.none()
    serializer_class = PrivateLinkSerializer
    permission_classes = [ActionRules]
    action_rules = {"view": anyone, "withdraw": anyone}
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "nomination_link"

    def _nomination(self, token: str) -> Nomination:
        nomination = nomination_for_private_link(token)
        if nomination is None:
            raise NotFound("This link is not valid.")
        return nomination

    @extend_schema(request=PrivateLinkSerializer, responses={200: NominatorNominationSerializer})
    @action(detail=False, methods=["post"])
    def view(self, request):
        payload = PrivateLinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(NominatorNominationSerializer(self._nomination(payload.validated_data["token"])).data)

    @extend_schema(request=PrivateLinkWithdrawSerializer, responses={200: NominatorNominationSerializer})
    @action(detail=False, methods=["post"])
    def withdraw(self, request):
        payload = PrivateLinkWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination = self._nomination(payload.validated_data["token"])
        nomination_withdraw(
            nomination=nomination, actor=request.user, reason=payload.validated_data["reason"], holds_private_link=True
        )
        return Response(NominatorNominationSerializer(self._nomination(payload.validated_data["token"])).data)


class NomineeViewSet(viewsets.ReadOnlyModelViewSet):
    """Nominees with identity: organisers of the programme and the allocated worker only.
    Every read is written to the access log."""

    queryset = Nominee.objects.none()
    permission_classes = [ActionRules]
    action_rules = {
        "list": authenticated,
        "retrieve": authenticated,
        "safeguarding": authenticated,
        "consents": authenticated,
        "withdraw_consent": authenticated,
        "merge": authenticated,
    }
    object_rules = {"merge": organiser_of_object}
    filterset_class = NomineeFilterSet
    ordering_fields = ["legal_last_name", "created_at"]

    def get_queryset(self):
        return nominees_with_identity_for(self.request.user).select_related(
            "allocated_worker", "safeguarding_checked_by"
        )

    def get_serializer_class(self):
        return NomineeDetailSerializer if self.action == "retrieve" else NomineeIdentitySerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        identity_access_record(user=request.user, nominee_ids=[n.pk for n in page], context="api.nominees.list")
        return self.get_paginated_response(NomineeIdentitySerializer(page, many=True).data)

    def _detail(self, request, context: str):
        nominee = get_object_or_404(
            self.get_queryset().prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("purpose"))),
            pk=self.kwargs["pk"],
        )
        identity_access_record(user=request.user, nominee_ids=[nominee.pk], context=context)
        return Response(NomineeDetailSerializer(nominee).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(request, "api.nominees.retrieve")

    @extend_schema(request=SafeguardingSerializer, responses={200: NomineeDetailSerializer})
    @action(detail=True, methods=["post"])
    def safeguarding(self, request, pk=None):
        """Record the safeguarding check: attendance safe, publicity level, photography, whether the
        door may know the name, whether certificates and letters may be sent."""
        nominee = self.get_object()
        payload = SafeguardingSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        nominee_record_safeguarding(
            nominee=nominee,
            actor=request.user,
            attendance_safe=data["attendance_safe"],
            publicity_level=data["publicity_level"],
            photography_allowed=data["photography_allowed"],
            named_to_event_staff=data["named_to_event_staff"],
            contact_allowed=data["contact_allowed"],
            notes=data["notes"] or None,
        )
        return self._detail(request, "api.nominees.safeguarding")

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentSerializer})
    @action(detail=True, methods=["post"])
    def consents(self, request, pk=None):
        """Record consent (or its refusal) for one purpose."""
        nominee = self.get_object()
        payload = ConsentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        consent = consent_record(nominee=nominee, actor=request.user, **payload.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConsentWithdrawSerializer, responses={200: ConsentSerializer})
    @action(detail=True, methods=["post"], url_path="withdraw-consent")
    def withdraw_consent(self, request, pk=None):
        nominee = self.get_object()
        payload = ConsentWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        consent = consent_withdraw(nominee=nominee, purpose=payload.validated_data["purpose"], actor=request.user)
        return Response(ConsentSerializer(consent).data)

    @extend_schema(request=MergeSerializer, responses={200: NomineeDetailSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge another nominee record into this one; every nomination moves across."""
        keep = self.get_object()
        payload = MergeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        other = get_object_or_404(self.get_queryset(), pk=payload.validated_data["merge"])
        nominee_merge(keep=keep, merge=other, actor=request.user, reason=payload.validated_data["reason"])
        return self._detail(request, "api.nominees.merge")
