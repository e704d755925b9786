import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.demo import DemoContext
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.kpi.actions import latest
from digigov.core.org import actions as org_actions
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.registry import KPI_COMPUTERS
from digigov.core.testing import make_user
from digigov.infra.network import actions, kpis
from digigov.infra.network.demo import generate
from digigov.infra.network.models import AccessPoint, AccessStatus

pytestmark = pytest.mark.django_db
BASE = "/api/v1/infra/network"


@pytest.fixture
def net(city, city_admin):
    """Connected: the bureau, the county bureau; planned: 教育局; down: the 大数据中心; city and county_a division points."""
    ns = type("Net", (), {})()
    ns.bureau = actions.create_access_point(city_admin, division=city.city, department=city.bureau, bandwidth_mbps=1000,
                                            ipv6_ready=True, status=AccessStatus.CONNECTED)
    ns.county = actions.create_access_point(city_admin, division=city.county_a, department=city.county_bureau, bandwidth_mbps=200,
                                            status=AccessStatus.CONNECTED)
    ns.edu = actions.create_access_point(city_admin, division=city.city, department=city.other_bureau, bandwidth_mbps=200)
    ns.bdc = actions.create_access_point(city_admin, division=city.city, department=city.bureau_unit, bandwidth_mbps=100,
                                         status=AccessStatus.DOWN)
    ns.city_point = actions.create_access_point(city_admin, division=city.city, bandwidth_mbps=10000, ipv6_ready=True,
                                                status=AccessStatus.CONNECTED)
    ns.county_point = actions.create_access_point(city_admin, division=city.county_a, bandwidth_mbps=1000, status=AccessStatus.CONNECTED)
    return ns


# --- actions -----------------------------------------------------------------------------------

def test_create_derives_level_and_audits(city, city_admin):
    before = AuditEntry.objects.count()
    p = actions.create_access_point(city_admin, division=city.village_a, bandwidth_mbps=50, status=AccessStatus.CONNECTED)
    assert p.level == DivisionLevel.VILLAGE and p.commissioned_on == timezone.localdate()
    assert p.name == "兴东社区电子政务外网接入点"
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "network.access_point.create"


