"""The navigation's Event and Door links."""

from awards.enums import Role
from awards.rules import programme_ids_with_role


def event_nav(request) -> dict:
    """Organisers get the Nominations, Dashboard and Event links; event staff the Door link."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return {"show_event_link": False, "show_door_link": False}
    return {
        "show_event_link": bool(programme_ids_with_role(user, Role.ORGANISER)),
        "show_door_link": bool(programme_ids_with_role(user, Role.EVENT_STAFF)),
    }
