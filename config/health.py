"""Health checks for load balancers and monitoring. No personal data: states, counts and seconds.

- `GET /health/live/`: the process answers (no database). For a supervisor restarting a hung app.
- `GET /health/ready/`: this app process can serve: the database answers, every migration is
  applied, the cache table (rate limits, throttles) is there. 503 otherwise. For the load balancer:
  it does not depend on the task worker or the mail server, so a stopped worker never takes the
  app servers out (the door keeps working); those are for monitoring, below.
- `GET /health/`: everything, for monitoring: the above, plus a task worker seen recently and the
  mail backlog (messages due and waiting, the longest wait) with the failures (how many, the oldest).
  503 when any check fails.

The answers are JSON: `{"status": "ok" | "fail", "checks": {name: {"status": …, figures…}}}`, never
cached. The middleware answers these paths before any other (no host check, no redirect to HTTPS,
no session, no request log line), so a load balancer probing by IP over plain HTTP gets an answer;
the URL patterns are there too (config/urls.py), for reverse() and the access matrix.

django-health-check was considered: it answers 500 for any failed check with no figures when a
check passes (the backlog, how long since the worker was seen), has no migrations check in its
version 4, and runs checks on an event loop's threads inside gunicorn's sync workers, each with a
database connection of its own; these few checks are plainer here."""

from __future__ import annotations

import time
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Max, Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from mail.enums import DeliveryStatus
from mail.models import EmailDelivery

OK, FAIL = "ok", "fail"


def _health_setting(name: str, default: int) -> timedelta:
    return timedelta(seconds=getattr(settings, name, default))


def check_database() -> dict:
    started = time.perf_counter()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": OK, "ms": round((time.perf_counter() - started) * 1000, 1)}


@cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration of this code, read once per process (the code does not change under it)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def check_migrations() -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    missing = _migrations_on_disk() - set(MigrationRecorder(connection).applied_migrations())
    if missing:
        # The quick comparison found a gap: the migration planner has the last word (squashed ones).
        executor = MigrationExecutor(connection)
        missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:
        return {"status": FAIL, "unapplied": len(missing), "detail": "Run manage.py migrate."}
    return {"status": OK, "unapplied": 0}


def check_cache_table() -> dict:
    # A read of a key that is not there: no write, and a missing table fails it.
    caches["default"].get("proud:health")
    return {"status": OK}


def check_task_worker(now) -> dict:
    """A worker finished a task recently: the scheduler's outbox sweep gives it one every minute."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return {"status": OK, "detail": "Tasks run in the request: no worker is needed."}
    silence_limit = _health_setting("PROUD_HEALTH_WORKER_SILENCE_SECONDS", 300)
    # A task to run at once has the largest date as its run_after; a deferred one, its time.
    at_once = Q(status=TaskResultStatus.READY, run_after=get_date_max())
    deferred_due = Q(status=TaskResultStatus.READY, run_after__lte=now)
    figures = DBTaskResult.objects.aggregate(
        last_finished=Max("finished_at"),
        waiting=Count("pk", filter=at_once | deferred_due),
        oldest_at_once=Min("enqueued_at", filter=at_once),
        oldest_deferred=Min("run_after", filter=deferred_due),
    )
    last = figures["last_finished"]
    oldest = min(filter(None, (figures["oldest_at_once"], figures["oldest_deferred"])), default=None)
    answer = {
        "status": OK,
        "seconds_since_a_task_finished": _age(now, last),
        "tasks_waiting": figures["waiting"],
        "oldest_task_waiting_seconds": _age(now, oldest),
    }
    if last is None or now - last > silence_limit:
        answer["status"] = FAIL
        answer["detail"] = (
            f"No task finished in the last {int(silence_limit.total_seconds())} seconds: "
            "is a worker (manage.py db_worker) and the scheduler (manage.py run_scheduler) running?"
        )
    return answer


def check_mail(now) -> dict:
    """The outbox: messages due and not yet sent, the longest wait, and the failures."""
    delay_limit = _health_setting("PROUD_HEALTH_MAIL_DELAY_SECONDS", 900)
    figures = EmailDelivery.objects.aggregate(
        due=Count("pk", filter=Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)),
        oldest_due=Min("next_attempt_at", filter=Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)),
        sending=Count("pk", filter=Q(status=DeliveryStatus.SENDING)),
        claims_run_out=Count("pk", filter=Q(status=DeliveryStatus.SENDING, claim_expires_at__lt=now)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        oldest_failure=Min("updated_at", filter=Q(status=DeliveryStatus.FAILED)),
    )
    oldest_due = _age(now, figures["oldest_due"])
    answer = {
        "status": OK,
        "due": figures["due"],
        "oldest_due_seconds": oldest_due,
        "sending": figures["sending"],
        "claims_run_out": figures["claims_run_out"],
        "failed": figures["failed"],
        "oldest_failure_seconds": _age(now, figures["oldest_failure"]),
    }
    if oldest_due is not None and oldest_due > delay_limit.total_seconds():
        answer["status"] = FAIL
        answer["detail"] = f"A message has waited more than {int(delay_limit.total_seconds())} seconds to be sent."
    return answer


def _age(now, moment) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def _run(checks: dict) -> tuple[int, dict]:
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - a check that cannot run has failed
            # The error's type only: its message may carry a host name or a query.
            results[name] = {"status": FAIL, "detail": type(error).__name__}
    failed = any(result["status"] != OK for result in results.values())
    return (503 if failed else 200), {"status": FAIL if failed else OK, "checks": results}


def _answer(status: int, body: dict) -> JsonResponse:
    return JsonResponse(body, status=status)


def _serving_checks() -> dict:
    return {"database": check_database, "migrations": check_migrations, "cache_table": check_cache_table}


@never_cache
@require_safe
def live(request):
    return _answer(200, {"status": OK})


@never_cache
@require_safe
def ready(request):
    return _answer(*_run(_serving_checks()))


@never_cache
@require_safe
def everything(request):
    now = timezone.now()
    checks = _serving_checks() | {"task_worker": lambda: check_task_worker(now), "mail": lambda: check_mail(now)}
    return _answer(*_run(checks))


VIEWS = {"/health/live/": live, "/health/ready/": ready, "/health/": everything}


class HealthCheckMiddleware:
    """First in the stack: answers the health paths before the host check, the redirect to HTTPS,
    sessions and the request log, so a probe by IP address over plain HTTP gets the real answer
    (and probes every few seconds do not fill the logs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = VIEWS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
