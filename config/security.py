"""Answers for requests the app refuses before any view runs.

A body over the size limit gets 413 (JSON for the API, a page otherwise) instead of Django's
generic 400: from the Content-Length header before anything is read, and from Django's own
RequestDataTooBig when the body arrives without one."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError
from django.http import JsonResponse
from django.shortcuts import render

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


class DatabaseErrorMiddleware:
    """Database failures on pages (the API has config.api.exception_handler). A transaction that
    fails rolls back, so nothing is half-written; the person is told what to do, never a bare 500:
    a constraint violation (someone saved something conflicting meanwhile) is 409, the database
    failing part-way (connection lost, server restarting) is 503 "try again"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, IntegrityError):
            status, message = 409, "This conflicts with something saved meanwhile, so nothing was saved. Reload the page and try again."
            code = "conflict"
        elif isinstance(exception, DatabaseError):
            status, message = 503, "The database did not answer, so nothing was saved. Please try again in a moment."
            code = "try_again"
        else:
            return None
        logger.warning("Database error answered with %s: %s", status, type(exception).__name__)
        if request.path.startswith(API_PREFIX):
            response = JsonResponse({"detail": message, "code": code}, status=status)
        else:
            response = render(request, "database_error.html", {"message": message}, status=status)
        if status == 503:
            response["Retry-After"] = "5"
        return response


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
