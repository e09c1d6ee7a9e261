"""Logs an operator can ship, and that keep private links out.

A private link's token is a bearer credential (the RSVP link, the nominator's link, the link to a
young person's certificate and letter). Django logs
the path of a 404 ("Not Found: /rsvp/<token>/") and the development server every request line;
the RedactPrivateLinks filter replaces the token in any record before a handler writes it.

`LOG_FORMAT=json` (what `make serve` and the container use) writes one JSON object a line:
`time`, `level`, `logger`, `message`, the `request_id` of the request it happened in, and each
record's own fields. RequestLogMiddleware writes one line per request (logger `proud.request`:
method, path without its query string and with private links redacted, status, duration, user id
— never a name — and the request id, also sent back as `X-Request-ID`); log_task_finished one per
task (logger `proud.task`: task, id, status, duration, worker). Plain text is the default."""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter

PRIVATE_LINK = re.compile(r"/(rsvp|n|recognition)/(?!\s|\")[^/\s\"?#]+")
# A request id from the proxy in front is kept when it looks like one; anything else is replaced.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def redact(text: str) -> str:
    return PRIVATE_LINK.sub(lambda m: f"/{m.group(1)}/[redacted]", text)


class RedactPrivateLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class AddRequestId(logging.Filter):
    """Every line written while a request is answered carries its id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class OneLinePerTask(logging.Filter):
    """django-tasks logs each task's start and end at INFO (and db_worker turns that on); the
    `proud.task` line replaces both. Its warnings and errors still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django_tasks" and record.levelno < logging.WARNING)


class ProudJsonFormatter(JsonFormatter):
    """JSON lines with plain values only: an object a library attaches to a record (Django attaches
    the request to its 4xx/5xx lines) is dropped rather than written as its repr, which would carry
    the path with a private link; every text is redacted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        # Which of the Procfile's processes wrote the line (web, worker, scheduler), when known.
        if os.environ.get("PROUD_PROCESS"):
            kwargs.setdefault("static_fields", {"process": os.environ["PROUD_PROCESS"]})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatTime(self, record, datefmt=None):
        """ISO 8601 in UTC with milliseconds, as log shippers read it."""
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data):
        cleaned = {}
        for key, value in log_data.items():
            if isinstance(value, str):
                cleaned[key] = redact(value)
            elif value is None or isinstance(value, (bool, int, float)):
                cleaned[key] = value
        return cleaned


def logging_config(*, json: bool, debug: bool, level: str, tasks_level: str, requests: bool) -> dict:
    """The LOGGING setting (also gunicorn's, config/gunicorn.conf.py)."""
    if json:
        formatter = {"()": "config.logging.ProudJsonFormatter"}
    elif debug:
        formatter = {"format": "{message}", "style": "{"}  # the development console, as before
    else:
        formatter = {"format": "{asctime} {levelname} {name} {message} [request {request_id}]", "style": "{"}
    filters = ["redact_private_links", "request_id", "one_line_per_task"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_private_links": {"()": "config.logging.RedactPrivateLinks"},
            "request_id": {"()": "config.logging.AddRequestId"},
            "one_line_per_task": {"()": "config.logging.OneLinePerTask"},
        },
        "formatters": {
            "proud": formatter,
            "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "proud", "filters": filters},
            "django.server": {
                "class": "logging.StreamHandler",
                "formatter": "proud" if json else "django.server",
                "filters": filters,
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
            # One line per request and per task (off with runserver, which prints its own lines).
            "proud.request": {"level": "INFO" if requests else "WARNING"},
            "proud.task": {"level": "INFO" if requests else "WARNING"},
            "django_tasks": {"level": tasks_level},
            # django-axes: failures and lockouts only (WARNING), with username and address masked.
            "axes": {"level": "WARNING"},
            # WeasyPrint logs each step of every PDF at INFO (night.pdf).
            "weasyprint": {"level": "WARNING"},
            # gunicorn's own lines (workers starting, timeouts), in the same format; no access log.
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }


class RequestLogMiddleware:
    """One line per request: method, path (no query string: a door search has a child's name in
    it; private links redacted), status, duration, user id and request id."""

    logger = logging.getLogger("proud.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        rid = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = rid
        # Until the response is closed (request_ended): Django logs a 4xx or 5xx after the middleware.
        request_id.set(rid)
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user_id = _user_id_if_read(request)
        path = redact(request.path)
        self.logger.info(
            "%s %s %s %sms",
            request.method, path, response.status_code, duration_ms,
            extra={
                "method": request.method, "path": path, "status": response.status_code,
                "duration_ms": duration_ms, "user_id": user_id,
            },
        )
        response["X-Request-ID"] = rid
        return response


def _user_id_if_read(request) -> int | None:
    """The signed-in user's id, if the request already read who it is: the log line never reads the
    session or the user itself (with the database down that read fails, after the 503 was made)."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


def request_ended(sender, **kwargs) -> None:
    """Lines written after a response was sent belong to no request (the request_finished signal)."""
    request_id.set(None)


def log_task_finished(sender, task_result, **kwargs) -> None:
    """One line per task a worker ran (django-tasks' task_finished signal)."""
    logger = logging.getLogger("proud.task")
    started, finished = task_result.started_at, task_result.finished_at
    duration_ms = round((finished - started).total_seconds() * 1000, 1) if started and finished else None
    failed = task_result.status == "FAILED"
    error = task_result.errors[-1].exception_class_path if failed and task_result.errors else None
    (logger.error if failed else logger.info)(
        "%s %s %sms",
        task_result.task.module_path, task_result.status, duration_ms,
        extra={
            "task": task_result.task.module_path, "task_id": str(task_result.id), "status": str(task_result.status),
            "duration_ms": duration_ms, "attempt": task_result.attempts,
            "worker_id": task_result.worker_ids[-1] if task_result.worker_ids else None, "error": error,
        },
    )
