"""Logs an operator can ship (config/logging.py): one JSON line per request and per task with a
request id and the user id, never a name, a private link's token or a search."""

import io
import json
import logging
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from config.logging import AddRequestId, OneLinePerTask, ProudJsonFormatter, RedactPrivateLinks, logging_config
from mail.tasks import send_due_email
from tests.factories import UserFactory
from tests.test_scheduler import database_queue  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the production handler (LOG_FORMAT=json) writes for the project's loggers, as dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ProudJsonFormatter())
    for log_filter in (RedactPrivateLinks(), AddRequestId(), OneLinePerTask()):
        handler.addFilter(log_filter)
    names = ("proud.request", "proud.task", "django.request", "django_tasks")
    loggers = [logging.getLogger(name) for name in names]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
        lg.propagate = False
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for lg, (level, propagate) in zip(loggers, saved):
        lg.removeHandler(handler)
        lg.setLevel(level)
        lg.propagate = propagate


def test_one_json_line_per_request_with_its_id_and_the_user_id_only(json_lines, event):
    door = UserFactory(username="door.volunteer", first_name="Marigold", last_name="Pennyworth")
    client = Client()
    client.force_login(door)

    response = client.get(f"/event/{event.pk}/door/", {"q": "Rowan Featherstonehaugh"})

    (line,) = [line for line in json_lines() if line["logger"] == "proud.request"]
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert (line["level"], line["method"], line["path"], line["status"], line["user_id"]) == (
        "INFO", "GET", f"/event/{event.pk}/door/", response.status_code, door.pk,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)  # ISO 8601, UTC
    assert line["message"] == f"GET /event/{event.pk}/door/ {response.status_code} {line['duration_ms']}ms"
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms", "user_id"}
    written = json.dumps(json_lines())
    for private in ("door.volunteer", "Marigold", "Pennyworth", "Rowan", "Featherstonehaugh"):
        assert private not in written


def test_a_private_link_is_redacted_and_django_s_own_lines_drop_the_request_object(json_lines):
    Client().get("/rsvp/a-secret-token-from-an-email/")

    lines = json_lines()
    request_line = next(line for line in lines if line["logger"] == "proud.request")
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert request_line["path"] == "/rsvp/[redacted]/" and request_line["user_id"] is None
    assert not_found["message"] == "Not Found: /rsvp/[redacted]/"
    assert not_found["request_id"] == request_line["request_id"]  # the 404's line carries the id too
    assert "request" not in not_found  # Django attaches the request object: never written
    assert "a-secret-token" not in json.dumps(lines)


def test_the_proxy_s_request_id_is_kept_when_it_looks_like_one(json_lines):
    kept = Client().get("/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    replaced = Client().get("/", HTTP_X_REQUEST_ID="bad id\nwith a line break")

    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert replaced["X-Request-ID"] != "bad id\nwith a line break" and len(replaced["X-Request-ID"]) == 32
    assert [line["request_id"] for line in json_lines()] == ["lb-7f3a9c2e-0001", replaced["X-Request-ID"]]


# The worker (and the scheduler) close the database connection as in production: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_one_json_line_per_task_a_worker_runs(json_lines, database_queue):  # noqa: F811
    result = send_due_email.enqueue()

    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, worker_id="worker-a")

    (line,) = json_lines()  # django-tasks' own start and end lines are left out
    assert (line["logger"], line["task"], line["task_id"], line["status"], line["attempt"], line["worker_id"]) == (
        "proud.task", "mail.tasks.send_due_email", str(result.id), "SUCCESSFUL", 1, "worker-a",
    )
    assert line["duration_ms"] >= 0 and line["error"] is None and line["request_id"] is None


def test_plain_text_stays_the_default_in_development():
    development = logging_config(json=False, debug=True, level="INFO", tasks_level="WARNING", requests=False)
    production = logging_config(json=True, debug=False, level="INFO", tasks_level="WARNING", requests=True)

    assert development["formatters"]["proud"] == {"format": "{message}", "style": "{"}
    assert development["loggers"]["proud.request"]["level"] == "WARNING"  # runserver prints its own lines
    assert production["formatters"]["proud"] == {"()": "config.logging.ProudJsonFormatter"}
    assert production["loggers"]["proud.request"]["level"] == "INFO"
    assert production["loggers"]["gunicorn.access"]["handlers"] == []  # the request line replaces it
