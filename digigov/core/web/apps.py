from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "digigov.core.web"
    label = "web"
    verbose_name = "门户与工作台"
