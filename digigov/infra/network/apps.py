from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "city_admin", "leader", "auditor", "security_officer")


class NetworkConfig(AppConfig):
    name = "digigov.infra.network"
    label = "network"
    verbose_name = "电子政务外网"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("network.view", "查看电子政务外网接入情况", VIEW_ROLES)
        registry.register_permission("network.manage", "管理电子政务外网接入点", ("city_admin",))
        registry.register_nav(NavItem("infra.network", "电子政务外网", "network:coverage", "network.view", "infra", order=20))
        registry.register_urls("workbench/infra/network/", "digigov.infra.network.urls")

        from . import api, demo, kpis  # noqa: F401  registers the KPI computer and the demo generator

        register_router("/infra/network/", api.router)
