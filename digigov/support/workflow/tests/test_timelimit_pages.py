"""The overdue page and the time-limit API: figures per department, the chart, keyset list, scope, query bound."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from digigov.core.testing import logged_in_client, make_user
from digigov.support.workflow import calendar, timelimit_stats
from digigov.support.workflow.models import Case, CaseStatus, ClockState, Warning

from .tl_factories import make_case, process


@pytest.fixture
def world(city):
    calendar.clear_cache()
    version = process(city)
    today = timezone.localdate()
    for i, (warning, dept) in enumerate([(Warning.YELLOW, city.bureau), (Warning.RED, city.bureau), (Warning.OVERDUE, city.bureau),
                                         (Warning.NORMAL, city.bureau), (Warning.OVERDUE, city.other_bureau)]):
        c = make_case(city, version=version, department=dept, title=f"办件{i}")
        Case.objects.filter(pk=c.pk).update(warning=warning, promised_days=10, promised_due=today + dt.timedelta(days=i))
    # finished: one on time, one late
    for i, late in enumerate([False, True]):
        c = make_case(city, version=version, title=f"已办{i}")
        due = today - dt.timedelta(days=5)
        Case.objects.filter(pk=c.pk).update(status=CaseStatus.APPROVED, clock=ClockState.STOPPED, promised_due=due, promised_days=10,
                                            finished_at=timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=2 if late else -1), dt.time(10))))
    yield city
    calendar.clear_cache()


def test_figures_per_department(world):
    figures = {f.department: f for f in timelimit_stats.by_department(Case.objects.all())}
    bureau = figures[world.bureau.short_name]
    assert (bureau.open, bureau.yellow, bureau.red, bureau.overdue, bureau.finished, bureau.on_time) == (4, 1, 1, 1, 2, 1)
    assert bureau.on_time_rate == 50.0
    assert figures[world.other_bureau.short_name].overdue == 1 and figures[world.other_bureau.short_name].on_time_rate is None


def test_overview_page_chart_and_list(world, django_assert_max_num_queries):
    client = logged_in_client(make_user("city_admin"))
    with django_assert_max_num_queries(20):
        page = client.get("/workbench/support/timelimits/").content.decode()
    assert 'data-chart="timelimits-chart"' in page and "办件0" in page and "办件2" in page and "办件3" not in page
    chart = json.loads(page.split('<script id="timelimits-chart" type="application/json">')[1].split("</script>")[0])
    assert [s["name"] for s in chart["series"]] == ["黄灯预警", "红灯预警", "已超期"]
    assert chart["series"][0]["data"][0]["url"].startswith("/workbench/support/timelimits/?department=")
    overdue_only = client.get("/workbench/support/timelimits/?level=overdue").content.decode()
    assert "办件2" in overdue_only and "办件0" not in overdue_only
    dept = client.get(f"/workbench/support/timelimits/?department={world.other_bureau.public_id}").content.decode()
    assert "办件4" in dept and "办件2" not in dept
    assert client.get("/workbench/support/timelimits/?level=bogus&department=nope&after=x_y").status_code == 200


def test_scope_and_keyset(world):
    clerk = make_user("window_clerk", department=world.other_bureau)
    page = logged_in_client(clerk).get("/workbench/support/timelimits/").content.decode()
    assert "办件4" in page and "办件2" not in page
    from digigov.support.workflow.views_timelimits import warned_page

    rows, after = warned_page(Case.objects.filter(warning__in=["yellow", "red", "overdue"]), None, size=2)
    rest, end = warned_page(Case.objects.filter(warning__in=["yellow", "red", "overdue"]), after, size=2)
    assert [c.title for c in rows + rest] == ["办件0", "办件1", "办件2", "办件4"] and end is None


def test_case_clock_page_and_special_procedure(world):
    approver = make_user("approver", department=world.bureau)
    case = Case.objects.get(title="办件3")
    Case.objects.filter(pk=case.pk).update(promised_due=timezone.localdate() + dt.timedelta(days=20))
    client = logged_in_client(approver)
    page = client.get(f"/workbench/support/timelimits/cases/{case.public_id}/").content.decode()
    assert 'id="suspend"' in page
    response = client.post(f"/workbench/support/timelimits/cases/{case.public_id}/", {"op": "suspend", "s-reason": "expert_review", "s-note": "组织专家评审"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.clock == ClockState.PAUSED and case.status == CaseStatus.SUSPENDED
    assert 'id="resume"' in client.get(response["Location"]).content.decode()
    # a window clerk sees the clock but not the controls, and cannot post
    clerk = logged_in_client(make_user("window_clerk", department=world.bureau))
    assert 'id="resume"' not in clerk.get(f"/workbench/support/timelimits/cases/{case.public_id}/").content.decode()
    assert clerk.post(f"/workbench/support/timelimits/cases/{case.public_id}/", {"op": "resume"}).status_code == 403
    response = client.post(f"/workbench/support/timelimits/cases/{case.public_id}/", {"op": "resume", "r-note": ""})
    case.refresh_from_db()
    assert case.clock == ClockState.RUNNING and case.status == CaseStatus.RUNNING
    # another department's case is not found
    other = Case.objects.get(title="办件4")
    assert client.get(f"/workbench/support/timelimits/cases/{other.public_id}/").status_code == 404


def test_api(world):
    client = logged_in_client(make_user("city_admin"))
    body = client.get("/api/v1/workflow/timelimits/?level=overdue").json()
    assert [c["title"] for c in body["cases"]] == ["办件2", "办件4"] and body["next_after"] is None
    assert {d["department_name"] for d in body["departments"]} == {world.bureau.short_name, world.other_bureau.short_name}
    assert client.get("/api/v1/workflow/timelimits/?level=purple").status_code == 422
    approver = logged_in_client(make_user("approver", department=world.bureau))
    case = Case.objects.get(title="办件3")

    def post(path, payload, c=approver):
        return c.post(path, data=json.dumps(payload), content_type="application/json")

    assert post("/api/v1/workflow/timelimits/suspend", {"case": case.public_id, "reason": "correction", "note": "x"}).status_code == 422
    assert post("/api/v1/workflow/timelimits/suspend", {"case": "nope", "reason": "hearing", "note": "x"}).status_code == 404
    ok = post("/api/v1/workflow/timelimits/suspend", {"case": case.public_id, "reason": "hearing", "note": "听证"})
    assert ok.status_code == 200 and ok.json()["clock"] == "paused"
    again = post("/api/v1/workflow/timelimits/suspend", {"case": case.public_id, "reason": "hearing", "note": "听证"})
    assert again.status_code == 409 and again.json()["code"] == "already_suspended"
    assert post("/api/v1/workflow/timelimits/resume", {"case": case.public_id}).json()["clock"] == "running"
    # calendar
    assert post("/api/v1/workflow/calendar/days", {"date": "2027-02-08", "kind": "holiday", "name": "春节"}).status_code == 403
    assert post("/api/v1/workflow/calendar/days", {"date": "2027-02-08", "kind": "holiday", "name": "春节"}, client).status_code == 200
    assert post("/api/v1/workflow/calendar/days", {"date": "2027-02-09", "kind": "workday", "name": "错"}, client).status_code == 422
    assert client.get("/api/v1/workflow/calendar/?year=2027").json()["days"][0]["name"] == "春节"
    assert post("/api/v1/workflow/calendar/import", {"year": 2027, "text": "2027-01-01,放假,元旦"}, client).json() == {"year": 2027, "holidays": 1, "workdays": 0}
    assert post("/api/v1/workflow/calendar/import", {"year": 1900, "text": "2027-01-01,放假,元旦"}, client).json()["code"] == "bad_year"
    assert post("/api/v1/workflow/calendar/days/remove", {"date": "2027-02-08"}, client).status_code == 404
    assert post("/api/v1/workflow/calendar/days/remove", {"date": "2027-01-01"}, client).json()["removed"] is True
