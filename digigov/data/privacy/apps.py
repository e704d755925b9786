from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "digigov.data.privacy"
    label = "privacy"
    verbose_name = "隐私计算"

    def ready(self):
        try:
            from .apps_privacy import ready as slice_ready  # the privacy slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_privacy":
                raise
        else:
            slice_ready()
