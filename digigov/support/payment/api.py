"""REST API of payments at /api/v1/support/payments/: the orders in the caller's reach (staff), one order,
its refund, the payer's own orders and the period totals. The channels' notify endpoint is not here: it is
the plain ``POST /pay/notify/<channel>/`` (no session, no API key; the signature authenticates it)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import ValidationFailed

from . import actions, selectors
from .models import OrderStatus, PaymentOrder

router = Router(tags=["support.payment 公共支付"])


class OrderOut(Schema):
    public_id: str
    number: str = Field(description="缴款单号")
    payment_code: str = Field(description="缴款码（20 位，末位为校验位）")
    subject: str
    amount_cents: int = Field(description="金额（分），创建后不可修改")
    refunded_cents: int
    department: str = Field(description="执收单位名称")
    status: str = Field(description="unpaid 待缴费 | paying 支付中 | paid 已缴费 | closed 已关闭 | refunded 已退款 | partially_refunded 部分退款")
    status_label: str
    reference_kind: str
    reference_id: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    pay_url: str = Field(description="缴款人的缴费页面")


def order_out(o: PaymentOrder) -> dict:
    return {"public_id": o.public_id, "number": o.number, "payment_code": o.payment_code, "subject": o.subject,
            "amount_cents": o.amount_cents, "refunded_cents": o.refunded_cents, "department": o.department.name, "status": o.status,
            "status_label": o.get_status_display(), "reference_kind": o.reference_kind, "reference_id": o.reference_id,
            "created_at": o.created_at, "expires_at": o.expires_at, "paid_at": o.paid_at, "pay_url": f"/pay/orders/{o.public_id}/"}


class RefundIn(StrictSchema):
    amount_cents: int = Field(ge=1, le=actions.MAX_AMOUNT_CENTS, description="退款金额（分），不超过可退金额")
    reason: str = Field(min_length=1, max_length=200)


class RefundOut(Schema):
    out_refund_no: str
    amount_cents: int
    status: str = Field(description="succeeded 退款成功 | failed 退款失败")
    order: OrderOut


class TotalsOut(Schema):
    orders: int = Field(description="期间开具的缴款单数")
    paid_orders: int
    paid_cents: int
    refunds: int
    refunded_cents: int
    bills: int = Field(description="期间开具的电子票据数")


@router.get("/orders", response=Page[OrderOut], summary="缴款单（本人管理范围内）")
@permission("payment.view")
def list_orders(request, status: str | None = None, q: str | None = None, page: int = 1, page_size: int = 50):
    if status and status not in OrderStatus.values:
        raise ValidationFailed("状态取值无效", code="invalid_status", detail={"field": "status"})
    qs = selectors.filter_orders(selectors.orders(request.auth).select_related("department"), status=status or "", q=q or "")
    return paginate(qs.order_by("-id"), page, page_size, order_out)


@router.get("/my/orders", response=Page[OrderOut], summary="本人的缴款单")
@permission("payment.pay")
def my_orders(request, page: int = 1, page_size: int = 50):
    return paginate(selectors.my_orders(request.auth), page, page_size, order_out)


@router.get("/totals", response=TotalsOut, summary="期间缴费统计（开单、入账、退款、票据）")
@permission("payment.view")
def totals(request, date_from: date, date_to: date):
    if date_to < date_from or (date_to - date_from).days > 366:
        raise ValidationFailed("统计期间应为不超过一年的有效日期范围", code="invalid_period", detail={"field": "date_to"})
    return selectors.totals((date_from, date_to))


@router.get("/orders/{public_id}", response=OrderOut, summary="缴款单详情")
@permission("payment.view")
def get_order(request, public_id: str):
    return order_out(selectors.order_for(request.auth, public_id))


@router.post("/orders/{public_id}/refund", response=RefundOut, summary="办理退款（可部分退款，累计不超过已缴金额）")
@permission("payment.manage")
@errors(409)
def refund(request, public_id: str, payload: RefundIn):
    order = selectors.order_for(request.auth, public_id)
    r = actions.refund(request.auth, order, payload.amount_cents, payload.reason)
    order.refresh_from_db()
    return {"out_refund_no": r.out_refund_no, "amount_cents": r.amount_cents, "status": r.status, "order": order_out(order)}
