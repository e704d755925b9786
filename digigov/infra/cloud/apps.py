from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "city_admin", "leader", "auditor", "security_officer")


class CloudConfig(AppConfig):
    name = "digigov.infra.cloud"
    label = "cloud"
    verbose_name = "政务云"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("cloud.view", "查看政务云资源与上云情况", VIEW_ROLES)
        registry.register_permission("cloud.request", "申请政务云资源", ("dept_admin",))
        registry.register_permission("cloud.approve", "审批政务云资源申请", ("city_admin",))
        registry.register_permission("cloud.manage", "管理资源池、配额、云平台与信息系统", ("city_admin",))
        registry.register_nav(NavItem("infra.cloud", "政务云", "cloud:overview", "cloud.view", "infra", order=10))
        registry.register_urls("workbench/infra/cloud/", "digigov.infra.cloud.urls")

        from . import api, demo, kpis, todos  # noqa: F401  registers the KPI computer, the demo generator, the to-do

        register_router("/infra/cloud/", api.router)
