from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "digigov.core.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.registry import NavItem

        registry.register_permission("audit.view", "查阅审计日志", ("auditor", "security_officer"))
        registry.register_permission("audit.export", "导出审计日志", ("auditor", "security_officer"))
        registry.register_permission("audit.verify", "校验审计链", ("auditor", "security_officer"))
        registry.register_nav(NavItem("core.audit", "审计日志", "audit:entries", "audit.view", "core", order=40))
        registry.register_urls("workbench/audit/", "digigov.core.audit.urls")

        from digigov.core.api import register_router

        from .api import router

        register_router("/audit/", router)
