"""The pages: order → cashier → paid → bill download (payer), convenience payments, staff list (pinned
query count), refund form, reconciliation pages; refused input re-renders with a Chinese message."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from digigov.support.payment import actions
from digigov.support.payment.models import ConvenienceBill, OrderStatus, PayableItem, PayableKind, PaymentOrder
from digigov.support.payment.testing import make_order, pay_through_sandbox

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_pay_journey_through_the_pages(dept, citizen, django_capture_on_commit_callbacks):
    order = make_order(dept, payer=citizen, amount_cents=12345, subject="食品经营许可证工本费")
    c = _client(citizen)
    r = c.get(f"/pay/orders/{order.public_id}/")
    html = r.content.decode()
    assert r.status_code == 200 and "¥123.45" in html and "待缴费" in html and "立即支付" in html and "unpaid" not in html.replace('data-status="unpaid"', "")
    r = c.post(f"/pay/orders/{order.public_id}/pay/")
    assert r.status_code == 302 and r["Location"].startswith("/pay/sandbox/cashier/")
    cashier = r["Location"]
    r2 = c.post(f"/pay/orders/{order.public_id}/pay/")  # double click
    assert r2["Location"] == cashier
    assert "确认支付" in c.get(cashier).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(cashier, {"op": "pay"})  # the notification is delivered by the (immediate) task
    assert r.status_code == 302 and r["Location"] == f"/pay/orders/{order.public_id}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    html = c.get(r["Location"]).content.decode()
    assert "已缴费" in html and "下载电子票据" in html
    bill = order.bill
    r = c.get(f"/my/payments/bills/{bill.public_id}/bill.pdf")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment") and r.content.startswith(b"%PDF")
    r = c.post(f"/pay/orders/{order.public_id}/pay/")
    assert r.status_code == 409 and "无需重复支付" in r.content.decode()
    assert "食品经营许可证工本费" in c.get("/my/payments/").content.decode()


def test_other_people_cannot_see_my_order_or_bill(dept, citizen, user_factory):
    order = pay_through_sandbox(make_order(dept, payer=citizen))
    bill = actions.issue_bill(order)
    c = _client(user_factory("citizen"))
    assert c.get(f"/pay/orders/{order.public_id}/").status_code == 404
    assert c.get(f"/my/payments/bills/{bill.public_id}/bill.pdf").status_code == 404


def test_convenience_payment(dept, citizen):
    water = PayableItem.objects.create(code="BM-WATER", name="水费", kind=PayableKind.CONVENIENCE, category="water", department=dept,
                                       payee="示范市水务集团", account_label="用户号")
    bill = ConvenienceBill.objects.create(payable=water, account_no="10086001", holder_name="王一", period="2026年10月", amount_due_cents=4560)
    c = _client(citizen)
    html = c.get("/pay/convenience/", {"payee": water.public_id, "account": "10086001"}).content.decode()
    assert "¥45.60" in html and "2026年10月" in html
    assert "没有查到" in c.get("/pay/convenience/", {"payee": water.public_id, "account": "999"}).content.decode()
    r = c.post("/pay/convenience/", {"payee": water.public_id, "account": "10086001", "bill": bill.public_id})
    assert r.status_code == 302
    order = PaymentOrder.objects.get(reference_id=bill.public_id)
    assert order.amount_cents == 4560 and order.payable == water
    pay_through_sandbox(order)
    bill.refresh_from_db()
    assert bill.settled_order == order
    assert "没有查到" in c.get("/pay/convenience/", {"payee": water.public_id, "account": "10086001"}).content.decode()


def test_staff_orders_list_query_count_and_scope(dept, city, user_factory, role_user, django_assert_max_num_queries):
    for i in range(6):
        make_order(dept, payer=user_factory("citizen"), amount_cents=100 + i)
    make_order(city.other_bureau, payer=user_factory("citizen"), subject="其他部门的缴费")
    admin = role_user("dept_admin")
    c = _client(admin)
    c.get("/workbench/support/payments/")
    with django_assert_max_num_queries(12):
        r = c.get("/workbench/support/payments/", {"status": "unpaid"})
    html = r.content.decode()
    assert r.status_code == 200 and html.count("测试缴费") == 6 and "其他部门的缴费" not in html
    city_admin = role_user("city_admin")
    assert "其他部门的缴费" in _client(city_admin).get("/workbench/support/payments/").content.decode()


def test_refund_form(dept, citizen, role_user):
    order = pay_through_sandbox(make_order(dept, payer=citizen, amount_cents=5000))
    c = _client(role_user("dept_admin"))
    url = f"/workbench/support/payments/orders/{order.public_id}/"
    assert "办理退款" in c.get(url).content.decode()
    r = c.post(url + "refund/", {"amount": "60.00", "reason": "多收"})
    assert r.status_code == 422 and "可退金额 50.00 元" in r.content.decode()
    r = c.post(url + "refund/", {"amount": "abc", "reason": "多收"})
    assert r.status_code == 422 and "退款金额应为数字" in r.content.decode()
    r = c.post(url + "refund/", {"amount": "20.5", "reason": "多收"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.refunded_cents == 2050 and order.status == OrderStatus.PARTIALLY_REFUNDED


def test_reconciliation_pages(dept, citizen, role_user):
    admin = role_user("city_admin")
    c = _client(admin)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = c.post("/workbench/support/payments/reconciliation/start/", {"day": day})
    assert r.status_code == 302
    assert "差异" in c.get(r["Location"]).content.decode()
    r = c.post("/workbench/support/payments/reconciliation/start/", {"day": timezone.localdate().isoformat()})
    assert r.status_code == 422 and "只能对已结束的日期对账" in r.content.decode()
    assert _client(role_user("dept_admin")).get("/workbench/support/payments/reconciliation/").status_code == 403


def test_open_mismatches_are_a_todo(role_user):
    from digigov.core.registry import TODOS
    from digigov.support.payment.models import MismatchKind, ReconciliationItem, ReconciliationRun

    admin = role_user("city_admin")
    todo = TODOS["payment.mismatches"]
    assert todo.count(admin) == 0
    run = ReconciliationRun.objects.create(channel="sandbox", day=timezone.localdate() - dt.timedelta(days=1), started_by=admin)
    ReconciliationItem.objects.create(run=run, kind=MismatchKind.CHANNEL_ONLY, out_trade_no="TX", channel_cents=100, channel_status="paid")
    assert todo.count(admin) == 1 and todo.single_url(admin) == f"/workbench/support/payments/reconciliation/{run.public_id}/"
