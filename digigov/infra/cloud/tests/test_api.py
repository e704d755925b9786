import json

import pytest
from django.test import Client

from digigov.core.testing import make_user
from digigov.infra.cloud import actions
from digigov.infra.cloud.models import Allocation, CloudStatus, RequestStatus, ResourceRequest
from digigov.infra.cloud.testing import request_kwargs

pytestmark = pytest.mark.django_db
BASE = "/api/v1/infra/cloud"


def body(city, cloud, **overrides):
    data = {"department": city.bureau.public_id, "purpose": "migrate", "system": cloud.sys_planned.public_id, "vcpu": 8,
            "memory_gb": 16, "storage_tb": "1.5", "reason": "迁移上云"}
    data.update(overrides)
    return data


def post(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", headers=headers)


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    data = resp.json()
    assert set(data) == {"code", "message", "detail"}
    if code:
        assert data["code"] == code
    return data


def test_create_request_and_idempotent_replay(city, cloud, bureau_admin, client_for):
    c = client_for(bureau_admin)
    first = post(c, f"{BASE}/requests", body(city, cloud), **{"Idempotency-Key": "abc-123"})
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "submitted" and data["system"] == cloud.sys_planned.public_id and data["storage_tb"] == 1.5
    again = post(c, f"{BASE}/requests", body(city, cloud), **{"Idempotency-Key": "abc-123"})
    assert again.status_code == 200 and again.json()["public_id"] == data["public_id"]
    assert ResourceRequest.objects.count() == 1
    # the key may also come in the body
    via_body = post(c, f"{BASE}/requests", body(city, cloud, idempotency_key="abc-123"))
    assert via_body.status_code == 200 and via_body.json()["public_id"] == data["public_id"]
    changed = post(c, f"{BASE}/requests", body(city, cloud, vcpu=9), **{"Idempotency-Key": "abc-123"})
    assert_error(changed, 409, "idempotency_mismatch")
    mismatch = post(c, f"{BASE}/requests", body(city, cloud, idempotency_key="other"), **{"Idempotency-Key": "abc-123"})
    assert_error(mismatch, 422, "idempotency_key_mismatch")


def test_unknown_field_and_bad_values_are_422(city, cloud, bureau_admin, client_for):
    c = client_for(bureau_admin)
    err = assert_error(post(c, f"{BASE}/requests", body(city, cloud, gpu=4)), 422, "validation_error")
    assert err["message"] == "请求参数校验失败"
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, vcpu="many")), 422, "validation_error")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, vcpu=-4)), 422, "invalid_amount")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, vcpu=10**40)), 422, "invalid_amount")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, vcpu=0, memory_gb=0, storage_tb=0)), 422, "empty_request")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, vcpu=5000)), 422, "exceeds_pool_total")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, department="nope")), 422, "unknown_department")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, system="nope")), 422, "unknown_system")
    assert_error(post(c, f"{BASE}/requests", body(city, cloud, system=cloud.sys_edu.public_id)), 422, "unknown_system")
    assert not ResourceRequest.objects.exists()


def test_approve_via_api_and_capacity_conflict(city, cloud, bureau_admin, city_admin, client_for):
    c = client_for(bureau_admin)
    pid = post(c, f"{BASE}/requests", body(city, cloud)).json()["public_id"]
    big = post(c, f"{BASE}/requests", body(city, cloud, purpose="new", system=None, vcpu=95, reason="大数据平台")).json()["public_id"]
    admin = client_for(city_admin)
    ok = post(admin, f"{BASE}/requests/{pid}/approve", {"note": "同意"})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    cloud.sys_planned.refresh_from_db()
    assert cloud.sys_planned.cloud_status == CloudStatus.MIGRATED
    err = assert_error(post(admin, f"{BASE}/requests/{big}/approve", {}), 409, "pool_capacity_exceeded")
    assert "资源池剩余容量不足" in err["message"]
    assert ResourceRequest.objects.get(public_id=big).status == RequestStatus.SUBMITTED
    assert_error(post(admin, f"{BASE}/requests/{pid}/approve", {}), 409, "already_decided")
    assert_error(post(admin, f"{BASE}/requests/{big}/reject", {"note": ""}), 422, "note_required")
    assert post(admin, f"{BASE}/requests/{big}/reject", {"note": "压缩规模"}).json()["status"] == "rejected"
    assert Allocation.objects.count() == 1


