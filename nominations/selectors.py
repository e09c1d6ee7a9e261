"""Every read of nominations and nominees that reaches a person goes through here."""

import hashlib

from django.db.models import Q, QuerySet

from awards.enums import Role
from awards.rules import programme_ids_with_role

from .models import Nomination, Nominee


def nominations_with_identity_for(user, *, programme=None) -> QuerySet[Nomination]:
    """Nominations whose nominee identity this user may read: every nomination of the
    programmes they organise, and those of young people allocated to them."""
    if not getattr(user, "is_authenticated", False):
        return Nomination.objects.none()
    # Allocated workers only while they hold the staff role in that programme. A branch that
    # cannot match is left out rather than sent: its join to the nominee alone tripled the time
    # of counting an organiser's 100,000 nominations.
    condition = Q(pk__in=[])
    staffed = programme_ids_with_role(user, Role.STAFF)
    if staffed:
        condition |= Q(nominee__allocated_worker=user, programme_id__in=staffed)
    organised = programme_ids_with_role(user, Role.ORGANISER)
    if organised:
        condition |= Q(programme_id__in=organised)
    queryset = Nomination.objects.filter(condition)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset


def nominations_made_by(user) -> QuerySet[Nomination]:
    """A logged-in nominator's own nominations."""
    if not getattr(user, "is_authenticated", False):
        return Nomination.objects.none()
    return Nomination.objects.filter(nominator_user=user)


def nominees_with_identity_for(user) -> QuerySet[Nominee]:
    if not getattr(user, "is_authenticated", False):
        return Nominee.objects.none()
    condition = Q(allocated_worker=user, programme_id__in=programme_ids_with_role(user, Role.STAFF))
    organised = programme_ids_with_role(user, Role.ORGANISER)
    if organised:
        condition |= Q(programme_id__in=organised)
    return Nominee.objects.filter(condition)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def nomination_for_private_link(token: str) -> Nomination | None:
    """The nomination a private link opens, or None for any token that is not one."""
    if not token or len(token) > 128:
        return None
    return (
        Nomination.objects.select_related("category", "programme", "nominee", "group")
        .filter(access_token_hash=hash_token(token))
        .first()
    )


def nomination_for_link_session(nomination_id) -> Nomination | None:
    """The nomination whose private link was opened earlier in this session (the id is kept
    in the session so the token leaves the address bar)."""
    if nomination_id is None:
        return None
    return Nomination.objects.select_related("programme", "category", "nominee", "group").filter(pk=nomination_id).first()
