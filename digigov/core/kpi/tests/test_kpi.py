"""Table 1 indicators: definitions, computation through registered functions, and the pages."""

import re

import pytest

from digigov.core.rbac.system import system_account
from digigov.core.audit.models import AuditEntry
from digigov.core.kpi import actions
from digigov.core.kpi.definitions import TABLE_1
from digigov.core.kpi.models import KpiDefinition, KpiSnapshot
from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult, Part
from digigov.core.org.models import Department
from digigov.core.registry import KPI_COMPUTERS


@pytest.fixture
def computers():
    """Only the KPI computers a test registers (whatever other apps registered is put back afterwards)."""
    saved = dict(KPI_COMPUTERS)
    KPI_COMPUTERS.clear()
    yield KPI_COMPUTERS
    KPI_COMPUTERS.clear()
    KPI_COMPUTERS.update(saved)


def budget_units(division=None, department=None):
    qs = Department.objects.order_by("pk")
    if department:
        qs = qs.filter(public_id=department)
    return DrillRows(columns=["单位", "代码"], queryset=qs, cells=lambda d: [d.name, d.code], counted=lambda d: d.is_budget_unit)


def compute_k12():
    qs = Department.objects.all()
    return KpiResult(
        numerator=qs.filter(is_budget_unit=True, short_name__gt="").count(),
        denominator=qs.count(),
        by_division=[Part("210600000000", "示范市", 3, 4), Part("210602000000", "元宝区", 0, 0)],
    )


@pytest.fixture
def k12(computers, city):
    computers["K12"] = KpiComputer(code="K12", compute=compute_k12, rows=budget_units)
    return computers["K12"]


