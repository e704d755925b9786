"""Fees of an application → the payment slice (统一公共支付), behind one small function.

The payment app's action contract (common to the issue-12 slices)::

    digigov.support.payment.actions.create_order(actor, *, payer, subject, amount_cents, department,
        reference_kind, reference_id, idempotency_key="", payable=None) -> PaymentOrder
    digigov.support.payment.selectors.orders_for_reference(reference_kind, reference_id)

``order_for`` opens the order (a repeat for the same application returns the open one); the application
waits in 待缴费 until the payment app's ``order_paid`` (``receivers_application``).
"""

from __future__ import annotations

REFERENCE_KIND = "onestop.application"


def amount_cents(items) -> int:
    """Total of the items' fee lines (``ServiceItem.fees`` = ``[{名称, 金额（分）, 依据}]``; also accepts
    ``amount_cents`` / ``amount`` keys). Bad lines count as nothing: the catalog validates fees."""
    total = 0
    for item in items:
        if not item.fee_required:
            continue
        for line in item.fees or []:
            if not isinstance(line, dict):
                continue
            for k in ("amount_cents", "金额（分）", "金额", "amount"):
                v = line.get(k)
                if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                    total += v
                    break
    return total


def collecting_department(items):
    """The department that collects the fee: the first item with a fee due (in a 一件事 the fee belongs to
    one member — 不动产转移登记's 登记费 is the 自然资源 bureau's, not the lead member's); the first item's when
    none is due."""
    items = list(items)
    for item in items:
        if amount_cents([item]):
            return item.department
    return items[0].department if items else None


def order_for(actor, application, *, amount: int, department, payer):
    """Open the payment order for ``application`` (idempotent on the reference); None when nothing is due."""
    from digigov.support.payment import actions as pay

    if amount <= 0:
        return None
    return pay.create_order(actor, payer=payer, subject=f"{application.title}（{application.number}）"[:100], amount_cents=amount,
                            department=department, reference_kind=REFERENCE_KIND, reference_id=application.public_id,
                            idempotency_key=f"onestop-{application.public_id}")


def unpaid_orders(application) -> list:
    from digigov.support.payment import selectors as sel

    return [o for o in sel.orders_for_reference(REFERENCE_KIND, application.public_id) if o.status == "unpaid"]


def orders(application) -> list:
    from digigov.support.payment import selectors as sel

    return list(sel.orders_for_reference(REFERENCE_KIND, application.public_id))
