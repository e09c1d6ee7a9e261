"""The health checks (config/health.py): liveness, readiness for the load balancer, and everything
for monitoring, with figures and no personal data."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone

from events.services import invitation_create
from mail.enums import DeliveryStatus, EmailKind
from tests.factories import delivery_for
from tests.test_scheduler import database_queue  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def get(path, **headers):
    response = Client().get(path, **headers)
    return response.status_code, json.loads(response.content)


def test_liveness_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert get("/health/live/") == (200, {"status": "ok"})


def test_readiness_checks_the_database_the_migrations_and_the_cache_table(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "proud_cache"}}

    status, body = get("/health/ready/")

    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "cache_table"}
    assert body["checks"]["migrations"] == {"status": "ok", "unapplied": 0}
    assert body["checks"]["cache_table"] == {"status": "ok"}
    assert body["checks"]["database"]["status"] == "ok"


def test_readiness_fails_without_the_cache_table(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_cache_table"}}

    status, body = get("/health/ready/")

    assert (status, body["status"]) == (503, "fail")
    # The error's type only (PostgreSQL's and SQLite's names for a missing table), never its text.
    assert body["checks"]["cache_table"] in (
        {"status": "fail", "detail": "ProgrammingError"}, {"status": "fail", "detail": "OperationalError"},
    )
    assert body["checks"]["database"]["status"] == "ok"


def test_readiness_fails_while_a_migration_is_not_applied():
    # The newest migration of an app: the one a deployment that forgot to migrate would lack.
    (leaf,) = [name for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes() if app == "mail"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'mail' AND name = %s", [leaf])

    status, body = get("/health/ready/")

    assert (status, body["checks"]["migrations"]) == (503, {"status": "fail", "unapplied": 1, "detail": "Run manage.py migrate."})


def test_a_load_balancer_probing_by_ip_over_http_gets_the_answer_in_production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["awards.example.gov.uk"]
    settings.SECURE_SSL_REDIRECT = True

    assert get("/health/ready/", HTTP_HOST="10.0.3.7:8000")[0] == 200
    assert Client().get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400  # the rest of the site checks the host


# The worker (and the scheduler) close the database connection as in production: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_monitoring_sees_no_worker_until_one_has_run_a_task(database_queue, settings):  # noqa: F811
    status, body = get("/health/")
    assert (status, body["checks"]["task_worker"]["status"]) == (503, "fail")
    assert body["checks"]["task_worker"]["seconds_since_a_task_finished"] is None
    # The load balancer's check does not depend on it: the app still serves.
    assert get("/health/ready/")[0] == 200

    call_command("run_scheduler", once=True)
    assert get("/health/")[1]["checks"]["task_worker"]["tasks_waiting"] >= 1
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)

    status, body = get("/health/")
    worker = body["checks"]["task_worker"]
    assert (status, worker["status"], worker["tasks_waiting"], worker["oldest_task_waiting_seconds"]) == (200, "ok", 0, None)
    assert 0 <= worker["seconds_since_a_task_finished"] < 60


def test_monitoring_sees_the_mail_backlog_and_failures_without_personal_data(event, organiser, settings):
    settings.PROUD_HEALTH_MAIL_DELAY_SECONDS = 600
    invitation = invitation_create(
        event=event, actor=organiser, kind="vip", addressee_name="Cllr Wilhelmina Quist", addressee_email="w.quist@example.org"
    )
    now = timezone.now()
    delivery_for(invitation, kind=EmailKind.INVITATION, key="a", next_attempt_at=now - timedelta(minutes=5))
    delivery_for(invitation, kind=EmailKind.REMINDER, key="b", status=DeliveryStatus.FAILED, attempts=6,
                 last_error="SMTPRecipientsRefused: w.quist@example.org", next_attempt_at=now)
    delivery_for(invitation, kind=EmailKind.CONFIRMATION, key="c", next_attempt_at=now + timedelta(hours=1))

    response = Client().get("/health/")
    mail = json.loads(response.content)["checks"]["mail"]

    assert mail["status"] == "ok"
    assert (mail["due"], mail["sending"], mail["claims_run_out"], mail["failed"]) == (1, 0, 0, 1)
    assert 295 <= mail["oldest_due_seconds"] <= 400
    assert 0 <= mail["oldest_failure_seconds"] < 60
    body = response.content.decode()
    assert "quist" not in body.lower() and "Wilhelmina" not in body and "SMTP" not in body

    settings.PROUD_HEALTH_MAIL_DELAY_SECONDS = 120
    status, body = get("/health/")
    assert (status, body["checks"]["mail"]["status"]) == (503, "fail")
    assert body["checks"]["mail"]["detail"] == "A message has waited more than 120 seconds to be sent."


def test_health_answers_are_never_cached():
    for path in ("/health/live/", "/health/ready/", "/health/"):
        assert "no-store" in Client().get(path)["Cache-Control"]
    assert Client().post("/health/ready/").status_code == 405
