"""Programmes, categories and rubrics through the API; organisers edit their own, anyone reads open
ones."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.response import Response

from ..concurrency import ETAG, IF_MATCH, PRECONDITION_FAILED, ConditionalWrites
from ..enums import Role
from ..filters import CategoryFilterSet
from ..models import Category, Criterion, Programme
from ..rules import is_organiser, programme_ids_with_role
from ..selectors import categories_visible_to, programmes_visible_to
from ..services import programme_copy_categories
from .permissions import ActionRules, any_organiser, anyone, authenticated
from .serializers import CategorySerializer, CopyCategoriesSerializer, CriterionSerializer, ProgrammeSerializer


def _organiser_of(user, obj) -> bool:
    return is_organiser(user, obj.programme_id if hasattr(obj, "programme_id") else obj.pk)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Award programmes: public ones for everyone, and organisers' own in any status."""

    queryset = Programme.objects.none()
    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    permission_classes = [ActionRules]
    action_rules = {"list": anyone, "retrieve": anyone, "copy_categories": authenticated}
    object_rules = {"copy_categories": _organiser_of}
    ordering_fields = ["year", "name"]
    filterset_fields = ["status", "year"]

    def get_queryset(self):
        return programmes_visible_to(self.request.user)

    @extend_schema(request=CopyCategoriesSerializer, responses={201: CategorySerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="copy-categories")
    def copy_categories(self, request, slug=None):
        """Copy last year's categories and rubrics into this programme."""
        target = self.get_object()
        payload = CopyCategoriesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        source = get_object_or_404(programmes_visible_to(request.user), slug=payload.validated_data["source"])
        created = programme_copy_categories(source=source, target=target)
        return Response(CategorySerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class CategoryViewSet(ConditionalWrites, viewsets.ModelViewSet):
    """Award categories with their eligibility and rubric. Organisers edit their programme's."""

    queryset = Category.objects.none()
    serializer_class = CategorySerializer
    permission_classes = [ActionRules]
    action_rules = {
        "list": anyone,
        "retrieve": anyone,
        # Refused before the body is read; which programme is checked against the body.
        "create": any_organiser,
        "update": authenticated,
        "partial_update": authenticated,
    }
    # No delete: a category with nominations is history. Organisers deactivate it instead.
    object_rules = {"update": _organiser_of, "partial_update": _organiser_of}
    filterset_class = CategoryFilterSet
    ordering_fields = ["display_order", "name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return categories_visible_to(self.request.user).prefetch_related("criteria")

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request, *args, **kwargs):
        return self.tagged_object()

    @extend_schema(parameters=[IF_MATCH, ETAG], responses={200: CategorySerializer, 412: PRECONDITION_FAILED})
    def update(self, request, *args, **kwargs):
        """Change the category; with If-Match, only if no one else has changed it since."""
        with transaction.atomic():
            category = self.locked_object()
            serializer = self.get_serializer(category, data=request.data, partial=kwargs.get("partial", False))
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return self.tagged_object()

    @extend_schema(parameters=[IF_MATCH, ETAG], responses={200: CategorySerializer, 412: PRECONDITION_FAILED})
    def partial_update(self, request, *args, **kwargs):
        """Change the fields sent; with If-Match, only if no one else has changed the category since."""
        return self.update(request, *args, partial=True, **kwargs)


class CriterionViewSet(ConditionalWrites, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Rubric criteria; organisers of the category's programme only."""

    queryset = Criterion.objects.none()
    serializer_class = CriterionSerializer
    permission_classes = [ActionRules]
    action_rules = {
        "create": any_organiser,
        "retrieve": authenticated,
        "update": authenticated,
        "partial_update": authenticated,
    }

    def get_queryset(self):
        return Criterion.objects.filter(
            category__programme_id__in=programme_ids_with_role(self.request.user, Role.ORGANISER)
        )

    @extend_schema(parameters=[ETAG], responses={200: CriterionSerializer})
    def retrieve(self, request, pk=None):
        """The criterion, with the ETag to send in If-Match when changing it."""
        return self.tagged_object()

    @extend_schema(parameters=[IF_MATCH, ETAG], responses={200: CriterionSerializer, 412: PRECONDITION_FAILED})
    def update(self, request, *args, **kwargs):
        """Change the criterion; with If-Match, only if no one else has changed it since."""
        with transaction.atomic():
            criterion = self.locked_object()
            serializer = self.get_serializer(criterion, data=request.data, partial=kwargs.get("partial", False))
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return self.tagged_object()

    @extend_schema(parameters=[IF_MATCH, ETAG], responses={200: CriterionSerializer, 412: PRECONDITION_FAILED})
    def partial_update(self, request, *args, **kwargs):
        """Change the fields sent; with If-Match, only if no one else has changed the criterion since."""
        return self.update(request, *args, partial=True, **kwargs)
