import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digigov.core.testing import make_user, todo_queries
from digigov.infra.cloud import actions
from digigov.infra.cloud.models import Allocation, CloudPlatform, HostedSystem, RequestStatus, ResourceRequest
from digigov.infra.cloud.testing import request_kwargs

pytestmark = pytest.mark.django_db

PAGES = ["cloud:overview", "cloud:adoption", "cloud:platforms", "cloud:systems", "cloud:requests"]
# session + user + grants, then the page's own queries (one pool on the overview)
# measured; each includes the one query StaffOtpMiddleware makes for an unverified staff session
# +1 on every workbench page for a city admin: the header's to-do count (cloud requests awaiting approval)
# each page's own queries; the header's to-do total adds ``todo_queries(user)`` (core.testing)
MAX_QUERIES = {"cloud:overview": 14, "cloud:adoption": 9, "cloud:platforms": 6, "cloud:systems": 6, "cloud:requests": 6}


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_allowed_roles_and_403_for_others(city, cloud, client_for, name):
    url = reverse(name)
    for role in ("city_admin", "leader", "auditor"):
        assert client_for(make_user(role)).get(url).status_code == 200, role
    assert client_for(make_user("dept_admin", department=city.bureau)).get(url).status_code == 200
    for role in ("window_clerk", "approver", "citizen"):
        assert client_for(make_user(role, department=city.bureau if role != "citizen" else None)).get(url).status_code == 403, role
    assert Client().get(url).status_code == 302  # anonymous: to the login page


def test_overview_shows_capacity_rate_and_chart(city, cloud, city_admin, client_for):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    actions.record_samples(city_admin, cloud.pool, [
        {"at": now - dt.timedelta(hours=h), "cpu_pct": 70.0, "mem_pct": 70.0, "storage_pct": 70.0} for h in range(1, 25)])
    actions.allocate(city_admin, pool=cloud.pool, department=city.bureau, vcpu=70, memory_gb=280, storage_tb=7)
    html = client_for(city_admin).get(reverse("cloud:overview")).content.decode()
    assert 'data-chart="chart-utilisation"' in html and 'id="chart-utilisation"' in html
    assert "50.00%" in html  # 上云率 2/4
    assert "70.0%" in html  # allocation share of the pool
    assert reverse("kpi:detail", args=["K01"]) in html
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline JS (CSP)


def test_systems_are_scoped_and_filtered(city, cloud, bureau_admin, client_for):
    c = client_for(bureau_admin)
    html = c.get(reverse("cloud:systems")).content.decode()
    assert "营商环境监测系统" in html and "智慧校园平台" not in html and "区教育管理系统" not in html
    html = c.get(reverse("cloud:systems") + "?status=migrated").content.decode()
    assert "一体化政务服务平台" in html and "营商环境监测系统" not in html


def test_request_form_errors_in_chinese_and_success(city, cloud, bureau_admin, client_for):
    c = client_for(bureau_admin)
    url = reverse("cloud:request_new")
    page = c.get(url)
    assert page.status_code == 200 and "申请政务云资源" in page.content.decode()
    bad = c.post(url, {"department": city.bureau.public_id, "purpose": "new", "vcpu": "-1", "memory_gb": "0", "storage_tb": "0",
                       "reason": "x"})
    assert bad.status_code == 400 and "确保该值大于或等于0" in bad.content.decode()
    zero = c.post(url, {"department": city.bureau.public_id, "purpose": "new", "vcpu": "0", "memory_gb": "0", "storage_tb": "0",
                        "reason": "x"})
    assert zero.status_code == 400 and "申请资源不能全部为0" in zero.content.decode()
    over = c.post(url, {"department": city.bureau.public_id, "purpose": "new", "vcpu": "500", "memory_gb": "0", "storage_tb": "0",
                        "reason": "x"})
    assert over.status_code == 400 and "申请超过资源池总量" in over.content.decode()
    missing = c.post(url, {"department": city.bureau.public_id, "purpose": "migrate", "vcpu": "4", "memory_gb": "8",
                           "storage_tb": "1", "reason": "迁移"})
    assert missing.status_code == 400 and "迁移上云申请须指定信息系统" in missing.content.decode()
    # another department is not a valid choice for this admin
    other = c.post(url, {"department": city.other_bureau.public_id, "purpose": "new", "vcpu": "4", "memory_gb": "8",
                         "storage_tb": "1", "reason": "x"})
    assert other.status_code == 400 and "选择一个有效的选项" in other.content.decode()
    assert not ResourceRequest.objects.exists()
    data = {"department": city.bureau.public_id, "purpose": "migrate", "system": cloud.sys_planned.public_id, "vcpu": "4",
            "memory_gb": "8", "storage_tb": "1", "reason": "迁移上云", "idempotency_key": "form-key-1"}
    ok = c.post(url, data)
    req = ResourceRequest.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("cloud:request", args=[req.public_id])
    assert c.post(url, data).status_code == 302 and ResourceRequest.objects.count() == 1  # double submit: same request


