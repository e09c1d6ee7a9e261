"""The access matrix, complete by construction: every operation of the OpenAPI schema and every
page URL pattern is called by every role, and

- an operation or page nobody has classified fails the test (so a new endpoint cannot slip by);
- the roles the policy allows are let through, every other role is refused — and an organiser of
  another programme always gets 404 for this programme's objects, never 403;
- no answer is a server error;
- no answer to a role below the identity tier carries the young person's identity (legal
  surname, date of birth, area) or the safeguarding notes, nor an unrevealed winner, nor (to a
  panel member who has not scored yet) another member's score.

Each request runs in a transaction that is rolled back, so one role's call cannot change what
the next role sees."""

from __future__ import annotations

import json
import re

import pytest
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.worlds import ACCESS_SECRETS, OTHERS_SCORE, AccessWorld, access_world

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous", "nominator", "staff_allocated", "staff_other", "panel_member", "panel_conflicted",
    "young_panel", "chair", "event_staff", "organiser_other", "organiser",
)
SECRETS = ACCESS_SECRETS
IDENTITY_TIER = {"organiser", "staff_allocated"}
# A panel member's scores reach the other members only once they have submitted their own (OTHERS_SCORE).
SEES_THE_CHAIRS_SCORE = {"chair", "organiser"}
# A nomination's recorded result, before the night (nominations.outcomes).
UNANNOUNCED_RESULT = re.compile(r'"status":\s*"(winner|highly_commended)"')


@pytest.fixture
def world(db) -> AccessWorld:
    return access_world()


# --- the policy: who may use what -----------------------------------------------------------

ORG = {"organiser"}
ORG_IDENTITY = {"organiser", "staff_allocated"}
PANEL = {"panel_member", "panel_conflicted", "young_panel", "chair"}
DOOR = {"organiser", "event_staff"}
AUTHENTICATED = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)

# (method, path pattern) -> roles let through. Paths are the schema's, with {param} kept.
# First match wins. An operation matching no row fails the test: classify it here.
API_POLICY: list[tuple[str, str, set]] = [
    # Public: open programmes, the nomination form, private links, token login.
    ("GET", r"^/api/v1/programmes/$", EVERYONE),
    ("GET", r"^/api/v1/programmes/\{slug\}/$", EVERYONE),
    ("GET", r"^/api/v1/categories/(\{id\}/)?$", EVERYONE),
    ("POST", r"^/api/v1/nominations/$", EVERYONE),
    ("POST", r"^/api/v1/(nomination-link|rsvp)/", EVERYONE),
    ("POST", r"^/api/v1/auth/token/$", EVERYONE),
    # Lists are scoped to what each role may see: any signed-in role gets an answer.
    ("GET", r"^/api/v1/[a-z-]+/$", AUTHENTICATED),
    ("GET", r"^/api/v1/nominations/export/$", {"organiser", "organiser_other"}),
    # Creating things: organisers (of any programme; the body names which).
    ("POST", r"^/api/v1/(categories|criteria|events|invitations|panels|running-order-items)/$", {"organiser", "organiser_other"}),
    ("POST", r"^/api/v1/nominations/import/$", {"organiser", "organiser_other"}),
    # Objects of this programme.
    ("*", r"^/api/v1/programmes/\{slug\}/copy-categories/$", ORG),
    ("*", r"^/api/v1/(categories|criteria)/\{id\}/$", ORG),
    ("GET", r"^/api/v1/nominations/\{id\}/$", ORG_IDENTITY),
    ("*", r"^/api/v1/nominations/\{id\}/transition/$", ORG),
    ("*", r"^/api/v1/my-nominations/\{id\}/", {"nominator"}),
    ("*", r"^/api/v1/nominees/\{id\}/merge/$", ORG),
    ("*", r"^/api/v1/nominees/\{id\}/", ORG_IDENTITY),
    ("GET", r"^/api/v1/panels/\{id\}/$", ORG | PANEL),
    ("GET", r"^/api/v1/panels/\{id\}/score-sheet/$", {"organiser", "chair"}),
    ("*", r"^/api/v1/panels/\{id\}/", ORG),
    ("*", r"^/api/v1/assignments/\{id\}/", {"panel_member"}),
    ("*", r"^/api/v1/shortlists/\{id\}/(propose/)?$", {"organiser", "chair"}),
    ("*", r"^/api/v1/shortlists/\{id\}/", ORG),
    ("GET", r"^/api/v1/events/\{id\}/(running-order|compere-script|door-totals)/$", DOOR),
    ("POST", r"^/api/v1/events/\{id\}/(arrivals|walk-ins)/$", DOOR),
    ("*", r"^/api/v1/events/\{id\}/", ORG),
    ("*", r"^/api/v1/guests/\{id\}/(check-in|undo-check-in)/$", DOOR),
    ("DELETE", r"^/api/v1/guests/\{id\}/$", DOOR),  # a walk-in (an invited guest: 409)
    ("*", r"^/api/v1/guests/\{id\}/", ORG),
    ("*", r"^/api/v1/(invitations|running-order-items|email-deliveries)/\{id\}/", ORG),
]

