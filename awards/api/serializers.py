"""Programmes, categories and criteria through the API: input serializers check shape, services check
rules."""

from rest_framework import serializers

from awards.enums import Role
from awards.rules import programme_ids_with_role

from ..models import Category, Criterion, Programme


class CriterionSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), write_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "category", "name", "guidance", "weight", "max_score", "display_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "category" in self.fields:
            self.fields["category"].queryset = Category.objects.filter(
                programme_id__in=programme_ids_with_role(request.user, Role.ORGANISER)
            )


class CategorySerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", queryset=Programme.objects.none())
    eligibility = serializers.CharField(source="eligibility_text", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "programme",
            "name",
            "slug",
            "description",
            "eligibility",
            "nominee_kind",
            "cohort",
            "min_age",
            "max_age",
            "max_finalists",
            "display_order",
            "is_active",
            "criteria",
        ]
        # The slug clash is checked in validate() with a message that names the programme.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["programme"].queryset = Programme.objects.filter(
                pk__in=programme_ids_with_role(request.user, Role.ORGANISER)
            )

    def validate(self, attrs):
        min_age = attrs.get("min_age", getattr(self.instance, "min_age", None))
        max_age = attrs.get("max_age", getattr(self.instance, "max_age", None))
        if min_age is not None and max_age is not None and min_age > max_age:
            raise serializers.ValidationError({"max_age": "The maximum age must not be below the minimum age."})
        programme = attrs.get("programme", getattr(self.instance, "programme", None))
        slug = attrs.get("slug", getattr(self.instance, "slug", None))
        clash = Category.objects.filter(programme=programme, slug=slug)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if programme is not None and clash.exists():
            raise serializers.ValidationError({"slug": f"{programme} already has a category '{slug}'."})
        return attrs


class ProgrammeSerializer(serializers.ModelSerializer):
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "slug",
            "year",
            "status",
            "nominations_open_at",
            "nominations_close_at",
            "age_reference_date",
            "event_date",
            "blind_review",
            "is_open",
        ]

    def get_is_open(self, programme) -> bool:
        return programme.window_is_open()


class CopyCategoriesSerializer(serializers.Serializer):
    source = serializers.SlugField(help_text="Slug of the programme to copy categories and rubrics from.")
