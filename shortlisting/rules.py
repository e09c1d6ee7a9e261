"""Who may do what on panels: plain predicates."""

from awards.rules import is_organiser

from .enums import PanelRole


def membership(user, panel):
    """The user's PanelMember row on this panel, or None. Cached on the panel object per user."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = panel.__dict__.setdefault("_members_by_user", {})
    if user.pk not in cache:
        cache[user.pk] = panel.members.filter(user=user).first()
    return cache[user.pk]


def can_manage_panel(user, panel) -> bool:
    return is_organiser(user, panel.programme_id)


def is_chair(user, panel) -> bool:
    member = membership(user, panel)
    return member is not None and member.role == PanelRole.CHAIR


def can_view_ranking(user, panel) -> bool:
    return can_manage_panel(user, panel) or is_chair(user, panel)


def can_score(user, assignment) -> bool:
    return getattr(user, "is_authenticated", False) and assignment.member.user_id == user.pk
