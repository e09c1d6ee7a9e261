"""The API's shared error handling: every refusal is JSON a person can act on (a body the parsers
refuse, awards.api.parsers, is a 400 with `code` "parse_error" and the `field` where known)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mail.errors import ServiceError

from .security import RETRY_AFTER_SECONDS, TRY_AGAIN


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        body = {"detail": exc.message, "code": exc.code, **exc.details()}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(exc.messages), "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        # The database's constraints are the last line of defence: a conflict, not a crash.
        return Response(
            {"detail": "This change conflicts with existing data; reload and try again.", "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DatabaseError):
        # The transaction rolled back: nothing was half-written.
        return Response(
            {"detail": TRY_AGAIN, "code": "try_again"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    if isinstance(exc, ParseError):
        body = {"detail": str(exc.detail), "code": "parse_error"}
        if getattr(exc, "field", None):
            body["field"] = exc.field
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
