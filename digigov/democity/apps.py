from django.apps import AppConfig


class DemocityConfig(AppConfig):
    name = "digigov.democity"
    label = "democity"
    verbose_name = "示范城市数据"
