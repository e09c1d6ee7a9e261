"""Answers for requests the app refuses before any view runs.

A body over the size limit gets 413 (JSON for the API, a page otherwise) instead of Django's
generic 400: from the Content-Length header before anything is read, and from Django's own
RequestDataTooBig when the body arrives without one."""

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
LOGOUT_PATH = "/accounts/logout/"
# The one endpoint that takes files: its own, larger limit (settings.PROUD_IMPORT_MAX_BYTES).
IMPORT_PATHS = ("/api/v1/nominations/import/",)


def _limit_for(path: str) -> int:
    if path in IMPORT_PATHS:
        return settings.PROUD_IMPORT_MAX_BYTES + 1024 * 1024  # the file plus the form around it
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(request, limit: int):
    megabytes = f"{limit / (1024 * 1024):.1f} MB"
    message = f"The request is too large: the limit is {megabytes}."
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
    return render(request, "413.html", {"limit": megabytes}, status=413)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = _limit_for(request.path)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, _limit_for(request.path))
        return None


TRY_AGAIN = "The database did not answer, so nothing was saved. Please try again in a moment."
CONFLICT = "This conflicts with something saved meanwhile, so nothing was saved. Reload the page and try again."
RETRY_AFTER_SECONDS = "5"


def database_error_response(request, exception: DatabaseError, *, message: str = TRY_AGAIN):
    """The answer to a database error: a constraint violation (someone saved something conflicting
    meanwhile) is 409, the database failing (connection lost, server restarting) is 503 "try again"
    with Retry-After. JSON for the API, the friendly page otherwise. The 503 page is drawn without
    the request's context (the navigation reads the signed-in user from the database)."""
    if isinstance(exception, IntegrityError):
        status, code, message = 409, "conflict", CONFLICT
    else:
        status, code = 503, "try_again"
    logger.warning("Database error answered with %s: %s", status, type(exception).__name__)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message, "code": code}, status=status)
    elif status == 409:
        response = render(request, "database_error.html", {"message": message}, status=status)
    else:
        response = HttpResponse(render_to_string("database_error.html", {"message": message}), status=status)
    if status == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def answers_database_errors(middleware_class):
    """For a middleware that reads the database before any view runs (the signed-in session, the
    user): a database error there gets the same answer as one in a view. Django turns an exception
    raised inside a middleware into a bare 500 before any other middleware can see it; the
    middleware's `get_response` never raises, so this catches only the middleware's own reads."""
    call = middleware_class.__call__

    @wraps(call)
    def __call__(self, request):
        try:
            return call(self, request)
        except DatabaseError as exception:
            return database_error_response(request, exception)

    middleware_class.__call__ = __call__
    return middleware_class


class DatabaseErrorMiddleware:
    """Database failures in views (the API has config.api.exception_handler, which answers the
    same). A transaction that fails rolls back, so nothing is half-written; the person is told what
    to do, never a bare 500. The middlewares that read the database before the view are wrapped by
    `answers_database_errors`, and saving the session afterwards by config.sessions.SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError):
            return database_error_response(request, exception)
        return None


class ClearSiteDataOnLogoutMiddleware:
    """Signing out clears what this site kept in the browser: the door page keeps a copy of the
    guest list (names, tables, access needs) for use without signal, and it must not outlive
    the volunteer's session on a shared phone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and request.path == LOGOUT_PATH:
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
