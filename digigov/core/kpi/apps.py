from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "digigov.core.kpi"
    label = "kpi"
    verbose_name = "主要指标"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.registry import NavItem

        registry.register_permission("kpi.view", "查看主要指标", ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer"))
        registry.register_permission("kpi.recompute", "重新计算指标", ("data_admin", "city_admin"))
        registry.register_nav(NavItem("core.kpi", "主要指标（表1）", "kpi:list", "kpi.view", "core", order=30))
        registry.register_urls("workbench/kpi/", "digigov.core.kpi.urls")

        from digigov.core.api import register_router

        from .api import router

        register_router("/kpi/", router)
