from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "digigov.support.forms"
    label = "forms"
    verbose_name = "表单"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("forms.view", "查看表单定义", ("dept_admin", "city_admin", "window_clerk", "approver", "leader", "auditor"))
        registry.register_permission("forms.design", "设计、发布和停用表单", ("dept_admin", "city_admin"))
        registry.register_nav(NavItem("support.workflow", "表单设计", "forms:list", "forms.view", "support", order=20))
        registry.register_urls("workbench/support/forms/", "digigov.support.forms.urls")

        from . import api, demo  # noqa: F401  registers the demo generator

        register_router("/support/forms/", api.router)
