"""Site-wide views: the client address as the trusted proxies saw it, and the too-many-requests page."""

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """The client's address as the trusted proxies saw it (settings.NUM_PROXIES hops)."""
    if settings.NUM_PROXIES <= 0:
        # No proxy we trust: X-Forwarded-For is whatever the client wrote, so it is ignored.
        return request.META.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) >= settings.NUM_PROXIES:
        return hops[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request, exception=None):
    """Shown when someone sends too many requests (django-ratelimit)."""
    return render(request, "429.html", status=429)