def test_permissions_and_scope(city, cloud, bureau_admin, edu_admin, city_admin, client_for):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    edu = client_for(edu_admin)
    # another department's request is invisible (404), its department cannot be used (403)
    assert_error(edu.get(f"{BASE}/requests/{req.public_id}"), 404, "not_found")
    assert edu.get(f"{BASE}/requests").json()["count"] == 0
    assert_error(post(edu, f"{BASE}/requests", body(city, cloud, purpose="new", system=None)), 403, "forbidden")
    assert_error(post(edu, f"{BASE}/requests", body(city, cloud)), 422, "unknown_system")  # another department's system
    assert_error(post(edu, f"{BASE}/requests/{req.public_id}/withdraw", {}), 404)
    # dept admins cannot approve at all
    assert_error(post(client_for(bureau_admin), f"{BASE}/requests/{req.public_id}/approve", {}), 403, "forbidden")
    # bureau admin sees own requests and only own department's systems
    mine = client_for(bureau_admin)
    assert mine.get(f"{BASE}/requests").json()["count"] == 1
    names = {s["name"] for s in mine.get(f"{BASE}/systems?page_size=100").json()["items"]}
    assert "智慧校园平台" not in names and "营商环境监测系统" in names
    # city admin sees everything; citizens and anonymous callers nothing
    assert client_for(city_admin).get(f"{BASE}/systems").json()["count"] == 6
    assert_error(client_for(make_user("citizen")).get(f"{BASE}/requests"), 403)
    assert_error(Client().get(f"{BASE}/requests"), 401, "unauthenticated")


def test_lists_paginate_and_validate(city, cloud, city_admin, client_for):
    c = client_for(city_admin)
    page = c.get(f"{BASE}/systems?page=1&page_size=2").json()
    assert page["count"] == 6 and len(page["items"]) == 2
    assert_error(c.get(f"{BASE}/systems?page=0"), 422, "bad_page")
    assert_error(c.get(f"{BASE}/systems?page_size=1000"), 422, "bad_page_size")
    assert_error(c.get(f"{BASE}/systems?status=flying"), 422, "invalid_status")
    assert c.get(f"{BASE}/systems?status=migrated").json()["count"] == 2
    pools = c.get(f"{BASE}/pools").json()["items"]
    assert pools[0]["vcpu"] == {"total": 100, "allocated": 0, "free": 100}
    adoption = c.get(f"{BASE}/adoption").json()
    assert (adoption["numerator"], adoption["denominator"]) == (2, 4)
    assert c.get(f"{BASE}/platforms").json()["count"] == 3


def test_session_api_requires_csrf(city, cloud, bureau_admin):
    c = Client(enforce_csrf_checks=True)
    c.force_login(bureau_admin)
    assert post(c, f"{BASE}/requests", body(city, cloud)).status_code == 403
    c.get("/workbench/infra/cloud/")  # renders a page with a CSRF token and sets the cookie
    token = c.cookies["csrftoken"].value
    resp = post(c, f"{BASE}/requests", body(city, cloud), **{"X-CSRFToken": token})
    assert resp.status_code == 201, resp.content


def test_system_status_and_integration_endpoints(city, cloud, city_admin, bureau_admin, client_for):
    c = client_for(city_admin)
    r = post(c, f"{BASE}/systems/{cloud.sys_edu.public_id}/status", {"cloud_status": "exempt", "exempt_reason": "专网"})
    assert r.status_code == 200 and r.json()["cloud_status"] == "exempt"
    assert_error(post(c, f"{BASE}/systems/{cloud.sys_edu.public_id}/status", {"cloud_status": "exempt", "extra": 1}), 422)
    r = post(c, f"{BASE}/platforms/{cloud.edu_room.public_id}/integration", {"integrated": True})
    assert r.status_code == 200 and r.json()["integrated"] is True
    assert_error(post(client_for(bureau_admin), f"{BASE}/platforms/{cloud.edu_room.public_id}/integration", {"integrated": False}), 403)
