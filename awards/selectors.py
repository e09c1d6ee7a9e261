"""Reads of programmes and categories, scoped to who asks: open programmes to anyone, the rest to
their organisers."""

from django.db.models import Q, QuerySet

from .enums import PUBLIC_PROGRAMME_STATUSES, Role
from .models import Category, Programme
from .rules import programme_ids_with_role


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Public programmes for everyone; organisers also see their own in any status."""
    condition = Q(status__in=PUBLIC_PROGRAMME_STATUSES)
    organised = programme_ids_with_role(user, Role.ORGANISER)
    if organised:
        condition |= Q(pk__in=organised)
    return Programme.objects.filter(condition)


def categories_visible_to(user) -> QuerySet[Category]:
    """Active categories of public programmes; organisers see all of their programmes' categories."""
    condition = Q(programme__status__in=PUBLIC_PROGRAMME_STATUSES, is_active=True)
    organised = programme_ids_with_role(user, Role.ORGANISER)
    if organised:
        condition |= Q(programme_id__in=organised)
    return Category.objects.filter(condition).select_related("programme")
