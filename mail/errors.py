"""The one error base of every app's services: a write the rules refuse.

It lives here, in the leftmost app, because every app raises it (the outbox refuses to retry a
message that is not failed). Each app subclasses it with its own error (NominationError,
ShortlistingError, EventError …); the API's error handler (config.api) and the pages' helper
that puts a refusal on a form (nominations.forms.put_service_error) handle this one type."""

from __future__ import annotations


class ServiceError(Exception):
    """A write the rules refuse, with a message a person can act on. `field` names the input it
    is about, where there is one; `status_code` is the HTTP status the API and pages answer with."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status_code is not None:
            self.status_code = status_code

    @property
    def code(self) -> str:
        """The machine-readable code of the API's answer: the error's class name in lower case."""
        return type(self).__name__.lower()

    def details(self) -> dict:
        """More fields for the API's answer (DuplicateNomination adds the first reference)."""
        return {}


class NotAllowed(ServiceError):
    """The person may not do this (their role, or the record is not theirs)."""

    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    """The record's state does not allow this now (already sent, locked, full …)."""

    status_code = 409


class TransitionNotAllowed(Conflict):
    """A move between states that the lifecycle does not allow."""
