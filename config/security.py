"""Answers for requests the app refuses before any view runs.

A body over the size limit gets 413 (JSON for the API, a page otherwise) instead of Django's
generic 400: from the Content-Length header before anything is read, and from Django's own
RequestDataTooBig when the body arrives without one."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"
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
