"""What the wallet slice registers, called once from ``LicenseConfig.ready`` (one line there): the holder's
wallet (portal ``my/licences/``), the staff verification pages, the API routers, the KPI K11 and the demo
generator ``support.license_use``."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    from . import audit_events_wallet  # noqa: F401 — audit labels
    from . import kpis  # noqa: F401 — register_kpi("K11")
    from . import demo_use  # noqa: F401 — register_demo("support.license_use")
    from . import api_wallet

    registry.register_key_purpose("license.present", "亮证码完整性校验（HMAC-SM3）")
    registry.register_urls("my/licences/", "digigov.support.license.urls_my")
    registry.register_urls("workbench/support/licence-use/", "digigov.support.license.urls_use")
    registry.register_nav(NavItem("my_licences", "我的证照", "my_licences:list", "license.hold", "support", area="portal", order=25))
    registry.register_nav(NavItem("support.license_use", "电子证照核验", "license_use:home", "license.verify", "support", order=70))
    registry.register_nav(NavItem("support.license_policy", "事项用证设置", "license_use:items", "license.manage", "support", order=71))
    register_router("/my/licences/", api_wallet.my_router)
    register_router("/support/licence-use/", api_wallet.use_router)
