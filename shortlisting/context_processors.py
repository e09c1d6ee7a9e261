"""The navigation's Panel and My nominations links."""

from awards.enums import Role
from awards.rules import is_any_organiser, roles_by_programme


def panel_nav(request) -> dict:
    """Show the Panel link only to panel members and organisers; "My nominations" to everyone
    signed in but door volunteers and panel members with no other role (they nominate on the
    public form, like anyone)."""
    user = getattr(request, "user", None)  # none on an error page drawn before authentication
    if user is None or not user.is_authenticated:
        return {"show_panel_link": False, "show_my_nominations": False}
    if is_any_organiser(user):
        return {"show_panel_link": True, "show_my_nominations": True}
    on_panel = user.panel_memberships.exists()
    roles = set().union(*roles_by_programme(user).values()) if roles_by_programme(user) else set()
    door_only = roles == {Role.EVENT_STAFF}
    return {"show_panel_link": on_panel, "show_my_nominations": Role.STAFF in roles or not (on_panel or door_only)}
