from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from .sessions import session_started


class SignInConfig(AppConfig):
    """Not an app with models: it connects the sign-in signal handlers once, at start-up, so they
    are in place before anyone signs in (middleware is loaded only with the first request)."""

    name = "config"
    label = "proud_signin"
    verbose_name = "Signing in"

    def ready(self):
        user_logged_in.connect(session_started, dispatch_uid="proud-session-started")
