"""Shortlisting in the organisers' back office: a read-only record to look things up.

Every change has rules (conflicts, locks, the shortlist lifecycle) and so goes through the
services, from the panel pages or the API; the admin shows panels, members, conflicts and
shortlists of the programmes the user organises, and changes nothing."""

from django.contrib import admin

from awards.admin_scoping import ProgrammeScopedAdmin, ProgrammeScopedInline

from .models import Conflict, Panel, PanelCategory, PanelMember, Shortlist, ShortlistHistory


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PanelCategoryInline(ReadOnlyMixin, ProgrammeScopedInline, admin.TabularInline):
    model = PanelCategory
    extra = 0
    fields = ["category"]
    readonly_fields = fields


class PanelMemberInline(ReadOnlyMixin, ProgrammeScopedInline, admin.TabularInline):
    model = PanelMember
    extra = 0
    fields = ["user", "role", "is_young_person", "is_care_experienced", "created_at"]
    readonly_fields = fields


@admin.register(Panel)
class PanelAdmin(ReadOnlyMixin, ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "programme", "strategy", "reviewers_per_nomination", "deadline"]
    list_filter = ["programme", "strategy"]
    search_fields = ["name"]
    inlines = [PanelCategoryInline, PanelMemberInline]


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyMixin, ProgrammeScopedAdmin, admin.ModelAdmin):
    """Shows the member and the nominee record number, not the nominee's name."""

    programme_path = "member__panel__programme_id"
    list_display = ["member", "nominee_id", "source", "created_at"]
    list_filter = ["source", "member__panel"]
    list_select_related = ["member__user", "member__panel"]
    fields = ["member", "nominee_id", "source", "reason", "created_at"]
    readonly_fields = fields


class ShortlistHistoryInline(ReadOnlyMixin, ProgrammeScopedInline, admin.TabularInline):
    model = ShortlistHistory
    extra = 0
    fields = ["action", "actor_label", "reason", "at"]
    readonly_fields = fields


@admin.register(Shortlist)
class ShortlistAdmin(ReadOnlyMixin, ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "category__programme_id"
    list_display = ["category", "panel", "state", "proposed_at", "confirmed_at"]
    list_filter = ["state", "panel"]
    list_select_related = ["category", "panel"]
    fields = ["category", "panel", "state", "finalist_count", "proposed_by", "proposed_at", "confirmed_by", "confirmed_at"]
    readonly_fields = fields
    inlines = [ShortlistHistoryInline]

    @admin.display(description="finalists")
    def finalist_count(self, obj) -> int:
        return obj.finalists.count()
