from django.apps import AppConfig


class WindowConfig(AppConfig):
    name = "digigov.support.window"
    label = "window"
    verbose_name = "综合窗口"

    def ready(self):
        from digigov.core import registry

        registry.register_permission("window.receive", "窗口受理：查询申请人、经授权调取数据、代为申请", ("window_clerk",))
        registry.register_permission("window.deliver", "统一出件：窗口领取和邮寄送达", ("window_clerk",))
        registry.register_permission("window.queue", "叫号和排队管理", ("window_clerk",))
        registry.register_permission("window.view", "查看综合窗口受理和出件记录", ("window_clerk", "dept_admin", "city_admin", "leader", "auditor"))
