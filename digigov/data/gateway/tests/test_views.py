"""The staff pages: the access log scoped by department with pinned queries, chain verification, usage."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.testing import logged_in_client, make_user, todo_queries
from digigov.data.catalog import testing as catalog_testing
from digigov.data.gateway import accesslog
from digigov.data.gateway import testing as gw
from digigov.data.sharing.models import AccessRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(city):
    admin = make_user("data_admin", department=city.bureau)
    entry = catalog_testing.make_entry(city.bureau, gw.ITEMS, name="低保对象信息")
    app, _ = gw.make_app(city.other_bureau, admin, name="教育局学籍核验")
    now = timezone.now()
    records, usage = [], []
    for i in range(120):
        ok = i % 10 != 0
        records.append({"at": now - dt.timedelta(seconds=120 - i), "kind": "call", "app_id": app.pk, "app_key": app.app_key,
                        "consumer_id": city.other_bureau.pk, "provider_id": city.bureau.pk, "entry_id": entry.pk, "resource_id": None,
                        "method": "GET", "path": f"/gw/v1/resources/{entry.code}/rows", "purpose": "学籍核验", "status": 200 if ok else 403,
                        "code": "ok" if ok else "field_not_approved", "rows": 5 if ok else 0, "fields": "xm,sfzh",
                        "response_hash": "0" * 64, "duration_us": 1500, "node": "test", "request_id": f"r{i}"})
        usage.append(accesslog.UsageLine(timezone.localdate(), "call", app.pk, city.other_bureau.pk, city.bureau.pk, entry.pk, 0, calls=1,
                                         errors=0 if ok else 1, rows=5 if ok else 0, bytes=100))
    accesslog.append_records(records, usage)
    return entry, app


def test_provider_admin_sees_log_with_pinned_queries(city, log, django_assert_max_num_queries):
    user = make_user("data_admin", department=city.bureau)
    client = logged_in_client(user)
    with django_assert_max_num_queries(12 + todo_queries(user)):
        r = client.get("/workbench/data/gateway/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "教育局学籍核验" in html and "低保对象信息" in html and "信息项未授权" in html and "field_not_approved" not in html
    assert html.count("<tr>") == 51  # header + 50
    assert 'id="next-page"' in html
    nxt = r.context["next_cursor"]
    r2 = client.get(f"/workbench/data/gateway/?after={nxt}")
    assert r2.status_code == 200 and r2.content.decode().count("<tr>") == 51
    r3 = client.get("/workbench/data/gateway/?outcome=refused")
    assert r3.content.decode().count("<tr>") == 13


def test_consumer_admin_sees_its_calls_other_department_sees_none(city, log):
    consumer = logged_in_client(make_user("data_admin", department=city.other_bureau))
    assert consumer.get("/workbench/data/gateway/").content.decode().count("<tr>") == 51
    outsider = logged_in_client(make_user("data_admin", department=city.county_bureau))
    assert "暂无访问记录" in outsider.get("/workbench/data/gateway/").content.decode()
    auditor = logged_in_client(make_user("auditor"))
    assert auditor.get("/workbench/data/gateway/").status_code == 200


def test_citizen_cannot_open(city, log):
    r = logged_in_client(make_user("citizen")).get("/workbench/data/gateway/")
    assert r.status_code == 403


def test_verify_page_detects_tampering(city, log):
    client = logged_in_client(make_user("auditor"))
    r = client.post("/workbench/data/gateway/verify/")
    assert "校验通过" in r.content.decode()
    AccessRecord.objects.filter(seq=7).update(purpose="别的用途")
    r = client.post("/workbench/data/gateway/verify/")
    assert "校验未通过" in r.content.decode() and "第 7 条" in r.content.decode()


def test_usage_table(city, log, django_assert_max_num_queries):
    user = make_user("data_admin", department=city.bureau)
    client = logged_in_client(user)
    with django_assert_max_num_queries(10 + todo_queries(user)):
        r = client.get("/workbench/data/gateway/usage/")
    html = r.content.decode()
    assert r.status_code == 200 and "教育局学籍核验" in html and "<td>120</td>" in html and "<td>12</td>" in html
    r = client.get("/workbench/data/gateway/usage/?from=bad&to=2020-01-01")
    assert r.status_code == 200 and "所选日期内没有调用" in r.content.decode()


def test_demo_generator_writes_a_verifiable_history(city):
    from digigov.core.demo import DemoContext
    from digigov.data.gateway import demo
    from digigov.data.sharing.models import UsageDaily

    admin = make_user("data_admin", department=city.bureau)
    entry = catalog_testing.make_entry(city.bureau, gw.ITEMS, name="低保对象信息")
    app, _ = gw.make_app(city.other_bureau, admin)
    gw.subscribe(app, entry, admin, fields=["xm", "sqmc"])
    ctx = DemoContext(scale=0.01, seed=7, name="gateway")
    demo.generate(ctx)
    n = AccessRecord.objects.count()
    assert n == ctx.rows >= 6
    assert accesslog.verify_access_chain().ok
    assert sum(UsageDaily.objects.values_list("calls", flat=True)) == n
    assert list(AccessRecord.objects.order_by("seq").values_list("at", flat=True)) == sorted(AccessRecord.objects.values_list("at", flat=True))
