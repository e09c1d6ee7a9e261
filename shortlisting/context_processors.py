"""Whether the signed-in user sits on a panel: the navigation's Panel link."""

from awards.rules import is_any_organiser


def panel_nav(request) -> dict:
    """Show the Panel link only to panel members and organisers."""
    user = request.user
    if not user.is_authenticated:
        return {"show_panel_link": False}
    return {"show_panel_link": is_any_organiser(user) or user.panel_memberships.exists()}
