"""The business component ``payment.create_order`` (开具缴款单): a process's service task bills the case's
applicant for a fee, as the platform's system account. The order refers to the case
(``reference_kind="workflow.case"``, ``reference_id`` = the case's ``public_id``), so retrying the step after an
incident answers the open order instead of a second one.

Inputs: ``payable`` (a 缴费项目 code: its standard amount and collecting department) or ``amount_cents`` with
``subject`` (collected by the case's department). Outputs: the order's ``public_id``, number, 缴款码 and pay URL.
"""

from __future__ import annotations

from digigov.core.errors import ValidationFailed
from digigov.core.registry import Component, ComponentParam

P = ComponentParam


def create(actor, case, inputs: dict) -> dict:
    from digigov.core.context import acting_as, current_actor
    from digigov.core.rbac.system import system_account

    from . import actions
    from .models import PayableItem

    if case is None or case.applicant_id is None:
        raise ValidationFailed("办件没有申请人账户，不能开具缴款单", code="no_payer")
    payable = None
    code = str(inputs.get("payable") or "").strip()
    if code:
        payable = PayableItem.objects.filter(code=code, active=True).select_related("department").first()
        if payable is None:
            raise ValidationFailed(f"缴费项目 {code} 不存在或已停用", code="payable_unknown", detail={"field": "payable"})
    amount = inputs.get("amount_cents", payable.standard_cents if payable else None)
    subject = str(inputs.get("subject") or (payable.name if payable else "")).strip()
    department = payable.department if payable else case.department
    system = system_account()
    with acting_as(system, channel="system", ip=current_actor().ip, request_id=current_actor().request_id):
        order = actions.create_order(system, payer=case.applicant, subject=subject, amount_cents=amount, department=department,
                                     reference_kind="workflow.case", reference_id=str(case.public_id), payable=payable)
    return {"order_id": order.public_id, "order_no": order.number, "payment_code": order.payment_code,
            "pay_url": f"/pay/orders/{order.public_id}/"}


COMPONENT = Component(
    "payment.create_order", "开具缴款单",
    "向办件申请人开具缴款单（按缴费项目的收费标准，或按给定金额和缴费事项），申请人在“我的缴费”中支付，缴费后自动开具电子票据。",
    create,
    inputs=(P("payable", "string", "缴费项目编码", required=False), P("amount_cents", "integer", "金额（分）", required=False),
            P("subject", "string", "缴费事项", required=False)),
    outputs=(P("order_id", "string", "缴款单编号"), P("order_no", "string", "缴款单号"), P("payment_code", "string", "缴款码"),
             P("pay_url", "string", "缴费页面")),
    app="payment",
)
