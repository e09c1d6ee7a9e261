"""Admin access follows programme roles: an organiser's back office shows their programmes only.

Three layers, all skipped for superusers:

- what a list shows: `get_queryset` keeps the rows of the programmes the user organises;
- what a form accepts: every foreign-key and many-to-many choice of a programme-owned model
  (Programme itself, or any model with a `programme` foreign key: Category, Nominee,
  NomineeGroup, Nomination, ...) is limited to those programmes. The form field validates
  against that queryset, so raw-id and autocomplete widgets are held to it too;
- what is saved: `save_model` refuses (PermissionDenied) an object whose programme the user
  does not organise, as a last line behind the form.

List filters on relations list only the related rows the user can see
(RelatedOnlyFieldListFilter), never every programme's or category's name.
"""

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, PermissionDenied

from .enums import Role
from .models import Programme
from .rules import programme_ids_with_role


def organised_programme_ids(request) -> list[int]:
    return programme_ids_with_role(request.user, Role.ORGANISER)


def programme_path_of(model) -> str | None:
    """The lookup from `model` to its programme's id, or None when the model is not programme-owned."""

    if issubclass(model, Programme):
        return "pk"
    try:
        field = model._meta.get_field("programme")
    except FieldDoesNotExist:
        return None
    if field.many_to_one and issubclass(field.related_model, Programme):
        return "programme_id"
    return None


class ScopedChoicesMixin:
    """Limit relation choices in admin forms (ModelAdmin or inline) to the organised programmes."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if request.user.is_superuser:
            return queryset
        related = db_field.remote_field.model
        path = programme_path_of(related)
        if path is None:
            return queryset  # e.g. users: not programme-owned
        if queryset is None:
            queryset = related._default_manager.using(db).all()
        return queryset.filter(**{f"{path}__in": organised_programme_ids(request)})


class ProgrammeScopedInline(ScopedChoicesMixin):
    """Mix into an InlineModelAdmin."""


class ProgrammeScopedAdmin(ScopedChoicesMixin):
    """Mix into a ModelAdmin; `programme_path` is the lookup from the model to its programme id."""

    programme_path = "programme_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.programme_path}__in": organised_programme_ids(request)})

    def get_list_filter(self, request):
        """A filter on a relation lists only the related rows present in this user's list."""
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except (FieldDoesNotExist, NotRelationField):
                    field = None
                if field is not None and field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

    def programme_id_of(self, obj) -> int | None:
        value = obj
        for part in self.programme_path.split("__"):
            if value is None:
                return None
            value = getattr(value, part)
        return value

    def check_programme(self, request, obj) -> None:
        if request.user.is_superuser:
            return
        if self.programme_id_of(obj) not in organised_programme_ids(request):
            raise PermissionDenied("You can only change programmes you organise.")

    def save_model(self, request, obj, form, change):
        self.check_programme(request, obj)
        super().save_model(request, obj, form, change)
