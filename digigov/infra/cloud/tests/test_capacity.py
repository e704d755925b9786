"""One capacity read model: the form's intro, its warnings, the approval page, the pools API and the
actions' errors all name the same free figure (the pool's total is never called “剩余”)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from digigov.core.errors import ValidationFailed
from digigov.core.testing import make_user
from digigov.infra.cloud import actions, selectors
from digigov.infra.cloud.models import ResourceRequest
from digigov.infra.cloud.testing import request_kwargs

pytestmark = pytest.mark.django_db


def form_data(city, **overrides):
    data = {"department": city.bureau.public_id, "purpose": "new", "vcpu": "4", "memory_gb": "8", "storage_tb": "1", "reason": "新系统"}
    data.update(overrides)
    return data


def test_read_model_free_and_quota_headroom(city, cloud, city_admin):
    actions.allocate(city_admin, pool=cloud.pool, department=city.other_bureau, vcpu=60, memory_gb=100, storage_tb=2)
    actions.set_quota(city_admin, department=city.bureau, pool=cloud.pool, vcpu=30, memory_gb=400, storage_tb=10)
    actions.allocate(city_admin, pool=cloud.pool, department=city.bureau, vcpu=25, memory_gb=10, storage_tb=1)
    cap = selectors.pool_capacity(cloud.pool, city.bureau)
    vcpu = cap.dim("vcpu")
    assert (vcpu.total, vcpu.allocated, vcpu.free, vcpu.quota_free, vcpu.available) == (100, 85, 15, 5, 5)
    assert cap.dim("storage_tb").free == Decimal("7.00")
    # the list read model (one query for all pools) agrees with the single-pool one
    [listed] = selectors.pool_capacities([cloud.pool])
    assert [(d.total, d.allocated, d.free) for d in listed.dims] == [(d.total, d.allocated, d.free) for d in cap.dims]


def test_over_the_pool_total_names_the_total_not_remaining(city, cloud, bureau_admin, city_admin):
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, vcpu=500))
    assert exc.value.code == "exceeds_pool_total" and "总量 100核" in exc.value.message and "剩余" not in exc.value.message
    assert exc.value.detail["vcpu"]["total"] == "100"
    with pytest.raises(ValidationFailed) as exc:
        actions.set_quota(city_admin, department=city.bureau, pool=cloud.pool, vcpu=500, memory_gb=1, storage_tb=1)
    assert "总量 100核" in exc.value.message and "剩余" not in exc.value.message


def test_form_warns_with_the_same_free_figure_and_submits_once_confirmed(city, cloud, bureau_admin, city_admin, client_for):
    actions.allocate(city_admin, pool=cloud.pool, department=city.other_bureau, vcpu=90, memory_gb=10, storage_tb=1)
    c = client_for(bureau_admin)
    url = reverse("cloud:request_new")
    intro = c.get(url).content.decode()
    assert "当前剩余：vCPU 10 核" in intro
    over = c.post(url, form_data(city, vcpu="20"))
    html = over.content.decode()
    assert over.status_code == 400 and "超过资源池当前剩余 10 核" in html and "当前剩余：vCPU 10 核" in html
    assert re.search(r'<input type="checkbox" name="confirm_over_capacity"', html)  # the confirmation appears only now
    assert not ResourceRequest.objects.exists()
    ok = c.post(url, form_data(city, vcpu="20", confirm_over_capacity="on"))
    assert ok.status_code == 302 and ResourceRequest.objects.get().vcpu == 20
    # within what is free: no confirmation asked
    page = c.get(url).content.decode()
    assert 'type="checkbox" name="confirm_over_capacity"' not in page
    assert c.post(url, form_data(city, vcpu="5", reason="另一个系统")).status_code == 302


def test_form_warns_about_the_quota_headroom(city, cloud, bureau_admin, city_admin, client_for):
    actions.set_quota(city_admin, department=city.bureau, pool=cloud.pool, vcpu=6, memory_gb=400, storage_tb=10)
    # a user with one department sees its quota headroom in the form's intro
    actions.set_quota(city_admin, department=city.bureau_unit, pool=cloud.pool, vcpu=3, memory_gb=40, storage_tb=1)
    unit_admin = make_user("dept_admin", department=city.bureau_unit)
    intro = client_for(unit_admin).get(reverse("cloud:request_new")).content.decode()
    assert "示范市大数据管理中心配额剩余：vCPU 3 核，内存 40 GB，存储 1.00 TB" in intro
    c = client_for(bureau_admin)
    r = c.post(reverse("cloud:request_new"), form_data(city, vcpu="8"))
    assert r.status_code == 400 and "超过本单位配额剩余 6 核" in r.content.decode()


def test_approval_page_shows_the_read_model(city, cloud, bureau_admin, city_admin, client_for):
    actions.allocate(city_admin, pool=cloud.pool, department=city.other_bureau, vcpu=90, memory_gb=10, storage_tb=1)
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city, vcpu=8))
    html = client_for(city_admin).get(reverse("cloud:request", args=[req.public_id])).content.decode()
    assert "资源池剩余：vCPU 10 核，内存 390 GB，存储 9.00 TB" in html
    pools = client_for(city_admin).get("/api/v1/infra/cloud/pools").json()["items"]
    assert pools[0]["vcpu"] == {"total": 100, "allocated": 90, "free": 10}
