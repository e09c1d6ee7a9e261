"""Failed sign-ins (django-axes): what a locked-out person sees. A lockout holds one username from
one address only, so nobody can lock a whole team out; the address is `nominations.rate_limits.client_ip`,
as for every rate limit (settings.AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_CODE = "locked_out"


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out_message() -> str:
    return (
        "Too many failed sign-ins to this account from your network. "
        f"You can try again {cool_off_minutes()} minutes after the last failed attempt."
    )


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the lockout page for people; it names no one."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": locked_out_message(), "code": LOCKED_OUT_CODE}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"minutes": cool_off_minutes()}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
