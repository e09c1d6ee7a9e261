from django.apps import AppConfig


class NightConfig(AppConfig):
    name = "night"
    verbose_name = "The night"
