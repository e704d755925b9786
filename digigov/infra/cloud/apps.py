from django.apps import AppConfig


class CloudConfig(AppConfig):
    name = "digigov.infra.cloud"
    label = "cloud"
    verbose_name = "政务云"
