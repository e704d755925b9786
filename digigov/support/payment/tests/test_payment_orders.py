"""create_order contract, amount immutability, pay (double click), close."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.support.payment import actions, codes
from digigov.support.payment.models import ImmutableAmount, OrderStatus, PaymentOrder
from digigov.support.payment.testing import make_order

pytestmark = pytest.mark.django_db


def test_create_order_contract(dept, citizen):
    order = make_order(dept, payer=citizen, amount_cents=2500, reference_id="APP-1")
    assert order.status == OrderStatus.UNPAID and order.amount_cents == 2500
    assert codes.payment_code_ok(order.payment_code)
    again = make_order(dept, payer=citizen, amount_cents=2500, reference_id="APP-1")
    assert again.pk == order.pk
    assert PaymentOrder.objects.filter(reference_id="APP-1").count() == 1
    from digigov.support.payment.selectors import orders_for_reference

    assert list(orders_for_reference("test.thing", "APP-1")) == [order]


def test_repeat_with_other_amount_is_a_conflict(dept, citizen):
    make_order(dept, payer=citizen, amount_cents=2500, reference_id="APP-2")
    with pytest.raises(Conflict) as exc:
        make_order(dept, payer=citizen, amount_cents=9900, reference_id="APP-2")
    assert "金额不能改变" in exc.value.message


def test_other_payer_cannot_take_an_open_order(dept, citizen, user_factory):
    make_order(dept, payer=citizen, reference_id="APP-3")
    with pytest.raises(Conflict):
        make_order(dept, payer=user_factory("citizen"), reference_id="APP-3")


def test_idempotency_key(dept, citizen):
    a = make_order(dept, payer=citizen, reference_kind="", reference_id="", idempotency_key="k-1")
    b = make_order(dept, payer=citizen, reference_kind="", reference_id="", idempotency_key="k-1")
    assert a.pk == b.pk


@pytest.mark.parametrize("amount", [0, -5, 12.5, True, "100", 10**11])
def test_bad_amounts_are_refused(dept, citizen, amount):
    with pytest.raises(ValidationFailed):
        make_order(dept, payer=citizen, amount_cents=amount)
    assert not PaymentOrder.objects.exists()


def test_citizen_cannot_bill_someone_else(dept, citizen, user_factory):
    other = user_factory("citizen")
    with pytest.raises(Forbidden):
        actions.create_order(citizen, payer=other, subject="x", amount_cents=100, department=dept, reference_kind="a", reference_id="b")


def test_amount_is_immutable_in_save_and_in_the_database(dept, citizen):
    order = make_order(dept, payer=citizen, amount_cents=2500)
    order.amount_cents = 1
    with pytest.raises(ImmutableAmount):
        order.save()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        PaymentOrder.objects.filter(pk=order.pk).update(amount_cents=1)
    order.refresh_from_db()
    assert order.amount_cents == 2500


def test_double_click_on_pay_opens_one_trade(dept, citizen):
    order = make_order(dept, payer=citizen)
    url1 = actions.pay(citizen, order)
    url2 = actions.pay(citizen, order)
    assert url1 == url2 and url1.startswith("/pay/sandbox/cashier/")
    assert order.trades.count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING


def test_someone_else_cannot_pay_my_order(dept, citizen, user_factory):
    order = make_order(dept, payer=citizen)
    with pytest.raises(NotFound):
        actions.pay(user_factory("citizen"), order)


def test_closed_order_cannot_be_paid(dept, citizen):
    order = make_order(dept, payer=citizen)
    url = actions.pay(citizen, order)
    actions.close(citizen, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    with pytest.raises(Conflict) as exc:
        actions.pay(citizen, order)
    assert "已关闭" in exc.value.message
    from digigov.support.payment.channels import sandbox
    from digigov.support.payment.testing import cashier_trade_no

    with pytest.raises(ValueError):
        sandbox.pay(cashier_trade_no(url), schedule=False)


def test_luhn_check_digit_catches_a_typo():
    code = codes.payment_code("210602")
    assert codes.payment_code_ok(code)
    wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    assert not codes.payment_code_ok(wrong)


def test_expired_orders_are_closed_and_cannot_be_paid(dept, citizen):
    import datetime as dt

    from django.utils import timezone

    from digigov.core.rbac.system import system_account

    a = make_order(dept, payer=citizen)
    b = make_order(dept, payer=citizen)
    PaymentOrder.objects.filter(pk__in=[a.pk, b.pk]).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    a.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        actions.pay(citizen, a)
    assert exc.value.code == "order_expired"
    a.refresh_from_db()
    assert a.status == OrderStatus.CLOSED
    assert actions.close_expired(system_account()) == 1
    b.refresh_from_db()
    assert b.status == OrderStatus.CLOSED
    # a new order for the same reference is a fresh one
    c = make_order(dept, payer=citizen, reference_id=b.reference_id)
    assert c.pk != b.pk and c.status == OrderStatus.UNPAID


def test_unacknowledged_notification_is_retried(dept, citizen, monkeypatch):
    from digigov.support.payment import tasks
    from digigov.support.payment.channels import sandbox

    assert sandbox.deliver("no-such-trade") is False
    calls = []
    monkeypatch.setattr(sandbox, "deliver", lambda trade_no: calls.append(trade_no) or False)
    with pytest.raises(tasks.NotAcknowledged):
        tasks.deliver_notification.call_local("T1")
    assert calls == ["T1"]
