from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer")


class QualityConfig(AppConfig):
    name = "digigov.data.quality"
    label = "quality"
    verbose_name = "数据治理与质量"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("quality.view", "查看数据质量评分、检查报告和整改任务", VIEW_ROLES)
        registry.register_permission("quality.manage", "维护数据质量规则、发起质量检查", ("data_authority", "data_admin"))
        registry.register_permission("quality.rectify", "办理本部门的数据质量整改任务", ("data_admin",))
        registry.register_permission("quality.verify", "核验数据质量整改结果", ("data_authority",))
        registry.register_nav(NavItem("data.governance", "数据治理与质量", "quality:overview", "quality.view", "data", order=40))
        registry.register_urls("workbench/data/quality/", "digigov.data.quality.urls")

        from . import api, demo, receivers, todos  # noqa: F401  registers the router's code, demo generator, signal receiver, to-dos

        register_router("/data/quality/", api.router)
