"""Every rate limit holds against a made-up X-Forwarded-For: the API's throttles (public
nominations, token sign-in, the RSVP and nominator-link APIs), the pages' limits (the nomination
form, the RSVP link, the nominator's private link) and the sign-in lockout all read the client's
address one way (`nominations.rate_limits.client_ip`), honouring NUM_PROXIES as the README says:
with no trusted proxy the header is ignored; behind N proxies the address the outermost one saw
counts, whatever the client wrote before it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.throttling import SimpleRateThrottle

from nominations.rate_limits import ClientRateThrottle, client_ip

pytestmark = pytest.mark.django_db

RATE = 2  # requests allowed per client address in these tests
_addresses = itertools.count(1)


def made_up_address() -> str:
    n = next(_addresses)
    return f"198.18.{n // 250}.{n % 250 + 1}"


@dataclass(frozen=True)
class Limiter:
    name: str
    send: Callable  # (client, **extra) -> response
    scope: str = ""  # a DRF throttle scope, or
    setting: str = ""  # the setting that holds a page's rate


def _post_json(url, body):
    return lambda client, **extra: client.post(url, body, content_type="application/json", **extra)


LIMITERS = [
    Limiter("nominate (API)", _post_json("/api/v1/nominations/", {}), scope="nominate"),
    Limiter("token sign-in (API)", _post_json("/api/v1/auth/token/", {}), scope="token_login"),
    Limiter("RSVP view (API)", _post_json("/api/v1/rsvp/view/", {"token": "made-up"}), scope="rsvp"),
    Limiter("RSVP answer (API)", _post_json("/api/v1/rsvp/respond/", {"token": "made-up", "attending": False}), scope="rsvp"),
    Limiter("nominator link (API)", _post_json("/api/v1/nomination-link/view/", {"token": "made-up"}), scope="nomination_link"),
    Limiter("nomination form (page)", lambda client, **extra: client.post("/nominate/no-such/", {}, **extra), setting="PROUD_NOMINATION_RATE"),
    Limiter("RSVP link (page)", lambda client, **extra: client.get("/rsvp/made-up-token/", **extra), setting="PROUD_RSVP_LINK_RATE"),
    Limiter("nominator link (page)", lambda client, **extra: client.get("/n/made-up-token/", **extra), setting="PROUD_NOMINATION_LINK_RATE"),
]


@pytest.fixture
def low_rates(settings, monkeypatch):
    """Every limiter at RATE requests per hour (the API reads its rates once, at import)."""
    rates = {scope: f"{RATE}/hour" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    for limiter in LIMITERS:
        if limiter.setting:
            setattr(settings, limiter.setting, f"{RATE}/h")


@pytest.mark.parametrize("limiter", LIMITERS, ids=lambda limiter: limiter.name)
def test_a_new_forwarded_for_on_every_request_does_not_escape_the_limit(limiter, low_rates, settings):
    settings.NUM_PROXIES = 0
    client = Client(REMOTE_ADDR="203.0.113.5")

    statuses = [limiter.send(client, HTTP_X_FORWARDED_FOR=made_up_address()).status_code for _ in range(RATE + 1)]

    assert 429 not in statuses[:RATE], statuses
    assert statuses[RATE] == 429
    # Another client (another connection address) is not held back by the first one's limit.
    assert limiter.send(Client(REMOTE_ADDR="203.0.113.6")).status_code != 429


@pytest.mark.parametrize("limiter", LIMITERS, ids=lambda limiter: limiter.name)
def test_behind_a_trusted_proxy_the_address_it_saw_is_limited(limiter, low_rates, settings):
    settings.NUM_PROXIES = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")  # every request arrives from the proxy

    # The same client, each time with a different made-up hop before the one the proxy added.
    statuses = [
        limiter.send(proxy, HTTP_X_FORWARDED_FOR=f"{made_up_address()}, 203.0.113.5").status_code for _ in range(RATE + 1)
    ]
    # Another client behind the same proxy has a limit of its own.
    other = limiter.send(proxy, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code

    assert 429 not in statuses[:RATE], statuses
    assert statuses[RATE] == 429
    assert other != 429


def test_the_client_address_honours_num_proxies(settings, rf):
    settings.NUM_PROXIES = 0
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.66", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"
    settings.NUM_PROXIES = 1
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")) == "203.0.113.9"
    settings.NUM_PROXIES = 2
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2", REMOTE_ADDR="10.0.0.1")) == "203.0.113.9"
    # Fewer hops than trusted proxies: the request did not come through them; its own address counts.
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.8")) == "198.51.100.8"


def test_every_limiter_reads_the_address_from_the_one_function():
    """The page limits (django-ratelimit), the lockout (django-axes) and every API throttle."""
    assert django_settings.RATELIMIT_IP_META_KEY == "nominations.rate_limits.client_ip"
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "nominations.rate_limits.client_ip"

    def views(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern)
            elif isinstance(pattern, URLPattern):
                yield getattr(pattern.callback, "cls", None)

    throttles = {throttle for view in views(get_resolver()) if view for throttle in getattr(view, "throttle_classes", ())}
    assert throttles, "the API has throttles"
    assert [t for t in throttles if not issubclass(t, ClientRateThrottle)] == []
    assert django_settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES", []) == []
