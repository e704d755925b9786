from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "digigov.infra.network"
    label = "network"
    verbose_name = "电子政务外网"
