from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished
from django_tasks.signals import task_finished

from .logging import log_task_finished, request_ended
from .sessions import session_started


class SignInConfig(AppConfig):
    """Not an app with models: it connects the sign-in signal handlers once, at start-up, so they
    are in place before anyone signs in (middleware is loaded only with the first request), and
    the task log line's."""

    name = "config"
    label = "proud_signin"
    verbose_name = "Signing in"

    def ready(self):
        user_logged_in.connect(session_started, dispatch_uid="proud-session-started")
        # One log line per task a worker runs (config/logging.py).
        task_finished.connect(log_task_finished, dispatch_uid="proud-task-log")
        request_finished.connect(request_ended, dispatch_uid="proud-request-ended")
