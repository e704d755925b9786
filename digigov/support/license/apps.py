from django.apps import AppConfig


class LicenseConfig(AppConfig):
    name = "digigov.support.license"
    label = "license"
    verbose_name = "电子证照"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("license.issue", "签发、变更、注销本部门电子证照", ("dept_admin", "approver"))
        registry.register_permission("license.manage", "管理证照类型和事项用证设置", ("dept_admin", "city_admin"))
        registry.register_permission("license.verify", "核验持证人出示或授权的电子证照", ("window_clerk", "approver", "dept_admin"))
        # approvers issue licences for their unit, so they see what their unit issued
        registry.register_permission("license.view", "查看电子证照和用证记录", ("dept_admin", "city_admin", "leader", "auditor", "approver"))
        registry.register_permission("license.hold", "查看本人证照、亮证和授权用证", ("citizen", "enterprise_agent"))
        registry.register_nav(NavItem("support.license", "电子证照", "license:home", "license.view", "support", order=55))
        registry.register_urls("workbench/support/licences/", "digigov.support.license.urls")

        from . import api, components, demo, tasks  # noqa: F401  registers the demo generator and the expiry job

        registry.register_component(components.COMPONENT)
        register_router("/support/licences/", api.router)

        from .apps_wallet import ready as wallet_ready; wallet_ready()  # noqa: E702 — wallet, 亮证, grants, use log, K11
