"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis): every operation gets
generated requests, and every request is sent as each of the access matrix's eleven roles, with
schemathesis's response-conformance checks. No answer may be a server error, have a content type or
headers the schema does not declare for it, or a body that breaks the schema.

Each generated request is sent twice over:

- as generated (random ids, slugs and tokens), as the organiser: the refusals of what does not exist;
- grounded in the access world (tests/worlds.py: one of everything, a group and an adult nominee, a
  presenter's invitation, a walk-in, a running order …): the path's object, the ids a body or query
  names and the private links' tokens replaced by real ones, as every role, so the answers are the
  real ones each role gets, lists with data in them and commands that go through.

Every request runs in a transaction rolled back afterwards, so each role meets the same world."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from tests.worlds import AccessWorld, access_world


def closed_after_reading(application):
    """Close what a WSGI server closes once a response is sent: the response (a download's spooled
    file) and the request body. schemathesis reads a response without closing it, and werkzeug's
    test client spools a large generated upload to a temporary file it never closes; either stayed
    open until the garbage collector found it, in some later test, as an "unclosed file" warning."""

    def app(environ, start_response):
        body = application(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()
            environ["wsgi.input"].close()

    return app


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", closed_after_reading(get_wsgi_application()))
# Generated requests only (schemathesis's fuzzing phase, and the schema's own examples): its coverage
# phase sends hundreds of boundary-value requests per operation, which as eleven roles would take an hour.
schema.config.phases.coverage.enabled = False

pytestmark = pytest.mark.once

@schemathesis.check
def no_body_where_the_schema_declares_none(ctx, response, case):
    """An answer the schema declares without a body (`201: None`) has none: schemathesis's own checks
    look at a body only where the schema describes one."""
    declared = case.operation.definition.raw.get("responses", {}).get(str(response.status_code))
    if declared is not None and "content" not in declared and response.content:
        raise AssertionError(f"{response.status_code} is declared without a body, and came with one: {response.content[:200]!r}")


CHECKS = [
    not_a_server_error, content_type_conformance, response_headers_conformance, response_schema_conformance,
    no_body_where_the_schema_declares_none,
]
EXAMPLES = 3
ROLES = (
    "anonymous", "nominator", "staff_allocated", "staff_other", "panel_member", "panel_conflicted",
    "young_panel", "chair", "event_staff", "organiser_other", "organiser",
)

# The path's object, by the path's first segment (as the access matrix fills its paths).
PATH_OBJECTS = {
    "programmes": "programme", "categories": "category", "criteria": "criterion", "nominations": "nomination",
    "my-nominations": "my_nomination", "nominees": "nominee", "panels": "panel", "assignments": "assignment",
    "shortlists": "shortlist", "events": "event", "invitations": "invitation", "guests": "guest",
    "running-order-items": "running_order_item", "email-deliveries": "email_delivery",
}
# A body's or query's field naming an object: the world's object of that kind (a list: all of them).
FIELD_OBJECTS = {
    "programme": "programme", "event": "event", "category": "category", "nomination": "nomination", "winner": "nomination",
    "guest": "guest", "table": "table", "into": "nominee", "nominations": "nomination", "invitations": "invitation",
    "presenters": "invitation", "items": "running_order_items", "criterion": "criterion",
}
# The private link each token-taking operation opens.
TOKENS = {"/api/v1/rsvp/": "rsvp", "/api/v1/nomination-link/": "nomination"}


def _event_body(world: AccessWorld) -> dict:
    starts = timezone.now() + dt.timedelta(days=60)
    return {
        "programme": world.ids["other_programme"], "name": "Celebration night", "venue_name": "Town Hall",
        "venue_address": "1 High Street", "starts_at": starts.isoformat(),
        "doors_open_at": (starts - dt.timedelta(minutes=30)).isoformat(), "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
        "rsvp_deadline": (starts - dt.timedelta(days=14)).isoformat(), "capacity": 150, "organiser_contact_name": "Awards team",
        "organiser_contact_email": "awards@example.org",
    }


def _nomination_body(world: AccessWorld) -> dict:
    return {
        "programme": world.ids["programme"], "category": world.ids["category_slug"],
        "nominee": {"legal_first_name": "Kai", "legal_last_name": "Brennan", "date_of_birth": "2012-06-01", "cohort": "child_in_care"},
        "nominator_name": "Pat Carer", "nominator_email": "pat@example.org", "nominator_relationship": "foster_carer",
        "nominator_known_recently": True, "achievement": "Started a football club.", "why_it_matters": "Other children joined in.",
    }


# Requests that do what the operation is for, where generated ones would need luck: (the path's
# object, when not the usual one; the body). Every other operation's is its grounded path with an
# empty body. Sent once per operation, as every role; for these and every GET at least one role
# must get a 2xx answer, so the check of a successful answer is never skipped for want of data.
KNOWN_GOOD = {
    ("DELETE", "/api/v1/guests/{id}/"): lambda w: ("walk_in", None),
    ("POST", "/api/v1/auth/token/"): lambda w: (None, {"username": "organiser", "password": "correct horse battery"}),
    ("POST", "/api/v1/events/"): lambda w: (None, _event_body(w)),
    ("POST", "/api/v1/events/{id}/running-order/generate/"): lambda w: (None, {"replace": True}),
    ("POST", "/api/v1/invitations/{id}/send/"): lambda w: ("draft_invitation", None),
    ("POST", "/api/v1/my-nominations/{id}/submit/"): lambda w: ("draft_nomination", None),
    ("POST", "/api/v1/nominations/"): lambda w: (None, _nomination_body(w)),
    ("POST", "/api/v1/nominations/{id}/transition/"): lambda w: (
        "eligible_nomination", {"to": "ineligible", "reason": "Outside the age band"}
    ),
    ("POST", "/api/v1/nominees/{id}/merge/"): lambda w: (None, {"merge": w.ids["group_member"], "reason": "The same person"}),
    ("POST", "/api/v1/panels/"): lambda w: (
        None, {"programme": w.ids["programme"], "name": "Second panel", "categories": [w.ids["team_slug"]]}
    ),
    ("POST", "/api/v1/panels/{id}/conflicts/"): lambda w: (
        None, {"member": w.ids["panel_member"], "nominee": w.ids["group_member"], "reason": "Neighbours"}
    ),
    ("POST", "/api/v1/panels/{id}/members/"): lambda w: (None, {"username": "staff-other"}),
}
_known_good_sent: set = set()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, which closes the database connection when a
    request finishes; inside a test's transaction that would close it mid-test (as Django's
    test client avoids too)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db) -> AccessWorld:
    return access_world()