PATH_PARAMS = {
    "programmes": "programme", "categories": "category", "criteria": "criterion", "nominations": "nomination",
    "my-nominations": "my_nomination", "nominees": "nominee", "panels": "panel", "assignments": "assignment",
    "shortlists": "shortlist", "events": "event", "invitations": "invitation", "guests": "guest",
    "running-order-items": "running_order_item", "email-deliveries": "email_delivery",
}


def api_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    )


def policy_for(method: str, path: str) -> set | None:
    for rule_method, pattern, roles in API_POLICY:
        if rule_method in ("*", method) and re.search(pattern, path):
            return roles
    return None


def concrete(path: str, world: AccessWorld) -> str:
    resource = path.split("/")[3]
    key = PATH_PARAMS.get(resource)

    def fill(match):
        assert key, f"no object for {match.group(0)} in {path}: add the resource to PATH_PARAMS"
        return str(world.ids[key])

    return re.sub(r"\{[a-z_]+\}", fill, path)


def public_object(path: str) -> bool:
    """Objects anyone may read (an open programme and its categories): refusing to change them
    is a 403, there is nothing to hide by a 404."""
    return policy_for("GET", re.sub(r"/[a-z-]+/$", "/", path) if path.count("{") and not path.endswith("}/") else path) == EVERYONE


def leaks(role: str, body: str) -> list[str]:
    found = []
    if role not in IDENTITY_TIER:
        found += [name for name, marker in SECRETS.items() if marker in body]
    if role != "organiser" and re.search(r'"winner":\s*(\d+|\{|")', body):
        found.append("unrevealed winner")
    if role != "organiser" and UNANNOUNCED_RESULT.search(body):
        found.append("result before the night")
    if role not in SEES_THE_CHAIRS_SCORE and OTHERS_SCORE in body:
        found.append("another member's score before one's own")
    return found


def is_download(response) -> bool:
    return "attachment" in response.get("Content-Disposition", "")


def kept_by_a_cache(response) -> bool:
    """A download that a browser or proxy may keep: every file holds personal data."""
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return not {"private", "no-store"} <= directives


def call(client, method: str, url: str):
    """One request in a transaction that is rolled back afterwards."""
    with transaction.atomic():
        response = client.generic(method, url, data=json.dumps({}), content_type="application/json")
        transaction.set_rollback(True)
    if response.streaming:
        # Reading to the end closes it (the test client's wrapper); closing it again would send
        # request_finished, which closes the database connection mid-test on PostgreSQL.
        b"".join(response.streaming_content)
    return response


def test_every_api_operation_is_classified():
    unclassified = [f"{m} {p}" for m, p in api_operations() if policy_for(m, p) is None]
    assert unclassified == [], "classify these operations in API_POLICY"


def test_every_api_operation_answers_each_role_as_the_policy_says(world):
    operations = api_operations()
    failures = []
    calls = 0
    markers_seen_by_organiser = set()
    score_seen_by = set()
    downloads = set()
    for role in ROLES:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(world.users[role])
        for method, path in operations:
            allowed = policy_for(method, path)
            url = concrete(path, world)
            response = call(client, method, url)
            calls += 1
            status = response.status_code
            refused = status in (401, 403, 404)
            where = f"{role}: {method} {url} -> {status}"
            if status >= 500:
                failures.append(f"{where} (server error)")
            elif role in allowed and refused:
                failures.append(f"{where} (should be allowed)")
            elif role not in allowed and not refused:
                failures.append(f"{where} (should be refused)")
            elif role == "organiser_other" and "{" in path and role not in allowed and status != 404 and not public_object(path):
                failures.append(f"{where} (another programme's object must be 404)")
            if 200 <= status < 300 and is_download(response):
                downloads.add(path)
                if kept_by_a_cache(response):
                    failures.append(f"{where} is a download without Cache-Control: private, no-store")
            if 200 <= status < 300 and response.get("Content-Type", "").startswith("application/json"):
                body = response.content.decode()
                if role == "organiser":
                    markers_seen_by_organiser |= {name for name, marker in SECRETS.items() if marker in body}
                    markers_seen_by_organiser |= {"winner"} if re.search(r'"winner":\s*(\d+|\{|")', body) else set()
                    markers_seen_by_organiser |= {"result"} if UNANNOUNCED_RESULT.search(body) else set()
                if OTHERS_SCORE in body:
                    score_seen_by.add(role)
                leaked = leaks(role, body)
                if leaked:
                    failures.append(f"{where} leaks {leaked}")
    assert failures == [], "\n".join(failures)
    assert "chair" in score_seen_by, "the chair's score is there for the one who may see it"
    assert calls == len(operations) * len(ROLES)
    # Every file the API hands out was downloaded and checked above.
    assert downloads == {
        "/api/v1/nominations/export/", "/api/v1/panels/{id}/score-sheet/", "/api/v1/events/{id}/workbook/",
        "/api/v1/events/{id}/certificates/",
    }
    # The markers are really there for those allowed to see them, so their absence elsewhere means something.
    assert markers_seen_by_organiser == set(SECRETS) | {"winner", "result"}
    assert "chair" in score_seen_by, "the chair's score is there for the one who may see it"


