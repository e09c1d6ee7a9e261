"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis): every operation
gets generated requests, signed in as an organiser (the widest view), and no answer may be a
server error, have a content type the schema does not declare, or a body that breaks the schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from awards.enums import Role
from tests.conftest import user_with_role
from tests.factories import CategoryFactory, CriterionFactory, EventFactory, NominationFactory


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

pytestmark = pytest.mark.once

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
EXAMPLES = 4


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
def organiser_token(db, programme):
    from rest_framework.authtoken.models import Token

    category = CategoryFactory(programme=programme)
    CriterionFactory(category=category)
    NominationFactory.create_batch(2, programme=programme, category=category)
    EventFactory(programme=programme)
    return Token.objects.create(user=user_with_role(programme, Role.ORGANISER, "fuzz-organiser")).key


@pytest.mark.filterwarnings("ignore")
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_survives_generated_requests(case, organiser_token):
    case.call_and_validate(headers={"Authorization": f"Token {organiser_token}"}, checks=CHECKS, excluded_checks=[])
