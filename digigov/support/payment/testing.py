"""Test helpers of the payment app (other apps' tests may use them too).

* ``make_order`` — an order through ``create_order`` by the payer themselves;
* ``pay_through_sandbox`` — the whole channel round trip: ``pay`` → the sandbox cashier's 确认支付 → the
  signed notification delivered to the notify endpoint (synchronously), answers the fresh order."""

from __future__ import annotations

import itertools

from digigov.core.testing import make_user

from . import actions
from .channels import sandbox
from .models import ChannelTrade, PaymentOrder

_seq = itertools.count(1)


def make_order(department, *, payer=None, amount_cents: int = 2000, subject: str = "测试缴费", reference_kind: str = "test.thing",
               reference_id: str | None = None, **kwargs) -> PaymentOrder:
    payer = payer or make_user("citizen")
    return actions.create_order(payer, payer=payer, subject=subject, amount_cents=amount_cents, department=department,
                                reference_kind=reference_kind, reference_id=f"R{next(_seq):06d}" if reference_id is None else reference_id, **kwargs)


def cashier_trade_no(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def pay_through_sandbox(order: PaymentOrder, *, deliver: bool = True) -> PaymentOrder:
    url = actions.pay(order.payer, order)
    trade_no = cashier_trade_no(url)
    sandbox.pay(trade_no, schedule=False)
    if deliver:
        assert sandbox.deliver(trade_no)
    order.refresh_from_db()
    return order


def trade_of(order: PaymentOrder) -> ChannelTrade:
    return order.trades.order_by("-id").first()
