from awards.enums import Role
from awards.rules import programme_ids_with_role


def event_nav(request) -> dict:
    """Show the Event link to organisers."""
    user = request.user
    return {"show_event_link": bool(getattr(user, "is_authenticated", False) and programme_ids_with_role(user, Role.ORGANISER))}
