from django.apps import AppConfig


class SealConfig(AppConfig):
    name = "digigov.support.seal"
    label = "seal"
    verbose_name = "电子印章与签章"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("seal.apply", "为本单位申请电子印章", ("dept_admin",))
        registry.register_permission("seal.approve", "审批印章申请、制作、暂停、注销印章", ("city_admin",))
        registry.register_permission("seal.sign", "使用授权的印章签章", ("dept_admin", "approver", "window_clerk"))
        registry.register_permission("seal.view", "查看印章、证书和签章记录", ("dept_admin", "city_admin", "leader", "auditor"))
        registry.register_nav(NavItem("support.seal", "电子印章", "seal:seals", "seal.view", "support", order=50))
        registry.register_urls("workbench/support/seals/", "digigov.support.seal.urls")

        from . import api, demo, kpis  # noqa: F401  registers the demo generator and the KPI

        register_router("/support/seals/", api.router)

        # --- h-docs: 验章 (public page, QR target, API) and the workbench 签章 page ---
        from . import api_verify

        registry.register_urls("verify/", "digigov.support.seal.urls_verify")
        registry.register_urls("workbench/support/seal-sign/", "digigov.support.seal.urls_sign")
        registry.register_nav(NavItem("support.seal_sign", "签章", "seal_sign:home", "seal.sign", "support", order=61))
        register_router("/verify/", api_verify.router)
