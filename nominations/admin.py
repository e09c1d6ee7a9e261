"""Organisers' back office. The admin is for organisers (Django staff accounts), who may see
identity fields; it writes through the services where a change has rules (transitions)."""

from django.contrib import admin

from awards.admin_scoping import ProgrammeScopedAdmin

from .models import Consent, IdentityAccess, Nomination, NominationHistory, Nominee, NomineeGroup, NomineeHistory


class NominationHistoryInline(admin.TabularInline):
    model = NominationHistory
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor_label", "reason", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["recorded_by", "withdrawn_at", "withdrawn_by"]


@admin.register(Nominee)
class NomineeAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["id", "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "cohort", "area", "publicity_level", "programme"]
    list_filter = ["programme", "kind", "cohort", "area", "publicity_level", "photography_allowed"]
    search_fields = ["legal_first_name", "legal_last_name", "preferred_name"]
    list_select_related = ["programme"]
    raw_id_fields = ["allocated_worker", "safeguarding_checked_by", "possible_duplicate_of", "merged_into"]
    readonly_fields = ["match_key", "created_at"]
    inlines = [ConsentInline]


@admin.register(NomineeGroup)
class NomineeGroupAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "programme"]
    list_filter = ["programme"]
    search_fields = ["name"]
    raw_id_fields = ["members"]


@admin.register(Nomination)
class NominationAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    list_display = ["reference", "category", "status", "nominator_name", "nominator_relationship", "source", "submitted_at"]
    list_filter = ["programme", "category", "status", "source", "nominator_relationship"]
    search_fields = ["reference", "nominator_name", "nominator_email", "nominee__legal_first_name", "nominee__legal_last_name"]
    list_select_related = ["category"]
    raw_id_fields = ["nominee", "group", "nominator_user"]
    # The status moves only through the lifecycle service (API or pages), which keeps history.
    readonly_fields = ["reference", "status", "access_token_hash", "submitted_at", "created_at", "updated_at"]
    date_hierarchy = "submitted_at"
    inlines = [NominationHistoryInline]


@admin.register(NominationHistory)
class NominationHistoryAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "nomination__programme_id"
    list_display = ["nomination", "action", "from_status", "to_status", "actor_label", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["nomination__reference", "actor_label", "reason"]
    list_select_related = ["nomination"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NomineeHistory)
class NomineeHistoryAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "nominee__programme_id"
    list_display = ["nominee", "action", "actor_label", "at"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "nominee__programme_id"
    list_display = ["nominee", "purpose", "given", "given_by", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "given", "given_by"]
    raw_id_fields = ["nominee", "recorded_by", "withdrawn_by"]


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "nominee__programme_id"
    list_display = ["at", "username", "nominee", "context"]
    list_filter = ["context"]
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
