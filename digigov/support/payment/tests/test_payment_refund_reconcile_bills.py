"""Refunds (partial, never more than paid), reconciliation (every mismatch kind), e-bills (sealed PDF, check code, 红冲)."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.support.payment import actions, selectors
from digigov.support.payment.channels import sandbox
from digigov.support.payment.models import (BillStatus, ChannelTrade, MismatchKind, OrderStatus, PaymentOrder, SandboxTrade)
from digigov.support.payment.testing import make_order, pay_through_sandbox, trade_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(role_user):
    return role_user("dept_admin")


@pytest.fixture
def paid(dept, citizen):
    order = pay_through_sandbox(make_order(dept, payer=citizen, amount_cents=5000))
    assert order.status == OrderStatus.PAID
    return order


def test_partial_then_full_refund(paid, manager):
    actions.refund(manager, paid, 2000, "多收退回")
    paid.refresh_from_db()
    assert paid.status == OrderStatus.PARTIALLY_REFUNDED and paid.refunded_cents == 2000
    with pytest.raises(ValidationFailed) as exc:
        actions.refund(manager, paid, 3001, "再退")
    assert "可退金额 30.00 元" in exc.value.message
    paid.refresh_from_db()
    assert paid.refunded_cents == 2000
    bill = actions.issue_bill(paid)
    actions.refund(manager, paid, 3000, "全部退回")
    paid.refresh_from_db()
    bill.refresh_from_db()
    assert paid.status == OrderStatus.REFUNDED and paid.amount_cents == 5000
    assert bill.status == BillStatus.REVERSED
    with pytest.raises(Conflict):
        actions.refund(manager, paid, 1, "还退")
    assert SandboxTrade.objects.get(out_trade_no=trade_of(paid).out_trade_no).refunded_cents == 5000


def test_refund_needs_manage_over_the_department(paid, citizen, user_factory, city):
    with pytest.raises(Forbidden):
        actions.refund(citizen, paid, 100, "x")
    with pytest.raises(Forbidden):
        actions.refund(user_factory("dept_admin", department=city.other_bureau), paid, 100, "x")


def test_unpaid_order_cannot_be_refunded(dept, citizen, manager):
    order = make_order(dept, payer=citizen)
    with pytest.raises(Conflict):
        actions.refund(manager, order, 100, "x")


def test_bill_is_sealed_and_verifiable(paid, client):
    bill = actions.issue_bill(paid)
    assert actions.issue_bill(paid).pk == bill.pk  # once
    assert bytes(bill.pdf).startswith(b"%PDF") and bill.seal_id
    assert len(bill.number) == 10 and len(bill.check_code) == 6
    from digigov.support.seal import verify

    assert verify.verify_document(bytes(bill.pdf)).valid
    r = client.get("/bills/verify/", {"number": bill.number, "check_code": bill.check_code.lower()})
    assert r.status_code == 200
    html = r.content.decode()
    assert "票据真实有效" in html and "验证通过" in html
    assert bill.payer_name not in html or len(bill.payer_name) == 1  # masked
    wrong = "000000" if bill.check_code != "000000" else "111111"
    r = client.get("/bills/verify/", {"number": bill.number, "check_code": wrong})
    assert r.status_code == 404 and "票据号码或校验码不正确" in r.content.decode()


def _yesterday_paid(order):
    """Move a paid trade (both sides) to yesterday, so it can be reconciled."""
    t = trade_of(order)
    when = timezone.now() - dt.timedelta(days=1)
    ChannelTrade.objects.filter(pk=t.pk).update(paid_at=when)
    SandboxTrade.objects.filter(out_trade_no=t.out_trade_no).update(paid_at=when)
    return t


def test_reconciliation_finds_each_kind(dept, user_factory, role_user):
    admin = role_user("city_admin")
    orders = [pay_through_sandbox(make_order(dept, payer=user_factory("citizen"), amount_cents=1000 + i)) for i in range(5)]
    trades = [_yesterday_paid(o) for o in orders]
    # 0 matches; 1: the channel lost it; 2: the channel says another amount; 3: refunded at the channel only
    SandboxTrade.objects.filter(out_trade_no=trades[1].out_trade_no).delete()
    SandboxTrade.objects.filter(out_trade_no=trades[2].out_trade_no).update(amount_cents=1)
    SandboxTrade.objects.filter(out_trade_no=trades[3].out_trade_no).update(refunded_cents=1003)
    # 4: we never heard of the channel's trade
    SandboxTrade.objects.create(trade_no="SBX1", out_trade_no="TUNKNOWN", subject="x", amount_cents=777, notify_path="/", return_path="/",
                                status=sandbox.SUCCESS, paid_at=timezone.now() - dt.timedelta(days=1))
    run = actions.reconcile(admin, timezone.localdate() - dt.timedelta(days=1))
    kinds = {i.out_trade_no: i.kind for i in run.items.all()}
    assert kinds == {trades[1].out_trade_no: MismatchKind.OURS_ONLY, trades[2].out_trade_no: MismatchKind.AMOUNT,
                     trades[3].out_trade_no: MismatchKind.STATUS, "TUNKNOWN": MismatchKind.CHANNEL_ONLY}
    assert run.matched_count == 2 and run.mismatch_count == 4
    item = run.items.get(out_trade_no="TUNKNOWN")
    actions.resolve_item(admin, item, "渠道错账，已联系渠道冲正")
    with pytest.raises(Conflict):
        actions.resolve_item(admin, item, "again")
    with pytest.raises(ValidationFailed):
        actions.reconcile(admin, timezone.localdate())


def test_reconcile_is_city_admin_only(role_user):
    with pytest.raises(Forbidden):
        actions.reconcile(role_user("dept_admin"), timezone.localdate() - dt.timedelta(days=1))


def test_totals(paid, manager):
    actions.refund(manager, paid, 1000, "部分退回")
    t = selectors.totals(timezone.localdate())
    assert t["paid_orders"] == 1 and t["paid_cents"] == 5000 and t["refunds"] == 1 and t["refunded_cents"] == 1000
    assert t["orders"] == PaymentOrder.objects.count()


def test_capital_amounts():
    from digigov.support.payment.bills import capital

    assert capital(12345) == "壹佰贰拾叁元肆角伍分"
    assert capital(10000) == "壹佰元整"
    assert capital(100000005) == "壹佰万元零伍分"
    assert capital(105) == "壹元零伍分"
    assert capital(1000001) == "壹万元零壹分"
    assert capital(10010000) == "壹拾万零壹佰元整"
