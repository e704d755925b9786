from django.apps import AppConfig


class DemocityConfig(AppConfig):
    name = "digigov.democity"
    label = "democity"
    verbose_name = "示范城市数据"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
