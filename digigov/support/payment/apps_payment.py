"""What the payment slice registers, called once from ``PaymentConfig.ready``: audit labels, key purposes,
URLs (``pay/``, ``my/payments/``, ``bills/verify/``, ``workbench/support/payments/``), nav, the API router,
the demo generator ``support.payment`` and the Huey jobs."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    from . import audit_events, todos  # noqa: F401
    from . import demo, tasks  # noqa: F401 — register_demo("support.payment"); the notify/bill/reconcile jobs
    from . import api, components
    from .channels import sandbox

    registry.register_component(components.COMPONENT)
    registry.register_key_purpose(sandbox.KEY_PURPOSE, "模拟支付渠道通知签名（HMAC-SM3）")
    registry.register_key_purpose("payment.bill", "电子票据校验码（HMAC-SM3）")
    registry.register_urls("pay/", "digigov.support.payment.urls_pay")
    registry.register_urls("my/payments/", "digigov.support.payment.urls_my")
    registry.register_urls("bills/verify/", "digigov.support.payment.urls_bills")
    registry.register_urls("workbench/support/payments/", "digigov.support.payment.urls_staff")
    registry.register_nav(NavItem("support.payment", "公共支付与非税支付", "payment_staff:orders", "payment.view", "support", order=60))
    registry.register_nav(NavItem("support.bill", "电子票据", "payment_staff:bills", "payment.view", "support", order=61))
    registry.register_nav(NavItem("my_payments", "我的缴费", "my_payments:list", "payment.pay", "support", area="portal", order=30))
    register_router("/support/payments/", api.router)
