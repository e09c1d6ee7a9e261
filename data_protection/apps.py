from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "data_protection"
    verbose_name = "Data protection"
