from django.apps import AppConfig


class PaymentConfig(AppConfig):
    name = "digigov.support.payment"
    label = "payment"
    verbose_name = "统一公共支付"

    def ready(self):
        from digigov.core import registry

        registry.register_permission("payment.pay", "缴纳本人（或代理企业）的费用", ("citizen", "enterprise_agent"))
        registry.register_permission("payment.manage", "开具缴款单、办理退款", ("dept_admin", "city_admin"))
        registry.register_permission("payment.reconcile", "对账和处理对账差异", ("city_admin",))
        registry.register_permission("payment.view", "查看缴款单、票据和对账结果", ("dept_admin", "city_admin", "leader", "auditor"))
        try:
            from .apps_payment import ready as payment_ready  # the payment slice registers its URLs, routers, demo here
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_payment":
                raise
        else:
            payment_ready()
