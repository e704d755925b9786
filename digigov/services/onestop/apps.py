from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "digigov.services.onestop"
    label = "onestop"
    verbose_name = "一网通办"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        registry.register_permission("onestop.manage", "管理政务服务事项目录和一件事", ("dept_admin", "city_admin"))
        registry.register_permission("onestop.view", "查看网上申请、好差评和政务服务统计", ("dept_admin", "city_admin", "leader", "auditor"))
        registry.register_permission("onestop.rate", "对本人办件和窗口服务进行评价", ("citizen", "enterprise_agent"))
        registry.register_permission("onestop.rectify", "办理本部门差评整改", ("dept_admin",))
        registry.register_permission("onestop.visit", "差评整改回访", ("city_admin",))
        # each slice registers its URLs, nav, routers, demo and KPIs in its own module's ready() below
        for module in ("catalog", "search", "application", "bundles", "ratings", "govstack"):
            try:
                mod = __import__(f"{__package__}.apps_{module}", fromlist=["ready"])
            except ModuleNotFoundError as exc:
                if exc.name != f"{__package__}.apps_{module}":
                    raise
                continue
            mod.ready()
