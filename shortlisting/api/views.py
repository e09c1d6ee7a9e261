"""Panels, members' assignments and scores, rankings and shortlists through the API."""


from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import InvalidPage
from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from awards.api.permissions import ActionRules, authenticated, organiser_of_object
from awards.enums import Role
from awards.models import Category, Programme
from awards.rules import is_any_organiser, programme_ids_with_role
from nominations.downloads import XLSX, xlsx_response
from nominations.models import Nomination, Nominee
from nominations.naming import nomination_announce_name

from ..cards import label_number
from ..enums import PanelRole
from ..exporters import PanelScoreSheetExporter
from ..labels import neutral_label
from ..models import Assignment, Panel, PanelMember, Shortlist
from ..rules import can_manage_panel, can_view_ranking
from ..selectors import assignments_for_member, category_ranking, page_of_cards, panel_progress, panels_visible_to
from ..services import (
    NOT_OPEN_TO_SCORE,
    NotOpenToScore,
    assignment_run,
    conflict_declare,
    panel_create,
    panel_member_add,
    panel_send_reminders,
    results_record,
    review_save,
    shortlist_confirm,
    shortlist_propose,
    shortlist_reopen,
)
from .serializers import (
    AssignmentDetailSerializer,
    AssignmentSerializer,
    ConfirmSerializer,
    ConflictDeclareSerializer,
    ConflictRecordedSerializer,
    CoverageIncompleteSerializer,
    OrganiserConflictSerializer,
    PanelCreateSerializer,
    PanelMemberAddSerializer,
    PanelMemberSerializer,
    PanelOrganiserSerializer,
    PanelSerializer,
    ProgressSerializer,
    ProposeSerializer,
    RankingOrganiserRowSerializer,
    RankingRowSerializer,
    ReopenSerializer,
    ResultsSerializer,
    ReviewInputSerializer,
    ShortlistSerializer,
)

# A panel as its manager (an organiser of its programme) sees it, with its members; or as a member does.
PANEL_FOR_ROLE = PolymorphicProxySerializer(
    component_name="PanelForRole", serializers=[PanelOrganiserSerializer, PanelSerializer], resource_type_field_name=None
)
PANELS_FOR_ROLE = PolymorphicProxySerializer(
    component_name="PanelForRole", serializers=[PanelOrganiserSerializer, PanelSerializer], resource_type_field_name=None,
    many=True,
)


def _organiser(request, view) -> bool:
    return is_any_organiser(request.user)


def _manages(user, panel) -> bool:
    return can_manage_panel(user, panel)


class PanelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Panels: organisers manage their programmes' panels; members see the panels they sit on."""

    queryset = Panel.objects.none()
    permission_classes = [ActionRules]
    action_rules = {
        "list": authenticated,
        "retrieve": authenticated,
        "create": _organiser,
        "members": authenticated,
        "conflicts": authenticated,
        "assign": authenticated,
        "progress": authenticated,
        "remind": authenticated,
        "score_sheet": authenticated,
    }
    object_rules = {
        "members": _manages,
        "conflicts": _manages,
        "assign": _manages,
        "progress": _manages,
        "remind": _manages,
        "score_sheet": can_view_ranking,
    }
    filterset_fields = ["programme__slug"]

    def get_queryset(self):
        return panels_visible_to(self.request.user).select_related("programme").prefetch_related("categories", "members__user")

    def get_serializer_class(self):
        if self.action == "create":
            return PanelCreateSerializer
        return PanelOrganiserSerializer if is_any_organiser(self.request.user) else PanelSerializer

    def _serialize(self, panel):
        serializer = PanelOrganiserSerializer if can_manage_panel(self.request.user, panel) else PanelSerializer
        return serializer(panel).data

    @extend_schema(responses={200: PANELS_FOR_ROLE})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([self._serialize(p) for p in page])

    @extend_schema(responses={200: PANEL_FOR_ROLE})
    def retrieve(self, request, *args, **kwargs):
        return Response(self._serialize(self.get_object()))

    @extend_schema(request=PanelCreateSerializer, responses={201: PanelOrganiserSerializer})
    def create(self, request, *args, **kwargs):
        payload = PanelCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organised = programme_ids_with_role(request.user, Role.ORGANISER)
        programme = get_object_or_404(Programme.objects.filter(pk__in=organised), slug=data["programme"])
        categories = list(Category.objects.filter(programme=programme, slug__in=data["categories"]))
        missing = sorted(set(data["categories"]) - {c.slug for c in categories})
        if missing:
            return Response(
                {"detail": f"{programme.name} has no categories: {', '.join(missing)}.", "field": "categories"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        panel = panel_create(
            programme=programme,
            name=data["name"],
            categories=categories,
            actor=request.user,
            strategy=data["strategy"],
            reviewers_per_nomination=data["reviewers_per_nomination"],
            deadline=data["deadline"],
        )
        return Response(PanelOrganiserSerializer(panel).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PanelMemberAddSerializer, responses={201: PanelMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Add a member: an existing account, or invite by e-mail."""
        panel = self.get_object()
        payload = PanelMemberAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        User = get_user_model()
        user = get_object_or_404(User, username=data["username"]) if data["username"] else None
        worker = get_object_or_404(User, username=data["allocated_worker"]) if data["allocated_worker"] else None
        member = panel_member_add(
            panel=panel,
            actor=request.user,
            user=user,
            email=data["email"],
            role=data["role"],
            is_young_person=data["is_young_person"],
            is_care_experienced=data["is_care_experienced"],
            carer_name=data["carer_name"],
            area=data["area"],
            allocated_worker=worker,
        )
        return Response(PanelMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrganiserConflictSerializer, responses={201: ConflictRecordedSerializer})
    @action(detail=True, methods=["post"])
    def conflicts(self, request, pk=None):
        """Record a conflict for a member (the reason stays private to organisers)."""
        panel = self.get_object()
        payload = OrganiserConflictSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = get_object_or_404(PanelMember, panel=panel, pk=payload.validated_data["member"])
        nominee = get_object_or_404(Nominee, programme_id=panel.programme_id, pk=payload.validated_data["nominee"])
        conflict_declare(member=member, nominee=nominee, actor=request.user, reason=payload.validated_data["reason"])
        return Response({"detail": "Conflict recorded."}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign nominations by the panel's strategy; re-running only adds new ones."""
        added = assignment_run(panel=self.get_object(), actor=request.user)
        return Response({"added": added})

    @extend_schema(responses={200: ProgressSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def progress(self, request, pk=None):
        """Per member: assigned, submitted, left; the whole panel in one list, not paged."""
        return Response(ProgressSerializer(panel_progress(self.get_object()), many=True).data)

    @extend_schema(request=None, responses={202: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        """E-mail members with unscored work (sent in the background)."""
        count = panel_send_reminders(panel=self.get_object(), actor=request.user)
        return Response({"reminded": count}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="score-sheet")
    def score_sheet(self, request, pk=None):
        """The panel's score sheet (XLSX): per category rank, label, means, totals, spread, coverage."""
        return xlsx_response(PanelScoreSheetExporter(self.get_object(), user=request.user))


class _EqualsAny(Func):
    """lhs = ANY(array): a boolean expression for filter()."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _one_of(ids):
    """`pk IN (ids)` for a small sliced subquery of ids. PostgreSQL plans a plain IN as a join over
    every row the outer query could reach; `= ANY(ARRAY(...))` makes it read the ids first."""
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)

    return _EqualsAny(F("pk"), ArraySubquery(ids))


class PageChosenOnIds(PageNumberPagination):
    """Page-number pagination that hands back the page as an unevaluated queryset, to be used as
    a subquery (`pk__in=`), so choosing a page on a narrow query costs no extra round trip."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc))) from exc
        return self.page.object_list


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The member's scoring queue. Nominations appear as a label and a redacted statement when
    review is blind; conflicted nominations never appear."""

    queryset = Assignment.objects.none()
    permission_classes = [ActionRules]
    action_rules = {"list": authenticated, "retrieve": authenticated, "review": authenticated, "declare_conflict": authenticated}
    filterset_fields = {"panel": ["exact"], "nomination__category__slug": ["exact"], "review__status": ["exact", "isnull"]}

    pagination_class = PageChosenOnIds

    def get_queryset(self):
        return assignments_for_member(self.request.user).order_by("nomination__category__display_order", "nomination_id")

    def list(self, request, *args, **kwargs):
        """The page is chosen on the assignments' ids alone, then its cards are read with all they
        show. Sorting every row of a long queue with its statements joined took most of a second
        at 20,000 assignments; the same query counts."""
        queryset = self.filter_queryset(self.get_queryset())
        page_ids = self.paginate_queryset(queryset.values("pk"))
        if page_ids is None:
            cards = list(queryset)
        else:
            # The ids come from the member's own queue; the cards are read from them alone, so
            # the database starts from 50 rows rather than joining the whole queue again.
            cards = page_of_cards(Assignment.objects.filter(_one_of(page_ids)).order_by(*queryset.query.order_by))
        serializer = self.get_serializer(cards, many=True)
        return self.get_paginated_response(serializer.data) if page_ids is not None else Response(serializer.data)

    def get_serializer_class(self):
        return AssignmentDetailSerializer if self.action != "list" else AssignmentSerializer

    @extend_schema(request=ReviewInputSerializer, responses={200: AssignmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Save scores as a draft, or submit them."""
        assignment = self.get_object()
        payload = ReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # The answer is read while the save still holds the assignment, so a conflict declared at the
        # same moment comes wholly before (a 409 from review_save) or wholly after: never in between.
        with transaction.atomic():
            review_save(assignment=assignment, actor=request.user, **payload.validated_data)
            saved = self.get_queryset().filter(pk=assignment.pk).first()
            if saved is None:  # taken out of the member's list meanwhile: the scores go too
                raise NotOpenToScore(NOT_OPEN_TO_SCORE)
            body = AssignmentDetailSerializer(saved).data
        return Response(body)

    @extend_schema(request=ConflictDeclareSerializer, responses={201: ConflictRecordedSerializer})
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request, pk=None):
        """"I know this young person": the nomination leaves your queue at once."""
        assignment = self.get_object()
        payload = ConflictDeclareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination = assignment.nomination
        nominees = [nomination.nominee] if nomination.nominee_id else list(nomination.group.members.all())
        for nominee in nominees:
            conflict_declare(member=assignment.member, nominee=nominee, actor=request.user, reason=payload.validated_data["reason"])
        return Response({"detail": "Thank you. This nomination has been taken out of your list."}, status=status.HTTP_201_CREATED)


def shortlist_categories_for(user):
    """Categories whose ranking and shortlist this user may see: organisers' and chairs' panels."""
    organised = programme_ids_with_role(user, Role.ORGANISER)
    return Category.objects.filter(
        Q(programme_id__in=organised)
        | Q(panel_link__panel__members__user=user, panel_link__panel__members__role=PanelRole.CHAIR),
        panel_link__isnull=False,
    ).distinct()


class ShortlistViewSet(viewsets.GenericViewSet):
    """Ranking and shortlist per category: the chair proposes, an organiser confirms."""

    queryset = Category.objects.none()
    permission_classes = [ActionRules]
    action_rules = {"retrieve": authenticated, "propose": authenticated, "confirm": authenticated, "reopen": authenticated, "results": authenticated}
    # Confirming, re-opening and results are an organiser's: a chair is refused before the body is read.
    object_rules = {"confirm": organiser_of_object, "reopen": organiser_of_object, "results": organiser_of_object}
    serializer_class = ShortlistSerializer

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return Category.objects.none()
        return shortlist_categories_for(self.request.user).select_related("programme", "panel_link__panel")

    def _state(self, category):
        panel = category.panel_link.panel
        normalise = self.request.query_params.get("normalise") in ("1", "true", "yes")
        rows = category_ranking(panel=panel, category=category, normalise=normalise)
        shortlist = Shortlist.objects.filter(category=category).prefetch_related("finalists").first()
        proposed = {n.pk for n in shortlist.finalists.all()} if shortlist else set()
        organiser = can_manage_panel(self.request.user, panel)
        serializer = RankingOrganiserRowSerializer if organiser else RankingRowSerializer
        blind = panel.programme.blind_review
        for row in rows:
            row.label = neutral_label(category.name, label_number(row.nomination))
            row.proposed = row.nomination.pk in proposed
            row.announce_name = nomination_announce_name(row.nomination) if (organiser or not blind) else ""
        return {
            "category": category.slug,
            "max_finalists": category.max_finalists,
            "state": shortlist.state if shortlist else "open",
            "normalised": normalise,
            "ranking": serializer(rows, many=True).data,
        }

    @extend_schema(
        parameters=[OpenApiParameter("normalise", bool, description="Rank by members' z-scores")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def retrieve(self, request, pk=None):
        return Response(self._state(self.get_object()))

    @extend_schema(request=ProposeSerializer, responses={200: OpenApiTypes.OBJECT, 409: CoverageIncompleteSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        category = self.get_object()
        payload = ProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = payload.validated_data["nominations"]
        found = list(Nomination.objects.filter(category=category, pk__in=ids))
        if len(found) != len(set(ids)):
            return Response(
                {"detail": f"Some of those nominations are not in {category.name}.", "field": "nominations"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        shortlist_propose(
            category=category, nominations=found, actor=request.user, despite_gaps=payload.validated_data["despite_gaps"]
        )
        return Response(self._state(category))

    @extend_schema(request=ConfirmSerializer, responses={200: OpenApiTypes.OBJECT, 409: CoverageIncompleteSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the proposed shortlist. A nomination the panel has not fully scored, and nobody
        proposed, needs a decision (hold or reject with a reason): without one for each, 409 lists
        them and nothing changes."""
        category = self.get_object()
        payload = ConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decisions = {d["nomination"]: (d["decision"], d["reason"]) for d in payload.validated_data["decisions"]}
        shortlist_confirm(category=category, actor=request.user, decisions=decisions)
        return Response(self._state(category))

    @extend_schema(request=ReopenSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        category = self.get_object()
        payload = ReopenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        shortlist_reopen(category=category, actor=request.user, reason=payload.validated_data["reason"])
        return Response(self._state(category))

    @extend_schema(request=ResultsSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        category = self.get_object()
        payload = ResultsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        winner = get_object_or_404(Nomination, category=category, pk=data["winner"])
        highly_commended = list(Nomination.objects.filter(category=category, pk__in=data["highly_commended"]))
        results_record(category=category, actor=request.user, winner=winner, highly_commended=highly_commended)
        return Response(self._state(category))
