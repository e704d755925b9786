"""Fees of an application → the payment slice (统一公共支付), behind one small function.

The payment app's action contract (common to the issue-12 slices)::

    digigov.support.payment.actions.create_order(actor, *, payer, subject, amount_cents, department,
        reference_kind, reference_id, idempotency_key="", payable=None) -> PaymentOrder
    digigov.support.payment.selectors.orders_for_reference(reference_kind, reference_id)

``order_for`` calls it when the payment slice's actions are installed and answers ``None`` when they are
not. ``payable`` stays unset: it names a ``payment.PayableItem`` (a 便民缴费 project), and the real action
refuses anything else (an application with a fee could not be submitted while ``payable=application`` was
passed; ``tests/test_bundles_fanout.py`` submits one). Tests replace ``_payment_actions`` with a clearly marked test-only fake.
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


def _payment_actions():
    try:
        from digigov.support.payment import actions
    except ImportError:
        return None
    return actions if hasattr(actions, "create_order") else None


def _payment_selectors():
    try:
        from digigov.support.payment import selectors
    except ImportError:
        return None
    return selectors if hasattr(selectors, "orders_for_reference") else None


def order_for(actor, application, *, amount: int, department, payer):
    """Open the payment order for ``application`` (idempotent on the reference); None without a payment app."""
    pay = _payment_actions()
    if pay is None or amount <= 0:
        return None
    return pay.create_order(actor, payer=payer, subject=f"{application.title}（{application.number}）"[:100], amount_cents=amount,
                            department=department, reference_kind=REFERENCE_KIND, reference_id=application.public_id,
                            idempotency_key=f"onestop-{application.public_id}")  # ``payable`` is a PayableItem (便民缴费), not ours


def unpaid_orders(application) -> list:
    sel = _payment_selectors()
    if sel is None:
        return []
    return [o for o in sel.orders_for_reference(REFERENCE_KIND, application.public_id) if o.status == "unpaid"]


def orders(application) -> list:
    sel = _payment_selectors()
    if sel is None:
        return []
    return list(sel.orders_for_reference(REFERENCE_KIND, application.public_id))
