from django.apps import AppConfig


class RecheckConfig(AppConfig):
    name = "recheck"
    verbose_name = "复核"