# --- pages ------------------------------------------------------------------------------------

LINK = "private link"  # opened with a token: without one, everyone gets the same 404

PAGE_POLICY: dict[str, set | str] = {
    "nominations:home": EVERYONE,
    "privacy": EVERYONE,
    "accessibility": EVERYONE,
    "contact": EVERYONE,
    "nominations:nominate": EVERYONE,
    "nominations:nominate-done": EVERYONE,
    "nominations:private-link": LINK,
    "nominations:my-nomination": LINK,
    "nominations:my-nominations": AUTHENTICATED,
    "nominations:my-nomination-withdraw": {"nominator"},
    "events:rsvp": LINK,
    "events:rsvp-link": LINK,
    "recognition:link": LINK,
    "recognition:certificate": LINK,
    "recognition:letter": LINK,
    "events:celebrate": LINK,
    "events:celebrate-link": LINK,
    "login": EVERYONE,
    "logout": EVERYONE,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    "password_change": AUTHENTICATED,
    "password_change_done": AUTHENTICATED,
    "two-factor": AUTHENTICATED,
    "landing": AUTHENTICATED,  # a redirect to where each role's work is
    "shortlisting:queue": AUTHENTICATED,
    "shortlisting:score": {"panel_member"},
    "shortlisting:declare-conflict": {"panel_member"},
    "shortlisting:shortlist": {"organiser", "chair"},
    "shortlisting:shortlist-propose": {"organiser", "chair"},
    "shortlisting:shortlist-confirm": ORG,
    "shortlisting:shortlist-reopen": ORG,
    "shortlisting:manage": ORG,
    "shortlisting:manage-assign": ORG,
    "shortlisting:manage-remind": ORG,
    "organise:nominations": ORG,
    "organise:nomination": ORG,
    # Lists of what an organiser organises: any organiser gets their own (another's list is empty).
    "organise:nominations": {"organiser", "organiser_other"},
    "dashboard:dashboard": {"organiser", "organiser_other"},
    "event-admin:events": {"organiser", "organiser_other"},
    "event-admin:door-events": {"organiser", "organiser_other", "event_staff"},
    "data-protection:index": {"organiser", "organiser_other"},
    "data-protection:find": {"organiser", "organiser_other"},
    "data-protection:access-log": {"organiser", "organiser_other"},
    "data-protection:requests": {"organiser", "organiser_other"},
    # The safeguarding pages: anyone who may record a check gets the list of their own (maybe empty);
    # one young person's check only those who may read their identity.
    "safeguarding:waiting": {"organiser", "organiser_other", "staff_allocated", "staff_other"},
    "safeguarding:check": ORG_IDENTITY,
    "safeguarding:withdraw": ORG_IDENTITY,
    "event-admin:door-sw": EVERYONE,  # the door page's service worker script: no data
    # Show mode: where a key link lands (it opens nothing without a key); the controller, the
    # audience screen and the keys are the organiser's (show operators: tests/night/test_show_pages.py).
    "event-admin:show-open": EVERYONE,
    "schema": EVERYONE,  # the API's description, no data
    # Load balancers and monitoring (config/health.py): states, counts and seconds, no personal data.
    "health-live": EVERYONE,
    "health-ready": EVERYONE,
    "health": EVERYONE,
    "api-docs": EVERYONE,
}
# Event pages: the organiser's, except what the door team uses on the night.
DOOR_PAGES = {
    "event-admin:door-events", "event-admin:door-sw", "event-admin:door", "event-admin:door-arrive",
    "event-admin:door-undo", "event-admin:door-remove", "event-admin:door-walk-in", "event-admin:door-arrivals",
    "event-admin:door-totals", "event-admin:door-list", "event-admin:door-party-arrive",
    "event-admin:running-order", "event-admin:compere-script",
    # Show mode: the compere's and the stage view (and their polls) are for the event team too.
    "event-admin:show-compere", "event-admin:show-compere-state", "event-admin:show-stage", "event-admin:show-stage-state",
}
PAGE_PARAMS = {
    "slug": "programme", "pk": "my_nomination", "assignment_id": "assignment", "category_id": "shortlist",
    "panel_id": "panel", "event_id": "event", "invitation_id": "invitation", "delivery_id": "email_delivery",
    "item_id": "running_order_item", "guest_id": "guest", "nominee_id": "nominee", "key_id": "show_key",
    "operator_id": "show_operator", "nomination_id": "nomination",
}
OTHER_PARAMS = {"token": "not-a-real-token", "uidb64": "MQ", "request_id": 999_999, "purpose": "attending"}


