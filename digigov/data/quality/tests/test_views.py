import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digigov.core.testing import make_user
from digigov.data.catalog.tables import target_table_name
from digigov.data.quality import actions
from digigov.data.quality.models import QualityRule, RectificationTask
from digigov.data.quality.testing import make_entry, make_table

from .conftest import good_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(people, authority):
    rows = good_people(12)
    rows[0]["xb"] = "8"
    rows[1]["sfzh"] = rows[1]["sfzh"][:17] + ("1" if rows[1]["sfzh"][17] != "1" else "2")
    make_table(people, rows, user=authority)
    return actions.run_now(authority, people)


# measured: session + user + grants + OTP check + to-dos (the data authority's now include the steward's queue),
# then each page's own reads; none grows with rows (PostgreSQL's overview is one query above SQLite's)
MAX_QUERIES = {"overview": 17, "datasets": 12, "dataset": 20, "tasks": 12, "task": 16, "run": 14}


def _urls(people, checked):
    task = RectificationTask.objects.get(entry=people)
    return {"overview": reverse("quality:overview"), "datasets": reverse("quality:datasets"),
            "dataset": reverse("quality:dataset", args=[people.public_id]), "tasks": reverse("quality:tasks"),
            "task": reverse("quality:task", args=[task.public_id]), "run": reverse("quality:run", args=[checked.public_id])}


def test_pages_render_with_bounded_queries_and_no_raw_codes(people, checked, authority, client_for):
    c = client_for(authority)
    for name, url in _urls(people, checked).items():
        with CaptureQueriesContext(connection) as ctx:
            resp = c.get(url)
        assert resp.status_code == 200, (name, resp.status_code)
        assert len(ctx) <= MAX_QUERIES[name], (name, len(ctx), [q["sql"][:120] for q in ctx.captured_queries])
        html = resp.content.decode()
        for raw in ("code_list", "resident_id", "in_progress", "required", "None"):
            assert f">{raw}<" not in html, (name, raw)
    html = c.get(reverse("quality:overview")).content.decode()
    assert 'data-chart="chart-dept"' in html and 'data-chart="chart-trend"' in html and people.department.name in html
    report = c.get(reverse("quality:dataset", args=[people.public_id])).content.decode()
    assert "不在代码表“性别代码”中" in report and "校验位" in report
    assert good_people(12)[1]["sfzh"] not in report  # masked


def test_other_department_cannot_open_the_report_and_controls_are_hidden(people, checked, edu_data_admin, client_for, city):
    urls = _urls(people, checked)
    c = client_for(edu_data_admin)
    for name in ("dataset", "task", "run"):
        assert c.get(urls[name]).status_code == 404, name
    dept_admin = client_for(make_user("dept_admin", department=city.bureau))
    html = dept_admin.get(urls["dataset"]).content.decode()
    assert "立即检查" not in html and "新增规则" not in html
    html = dept_admin.get(urls["task"]).content.decode()
    assert "提交整改结果" not in html and "复检核验" not in html
    assert make_user("window_clerk", department=city.bureau) and client_for(make_user("citizen")).get(urls["overview"]).status_code == 403


def test_rule_editor_shows_field_errors_and_saves(people, bureau_data_admin, client_for):
    c = client_for(bureau_data_admin)
    url = reverse("quality:rule_new", args=[people.public_id])
    assert c.get(url).status_code == 200
    resp = c.post(url, {"item": "nl", "rule_type": "range", "min": "10", "max": "1", "severity": "medium", "weight": "1", "enabled": "on"})
    assert resp.status_code == 400 and "最小值不能大于最大值" in resp.content.decode()
    resp = c.post(url, {"item": "xm", "rule_type": "format", "format": "regex", "pattern": "(", "severity": "medium", "weight": "1"})
    assert resp.status_code == 400 and "正则表达式无法解析" in resp.content.decode()
    assert QualityRule.objects.count() == 0
    resp = c.post(url, {"item": "nl", "rule_type": "range", "min": "0", "max": "120", "severity": "high", "weight": "2", "enabled": "on"})
    assert resp.status_code == 302
    rule = QualityRule.objects.get()
    assert rule.params == {"min": 0, "max": 120}
    edit = reverse("quality:rule_edit", args=[rule.public_id])
    assert c.post(edit, {"min": "18", "max": "", "severity": "low", "weight": "1"}).status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"min": 18} and rule.enabled is False and rule.severity == "low"
    assert c.post(reverse("quality:rule_delete", args=[rule.public_id]), {}).status_code == 302
    assert QualityRule.objects.get().voided_at is None  # not confirmed
    c.post(reverse("quality:rule_delete", args=[rule.public_id]), {"confirm": "on"})
    assert QualityRule.objects.get().voided_at is not None


def test_task_pages_walk_the_lifecycle(people, checked, authority, bureau_data_admin, client_for):
    task = RectificationTask.objects.get(entry=people)
    admin, auth = client_for(bureau_data_admin), client_for(authority)
    step = lambda c, s, data=None: c.post(reverse("quality:task_step", args=[task.public_id, s]), data or {})  # noqa: E731
    assert step(admin, "submit", {"note": ""}).status_code == 400
    assert step(admin, "verify").status_code == 404  # not this role's step
    assert step(admin, "nosuch").status_code == 404
    assert step(admin, "start").status_code == 302
    assert step(admin, "submit", {"note": "已修正"}).status_code == 302
    resp = step(auth, "verify")
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.status == "reopened"
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {target_table_name(people)} WHERE _row_no <= 2")
    step(admin, "submit", {"note": "删除了错误记录并重新归集"})
    step(auth, "verify")
    task.refresh_from_db()
    assert task.status == "closed"
    html = auth.get(reverse("quality:task", args=[task.public_id])).content.decode()
    assert "已核验关闭" in html and "复检核验" not in html


def test_absent_table_shows_a_chinese_message(city, authority, client_for):
    from digigov.data.catalog.models import MountedResource

    entry = make_entry(city.bureau, [{"name": "名称", "field_name": "mc", "required": True}])
    MountedResource.objects.create(entry=entry, kind="table", name="x", table_name="dr_888888", mounted_by=authority)
    c = client_for(authority)
    resp = c.post(reverse("quality:run_now", args=[entry.public_id]), follow=True)
    assert resp.status_code == 200 and "尚未归集" in resp.content.decode()
