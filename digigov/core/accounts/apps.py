from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "digigov.core.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.registry import NavItem

        staff = ("window_clerk", "approver", "dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer")
        registry.register_permission("accounts.person.view", "查看自然人与法人（脱敏）", ("window_clerk", "approver", "city_admin", "auditor", "security_officer"))
        registry.register_permission("accounts.pii.view", "查看个人信息明文", ("window_clerk", "approver"))
        registry.register_permission("accounts.person.manage", "登记自然人与法人", ("window_clerk", "city_admin"))
        registry.register_permission("accounts.agent.manage", "管理企业经办人授权", ("window_clerk", "city_admin"))
        registry.register_permission("accounts.apiclient.manage", "管理 API 应用", ("city_admin", "security_officer"))
        registry.register_permission("accounts.self", "本人账户", ("citizen", "enterprise_agent") + staff)
        registry.register_nav(NavItem("core.accounts", "自然人与法人", "accounts:persons", "accounts.person.view", "core", order=20))
        registry.register_urls("workbench/people/", "digigov.core.accounts.urls")
        from . import demo  # noqa: F401

        from digigov.core.api import register_router

        from .api import router

        register_router("/accounts/", router)
