"""The navigation's Event, Safeguarding and Door links."""

from awards.enums import Role
from awards.rules import programme_ids_with_role


def event_nav(request) -> dict:
    """Organisers get the Nominations, Dashboard and Event links; event staff the Door link;
    organisers and staff the Safeguarding link."""
    user = getattr(request, "user", None)  # none on an error page drawn before authentication
    if not getattr(user, "is_authenticated", False):
        return {"show_event_link": False, "show_door_link": False, "show_safeguarding_link": False}
    organises = bool(programme_ids_with_role(user, Role.ORGANISER))
    return {
        "show_event_link": organises,
        "show_door_link": bool(programme_ids_with_role(user, Role.EVENT_STAFF)),
        # Organisers and allocated workers record safeguarding checks and consent.
        "show_safeguarding_link": organises or bool(programme_ids_with_role(user, Role.STAFF)),
    }
