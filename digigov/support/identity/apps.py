from django.apps import AppConfig

VIEW_ROLES = ("city_admin", "security_officer", "auditor")


class IdentityConfig(AppConfig):
    name = "digigov.support.identity"
    label = "identity"
    verbose_name = "统一身份认证"

    def ready(self):
        from . import assessment, audit_events  # noqa: F401 — the 密评 control; this app's audit labels
        from digigov.core import registry
        from digigov.core.registry import NavItem

        registry.register_permission("identity.view", "查看统一身份认证（接入应用、签名密钥）", VIEW_ROLES)
        registry.register_permission("identity.client.manage", "登记统一身份认证的接入应用", ("city_admin",))
        registry.register_permission("identity.keys.rotate", "轮换身份令牌签名密钥", ("security_officer", "city_admin"))
        registry.register_nav(NavItem("support.identity", "统一身份认证", "identity:overview", "identity.view", "support", order=10))
        registry.register_urls("workbench/support/identity/", "digigov.support.identity.urls")
        registry.register_urls("", "digigov.support.identity.oidc_urls")
        registry.register_key_purpose("oidc.signing", "统一身份认证令牌签名私钥（RS256）")

        from . import demo  # noqa: F401  registers the demo generator
