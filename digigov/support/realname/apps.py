from django.apps import AppConfig


class RealnameConfig(AppConfig):
    name = "digigov.support.realname"
    label = "realname"
    verbose_name = "实名认证"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        from .session import reset_on_login

        user_logged_in.connect(reset_on_login, dispatch_uid="realname.reset_on_login")
        registry.register_permission("realname.activity", "查看登录渠道日活跃情况",
                                     ("city_admin", "leader", "auditor", "security_officer"))
        registry.register_permission("realname.purge", "清理过期验证码（系统作业）", ())
        # the citizen's own page: a portal menu entry (the workbench's 统一身份认证 entry belongs to support.identity)
        registry.register_nav(NavItem("realname", "实名认证", "realname:mine", "accounts.self", "support", area="portal", order=10))
        registry.register_urls("realname/", "digigov.support.realname.urls")
        registry.register_urls("h5/", "digigov.support.realname.h5_urls")
        registry.register_urls("workbench/support/realname/", "digigov.support.realname.workbench_urls")

        from . import api, demo  # noqa: F401  registers the demo generator

        register_router("/realname/", api.router)
