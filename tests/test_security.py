"""Headers, the Content Security Policy, oversized bodies and production settings."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from awards.api.parsers import PARSERS
from tests.conftest import user_with_role
from tests.factories import EventFactory

ROOT = Path(__file__).resolve().parents[1]


def production_env(**values) -> dict:
    """The environment of a production process: this one's, without what only tests set."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(values)
    return env
TEMPLATES = ROOT / "templates"

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/")
    directives = csp_directives(response)

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_style_or_event_handlers():
    """What the policy forbids would break silently in a browser: keep it out of the templates."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.is_relative_to(TEMPLATES / "night" / "pdf"):
            continue  # rendered to PDF by WeasyPrint on the server, never served to a browser
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"<style[\s>]", text) or re.search(r"\sstyle=\"", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(ROOT)}: event handler attribute")
    assert offenders == []


def test_nothing_is_loaded_from_outside_the_site(client):
    """Pages and the API docs link only to this site's own files."""
    for path in ("/", "/accounts/login/", "/api/docs/"):
        html = client.get(path).content.decode()
        external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
        assert external == [], path


def test_the_api_docs_work_under_the_policy(client):
    page = client.get("/api/docs/")
    script = re.search(r'<script src="([^"]+)"', page.content.decode())
    assert page.status_code == 200 and script
    asset = client.get(script.group(1))
    assert asset.status_code == 200
    assert b"".join(asset.streaming_content)  # read to the end, which closes the file