def test_decide_form(city, cloud, bureau_admin, city_admin, edu_admin, client_for):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_planned))
    detail = reverse("cloud:request", args=[req.public_id])
    decide = reverse("cloud:request_decide", args=[req.public_id])
    admin = client_for(city_admin)
    page = admin.get(detail).content.decode()
    assert "提交审批" in page and "资源池剩余" in page
    assert "提交审批" not in client_for(bureau_admin).get(detail).content.decode()
    assert client_for(edu_admin).get(detail).status_code == 404
    assert client_for(bureau_admin).post(decide, {"decision": "approve"}).status_code == 403
    r = admin.post(decide, {"decision": "reject", "note": ""})
    assert r.status_code == 400 and "驳回时须填写审批意见" in r.content.decode()
    assert admin.post(decide, {"decision": "approve", "note": "同意"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and Allocation.objects.filter(request=req).exists()
    again = admin.post(decide, {"decision": "approve"})
    assert again.status_code == 409 and "已处理" in again.content.decode()
    assert Allocation.objects.filter(request=req).count() == 1


def test_withdraw_view(city, cloud, bureau_admin, edu_admin, client_for):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    url = reverse("cloud:request_withdraw", args=[req.public_id])
    assert client_for(edu_admin).post(url, {"confirm": "on"}).status_code == 404
    # destructive: without the confirmation box ticked nothing happens and the page says why
    unconfirmed = client_for(bureau_admin).post(url)
    assert unconfirmed.status_code == 400 and "撤回前请勾选确认" in unconfirmed.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    assert client_for(bureau_admin).post(url, {"confirm": "on"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.WITHDRAWN


def test_reject_asks_for_confirmation_and_controls_sit_with_labels(city, cloud, bureau_admin, city_admin, client_for):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    admin = client_for(city_admin)
    page = admin.get(reverse("cloud:request", args=[req.public_id])).content.decode()
    # each radio/checkbox is inside its own label (not a full-width control on a line of its own)
    assert re.search(r'<label class="choice" for="id_decision_0"><input type="radio" name="decision" value="approve"[^>]*> 批准</label>', page)
    assert re.search(r'<label class="choice" for="id_confirm_reject"><input type="checkbox"', page)
    decide = reverse("cloud:request_decide", args=[req.public_id])
    r = admin.post(decide, {"decision": "reject", "note": "资源不足"})
    assert r.status_code == 400 and "驳回前请勾选确认" in r.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    assert admin.post(decide, {"decision": "reject", "note": "资源不足", "confirm_reject": "on"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.REJECTED


def _many_requests(city, cloud, bureau_admin, n):
    for i in range(n):
        actions.submit_request(bureau_admin, **request_kwargs(city, reason=f"申请{i}", vcpu=1))


@pytest.mark.parametrize("name", PAGES)
def test_list_query_counts_do_not_grow_with_rows(city, cloud, bureau_admin, city_admin, client_for, django_assert_max_num_queries, name):
    c = client_for(city_admin)
    url = reverse(name)
    _many_requests(city, cloud, bureau_admin, 2)  # some rows on every page before measuring
    c.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    _many_requests(city, cloud, bureau_admin, 30)
    for i in range(30):
        actions.register_system(city_admin, department=city.bureau_unit if i % 2 else city.county_bureau, name=f"系统{i}")
        actions.create_platform(city_admin, name=f"机房{i}", department=city.county_bureau if i % 2 else city.bureau_unit)
    assert HostedSystem.objects.count() > 30 and CloudPlatform.objects.count() > 30
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES[name] + todo_queries(city_admin)):
        assert c.get(url).status_code == 200
