"""The city admin's calendar: actions (audited, all-or-nothing), the page (month grids, forms, import), permission."""

from __future__ import annotations

import datetime as dt

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Forbidden, NotFound, ValidationFailed
from digigov.core.testing import logged_in_client, make_user
from digigov.support.workflow import calendar
from digigov.support.workflow.actions import calendar as calendar_actions
from digigov.support.workflow.demo_calendar import HOLIDAYS_2026
from digigov.support.workflow.models import CalendarDay

D = dt.date


@pytest.fixture
def admin(city):
    calendar.clear_cache()
    yield make_user("city_admin")
    calendar.clear_cache()


def test_set_change_remove_audited(admin):
    day = calendar_actions.set_day(admin, date="2027-02-08", kind="放假", name="春节")
    assert not calendar.is_working_day(D(2027, 2, 8))
    calendar_actions.set_day(admin, date=D(2027, 2, 8), kind="holiday", name="春节假期")
    assert CalendarDay.objects.get().name == "春节假期"
    calendar_actions.set_day(admin, date="2027-02-20", kind="调休上班", name="春节调休")  # a Saturday
    assert calendar.is_working_day(D(2027, 2, 20))
    calendar_actions.remove_day(admin, date="2027-02-08")
    assert calendar.is_working_day(D(2027, 2, 8))
    assert list(AuditEntry.objects.filter(action__startswith="workflow.calendar").values_list("action", flat=True).order_by("seq")) == [
        "workflow.calendar.add", "workflow.calendar.change", "workflow.calendar.add", "workflow.calendar.remove"]
    assert day.pk


@pytest.mark.parametrize("kwargs", [
    {"date": "2027-13-01", "kind": "放假", "name": "x"},
    {"date": "", "kind": "放假", "name": "x"},
    {"date": "1999-01-01", "kind": "放假", "name": "x"},
    {"date": "2027-02-08", "kind": "半天", "name": "x"},
    {"date": "2027-02-08", "kind": "放假", "name": ""},
    {"date": "2027-02-08", "kind": "放假", "name": "长" * 33},
    {"date": "2027-02-08", "kind": "调休上班", "name": "x"},  # a Monday is a working day already
    {"date": None, "kind": None, "name": None},
])
def test_bad_day_writes_nothing(admin, kwargs):
    with pytest.raises(ValidationFailed):
        calendar_actions.set_day(admin, **kwargs)
    assert not CalendarDay.objects.exists() and not AuditEntry.objects.filter(action__startswith="workflow.calendar").exists()


def test_only_the_city_admin(city):
    for role, scope in [("dept_admin", {"department": city.bureau}), ("approver", {"department": city.bureau}), ("citizen", {})]:
        with pytest.raises(Forbidden):
            calendar_actions.set_day(make_user(role, **scope), date="2027-02-08", kind="放假", name="春节")
    with pytest.raises(NotFound):
        calendar_actions.remove_day(make_user("city_admin"), date="2027-02-08")


def test_import_year_replaces_all_or_nothing(admin):
    summary = calendar_actions.import_year(admin, year=2026, text=HOLIDAYS_2026)
    assert summary == {"year": 2026, "holidays": 33, "workdays": 6}
    assert CalendarDay.objects.count() == 39
    bad = [
        (2026, "2026-10-01,放假,国庆节\n2026-10-02,放假"),  # a short line
        (2026, "2026-10-01,放假,国庆节\n2026-10-01,放假,国庆节"),  # twice
        (2026, "2027-10-01,放假,国庆节"),  # another year
        (2026, "2026-10-05,调休上班,错"),  # a Monday
        (2026, ""),
        ("二〇二六", "2026-10-01,放假,国庆节"),
        (2026, "x\n" * 500),
    ]
    for year, text in bad:
        with pytest.raises(ValidationFailed):
            calendar_actions.import_year(admin, year=year, text=text)
    assert CalendarDay.objects.count() == 39
    # tabs, ideographic commas and a header are read too; the year is replaced
    calendar_actions.import_year(admin, year=2026, text="日期\t类型\t名称\n2026-10-01\t休\t国庆节\n2026-10-10、班、国庆节调休")
    assert CalendarDay.objects.count() == 2


def test_calendar_page(admin):
    client = logged_in_client(admin)
    calendar_actions.import_year(admin, year=2026, text=HOLIDAYS_2026)
    page = client.get("/workbench/support/calendar/?year=2026").content.decode()
    assert page.count('class="card month"') == 12
    assert 'data-date="2026-02-16"' in page and "春节" in page and "调休上班" in page
    response = client.post("/workbench/support/calendar/?year=2026", {"op": "day", "day-date": "2026-12-31", "day-kind": "holiday", "day-name": "跨年"})
    assert response.status_code == 302 and CalendarDay.objects.filter(date=D(2026, 12, 31), name="跨年").exists()
    # bad input comes back as a field error on the page, nothing written
    response = client.post("/workbench/support/calendar/?year=2026", {"op": "day", "day-date": "2026-12-28", "day-kind": "workday", "day-name": "错"})
    assert response.status_code == 302
    assert "本来就上班" in client.get(response["Location"]).content.decode()
    assert not CalendarDay.objects.filter(date=D(2026, 12, 28)).exists()
    response = client.post("/workbench/support/calendar/remove/", {"date": "2026-12-31"})
    assert response.status_code == 302 and not CalendarDay.objects.filter(date=D(2026, 12, 31)).exists()
    response = client.post("/workbench/support/calendar/?year=2027", {"op": "import", "imp-year": "2027", "imp-text": "2027-01-01,放假,元旦"})
    assert response.status_code == 302 and CalendarDay.objects.filter(date__year=2027).count() == 1
    assert client.get("/workbench/support/calendar/?year=abc").status_code == 200


def test_calendar_page_refused_to_others(city):
    client = logged_in_client(make_user("dept_admin", department=city.bureau))
    assert client.get("/workbench/support/calendar/").status_code == 403
    assert client.post("/workbench/support/calendar/", {"op": "day", "day-date": "2026-12-31", "day-kind": "holiday", "day-name": "x"}).status_code == 403
    assert not CalendarDay.objects.exists()