def page_patterns() -> list[tuple[str, str]]:
    """(name, route) of every page: the URL patterns outside the admin and the API."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                route = prefix + str(pattern.pattern)
                if route.startswith(("admin/", "api/")):
                    continue
                walk(pattern, route, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern):
                found.append((namespace + (pattern.name or "?"), prefix + str(pattern.pattern)))

    walk(get_resolver(), "", "")
    return found


def page_policy(name: str):
    if name in PAGE_POLICY:
        return PAGE_POLICY[name]
    if name in DOOR_PAGES:
        return DOOR
    if name.startswith("event-admin:"):
        return ORG
    if name.startswith("data-protection:"):
        return ORG
    return None


def page_url(route: str, world: AccessWorld) -> str:
    def fill(match):
        name = match.group(2)
        if name in PAGE_PARAMS:
            return str(world.ids[PAGE_PARAMS[name]])
        assert name in OTHER_PARAMS, f"no value for <{name}> in {route}: add it to PAGE_PARAMS"
        return str(OTHER_PARAMS[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def test_every_page_is_classified():
    unclassified = [f"{name} ({route})" for name, route in page_patterns() if page_policy(name) is None]
    assert unclassified == [], "classify these pages in PAGE_POLICY"


def test_every_page_answers_each_role_as_the_policy_says(world):
    failures = []
    downloads = set()
    patterns = page_patterns()
    for role in ROLES:
        client = Client()
        for name, route in patterns:
            policy = page_policy(name)
            url = page_url(route, world)
            if role != "anonymous":
                client.force_login(world.users[role])  # again: the sign-out page signs out
            with transaction.atomic():
                response = client.get(url)
                if response.status_code == 405:
                    response = client.post(url, {})
                transaction.set_rollback(True)
            if response.streaming:
                b"".join(response.streaming_content)  # read to the end, which closes it
            status = response.status_code
            to_login = status == 302 and "/accounts/login/" in response.get("Location", "")
            refused = status in (401, 403, 404) or to_login
            where = f"{role}: {name} {url} -> {status}"
            if status >= 500:
                failures.append(f"{where} (server error)")
            elif policy == LINK:
                pass  # without a token: the neutral page, checked in the link tests
            elif str(OTHER_PARAMS["request_id"]) in url:
                pass  # no subject-access request in this world yet: only "no server error, no leak"
            elif role in policy and refused:
                failures.append(f"{where} (should be allowed)")
            elif role not in policy and not refused:
                failures.append(f"{where} (should be refused)")
            elif role == "anonymous" and role not in policy and not (to_login or status == 401):
                failures.append(f"{where} (anonymous should be sent to sign in)")
            elif role == "organiser_other" and role not in policy and status != 404:
                failures.append(f"{where} (another programme's object must be 404)")
            if status == 200 and is_download(response):
                downloads.add(name)
                if kept_by_a_cache(response):
                    failures.append(f"{where} is a download without Cache-Control: private, no-store")
            if status == 200 and response.get("Content-Type", "").startswith("text/html"):
                leaked = leaks(role, response.content.decode())
                if leaked:
                    failures.append(f"{where} leaks {leaked}")
    assert failures == [], "\n".join(failures)
    # The subject-access downloads need a reviewed request: tests/test_downloads.py checks those.
    assert downloads == {
        "event-admin:workbook", "event-admin:certificates", "event-admin:certificates-pdf", "event-admin:certificate-pdf",
        "event-admin:print-badges", "event-admin:print-place-cards", "event-admin:print-table-cards",
        "event-admin:photographer-sheet",
        "event-admin:letters-pdf",
    }
