"""Optimistic concurrency: a change made from a stale copy of a record is refused, never applied
over someone else's change.

The API uses HTTP conditional requests. A detail read answers with an `ETag`, a hash of the
representation it returned; a change sent with `If-Match` is checked against the representation
as it is now, with the row locked in the change's transaction, and refused with 412 when they
differ, so of two changes made from the same read only the first is written. A change without
`If-Match` is still accepted (older integrations, and the schema fuzzer, send none).

Pages do the same with a hidden `version` field: a hash of the values the form was opened with.

A hash of the representation needs no column and works for any model; its cost is one more read
of the record, under the lock, on each change."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

STALE_API_MESSAGE = (
    "Someone else changed this since you read it, so nothing was saved. "
    "Fetch it again, check their change, and send yours with the new ETag in If-Match."
)
STALE_PAGE_MESSAGE = (
    "Another organiser changed these details after you opened this page, so your changes were not saved. "
    "The form now shows the current details: make your changes again and save."
)


def version_of(data: Any) -> str:
    """A fingerprint of a representation (a serializer's data, or a form's initial values): equal
    data, equal fingerprint, whatever the order of its keys."""
    canonical = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def etag_of(data: Any) -> str:
    """The strong ETag of a representation."""
    return f'"{version_of(data)}"'


def lock_row(instance: Model) -> None:
    """Lock `instance`'s row until the current transaction ends (a no-op on SQLite, where a write
    takes the whole database). Reads after this one see any change committed before the lock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_row needs a transaction: call it inside transaction.atomic().")
    model = type(instance)
    list(model._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk", flat=True))


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self):
        # A dict detail is the body as it is, in the project's {"detail", "code"} shape.
        super().__init__({"detail": STALE_API_MESSAGE, "code": self.default_code})


def check_if_match(request, current: Any) -> None:
    """Raise PreconditionFailed when the request's If-Match names none of the current
    representation's ETag (strong comparison: a weak tag never matches). No If-Match: no check."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = parse_etags(header)
    if tags == ["*"]:
        return  # "any current version": the record exists, or we would not be here
    if etag_of(current) not in tags:
        raise PreconditionFailed()


def tagged(data: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
    """A response carrying `data` and its ETag."""
    return Response(data, status=status_code, headers={"ETag": etag_of(data)})


class PreconditionFailedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Someone else changed it since you read it: fetch it again")
    code = serializers.ChoiceField(choices=["precondition_failed"])


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag from your last read of this resource. When it has changed since, nothing is written "
        "and the answer is 412. Without it the change is made whatever happened since (last write wins)."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],  # a list, as drf-spectacular wants it: the header of the 200 answer only
    description=(
        "A strong entity tag of the representation in this answer (a quoted hash). Send it in "
        "If-Match with your next change to have it refused (412) if someone else changed it since."
    ),
)
PRECONDITION_FAILED = OpenApiResponse(
    PreconditionFailedSerializer,
    description="If-Match names an older version: someone else changed it since you read it. Nothing was written.",
)


class ConditionalWrites:
    """Mixed into a GenericViewSet whose detail read and changes answer with one representation.

    `retrieve` answers with an ETag; a change calls `locked_object()` inside `transaction.atomic()`
    (the row lock, then If-Match against the fresh representation) and answers with `tagged_object()`."""

    def representation(self, instance: Model) -> Any:
        return self.get_serializer(instance).data

    def locked_object(self) -> Model:
        """The object, re-read after its row is locked for the current transaction; PreconditionFailed
        when If-Match does not name its current representation."""
        lock_row(self.get_object())
        instance = self.get_object()
        check_if_match(self.request, self.representation(instance))
        return instance

    def tagged_object(self, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The object as a detail read shows it now, with its ETag."""
        return tagged(self.representation(self.get_object()), status_code=status_code)