@pytest.fixture
def headers(world) -> dict[str, dict]:
    """Each role's API token (anonymous: none)."""
    signed_in = {role: {"Authorization": f"Token {Token.objects.create(user=user).key}"} for role, user in world.users.items()}
    return {"anonymous": {}, **signed_in}


def _object(world: AccessWorld, kind: str, like):
    if kind == "running_order_items":
        value = world.ids["running_order_items"]
    else:
        value = world.ids[kind]
    if isinstance(like, list):
        return list(value) if isinstance(value, list) else [value]
    return value[0] if isinstance(value, list) else value


def _grounded(fields, world: AccessWorld):
    if not isinstance(fields, dict):
        return fields
    return {
        name: _object(world, FIELD_OBJECTS[name], value) if name in FIELD_OBJECTS and isinstance(value, (int, str, list)) else value
        for name, value in fields.items()
    }


def ground(case, world: AccessWorld) -> None:
    """Point the request at the world's objects: the path's, the ids its body and query name, and a
    live private link's token."""
    resource = case.path.split("/")[3]
    for name in case.path_parameters or {}:
        case.path_parameters[name] = world.ids[PATH_OBJECTS[resource]]
    case.query = _grounded(case.query, world)
    case.body = _grounded(case.body, world)
    for prefix, link in TOKENS.items():
        if case.path.startswith(prefix) and isinstance(case.body, dict) and "token" in case.body:
            case.body["token"] = world.tokens[link]


def send(case, headers: dict, role: str, how: str) -> int:
    """One request in a transaction rolled back afterwards, its answer checked against the schema;
    its status."""
    try:
        with transaction.atomic():
            response = case.call_and_validate(headers=headers, checks=CHECKS, excluded_checks=[])
            transaction.set_rollback(True)
    except BaseException as failure:
        failure.add_note(f"... sent {how}, as {role}")
        raise
    return response.status_code


def send_known_good(case, world: AccessWorld, headers: dict) -> None:
    """The operation's known-good request (KNOWN_GOOD), as every role: some role must get a 2xx."""
    key = (case.method.upper(), case.path)
    path_object, body = KNOWN_GOOD.get(key, lambda w: (None, {}))(world)
    resource = case.path.split("/")[3]
    path_parameters = {name: world.ids[path_object or PATH_OBJECTS[resource]] for name in case.path_parameters or {}}
    query = {"event": world.ids["event"]} if case.path == "/api/v1/guests/" else {}
    has_body = case.operation.body and case.method.upper() != "DELETE"
    good = case.operation.Case(
        path_parameters=path_parameters, query=query, **({"body": body, "media_type": "application/json"} if has_body else {})
    )
    statuses = {role: send(good, headers[role], role, "known-good") for role in ROLES}
    if key in KNOWN_GOOD or key[0] == "GET":
        assert any(200 <= status < 300 for status in statuses.values()), f"no role got a 2xx from {key}: {statuses}"


@pytest.mark.filterwarnings("ignore")
@schema.parametrize()
# No shrinking: a failure is reported as found (with the role and how it was sent), not made smaller
# by hundreds more requests.
@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)
def test_every_operation_answers_every_role_inside_its_schema(case, world, headers):
    if case.operation.label not in _known_good_sent:  # once per operation (hypothesis calls this per example)
        _known_good_sent.add(case.operation.label)
        send_known_good(case, world, headers)
    send(case, headers["organiser"], "organiser", "as generated")
    ground(case, world)
    for role in ROLES:
        send(case, headers[role], role, "grounded in the access world")
