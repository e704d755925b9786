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
    """The department that collects an application's fee (the order's payee and the e-bill's issuer): the
    department of the first member that charges one — not simply the first member's, which in a 一件事 may be
    a department that charges nothing (不动产转移登记一件事 starts with 住建's 网签备案; the fee is the
    不动产登记中心's)."""
    charging = [item for item in items if amount_cents([item])]
    return (charging or list(items))[0].department


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
