"""Where sign-in lands each person: the place their work is (LOGIN_REDIRECT_URL is `landing`).

It lives in dashboard, the rightmost app of the people's pages, because it reads every role: an
organiser's programme overview (the dashboard), a panel member's scoring list, the door for event
staff, the safeguarding list for allocated workers, and a nominator's own nominations."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from awards.enums import Role
from awards.rules import programme_ids_with_role


def landing_for(user) -> str:
    """The URL name of the page where `user`'s work is."""
    if programme_ids_with_role(user, Role.ORGANISER):
        return "dashboard:dashboard"
    if user.panel_memberships.exists():
        return "shortlisting:queue"
    if programme_ids_with_role(user, Role.EVENT_STAFF):
        return "event-admin:door-events"
    if programme_ids_with_role(user, Role.STAFF):
        return "safeguarding:waiting"
    return "nominations:my-nominations"


@login_required
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return redirect(landing_for(request.user))
