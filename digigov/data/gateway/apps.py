from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "digigov.data.gateway"
    label = "gateway"
    verbose_name = "数据共享网关"

    def ready(self):
        try:
            from .apps_gateway import ready as slice_ready  # the gateway slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_gateway":
                raise
        else:
            slice_ready()
