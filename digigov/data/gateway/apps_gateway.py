"""What the gateway slice registers, called once from ``GatewayConfig.ready``: the access-log key purpose,
the ``gateway.view_log`` permission, the staff pages at ``workbench/data/gateway/`` and their nav item.
The data plane itself is the separate ASGI application ``digigov.data.gateway.asgi:app``."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.registry import NavItem

    from . import demo  # noqa: F401 — register_demo("gateway")
    from .accesslog import KEY_PURPOSE

    registry.register_key_purpose(KEY_PURPOSE, "接口网关访问记录链（HMAC-SM3）")
    registry.register_permission("gateway.view_log", "查看接口网关访问记录和调用计量", ("data_admin", "auditor", "city_admin"))
    registry.register_urls("workbench/data/gateway/", "digigov.data.gateway.urls")
    registry.register_nav(NavItem("data.gateway", "接口网关", "gateway:log", "gateway.view_log", "data", order=75))