@pytest.mark.parametrize("kwargs,code", [
    ({"bandwidth_mbps": 0}, "invalid_bandwidth"),
    ({"bandwidth_mbps": -10}, "invalid_bandwidth"),
    ({"bandwidth_mbps": 10**12}, "invalid_bandwidth"),
    ({"bandwidth_mbps": True}, "invalid_bandwidth"),
    ({"status": "exploded"}, "invalid_status"),
    ({"name": "长" * 101}, "text_too_long"),
    ({"commissioned_on": dt.date(2999, 1, 1), "status": AccessStatus.CONNECTED}, "invalid_date"),
])
def test_create_bad_input(city, city_admin, kwargs, code):
    before = (AccessPoint.objects.count(), AuditEntry.objects.count())
    data = {"division": city.town_a, "bandwidth_mbps": 100, **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        actions.create_access_point(city_admin, **data)
    assert exc.value.code == code and exc.value.status == 422
    assert (AccessPoint.objects.count(), AuditEntry.objects.count()) == before


def test_department_must_be_an_active_budget_unit(city, city_admin):
    org_actions.update_department(city_admin, city.other_bureau, is_budget_unit=False)
    city.other_bureau.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        actions.create_access_point(city_admin, division=city.city, department=city.other_bureau, bandwidth_mbps=100)
    assert exc.value.code == "not_budget_unit"


def test_status_changes(city, net, city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        p = actions.set_status(city_admin, net.edu, AccessStatus.CONNECTED)
    assert p.commissioned_on == timezone.localdate()
    assert latest("K02").numerator == 3
    with pytest.raises(Conflict):
        actions.set_status(city_admin, net.edu, AccessStatus.CONNECTED)
    with pytest.raises(ValidationFailed):
        actions.set_status(city_admin, net.edu, "gone")
    actions.void_access_point(city_admin, net.edu, "线路撤销")
    with pytest.raises(Conflict):
        actions.set_status(city_admin, net.edu, AccessStatus.DOWN)


def test_only_network_managers_write(city, net, bureau_admin):
    with pytest.raises(Forbidden):
        actions.set_status(bureau_admin, net.bureau, AccessStatus.DOWN)
    with pytest.raises(Forbidden):
        actions.create_access_point(bureau_admin, division=city.city, department=city.bureau, bandwidth_mbps=100)


# --- KPI ---------------------------------------------------------------------------------------

def test_k02_equals_direct_count(city, net):
    assert "K02" in KPI_COMPUTERS
    result = kpis.compute_k02()
    units = Department.objects.active().filter(is_budget_unit=True)
    connected = units.filter(access_points__status=AccessStatus.CONNECTED, access_points__voided_at__isnull=True).distinct()
    assert (result.numerator, result.denominator) == (connected.count(), units.count()) == (2, 6)
    drill = kpis.k02_rows()
    rows = list(drill.queryset)
    assert result.value == round(100 * sum(drill.counted(r) for r in rows) / len(rows), 2)
    for part in result.by_division + result.by_department:
        d = kpis.k02_rows(**({"division": part.key} if part in result.by_division else {"department": part.key}))
        sub = list(d.queryset)
        assert (len(sub), sum(d.counted(r) for r in sub)) == (part.denominator, part.numerator), part
    # the down line and the planned one do not count; division-level points connect no unit
    assert {r.name for r in rows if drill.counted(r)} == {city.bureau.name, city.county_bureau.name}
    extra = {p.key: p for p in result.extra}
    assert (extra["level_1"].numerator, extra["level_1"].denominator) == (1, 1)
    assert (extra["level_2"].numerator, extra["level_2"].denominator) == (1, 2)
    assert (extra["level_3"].numerator, extra["level_4"].numerator) == (0, 0)
    assert (extra["ipv6"].numerator, extra["ipv6"].denominator) == (2, 4)


# --- API ---------------------------------------------------------------------------------------

def _post(c, url, data):
    return c.post(url, data=json.dumps(data), content_type="application/json")


def test_api(city, net, city_admin, bureau_admin, client_for):
    admin = client_for(city_admin)
    listing = admin.get(f"{BASE}/access-points?level=2").json()
    assert listing["count"] == 2 and all(i["level"] == 2 for i in listing["items"])
    assert admin.get(f"{BASE}/access-points?status=down").json()["count"] == 1
    assert admin.get(f"{BASE}/access-points?division=210602").json()["count"] == 2
    assert admin.get(f"{BASE}/access-points", {"division": "２１０６０２"}).json()["count"] == 2  # full-width: the same code
    assert admin.get(f"{BASE}/access-points", {"division": "٢١٠٦٠٢"}).status_code == 422  # other scripts' digits: refused
    assert admin.get(f"{BASE}/access-points?level=9").status_code == 422
    r = _post(admin, f"{BASE}/access-points", {"division": city.town_a.code, "bandwidth_mbps": 100, "status": "connected"})
    assert r.status_code == 201 and r.json()["level"] == 3
    bad = _post(admin, f"{BASE}/access-points", {"division": city.town_a.code, "bandwidth_mbps": 100, "colour": "red"})
    assert bad.status_code == 422 and set(bad.json()) == {"code", "message", "detail"}
    assert _post(admin, f"{BASE}/access-points", {"division": "999999999999", "bandwidth_mbps": 1}).json()["code"] == "unknown_division"
    r = _post(admin, f"{BASE}/access-points/{net.edu.public_id}/status", {"status": "connected"})
    assert r.status_code == 200 and r.json()["status"] == "connected"
    r = admin.patch(f"{BASE}/access-points/{net.edu.public_id}", data=json.dumps({"ipv6_ready": True, "bandwidth_mbps": 1000}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["ipv6_ready"] is True and r.json()["bandwidth_mbps"] == 1000
    cov = admin.get(f"{BASE}/coverage").json()
    assert (cov["numerator"], cov["denominator"]) == (3, 6) and len(cov["levels"]) == 4
    # a department admin sees his department's lines only and cannot change them
    mine = client_for(bureau_admin)
    names = {i["department_name"] for i in mine.get(f"{BASE}/access-points").json()["items"]}
    assert names == {city.bureau.name, city.bureau_unit.name}
    assert mine.get(f"{BASE}/access-points/{net.edu.public_id}").status_code == 404
    assert _post(mine, f"{BASE}/access-points/{net.bureau.public_id}/status", {"status": "down"}).status_code == 403
    # the K02 figure is the city's; its breakdown lists only the parts inside his reach
    cov = mine.get(f"{BASE}/coverage").json()
    assert (cov["numerator"], cov["denominator"]) == (3, 6)
    assert [p["label"] for p in cov["by_department"]] == [city.bureau.name] and cov["by_division"] == []
    assert Client().get(f"{BASE}/access-points").status_code == 401


# --- views -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["network:coverage", "network:access_points"])
def test_views_allowed_and_forbidden(city, net, client_for, name):
    url = reverse(name)
    for role in ("city_admin", "leader", "security_officer"):
        assert client_for(make_user(role)).get(url).status_code == 200
    assert client_for(make_user("dept_admin", department=city.bureau)).get(url).status_code == 200
    assert client_for(make_user("window_clerk", department=city.bureau)).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_coverage_page_has_level_chart(city, net, city_admin, client_for):
    from digigov.core.kpi.actions import ensure_definitions, recompute

    c = client_for(city_admin)
    assert "待计算" in c.get(reverse("network:coverage")).content.decode()  # no snapshot yet: no live figure either
    ensure_definitions()
    recompute(city.system, "K02")  # what every access-point write queues on commit
    html = c.get(reverse("network:coverage")).content.decode()
    assert 'data-chart="chart-levels"' in html and 'id="chart-levels"' in html
    assert "33.33%" in html  # 2 of 6 budget units
    assert "50.0%" in html  # IPv6 share of connected points
    assert reverse("kpi:detail", args=["K02"]) in html
    assert "实时" not in html and 'id="k02-live"' not in html  # one K02 figure (the snapshot), not a live one beside it


def test_access_point_list_filters_and_query_count(city, net, city_admin, client_for, django_assert_max_num_queries):
    c = client_for(city_admin)
    url = reverse("network:access_points")
    html = c.get(url + "?level=4").content.decode()
    assert "暂无数据" in html
    c.get(url)
    with CaptureQueriesContext(connection) as small:
        c.get(url)
    for i in range(40):
        actions.create_access_point(city_admin, division=city.village_b if i % 2 else city.town_b, name=f"点{i}", bandwidth_mbps=50,
                                    department=city.bureau if i % 3 == 0 else None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200
    from digigov.core.testing import todo_queries

    admin_todos = todo_queries(city_admin)
    with django_assert_max_num_queries(6 + admin_todos):  # incl. the staff-TOTP check; + the header's to-do counts
        assert c.get(url).status_code == 200
    from digigov.core.kpi.actions import ensure_definitions, recompute

    ensure_definitions()
    recompute(city.system, "K02")
    # the page reads the K02 snapshot (no live computation): session, user, grants, TOTP check, to-do count, snapshot
    with django_assert_max_num_queries(5 + admin_todos):  # + the header's to-do counts
        assert c.get(reverse("network:coverage")).status_code == 200
    dept_user = make_user("dept_admin", department=city.bureau)
    dept = client_for(dept_user)
    dept.get(reverse("network:coverage"))
    with django_assert_max_num_queries(6 + todo_queries(dept_user)):  # a department admin: + which breakdown parts are in reach
        assert dept.get(reverse("network:coverage")).status_code == 200


# --- demo --------------------------------------------------------------------------------------

def _many_units(city, n):
    admin = make_user("city_admin")
    for i in range(n):
        org_actions.create_department(admin, code=f"U-{i:03d}", name=f"示范单位{i}", kind="second", division=city.town_a, parent=city.county_gov)


def test_demo_generator(city):
    _many_units(city, 94)  # 100 budget units with the test city's 6

    def fingerprint():
        return list(AccessPoint.objects.order_by("public_id").values_list("public_id", "status", "department_id", "ipv6_ready"))

    with transaction.atomic():
        generate(DemoContext(scale=0.05, seed=11).for_generator("infra.network"))
        first = fingerprint()
        transaction.set_rollback(True)
    assert not AccessPoint.objects.exists()
    generate(DemoContext(scale=0.05, seed=11).for_generator("infra.network"))
    assert fingerprint() == first  # same seed, same network
    result = kpis.compute_k02()
    assert (result.numerator, result.denominator) == (70, 100)
    extra = {p.key: p for p in result.extra}
    assert extra["level_1"].value == 100.0 and extra["level_2"].value == 100.0
    assert AccessPoint.objects.filter(department__isnull=True).count() == Division.objects.count()
    connected = AccessPoint.objects.filter(status=AccessStatus.CONNECTED)
    assert 0.45 <= connected.filter(ipv6_ready=True).count() / connected.count() <= 0.75
