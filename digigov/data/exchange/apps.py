from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "digigov.data.exchange"
    label = "exchange"
    verbose_name = "批量交换与数据回流"

    def ready(self):
        try:
            from .apps_exchange import ready as slice_ready  # the exchange slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_exchange":
                raise
        else:
            slice_ready()
