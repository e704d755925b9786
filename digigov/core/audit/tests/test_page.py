"""The readable audit page: Chinese labels, filters, keyset pages, the detail table, CSV export and
background chain verification."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection

from digigov.core.audit.actions import record, verify_chain
from digigov.core.audit.models import AuditEntry, AuditVerification
from digigov.core.context import acting_as
from digigov.core.org import actions as org_actions
from digigov.core.rbac.system import system_account

ROW = '<tr class="audit-row">'


@pytest.fixture
def auditor(client, role_user):
    user = role_user("auditor")
    client.force_login(user)
    return user


def rows(r):
    return r.content.decode().count(ROW)


def _staff(role_user, city, department, name):
    user = role_user("window_clerk", department=department)
    user.display_name = name
    user.save(update_fields=["display_name"])
    org_actions.add_staff(city.system, user=user, department=department, employee_no=f"E-{user.pk}")
    return user


def table(response):
    body = response.content.decode()
    return body[body.index("<tbody>"):body.index("</tbody>")]


def test_list_shows_labels_not_codes(client, auditor, city):
    with acting_as(city.system, channel="task"):
        record(city.system, "kpi.recompute", city.bureau, after={"kpi": "x"})
    r = client.get("/workbench/audit/")
    rows_html = table(r)
    assert "新建行政区划" in rows_html and "重算指标" in rows_html and "系统作业" in rows_html and "后台任务" in rows_html
    assert "行政区划" in rows_html and "部门/单位" in rows_html and city.bureau.name in rows_html  # type and name of the object
    assert "org.division.create" not in rows_html and "kpi.recompute" not in rows_html and ">system<" not in rows_html
    assert "manage.py" not in r.content.decode()


def test_filters_by_person_department_action_object_and_day(client, role_user, auditor, city):
    li = _staff(role_user, city, city.bureau_unit, "李工")
    wang = _staff(role_user, city, city.other_bureau, "王工")
    for user in (li, wang):
        with acting_as(user):
            record(user, "rbac.assign", city.bureau, after={"role": "approver"})
    get = lambda **q: client.get("/workbench/audit/", q)  # noqa: E731
    assert rows(get(who="李工")) == 1 and "李工" in get(who="李工").content.decode()
    assert rows(get(who=wang.username)) == 1
    # the actor's department, sub-units included: 营商局 contains 大数据中心
    assert rows(get(department="营商局", action="rbac.assign")) == 1
    assert rows(get(department="教育局", action="rbac.assign")) == 1
    r = get(department="不存在的局")
    assert r.status_code == 400 and "未找到部门" in r.content.decode()
    assert rows(get(action="rbac.assign", object_type="org.department")) == 2
    assert rows(get(object_type="org.department", object_id=city.bureau.public_id, action="rbac.assign")) == 2
    assert rows(get(action="org.division.create")) == 7
    r = get(since="2026-02-01", until="2026-01-01")
    assert r.status_code == 400 and "起始日期不能晚于截止日期" in r.content.decode()


def test_days_and_times_are_beijing_time(client, auditor, db):
    entry = record(system_account(), "kpi.recompute", object_type="kpi.kpisnapshot", object_id="1", object_repr="指标")
    utc = dt.datetime(2025, 3, 1, 17, 30, tzinfo=dt.timezone.utc)  # 2025-03-02 01:30 in Beijing
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET at = %s WHERE seq = %s", [utc, entry.seq])
    r = client.get("/workbench/audit/", {"since": "2025-03-02", "until": "2025-03-02"})
    assert rows(r) == 1 and "2025-03-02 01:30:00" in r.content.decode()
    assert rows(client.get("/workbench/audit/", {"until": "2025-03-01"})) == 0


def test_keyset_pages_without_counting(client, auditor, db):
    system = system_account()
    for i in range(60):
        record(system, "kpi.recompute", object_type="test", object_id=str(i))
    first = client.get("/workbench/audit/", {"action": "kpi.recompute"})
    assert rows(first) == 50
    seqs = list(AuditEntry.objects.filter(action="kpi.recompute").order_by("-seq").values_list("seq", flat=True))
    assert f"before={seqs[49]}" in first.content.decode()
    second = client.get("/workbench/audit/", {"action": "kpi.recompute", "before": seqs[49]})
    assert rows(second) == 10 and "更早的记录" not in second.content.decode() and "回到最新" in second.content.decode()
    assert f">{seqs[50]}<" in second.content.decode()


def test_detail_is_a_field_table_with_labels_and_humanised_values(client, auditor, city):
    dept = city.bureau
    entry = record(city.system, "org.department.update", dept,
                   before={"name": "旧名称", "is_budget_unit": True, "short_name": None, "kind": "committee"},
                   after={"name": "新名称", "is_budget_unit": False, "short_name": "新局", "kind": "second"})
    body = client.get(f"/workbench/audit/{entry.seq}/").content.decode()
    assert "修改部门信息" in body and dept.name in body and "部门/单位" in body
    assert "<th>名称</th><td>旧名称</td><td>新名称</td>" in body
    assert "<th>财政预算单位</th><td>是</td><td>否</td>" in body
    assert "<th>简称</th><td>—</td><td>新局</td>" in body
    assert "<th>类型</th><td>委办局</td><td>二级单位</td>" in body  # choice labels, not values
    assert "is_budget_unit" not in body and "committee" not in body
    assert client.get("/workbench/audit/999999/").status_code == 404


def test_detail_keeps_personal_data_masked(client, role_user, auditor, city):
    from digigov.core.accounts import actions as accounts
    from digigov.core.testing import resident_id

    clerk = role_user("window_clerk", division=city.county_a)
    idn = resident_id(seq=77)
    with acting_as(clerk):
        person = accounts.register_person(clerk, id_number=idn, name="赵一", division=city.village_a, phone="13900001111")
        accounts.reveal_person(clerk, person, purpose="核验")
    reg = AuditEntry.objects.get(action="accounts.person.register", object_id=person.public_id)
    body = client.get(f"/workbench/audit/{reg.seq}/").content.decode()
    assert "公民身份号码" in body and idn[:4] in body and idn not in body and "13900001111" not in body
    read = AuditEntry.objects.get(action="pii.read", object_id=person.public_id)
    body = client.get(f"/workbench/audit/{read.seq}/").content.decode()
    assert "查看个人信息明文" in body and "涉及字段" in body and "公民身份号码" in body and "核验" in body


def _csv(response):
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_export_is_filtered_labelled_and_audited(client, auditor, city):
    r = client.get("/workbench/audit/export.csv", {"action": "org.division.create"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    table = _csv(r)
    assert table[0][:3] == ["序号", "时间（北京时间）", "操作人账户"]
    assert len(table) == 1 + 7
    assert all(row[7] == "新建行政区划" and row[5] == "系统作业" for row in table[1:])
    assert any("示范市" in row[10] for row in table[1:])
    export = AuditEntry.objects.filter(action="audit.export").get()
    assert export.actor == auditor.username and export.after["filters"] == {"action": "org.division.create"}
    assert verify_chain().ok
    detail = client.get(f"/workbench/audit/{export.seq}/").content.decode()
    assert "导出审计日志" in detail and "筛选条件" in detail and "动作：新建行政区划" in detail
    assert "org.division.create" not in detail


def test_csv_export_is_bounded_and_neutralises_formulas(client, auditor, db, settings):
    settings.DIGIGOV_AUDIT_EXPORT_MAX_ROWS = 3
    record(system_account(), "kpi.recompute", object_type="test", object_id="1", object_repr="=HYPERLINK(\"x\")")
    table = _csv(client.get("/workbench/audit/export.csv"))
    assert len(table) == 1 + 3 + 1
    assert any(row[10] == "'=HYPERLINK(\"x\")" for row in table[1:4])
    assert table[-1] == ["已达导出上限 3 行，更早的记录未导出；请缩小筛选范围后分批导出"]
    # exactly at the bound: no note
    n = AuditEntry.objects.filter(action="kpi.recompute").count()
    settings.DIGIGOV_AUDIT_EXPORT_MAX_ROWS = n
    table = _csv(client.get("/workbench/audit/export.csv", {"action": "kpi.recompute"}))
    assert len(table) == 1 + n


@pytest.mark.parametrize("role", ["window_clerk", "dept_admin", "city_admin", "citizen"])
def test_export_and_verification_are_for_auditors_and_security_officers(client, role_user, role, db):
    client.force_login(role_user(role))
    assert client.get("/workbench/audit/export.csv").status_code == 403
    assert client.post("/workbench/audit/verify/").status_code == 403
    assert not AuditVerification.objects.exists() and not AuditEntry.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("role", ["auditor", "security_officer"])
def test_verification_runs_in_the_background_and_its_result_is_shown(client, role_user, role, db, django_capture_on_commit_callbacks):
    user = role_user(role)
    client.force_login(user)
    record(system_account(), "kpi.recompute", object_type="test", object_id="1")
    assert "尚未校验过" in client.get("/workbench/audit/").content.decode()
    assert client.get("/workbench/audit/verify/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/workbench/audit/verify/")
    assert r.status_code == 302
    run = AuditVerification.objects.get()
    assert run.ok is True and run.finished_at and run.requested_by == user and run.checked == AuditEntry.objects.count()
    assert AuditEntry.objects.filter(action="audit.verify", actor=user.username).exists()
    body = client.get("/workbench/audit/").content.decode()
    assert "链完整" in body and f"已校验 {run.checked} 条记录" in body


def test_verification_shows_the_first_bad_entry(client, auditor, db, django_capture_on_commit_callbacks):
    system = system_account()
    entries = [record(system, "kpi.recompute", object_type="test", object_id=str(i)) for i in range(3)]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET actor = 'mallory' WHERE seq = %s", [entries[1].seq])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workbench/audit/verify/")
    run = AuditVerification.objects.get()
    assert run.ok is False and run.first_bad_seq == entries[1].seq
    body = client.get("/workbench/audit/").content.decode()
    assert "发现异常" in body and f"序号 {entries[1].seq}" in body


def test_nightly_task_records_a_verification_by_the_system_account(db, django_capture_on_commit_callbacks):
    from digigov.core.audit.tasks import nightly_audit_verification

    with django_capture_on_commit_callbacks(execute=True):
        nightly_audit_verification.call_local()
    run = AuditVerification.objects.get()
    assert run.ok and run.requested_by == system_account()


def test_a_second_verification_waits_for_the_running_one(client, auditor, db):
    """Without the commit the task never runs: the first run stays unfinished, and a second is refused."""
    client.post("/workbench/audit/verify/")
    r = client.post("/workbench/audit/verify/", follow=True)
    assert "已有一次审计链校验正在进行" in r.content.decode()
    assert AuditVerification.objects.count() == 1
    assert "校验中" in r.content.decode()
