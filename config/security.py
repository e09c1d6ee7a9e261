"""Answers for requests the app refuses before any view runs, and for the database failing.

A body over the size limit gets 413 (JSON for the API, a page otherwise) instead of Django's
generic 400: from the Content-Length header before anything is read, and from Django's own
RequestDataTooBig when the body arrives without one. A NUL character in the address or a form
field gets 400. A database error anywhere in a request gets 409 or 503 "try again", never a 500."""

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


NUL = "\x00"
NUL_IN_ADDRESS = "The address has a NUL control character (%00) in {where}, which no address of this site has."
NUL_IN_FORM = "The form has a NUL control character (U+0000) in {where}, which cannot be stored; please remove it."


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_in(request) -> tuple[str, str] | None:
    """(message, field) when the address or a page's form field holds a NUL character. PostgreSQL
    cannot store or even compare text holding one (a 503, where SQLite answered 404), so it is
    refused before any view looks it up. The API's bodies are checked by its parsers
    (awards.api.parsers); a page's form is read here as Django's CSRF check would read it anyway."""
    if NUL in request.path_info:
        return NUL_IN_ADDRESS.format(where="the path"), ""
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return NUL_IN_ADDRESS.format(where=f"the parameter {key.replace(NUL, '')}"), key.replace(NUL, "")
    if request.method == "POST" and request.content_type in FORM_TYPES and not request.path_info.startswith(API_PREFIX):
        request.body  # noqa: B018 -- read (within the size limit) and kept, so a view can still read the body itself
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in value for value in values):
                return NUL_IN_FORM.format(where=f"the field {key.replace(NUL, '')}"), key.replace(NUL, "")
    return None


class NulCharacterMiddleware:
    """A NUL character in the address, a query parameter or a form field is a 400 naming where,
    on both databases: JSON for the API, a page otherwise. After RequestSizeMiddleware, so a form
    body is read only once its size is known to be within the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _nul_in(request)
        if problem is None:
            return self.get_response(request)
        message, field = problem
        if request.path_info.startswith(API_PREFIX):
            body = {"detail": message, "code": "nul_character"}
            if field:
                body["field"] = field
            return JsonResponse(body, status=400)
        in_address = message.startswith("The address")
        return render(request, "400.html", {"message": message, "in_address": in_address}, status=400)


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
