"""Failed sign-ins (django-axes): the address a lockout is keyed on, and what a locked-out person
sees. A lockout holds one username from one address only, so nobody can lock a whole team out."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from .views import client_ip

LOCKED_OUT_CODE = "locked_out"


def client_address(request) -> str:
    """The client's address as rate limits see it: through NUM_PROXIES trusted proxies, else the
    connection's own address (never a forwarded header nobody trusted)."""
    if settings.NUM_PROXIES:
        return client_ip(request)
    return request.META.get("REMOTE_ADDR", "")


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
