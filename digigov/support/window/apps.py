from django.apps import AppConfig


class WindowConfig(AppConfig):
    name = "digigov.support.window"
    label = "window"
    verbose_name = "综合窗口"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("window.receive", "窗口受理：查询申请人、经授权调取数据、代为申请", ("window_clerk",))
        registry.register_permission("window.deliver", "统一出件：窗口领取和邮寄送达", ("window_clerk",))
        registry.register_permission("window.queue", "叫号和排队管理", ("window_clerk",))
        registry.register_permission("window.view", "查看综合窗口受理和出件记录", ("window_clerk", "dept_admin", "city_admin", "leader", "auditor"))
        registry.register_permission("window.manage", "管理政务服务大厅和窗口", ("city_admin", "dept_admin"))
        registry.register_nav(NavItem("support.window", "综合窗口", "window:home", "window.view", "support", order=40))
        registry.register_urls("workbench/support/window/", "digigov.support.window.urls")
        registry.register_urls("hall/", "digigov.support.window.urls_public")

        from . import api, demo, receivers  # noqa: F401  registers the demo generator and the case_finished receiver

        register_router("/support/window/", api.router)
