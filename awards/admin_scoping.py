"""Admin access follows programme roles: an organiser's back office shows their programmes only."""

from .enums import Role
from .rules import programme_ids_with_role


class ProgrammeScopedAdmin:
    """Mix into a ModelAdmin; `programme_path` is the lookup from the model to its programme id."""

    programme_path = "programme_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organised = programme_ids_with_role(request.user, Role.ORGANISER)
        return queryset.filter(**{f"{self.programme_path}__in": organised})
