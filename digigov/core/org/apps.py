from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "digigov.core.org"
    label = "org"
    verbose_name = "行政区划与组织机构"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.registry import NavItem

        registry.register_permission(
            "org.view", "查看区划与组织机构",
            ("window_clerk", "approver", "dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer"),
        )
        registry.register_permission("org.manage", "维护组织机构与人员", ("dept_admin", "city_admin"))
        registry.register_nav(NavItem("core.org", "行政区划与组织机构", "org:departments", "org.view", "core", order=10))
        registry.register_urls("workbench/org/", "digigov.core.org.urls")
        from . import demo  # noqa: F401  registers the generator

        from digigov.core.api import register_router

        from .api import router

        register_router("/org/", router)
