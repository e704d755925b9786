"""What the exchange slice registers, called once from ``ExchangeConfig.ready``: permissions, audit labels,
URLs (``workbench/data/exchange/``), nav, the API router (``/api/v1/data/exchange/``), the Huey jobs and the demo."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem
    from digigov.data.catalog.apps import VIEW_ROLES

    from . import audit_events  # noqa: F401

    registry.register_permission("exchange.view", "查看批量交换任务、交换记录与数据回流", VIEW_ROLES)
    registry.register_permission("exchange.manage", "建立和执行批量交换任务与数据回流任务", ("data_admin",))
    registry.register_permission("exchange.retry", "重试失败（死信）的交换", ("data_admin", "city_admin"))
    registry.register_permission("exchange.download", "下载本单位接收的交换文件", ("dept_admin", "data_admin"))
    registry.register_urls("workbench/data/exchange/", "digigov.data.exchange.urls")
    registry.register_nav(NavItem("data.exchange", "批量交换与数据回流", "exchange:jobs", "exchange.view", "data", order=45))

    from . import api, demo, tasks  # noqa: F401 — the demo generator and the Huey jobs register themselves

    register_router("/data/exchange/", api.router)