def kpi_rows(page):
    """{code-free seq: current-value cell} from the rendered Table 1."""
    out = {}
    for seq, row in re.findall(r"<tr>\s*<td>(\d+)</td>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        out[int(seq)] = cells[4]
    return out


# --- model and computation -----------------------------------------------------------------------
def test_table_1_is_loaded_verbatim(db):
    assert KpiDefinition.objects.count() == 14 == len(TABLE_1)
    k09 = KpiDefinition.objects.get(code="K09")
    assert (k09.seq, k09.name, k09.baseline_2022, k09.target_2025) == (9, "营商环境便利度（1-100分）", "70", ">90")
    assert actions.ensure_definitions() == 0  # idempotent


def test_values_are_percentages_and_none_without_a_denominator():
    assert KpiResult(1, 3).value == 33.33
    assert KpiResult(0, 0).value is None
    assert Part("k", "l", 2, 8).value == 25.0 and Part("k", "l", 1, 0).value is None


def test_board_marks_unconnected_kpis(computers, db):
    rows = actions.board()
    assert len(rows) == 14 and not any(r.connected for r in rows)
    assert all(r.snapshot is None for r in rows)


def test_recompute_unconnected_kpi_returns_none(computers, db):
    assert actions.recompute(system_account(), "K14") is None
    assert not KpiSnapshot.objects.exists()


def test_recompute_stores_a_snapshot_and_audits_it(k12, city):
    snap = actions.recompute(system_account(), "K12")
    assert (snap.numerator, snap.denominator) == (4, 6)  # 6 departments; bureau, unit, other bureau and county bureau have short names
    assert snap.value == 66.67
    assert snap.breakdown["divisions"][0] == {"key": "210600000000", "label": "示范市", "numerator": 3, "denominator": 4, "value": 75.0}
    assert snap.breakdown["divisions"][1]["value"] is None
    assert snap.duration_ms >= 0
    entry = AuditEntry.objects.get(action="kpi.recompute")
    assert entry.after == {"kpi": "K12", "value": snap.value, "numerator": 4, "denominator": 6}
    assert actions.latest("K12") == snap
    board = {r.definition.code: r for r in actions.board()}
    assert board["K12"].connected and board["K12"].snapshot == snap
    assert not board["K13"].connected and board["K13"].snapshot is None


def test_recompute_keeps_a_bounded_history(k12, monkeypatch):
    monkeypatch.setattr(actions, "KEEP_SNAPSHOTS", 3)
    for _ in range(5):
        actions.recompute(system_account(), "K12")
    assert KpiSnapshot.objects.filter(kpi_id="K12").count() == 3


def test_recompute_all_covers_every_registered_kpi(k12):
    assert actions.recompute_all(system_account()) == {"K12": 66.67}


def test_recompute_task_runs(k12):
    from digigov.core.kpi.tasks import recompute_kpi

    result = recompute_kpi("K12")
    value = result.get() if hasattr(result, "get") else result
    assert value == 66.67
    assert AuditEntry.objects.get(action="kpi.recompute").channel == "task"


# --- pages ---------------------------------------------------------------------------------------
def test_kpi_list_shows_not_connected_without_a_number(client, role_user, k12):
    actions.recompute(system_account(), "K12")
    client.force_login(role_user("leader"))
    r = client.get("/workbench/kpi/")
    assert r.status_code == 200
    cells = kpi_rows(r.content.decode())
    assert len(cells) == 14
    assert "66.67%" in cells[12] and 'data-kpi="K12"' in cells[12]
    for seq in set(range(1, 15)) - {12}:
        assert "未接入" in cells[seq] and not re.search(r"\d", cells[seq]), cells[seq]


def test_connected_kpi_without_snapshot_is_pending(client, role_user, k12):
    client.force_login(role_user("leader"))
    cells = kpi_rows(client.get("/workbench/kpi/").content.decode())
    assert "待计算" in cells[12] and not re.search(r"\d", cells[12])


def test_portal_kpi_table_uses_the_same_rules(client, k12, monkeypatch):
    from digigov.core import registry

    monkeypatch.setattr(registry, "PORTAL_HOME", [])  # core's own first screen (with 一网通办 the table is on /about/)
    actions.recompute(system_account(), "K12")
    cells = kpi_rows(client.get("/").content.decode())
    assert "66.67%" in cells[12]
    assert all("未接入" in cells[s] and not re.search(r"\d", cells[s]) for s in range(1, 12))


def test_unconnected_kpi_detail_shows_no_value(client, role_user, computers, db):
    client.force_login(role_user("leader"))
    r = client.get("/workbench/kpi/K14/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "未接入" in page and "不显示数值" in page
    assert 'id="kpi-value"' not in page and "重新计算" not in page
    assert client.get("/workbench/kpi/K14/rows/").status_code == 404


def test_connected_kpi_detail_and_drill_down(client, role_user, k12):
    actions.recompute(system_account(), "K12")
    client.force_login(role_user("leader"))
    page = client.get("/workbench/kpi/K12/").content.decode()
    assert re.search(r'id="kpi-value" data-kpi="K12">66.67%<', page)
    assert 'id="chart_div"' in page and "元宝区" in page
    rows = client.get("/workbench/kpi/K12/rows/").content.decode()
    assert "示范市大数据管理中心" in rows and rows.count('<span class="badge ok">是</span>') == 6


def test_unknown_kpi_is_404(client, role_user, db):
    client.force_login(role_user("leader"))
    r = client.get("/workbench/kpi/K99/")
    assert r.status_code == 404 and "指标不存在" in r.content.decode()


def test_kpi_pages_need_kpi_view(client, role_user, k12):
    client.force_login(role_user("window_clerk"))
    assert client.get("/workbench/kpi/").status_code == 403
    assert client.get("/workbench/kpi/K12/").status_code == 403


def test_recompute_view_needs_permission_and_post(client, role_user, k12):
    client.force_login(role_user("leader"))  # may view, may not recompute
    assert client.post("/workbench/kpi/K12/recompute/").status_code == 403
    assert not KpiSnapshot.objects.exists()
    client.force_login(role_user("data_admin"))  # a department's data admin: city indicators are not theirs to recompute
    assert client.post("/workbench/kpi/K12/recompute/").status_code == 403
    assert not KpiSnapshot.objects.exists()
    client.force_login(role_user("city_admin"))
    assert client.get("/workbench/kpi/K12/recompute/").status_code == 405
    r = client.post("/workbench/kpi/K12/recompute/")
    assert r.status_code == 302 and r["Location"] == "/workbench/kpi/K12/"
    assert KpiSnapshot.objects.filter(kpi_id="K12").count() == 1
    assert client.post("/workbench/kpi/K14/recompute/").status_code == 404


def test_kpi_list_query_count_is_constant(client, role_user, k12, django_assert_max_num_queries):
    for _ in range(5):
        actions.recompute(system_account(), "K12")
    client.force_login(role_user("leader"))
    with django_assert_max_num_queries(6):  # incl. the staff-TOTP check
        assert client.get("/workbench/kpi/").status_code == 200


def test_snapshot_reads_in_chinese(k12):
    snap = actions.recompute(system_account(), "K12")
    assert str(snap).startswith(KpiDefinition.objects.get(code="K12").name + "（") and "object" not in str(snap)


def test_drill_filter_parses_and_names(city):
    from django.http import QueryDict

    from digigov.core.kpi.breakdown import DrillFilter

    flt = DrillFilter.from_query(QueryDict(f"division=2106021234567890&department={city.bureau.public_id}xxxxxxxxxx"))
    assert flt.division == "210602123456" and flt.department == (city.bureau.public_id + "x" * 10)[:22]  # cut as before
    assert DrillFilter(division="210602").division_label() == "元宝区"
    assert DrillFilter(division="210600").division_label() == "示范市（市本级）"
    assert DrillFilter(division="210600000000").division_label() == "示范市"  # a whole division code: its subtree
    assert DrillFilter(division="999999").division_label() == "未知区划"
    assert DrillFilter(department=city.bureau.public_id).department_label() == city.bureau.name
    assert not DrillFilter.from_query(QueryDict(""))
    full_width = DrillFilter.from_query(QueryDict("division=２１０６０２"))  # typed on a Chinese keyboard
    assert full_width.division == "210602" and full_width.division_label() == "元宝区"


def test_kpi_drill_down_query_count_is_constant(client, role_user, k12, django_assert_max_num_queries):
    actions.recompute(system_account(), "K12")
    client.force_login(role_user("leader"))
    url = "/workbench/kpi/K12/rows/"
    client.get(url)
    with django_assert_max_num_queries(7):  # session, user, grants, TOTP check, definition, count, page
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(7):  # … definition, newest snapshot, history
        assert client.get("/workbench/kpi/K12/").status_code == 200
