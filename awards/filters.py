"""Filters of the awards API."""

import django_filters

from .models import Category


class CategoryFilterSet(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__slug", help_text="Programme slug")

    class Meta:
        model = Category
        fields = ["programme", "nominee_kind", "cohort", "is_active"]
