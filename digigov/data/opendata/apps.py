from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "digigov.data.opendata"
    label = "opendata"
    verbose_name = "公共数据开放"

    def ready(self):
        try:
            from .apps_opendata import ready as slice_ready  # the opendata slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_opendata":
                raise
        else:
            slice_ready()
