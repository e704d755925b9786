"""Chinese labels of the payment app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "payment.order.create": "开具缴款单",
    "payment.order.pay": "发起支付",
    "payment.order.paid": "缴款单入账",
    "payment.order.close": "关闭缴款单",
    "payment.order.refunded": "缴款单退款",
    "payment.notification.amount_mismatch": "支付通知金额不符（拒绝入账）",
    "payment.refund": "办理退款",
    "payment.refund.auto": "迟到支付自动退款",
    "payment.reconcile": "支付对账",
    "payment.reconcile.resolve": "处理对账差异",
    "payment.bill.issue": "开具电子票据",
    "payment.bill.reverse": "电子票据红冲",
    "payment.payable.create": "新增缴费项目",
})
