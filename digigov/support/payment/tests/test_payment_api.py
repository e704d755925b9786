"""The payments API: scoped order list and detail, refund (never more than paid), the payer's own, totals."""

import json

import pytest
from django.utils import timezone

from digigov.core.testing import logged_in_client
from digigov.support.payment.models import OrderStatus
from digigov.support.payment.testing import make_order, pay_through_sandbox

pytestmark = pytest.mark.django_db
BASE = "/api/v1/support/payments"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_orders_scope_detail_and_refund(dept, city, citizen, role_user, user_factory):
    order = pay_through_sandbox(make_order(dept, payer=citizen, amount_cents=5000))
    make_order(city.other_bureau, payer=user_factory("citizen"), subject="其他部门")
    admin = logged_in_client(role_user("dept_admin"))
    body = admin.get(f"{BASE}/orders").json()
    assert [o["public_id"] for o in body["items"]] == [order.public_id]
    assert body["items"][0]["status_label"] == "已缴费"
    assert admin.get(f"{BASE}/orders", {"status": "bogus"}).status_code == 422
    assert admin.get(f"{BASE}/orders/{order.public_id}").json()["amount_cents"] == 5000
    r = _post(admin, f"{BASE}/orders/{order.public_id}/refund", {"amount_cents": 6000, "reason": "多收"})
    assert r.status_code == 422 and r.json()["code"] == "refund_too_much" and "可退金额" in r.json()["message"]
    r = _post(admin, f"{BASE}/orders/{order.public_id}/refund", {"amount_cents": 1500, "reason": "多收"})
    assert r.status_code == 200 and r.json()["order"]["status"] == OrderStatus.PARTIALLY_REFUNDED
    r = _post(admin, f"{BASE}/orders/{order.public_id}/refund", {"amount_cents": "1500", "reason": "多收"})
    assert r.status_code == 422
    other = logged_in_client(role_user("dept_admin", department=city.other_bureau))
    assert other.get(f"{BASE}/orders/{order.public_id}").status_code == 404
    assert logged_in_client(citizen).get(f"{BASE}/orders").status_code == 403
    mine = logged_in_client(citizen).get(f"{BASE}/my/orders").json()
    assert [o["public_id"] for o in mine["items"]] == [order.public_id]
    today = timezone.localdate().isoformat()
    totals = logged_in_client(role_user("city_admin")).get(f"{BASE}/totals", {"date_from": today, "date_to": today}).json()
    assert totals["paid_cents"] == 5000 and totals["refunded_cents"] == 1500
