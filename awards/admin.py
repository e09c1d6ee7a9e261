"""The organisers' back office for programmes, categories and rubrics, scoped to their own programmes."""

from django.contrib import admin

from .admin_scoping import ProgrammeScopedAdmin, ProgrammeScopedInline
from .models import Category, Criterion, Programme, ProgrammeRole


class CategoryInline(ProgrammeScopedInline, admin.TabularInline):
    model = Category
    extra = 0
    fields = ["name", "slug", "nominee_kind", "cohort", "min_age", "max_age", "max_finalists", "display_order", "is_active"]
    show_change_link = True


class CriterionInline(ProgrammeScopedInline, admin.TabularInline):
    model = Criterion
    extra = 0


class ProgrammeRoleInline(ProgrammeScopedInline, admin.TabularInline):
    model = ProgrammeRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "pk"
    list_display = ["name", "year", "status", "nominations_open_at", "nominations_close_at", "blind_review"]
    list_filter = ["status", "year", "blind_review"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CategoryInline, ProgrammeRoleInline]

    def has_add_permission(self, request):
        # A new programme belongs to no organiser yet: only superusers create programmes
        # (and give someone the organiser role in it).
        return request.user.is_superuser and super().has_add_permission(request)


@admin.register(Category)
class CategoryAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "programme", "nominee_kind", "cohort", "min_age", "max_age", "max_finalists", "is_active"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "nominee_kind", "cohort", "is_active"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["programme"]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Its nominations belong to the programme: a category does not move between programmes.
            readonly.append("programme")
        return readonly


@admin.register(ProgrammeRole)
class ProgrammeRoleAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "role", "programme"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "programme"]
    autocomplete_fields = ["user"]
