from django.apps import AppConfig


class CkanConfig(AppConfig):
    name = "digigov.data.ckan"
    label = "ckan"
    verbose_name = "CKAN与DCAT标准接口"

    def ready(self):
        try:
            from .apps_ckan import ready as slice_ready  # the ckan slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_ckan":
                raise
        else:
            slice_ready()