def test_an_oversized_api_body_gets_json_413(api):
    response = api.generic(
        "POST", "/api/v1/nominations/", data="x", content_type="application/json", CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "limit is" in response.json()["detail"]


def test_an_oversized_body_without_a_length_header_gets_413_too(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "{" + ",".join(f'"f{i}": "{"x" * 50}"' for i in range(200)) + "}"
    response = api.post("/api/v1/nominations/", data=body, content_type="application/json")
    assert response.status_code == 413


def test_an_oversized_form_post_gets_a_page(client):
    response = client.generic("POST", "/nominate/anything/", data="x", CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    assert "Too much to send" in response.content.decode()


def test_the_import_endpoint_has_its_own_larger_limit(api, settings):
    settings.PROUD_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    response = api.generic(
        "POST", "/api/v1/nominations/import/", data="x", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(8 * 1024 * 1024),
    )
    assert response.status_code != 413  # refused later for other reasons (no login), not for size


def test_production_settings_pass_check_deploy():
    env = production_env(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="awards.example.org", DATABASE_URL="sqlite:///:memory:"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env(DEBUG="0", ALLOWED_HOSTS="awards.example.org")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secure_cookies_and_hsts_in_production():
    env = production_env(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="awards.example.org")
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "True", "True", "True", "False"], result.stderr


def test_the_session_cookie_is_http_only_and_same_site(client, django_user_model):
    user = django_user_model.objects.create_user("cookie-check", password="a long enough password 1")
    client.post("/accounts/login/", {"username": user.username, "password": "a long enough password 1"})
    cookie = client.cookies.get("sessionid")
    assert cookie is not None
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_signing_out_clears_what_the_site_kept_in_the_browser(client, django_user_model):
    user = django_user_model.objects.create_user("door-volunteer", password="a long enough password 1")
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get("/").headers


def test_event_staff_see_the_door_link_and_organisers_the_event_links(client, programme):
    from awards.enums import Role
    from tests.conftest import user_with_role

    door = user_with_role(programme, Role.EVENT_STAFF, "door")
    organiser = user_with_role(programme, Role.ORGANISER, "organiser")
    client.force_login(door)
    page = client.get("/").content.decode()
    assert 'href="/event/door/"' in page and 'href="/event/"' not in page
    client.force_login(organiser)
    page = client.get("/").content.decode()
    assert 'href="/event/"' in page and 'href="/event/door/"' not in page


# --- input that broke the parser or the database (issue 16) ----------------------------------

DEEP = 1000


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "url", ["/api/v1/nominations/", "/api/v1/rsvp/view/", "/api/v1/nomination-link/view/", "/api/v1/auth/token/"]
)
def test_json_nested_a_thousand_deep_is_a_400_naming_the_problem(api, url):
    response = api.post(url, nested(DEEP), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON is nested more than 32 deep.", "code": "parse_error"}


def test_json_within_the_depth_limit_is_read_as_usual(api):
    """32 deep is read, and refused for its shape (a list, not an object), not for its depth."""
    response = api.post("/api/v1/nominations/", nested(32), content_type="application/json")
    assert response.status_code == 400
    assert "nested" not in response.content.decode()
    assert api.post("/api/v1/nominations/", nested(33), content_type="application/json").json()["detail"] == (
        "The JSON is nested more than 32 deep."
    )


def test_json_nested_in_an_object_counts_too(api):
    body = '{"a": ' * 40 + "1" + "}" * 40
    response = api.post("/api/v1/rsvp/view/", body, content_type="application/json")
    assert (response.status_code, response.json()["detail"]) == (400, "The JSON is nested more than 32 deep.")


@pytest.mark.parametrize("url", ["/nominate/a%00b/", "/event/a%00b/", "/?next=a%00b", "/n/a%00b/", "/rsvp/a%00b/"])
def test_a_nul_in_a_page_address_is_a_400_page(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>This address cannot be right</h1>" in response.content.decode()
    assert "NUL control character (%00) in the " in response.content.decode()


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_nul_in_a_form_field_is_a_400_page(client, content_type):
    data = {"username": "a\x00b", "password": "x"}
    if content_type.startswith("application/"):
        response = client.post("/accounts/login/", "username=a%00b&password=x", content_type=content_type)
    else:
        response = client.post("/accounts/login/", data)  # the test client's default: multipart
    assert response.status_code == 400
    assert "<h1>This form cannot be sent as it is</h1>" in response.content.decode()
    assert "NUL control character (U+0000) in the field username" in response.content.decode()


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_nul_in_an_api_form_field_is_a_400(api, content_type):
    if content_type.startswith("application/"):
        response = api.post("/api/v1/auth/token/", "username=a%00b&password=x", content_type=content_type)
    else:
        response = api.post("/api/v1/auth/token/", {"username": "a\x00b", "password": "x"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The form has a NUL control character (U+0000) in the field username, which cannot be stored; please remove it.",
        "code": "parse_error",
        "field": "username",
    }


def test_every_api_view_parses_with_the_checking_parsers():
    def views(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                yield pattern.callback.cls

    unchecked = {
        f"{view.__module__}.{view.__name__}: {parser.__name__}"
        for view in views(get_resolver())
        for parser in getattr(view, "parser_classes", ())
        if not any(issubclass(parser, ours) for ours in PARSERS)
    }
    assert unchecked == set()


def test_a_nul_in_an_api_address_names_the_part(api):
    in_path = api.get("/api/v1/programmes/a%00b/")
    in_query = api.get("/api/v1/programmes/?ordering=a%00b")
    assert (in_path.status_code, in_path.json()["code"]) == (400, "nul_character")
    assert in_path.json()["detail"] == "The address has a NUL control character (%00) in the path, which no address of this site has."
    assert (in_query.status_code, in_query.json()["code"], in_query.json()["field"]) == (400, "nul_character", "ordering")


def test_a_page_that_reads_its_own_body_still_can_after_the_nul_check(client, programme):
    """The form check reads the body first and keeps it, so a view reading `request.body` (the door's
    arrivals) is not refused for a stream already read, whatever the content type."""
    event = EventFactory(programme=programme)
    client.force_login(user_with_role(programme, "event_staff", "door"))

    response = client.post(f"/event/{event.pk}/door/arrivals/", {"arrivals": "x"})  # multipart, not JSON

    assert response.status_code == 400
    assert response.json() == {"detail": 'The body must be JSON: {"arrivals": [{"guest": id, "at": time}]}.'}
