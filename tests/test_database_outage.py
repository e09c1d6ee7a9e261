"""The database unavailable for the whole request: every request gets 503 with Retry-After, the
friendly page for pages and JSON for the API, signed in or not, never a bare 500. A signed-in
session is read from the database before any view runs (config.sessions), and the page around
the answer reads it again (the navigation), so both must cope."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from awards.enums import Role
from config.sessions import LAST_SEEN_AT_KEY, SIGNED_IN_AT_KEY
from tests.conftest import user_with_role

from .events.test_faults import database_fails_on

pytestmark = pytest.mark.django_db

PAGES = ["/", "/organise/nominations/", "/panel/", "/event/", "/my-nominations/", "/accounts/login/"]
API = ["/api/v1/nominations/", "/api/v1/programmes/", "/api/v1/events/"]


def assert_try_again_page(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "<h1>Nothing was saved</h1>" in body
    assert "The database did not answer" in body
    assert "Traceback" not in body


def assert_try_again_json(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The database did not answer, so nothing was saved. Please try again in a moment.",
        "code": "try_again",
    }


@pytest.fixture
def signed_in(programme, organiser):
    client = Client(raise_request_exception=False)
    client.force_login(organiser)
    return client


@pytest.fixture
def signed_in_a_while_ago(signed_in):
    """Signed in two minutes ago: this request would record the activity in the session."""
    session = signed_in.session
    session[SIGNED_IN_AT_KEY] = session[LAST_SEEN_AT_KEY] = int(time.time()) - 120
    session.save()
    return signed_in


@pytest.mark.parametrize("url", PAGES)
def test_a_signed_in_page_during_an_outage_is_503_try_again(signed_in, url):
    with database_fails_on("."):
        response = signed_in.get(url)
    assert_try_again_page(response)


@pytest.mark.parametrize("url", API)
def test_a_signed_in_api_request_during_an_outage_is_503_json(signed_in, url):
    with database_fails_on("."):
        response = signed_in.get(url)
    assert_try_again_json(response)


def test_a_session_due_to_record_activity_during_an_outage_is_503(signed_in_a_while_ago):
    with database_fails_on("."):
        page = signed_in_a_while_ago.get("/organise/nominations/")
        api = signed_in_a_while_ago.get("/api/v1/nominations/")
    assert_try_again_page(page)
    assert_try_again_json(api)


def test_the_database_failing_after_the_session_was_read_is_503(signed_in_a_while_ago):
    """The session loads, then the database goes: the view fails, and so would saving the session."""
    with database_fails_on(r"^(?!.*django_session)", after=0):
        page = signed_in_a_while_ago.get("/organise/nominations/")
    with database_fails_on(".", after=1):
        api = signed_in_a_while_ago.get("/api/v1/nominations/")
    assert_try_again_page(page)
    assert_try_again_json(api)


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_page_during_an_outage_is_503_try_again(url):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-would-have-to-look-up"
    with database_fails_on("."):
        response = client.get(url)
    assert_try_again_page(response)  # the session is looked up before any page decides who may see it


def test_a_token_api_request_during_an_outage_is_503_json(programme, organiser):
    token = Token.objects.create(user=organiser).key
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    with database_fails_on("."):
        response = client.get("/api/v1/nominations/")
    assert_try_again_json(response)


def test_event_staff_get_the_page_too(programme):
    door = Client(raise_request_exception=False)
    door.force_login(user_with_role(programme, Role.EVENT_STAFF, "door"))
    with database_fails_on("."):
        response = door.get("/event/door/")
    assert_try_again_page(response)


def test_a_session_that_cannot_be_saved_after_the_view_is_503_not_500(signed_in_a_while_ago):
    """The view answered; then recording the activity in the session fails."""
    with database_fails_on(r'^(UPDATE|INSERT)\b.*"django_session"') as seen:
        page = signed_in_a_while_ago.get("/organise/nominations/")
    assert seen["n"] == 1
    assert_try_again_page(page)


def test_a_session_deleted_meanwhile_is_still_django_s_400(signed_in_a_while_ago):
    """Not an outage: the session was ended elsewhere (signed out on another device) mid-request."""

    def end_the_session(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and '"django_session"' in sql:
            Session.objects.all().delete()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(end_the_session):
        response = signed_in_a_while_ago.get("/organise/nominations/")
    assert response.status_code == 400
