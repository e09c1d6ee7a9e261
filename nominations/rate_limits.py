"""Rate limits, keyed on the client's address read one way: `client_ip`.

Every limiter uses it: the API's throttles (`ClientRateThrottle`), the pages' limits (django-ratelimit,
through settings.RATELIMIT_IP_META_KEY and `page_rate_limit`) and the sign-in lockout (django-axes,
through settings.AXES_CLIENT_IP_CALLABLE). It lives here, in the first app with a public form to
protect; the apps to its right and config use it from here."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit
from rest_framework.throttling import ScopedRateThrottle


def client_ip(request: HttpRequest) -> str:
    """The client's address as the trusted proxies saw it (settings.NUM_PROXIES of them).

    With no trusted proxy, X-Forwarded-For is whatever the client wrote, so it is ignored. Behind N
    proxies each appends the address it saw: the N-th entry from the end is what the outermost one
    saw, and anything the client wrote before it is not looked at. A request with fewer entries
    than that did not come through the proxies; its connection's address counts."""
    num_proxies = settings.NUM_PROXIES
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if num_proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) >= num_proxies:
        return hops[-num_proxies]
    return remote_addr


class ClientRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (the view's `throttle_scope`), counting per `client_ip`: DRF's own
    reading of X-Forwarded-For trusts the header whenever its NUM_PROXIES is unset."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class ActionRateThrottle(ClientRateThrottle):
    """Throttles only the actions a view names in `throttled_actions`; other actions pass."""

    def allow_request(self, request, view) -> bool:
        if getattr(view, "action", None) not in getattr(view, "throttled_actions", ()):
            return True
        return super().allow_request(request, view)


def page_rate_limit(rate_setting: str, *, method=ALL):
    """A page's limit per client address, the rate read from `settings.<rate_setting>` on each request
    (so a changed setting applies at once). Over it, the too-many-requests page (429). Not blocking
    inside django-ratelimit's decorator: without its middleware a block would be a 403."""

    def rate(group: str, request: HttpRequest) -> str:
        return getattr(settings, rate_setting)

    def decorator(view):
        @ratelimit(key="ip", rate=rate, method=method, block=False)
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if getattr(request, "limited", False):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return limited

    return decorator
