from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer")


class GradingConfig(AppConfig):
    name = "digigov.data.grading"
    label = "grading"
    verbose_name = "数据分类分级"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("grading.view", "查看数据分类分级和数据预览", VIEW_ROLES)
        registry.register_permission("grading.propose", "提出数据分级建议", ("data_admin",))
        registry.register_permission("grading.confirm", "确认或驳回数据分级建议", ("data_authority",))
        # clear text of 敏感个人信息 in a preview: the providing department's own data admin (in its scope) and
        # the data authority; every such view is audited (policy.py)
        registry.register_permission("grading.view_sensitive", "查看敏感个人信息明文（留痕）", ("data_admin", "data_authority"))
        registry.register_nav(NavItem("data.grading", "数据分类分级", "grading:overview", "grading.view", "data", order=20))
        registry.register_urls("workbench/data/grading/", "digigov.data.grading.urls")

        from . import api, demo, todos  # noqa: F401  registers the demo generator and the to-do

        register_router("/data/grading/", api.router)
        register_router("/data/datasets/", api.datasets_router)
