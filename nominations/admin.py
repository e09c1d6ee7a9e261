"""Organisers' back office. The admin is for organisers (Django staff accounts), who may see
identity fields; each view of them is logged (DESIGN.md rule 6). Changes that have rules go
through the services, not the admin: the lifecycle (status), the safeguarding check (publicity
level, photography, attendance, notes), consent, and merging nominees."""

from django import forms
from django.contrib import admin

from awards.admin_scoping import ProgrammeScopedAdmin, ProgrammeScopedInline

from .models import Consent, IdentityAccess, Nomination, NominationHistory, Nominee, NomineeGroup, NomineeHistory
from .services import identity_access_record

# Set only by nominations.services.nominee_record_safeguarding (API / pages), which honours
# consent and writes NomineeHistory.
SAFEGUARDING_FIELDS = [
    "publicity_level",
    "photography_allowed",
    "named_to_event_staff",
    "contact_allowed",
    "attendance_safe",
    "safeguarding_checked_at",
    "safeguarding_checked_by",
    "safeguarding_notes",
]


class IdentityLoggedAdmin:
    """Log each changelist page and change page that shows nominees' identity fields."""

    identity_context = ""  # e.g. "admin.nominee": gives admin.nominee.changelist / admin.nominee.change

    def identity_nominee_ids(self, objects) -> list[int]:
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            identity_access_record(
                user=request.user,
                nominee_ids=self.identity_nominee_ids(changelist.result_list),
                context=f"{self.identity_context}.changelist",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("original")
        if response.status_code == 200 and shown is not None:
            identity_access_record(
                user=request.user, nominee_ids=self.identity_nominee_ids([shown]), context=f"{self.identity_context}.change"
            )
        return response


class NominationHistoryInline(ProgrammeScopedInline, admin.TabularInline):
    model = NominationHistory
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor_label", "reason", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConsentInline(ProgrammeScopedInline, admin.TabularInline):
    """Shown, never edited here: consent is recorded and withdrawn through the services."""

    model = Consent
    extra = 0
    can_delete = False
    fields = ["purpose", "given", "given_by", "given_by_name", "given_at", "recorded_by", "withdrawn_at", "withdrawn_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Nominee)
class NomineeAdmin(IdentityLoggedAdmin, ProgrammeScopedAdmin, admin.ModelAdmin):
    identity_context = "admin.nominee"
    list_display = ["id", "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "cohort", "area", "publicity_level", "programme"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "kind", "cohort", "area", "publicity_level", "photography_allowed"]
    search_fields = ["legal_first_name", "legal_last_name", "preferred_name"]
    list_select_related = ["programme"]
    raw_id_fields = ["allocated_worker", "possible_duplicate_of"]
    # Merging moves nominations and consents: nominations.services.nominee_merge, not a field edit.
    readonly_fields = ["match_key", "created_at", "merged_into", *SAFEGUARDING_FIELDS]
    inlines = [ConsentInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("programme")  # its nominations stay in their programme
        return readonly

    def identity_nominee_ids(self, objects):
        return [nominee.pk for nominee in objects]


class NomineeGroupForm(forms.ModelForm):
    class Meta:
        model = NomineeGroup
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        programme_id = cleaned["programme"].pk if cleaned.get("programme") else self.instance.programme_id
        members = cleaned.get("members")
        if programme_id and members is not None and any(m.programme_id != programme_id for m in members):
            self.add_error("members", "Every member of a group must be a nominee of the group's programme.")
        return cleaned


@admin.register(NomineeGroup)
class NomineeGroupAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    # Members are shown as nominee ids only (no names), so this page is not an identity read.
    form = NomineeGroupForm
    list_display = ["name", "programme"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    raw_id_fields = ["members"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("programme")
        return readonly


@admin.register(Nomination)
class NominationAdmin(IdentityLoggedAdmin, ProgrammeScopedAdmin, admin.ModelAdmin):
    identity_context = "admin.nomination"
    list_display = ["reference", "category", "status", "nominator_name", "nominator_relationship", "source", "submitted_at"]
    list_filter = [
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
        "status",
        "source",
        "nominator_relationship",
    ]
    search_fields = ["reference", "nominator_name", "nominator_email", "nominee__legal_first_name", "nominee__legal_last_name"]
    list_select_related = ["category"]
    raw_id_fields = ["nominee", "group", "nominator_user"]
    # The status moves only through the lifecycle service (API or pages), which keeps history.
    readonly_fields = ["reference", "status", "access_token_hash", "submitted_at", "created_at", "updated_at"]
    date_hierarchy = "submitted_at"
    inlines = [NominationHistoryInline]

    def has_add_permission(self, request):
        # Nominations come in through the form, the API and the import, which check eligibility,
        # give the reference and write history; an admin-added row would have none of that.
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["programme", "category", "nominee", "group"]
        return readonly

    def identity_nominee_ids(self, objects):
        objects = list(objects)
        ids = [n.nominee_id for n in objects if n.nominee_id]
        group_ids = [n.group_id for n in objects if n.group_id]
        if group_ids:
            ids += NomineeGroup.members.through.objects.filter(nomineegroup_id__in=group_ids).values_list(
                "nominee_id", flat=True
            )
        return ids


@admin.register(NominationHistory)
class NominationHistoryAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "nomination__programme_id"
    list_display = ["nomination", "action", "from_status", "to_status", "actor_label", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["nomination__reference", "actor_label", "reason"]
    list_select_related = ["nomination"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NomineeHistory)
class NomineeHistoryAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    programme_path = "nominee__programme_id"
    list_display = ["nominee", "action", "actor_label", "at"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ProgrammeScopedAdmin, admin.ModelAdmin):
    """Read-only: consent is recorded and withdrawn through the services (API / pages), which
    apply a refusal to the publicity level, photography and attendance and write NomineeHistory.
    Lists show "Nominee #id", never a name."""

    programme_path = "nominee__programme_id"
    list_display = ["nominee", "purpose", "given", "given_by", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "given", "given_by"]
    raw_id_fields = ["nominee", "recorded_by", "withdrawn_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
