from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "digigov.security.assessment"
    label = "assessment"
    verbose_name = "密码应用安全性评估"

    def ready(self):
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        from . import api, controls  # noqa: F401 — registers this layer's controls

        registry.register_permission("assessment.view", "查看密评自查结果", ("security_officer", "auditor", "leader"))
        registry.register_nav(NavItem("security.assessment", "密评自查", "assessment:overview", "assessment.view", "security", order=20))
        registry.register_urls("workbench/security/assessment/", "digigov.security.assessment.urls")
        register_router("/security/assessment", api.router)
