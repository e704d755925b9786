from django.apps import AppConfig


class RbacConfig(AppConfig):
    name = "digigov.core.rbac"
    label = "rbac"
    verbose_name = "角色与权限"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        registry.register_permission("rbac.manage", "分配角色", ("dept_admin", "city_admin"))
        registry.register_permission(
            "workbench.access", "进入工作台",
            ("window_clerk", "approver", "dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer"),
        )
