"""Plain predicates about who holds which role. Each takes (user, ...) and returns bool.

Roles are read once per user object and kept on it, so a list of a hundred rows asks
the database once, not a hundred times.
"""

from .enums import Role
from .models import ProgrammeRole


def roles_by_programme(user) -> dict[int, frozenset[str]]:
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_proud_roles", None)
    if cached is None:
        collected: dict[int, set[str]] = {}
        for programme_id, role in ProgrammeRole.objects.filter(user=user).values_list("programme_id", "role"):
            collected.setdefault(programme_id, set()).add(role)
        cached = {pid: frozenset(roles) for pid, roles in collected.items()}
        user._proud_roles = cached
    return cached


def has_role(user, programme_id: int, role: str) -> bool:
    return role in roles_by_programme(user).get(programme_id, frozenset())


def programme_ids_with_role(user, role: str) -> list[int]:
    return [pid for pid, roles in roles_by_programme(user).items() if role in roles]


def is_organiser(user, programme) -> bool:
    return has_role(user, _pk(programme), Role.ORGANISER)


def is_staff_member(user, programme) -> bool:
    return has_role(user, _pk(programme), Role.STAFF)


def is_event_staff(user, programme) -> bool:
    return has_role(user, _pk(programme), Role.EVENT_STAFF)


def is_any_organiser(user) -> bool:
    return bool(programme_ids_with_role(user, Role.ORGANISER))


def _pk(programme) -> int:
    return programme if isinstance(programme, int) else programme.pk
