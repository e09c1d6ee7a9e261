from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from . import checks  # noqa: F401 - registers the outbox's system check


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "E-mail"

    def ready(self):
        # Every app's `emails` module registers the builders of its kinds (mail.registry).
        autodiscover_modules("emails")
