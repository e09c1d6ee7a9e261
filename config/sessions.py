"""Signed-in sessions fit for sensitive data: they end after SESSION_IDLE_MINUTES without a request,
and SESSION_COOKIE_AGE seconds after sign-in however busy the person is. Django's own expiry starts
again whenever the session is saved, so it cannot give the second limit on its own."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, InterfaceError, OperationalError

from .security import TRY_AGAIN, answers_database_errors, database_error_response

SIGNED_IN_AT_KEY = "proud_signed_in_at"
LAST_SEEN_AT_KEY = "proud_last_seen_at"
# Activity is recorded at most once a minute, so a busy page does not write the session each time.
LAST_SEEN_STEP_SECONDS = 60


def session_started(sender, request, user, **kwargs):
    """On sign-in (connected in config/apps.py): both clocks start now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_SEEN_AT_KEY] = now


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(seconds // 60, 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# A change that went through, then the session could not be saved: the person should look before retrying.
SESSION_NOT_SAVED = (
    "The database stopped answering before this could be finished. Reload the page to see what was "
    "saved, then try again in a moment."
)


def _outage_behind(exception: BaseException | None) -> DatabaseError | None:
    """The database failing (connection lost, server down) behind an exception, if that is what it is.
    Django reports a session it could not update as "interrupted" (400), whether the database failed
    or the session was deleted meanwhile; only the first is an outage."""
    while exception is not None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return exception
        exception = exception.__context__
    return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, but a session that cannot be saved because the database is down gets the "try
    again" answer (503 with Retry-After), never a bare 500 or a 400."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (DatabaseError, SessionInterrupted) as exception:
            outage = exception if isinstance(exception, DatabaseError) else _outage_behind(exception)
            if outage is None:
                raise
            if response.status_code >= 500:
                return response  # already the answer to the outage
            safe = request.method in ("GET", "HEAD", "OPTIONS")
            return database_error_response(request, outage, message=TRY_AGAIN if safe else SESSION_NOT_SAVED)


@answers_database_errors
class SessionTimeoutMiddleware:
    """Signs a person out when either limit has passed; the request then goes on as anonymous, so
    a page that needs sign-in sends them to the sign-in page, which says why. It reads the session
    (from the database) before any view: an outage there is answered 503, as in a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Only signed-in sessions; the private-link sessions of people without an account keep
        # their own limits. Reading the session key does not load the user.
        if SESSION_KEY in session:
            now = int(time.time())
            signed_in_at = session.get(SIGNED_IN_AT_KEY)
            last_seen_at = session.get(LAST_SEEN_AT_KEY)
            idle_seconds = settings.SESSION_IDLE_MINUTES * 60
            if signed_in_at is None or last_seen_at is None:
                # A session from before these limits: they count from now.
                session[SIGNED_IN_AT_KEY] = signed_in_at or now
                session[LAST_SEEN_AT_KEY] = now
            elif now - signed_in_at >= settings.SESSION_COOKIE_AGE:
                self._sign_out(
                    request,
                    f"You have been signed out: a session lasts {_duration(settings.SESSION_COOKIE_AGE)}. "
                    "Sign in again to carry on.",
                )
            elif now - last_seen_at >= idle_seconds:
                self._sign_out(
                    request,
                    f"You have been signed out after {_duration(idle_seconds)} without activity. "
                    "Sign in again to carry on.",
                )
            elif now - last_seen_at >= LAST_SEEN_STEP_SECONDS:
                session[LAST_SEEN_AT_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, message: str) -> None:
        logout(request)
        if not request.path_info.startswith("/api/"):
            messages.info(request, message)
