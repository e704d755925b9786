"""The sandbox channel's signed notifications through our notify endpoint: paid once, idempotent, forged
signatures and amount mismatches refused, late payments for closed orders refunded."""

import json

import pytest
from django.test import Client

from digigov.support.payment import actions
from digigov.support.payment.channels import sandbox
from digigov.support.payment.models import (Notification, NotificationResult, OrderStatus, PaymentOrder, Refund, SandboxTrade)
from digigov.support.payment.testing import cashier_trade_no, make_order, pay_through_sandbox

pytestmark = pytest.mark.django_db


def _paid_trade(order):
    url = actions.pay(order.payer, order)
    trade_no = cashier_trade_no(url)
    sandbox.pay(trade_no, schedule=False)
    return SandboxTrade.objects.get(trade_no=trade_no)


def _post(body: bytes, headers: dict):
    client = Client(enforce_csrf_checks=True)  # a channel has no CSRF token: the endpoint must not need one
    return client.post("/pay/notify/sandbox/", data=body, content_type="application/json", headers=headers)


def test_paid_once_and_duplicates_change_nothing(dept, citizen, paid_signals, django_capture_on_commit_callbacks):
    order = make_order(dept, payer=citizen, amount_cents=3000)
    t = _paid_trade(order)
    body, headers = sandbox.notification(t)
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(body, headers)
    assert r.status_code == 200 and r.content == b"success"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_at is not None and order.channel == "sandbox"
    assert paid_signals == [order.pk]
    assert order.bill.number  # the e-bill was issued after the commit
    paid_at = order.paid_at
    for _ in range(3):  # the channel repeats itself
        r = _post(body, sandbox.sign(body))
        assert r.status_code == 200
    order.refresh_from_db()
    assert order.paid_at == paid_at and order.status == OrderStatus.PAID
    assert paid_signals == [order.pk]
    assert Notification.objects.filter(result=NotificationResult.DUPLICATE).count() == 3


def test_forged_signature_is_refused(dept, citizen, paid_signals):
    order = make_order(dept, payer=citizen)
    t = _paid_trade(order)
    body, headers = sandbox.notification(t)
    ts = headers[sandbox.TS_HEADER]
    forged = {sandbox.TS_HEADER: ts, sandbox.SIG_HEADER: "v1=" + "0" * 64}
    r = _post(body, forged)
    assert r.status_code == 400
    tampered = body.replace(b'"status":"SUCCESS"', b'"status":"SUCCESS" ')
    assert _post(tampered, headers).status_code == 400
    assert _post(body, {}).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING and paid_signals == []
    assert Notification.objects.filter(signature_ok=False, result=NotificationResult.BAD_SIGNATURE).count() == 3


def test_amount_mismatch_is_refused(dept, citizen, paid_signals):
    order = make_order(dept, payer=citizen, amount_cents=3000)
    t = _paid_trade(order)
    data = json.loads(sandbox.notification(t)[0])
    data["amount_cents"] = 1
    body = json.dumps(data).encode()
    r = _post(body, sandbox.sign(body))  # correctly signed, wrong amount
    assert r.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING and order.amount_cents == 3000 and paid_signals == []
    assert Notification.objects.get(result=NotificationResult.AMOUNT_MISMATCH).signature_ok


def test_late_payment_for_a_closed_order_is_refunded(dept, citizen, paid_signals):
    order = make_order(dept, payer=citizen, amount_cents=4200)
    url = actions.pay(citizen, order)
    # the order was closed while the channel could not be told (its cashier stayed open)
    PaymentOrder.objects.filter(pk=order.pk).update(status=OrderStatus.CLOSED)
    trade_no = cashier_trade_no(url)
    sandbox.pay(trade_no, schedule=False)
    assert sandbox.deliver(trade_no)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and paid_signals == []
    refund = Refund.objects.get(order=order)
    assert refund.automatic and refund.amount_cents == 4200
    assert SandboxTrade.objects.get(trade_no=trade_no).refunded_cents == 4200
    assert sandbox.deliver(trade_no)  # repeated: acknowledged, no second refund
    assert Refund.objects.filter(order=order).count() == 1


def test_query_settles_without_a_notification(dept, citizen, paid_signals):
    order = make_order(dept, payer=citizen)
    pay_through_sandbox(order, deliver=False)
    order = actions.query(citizen, order)
    assert order.status == OrderStatus.PAID and paid_signals == [order.pk]


def test_cancel_at_the_cashier_returns_to_unpaid(dept, citizen):
    order = make_order(dept, payer=citizen)
    url = actions.pay(citizen, order)
    sandbox.cancel(cashier_trade_no(url))
    order = actions.query(citizen, order)
    assert order.status == OrderStatus.UNPAID
    url2 = actions.pay(citizen, order)
    assert url2 != url and order.trades.count() == 2


def test_unknown_channel_is_404(db):
    assert _post(b"{}", {}).status_code == 400
    assert Client().post("/pay/notify/nope/", data=b"{}", content_type="application/json").status_code == 404


def test_paid_meanwhile_is_kept_when_pay_or_close_is_refused(dept, citizen, user_factory, paid_signals):
    """Regression: the payment found by asking the channel was settled inside the transaction that then raised
    (pay again / close), so it rolled back and the order looked unpaid."""
    from digigov.core.errors import Conflict

    order = make_order(dept, payer=citizen)
    _paid_trade(order)  # paid at the cashier, the notification not yet here
    with pytest.raises(Conflict):
        actions.pay(citizen, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and paid_signals == [order.pk]
    other = user_factory("citizen")
    order2 = make_order(dept, payer=other)
    _paid_trade(order2)
    with pytest.raises(Conflict) as exc:
        actions.close(other, order2)
    assert exc.value.code == "already_paid"
    order2.refresh_from_db()
    assert order2.status == OrderStatus.PAID
