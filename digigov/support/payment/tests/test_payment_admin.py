"""The payment registries in the admin: read-only, scoped to the department, amounts in yuan, nothing personal."""

import pytest
from django.test import Client

from digigov.core.testing import make_user
from digigov.support.payment.models import PaymentOrder
from digigov.support.payment.testing import make_order, pay_through_sandbox

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_department_sees_its_own_orders_in_yuan_and_cannot_change_them(city, dept, django_capture_on_commit_callbacks):
    payer = make_user("citizen")
    with django_capture_on_commit_callbacks(execute=True):  # the e-bill is issued after the payment commits
        ours = pay_through_sandbox(make_order(dept, payer=payer, amount_cents=12345, subject="本局收费"))
    theirs = make_order(city.other_bureau, amount_cents=500, subject="他局收费")
    admin_user = make_user("dept_admin", department=dept)
    c = _client(admin_user)
    listing = c.get("/admin/payment/paymentorder/").content.decode()
    assert ours.number in listing and "123.45" in listing and theirs.number not in listing
    assert "模拟支付渠道" in listing and ">sandbox<" not in listing  # the channel's name, not its code
    assert c.get(f"/admin/payment/paymentorder/{theirs.pk}/change/").status_code in (302, 403, 404)
    page = c.get(f"/admin/payment/paymentorder/{ours.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and "123.45" in body and "12345" not in body
    assert "幂等键" not in body and "缴款人" not in body
    c.post(f"/admin/payment/paymentorder/{ours.pk}/change/", {"subject": "改了", "status": "refunded"})
    c.post(f"/admin/payment/paymentorder/{ours.pk}/delete/", {"post": "yes"})
    ours.refresh_from_db()
    assert ours.subject == "本局收费" and ours.status == "paid" and PaymentOrder.objects.filter(pk=ours.pk).exists()
    bills = c.get("/admin/payment/ebill/").content.decode()
    assert ours.bill.number in bills and "123.45" in bills


def test_citizens_do_not_reach_the_payment_registries(city, dept):
    c = _client(make_user("citizen"))
    for model in ("paymentorder", "refund", "ebill", "reconciliationrun", "payableitem"):
        assert c.get(f"/admin/payment/{model}/").status_code in (302, 403)
