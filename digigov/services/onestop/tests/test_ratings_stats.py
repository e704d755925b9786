"""Statistics equal the hand-counted rows of a small fixture; K09 follows its documented formula; the national
export carries the standard's Chinese field names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from digigov.services.onestop import export_ratings, kpis
from digigov.services.onestop.actions import ratings as actions
from digigov.services.onestop.models import ApplicationStatus, ItemMaterial, Rating
from digigov.services.onestop.selectors import stats as st
from digigov.services.onestop.testing import item_with_process, make_item
from digigov.support.workflow import calendar

from .ratings_fixtures import day, make_application, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city, role_user):
    from digigov.support.window.models import Reception, ServiceHall
    from digigov.support.workflow.models import WorkTask

    admin = role_user("city_admin")
    citizen = role_user("citizen")
    item = item_with_process(city, user=admin, name="食品经营许可")
    today = timezone.localdate()
    c1 = make_case(item, channel="online", status="approved", started_at=day(10), finished_at=day(3), promised_due=today + dt.timedelta(days=9))
    c2 = make_case(item, channel="window", status="rejected", started_at=day(12), finished_at=day(2), promised_due=today - dt.timedelta(days=5),
                   paused_days=1)
    c3 = make_case(item, channel="mobile", status="running", started_at=day(8), promised_due=today - dt.timedelta(days=1))
    c4 = make_case(item, channel="online", status="approved", started_at=day(9), finished_at=day(1))
    old = make_case(item, channel="window", status="approved", started_at=day(400), finished_at=day(390))  # outside the period
    hall = ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a)
    clerk = role_user("window_clerk")
    for _ in range(2):
        Reception.objects.create(hall=hall, clerk=clerk, applicant_kind="person", case=c2, finished_at=day(11))
    WorkTask.objects.create(case=c4, spiff_task_id="x", element_id="accept", name="窗口受理", status="completed", outcome="correction")
    app = make_application(item, citizen, status=ApplicationStatus.DONE, case=c1)
    actions.rate(citizen, application=app, level=5, reasons=["G04"])
    Rating.objects.create(case=c2, item=item, department=city.bureau, hall=hall, level=2, reasons=["P03"], created_at=timezone.now())
    return {"item": item, "cases": (c1, c2, c3, c4, old), "hall": hall, "admin": admin}


def test_statistics_equal_the_hand_counted_rows(world, role_user, city):
    c1, c2, c3, c4, _old = world["cases"]
    viewer = role_user("dept_admin")  # the bureau's subtree
    s = st.compute(viewer, st.period_from(None, None), "department")
    t = s.total
    assert (t.cases, t.online, t.finished, t.once, t.with_due, t.overdue, t.rated, t.ratings, t.satisfied) == (4, 3, 3, 1, 3, 2, 2, 2, 1)
    assert (t.online_rate, t.once_rate, t.overdue_rate, t.participation, t.satisfaction, t.mean_score) == (75.0, 33.33, 66.67, 66.67, 50.0, 3.5)
    days = [calendar.working_days_between(c.started_at, c.finished_at) - c.paused_days for c in (c1, c2, c4)]
    assert t.avg_days == round(sum(days) / 3, 2)
    assert [(g.label, g.cases) for g in s.groups] == [(city.bureau.name, 4)]
    by_hall = st.compute(viewer, st.period_from(None, None), "hall")
    assert [(g.label, g.cases, g.once, g.ratings) for g in by_hall.groups] == [("元宝区政务服务中心", 1, 0, 1)]
    by_item = st.compute(viewer, st.period_from(None, None), "item")
    assert [(g.key, g.cases) for g in by_item.groups] == [(world["item"].code, 4)]
    # another department sees none of it
    other = role_user("dept_admin", department=city.other_bureau)
    assert st.compute(other, st.period_from(None, None)).total.cases == 0
    # drill-down: the rows behind 一次办率 are the finished cases, c1 counted
    ids, facts = st.drill_cases(viewer, st.period_from(None, None), "once", "department", city.bureau.public_id)
    assert sorted(ids) == sorted([c1.pk, c2.pk, c4.pk])
    assert [pk for pk in ids if st.CASE_METRIC_COUNTED["once"](facts[pk])] == [c1.pk]
    ids, facts = st.drill_cases(viewer, st.period_from(None, None), "overdue", "hall", world["hall"].public_id)
    assert ids == [c2.pk]
    assert st.drill_ratings(viewer, st.period_from(None, None), "item", world["item"].code).count() == 2


def test_period_filter(world, role_user):
    viewer = role_user("city_admin")
    long_ago = st.period_from(timezone.localdate() - dt.timedelta(days=420), timezone.localdate() - dt.timedelta(days=380))
    s = st.compute(viewer, long_ago)
    assert (s.total.cases, s.total.finished, s.total.ratings) == (1, 1, 0)


def test_export_csv_and_json_use_the_standards_field_names(world, role_user):
    qs = Rating.objects.all()
    text = "".join(export_ratings.csv_chunks(qs))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == export_ratings.FIELDS
    assert {"评价编号", "事项编码", "办件编号", "评价等级", "评价渠道", "评价时间", "评价原因"} <= set(rows[0])
    by_level = {r["评价等级名称"]: r for r in rows}
    assert by_level["非常满意"]["评价等级"] == "1" and by_level["非常满意"]["事项编码"] == world["item"].code
    assert by_level["不满意"]["评价等级"] == "4" and by_level["不满意"]["评价原因"] == "P03"
    assert by_level["非常满意"]["办件编号"] == world["cases"][0].number
    data = json.loads("".join(export_ratings.json_chunks(qs)))
    assert len(data) == 2 and set(data[0]) == set(export_ratings.FIELDS)
    assert json.loads("".join(export_ratings.json_chunks(Rating.objects.none()))) == []


def test_export_batches_are_keyset_pages(world):
    pages = list(export_ratings.batches(Rating.objects.all(), size=1))
    assert [len(p) for p in pages] == [1, 1] and pages[0][0].id < pages[1][0].id


def test_k09_follows_the_documented_formula(city, role_user):
    admin = role_user("city_admin")
    item = item_with_process(city, user=admin, name="食品经营许可", audience="enterprise", promised_days=5,
                             materials=[("营业执照", "original"), ("场所证明", "copy")])
    item.process_steps = ["申请", "受理", "审查"]
    item.visits_required = 1
    item.save(update_fields=["process_steps", "visits_required"])
    ItemMaterial.objects.filter(item=item, name="营业执照").update(shared_source="market_registry")
    started = timezone.now() - dt.timedelta(days=6)
    finished = timezone.now() - dt.timedelta(days=1)
    make_case(item, status="approved", started_at=started, finished_at=finished)
    make_item(city.bureau, name="出生医学证明", audience="person")  # a person's item: not in K09
    measured = calendar.working_days_between(started, finished)
    expected = [100 * (20 - 5) / 20, 100 * (8 - 3) / 7, 100 * (10 - 1) / 10, 100 * (3 - 1) / 3, 100.0, max(0, 100 * (20 - measured) / 20)]
    result = kpis.compute_k09()
    assert result.denominator == 100
    assert result.value == pytest.approx(round(sum(expected) / 6, 2), abs=0.01)
    rows = kpis.k09_rows()
    assert [r.pk for r in rows.queryset] == [item.pk]
    cells = rows.cells(item)
    assert cells[0] == "食品经营许可" and cells[-1] == f"{sum(expected) / 6:.1f}"
    assert rows.counted(item) is False


def test_k09_is_shown_as_a_score_not_a_percentage(city, role_user):
    from django.urls import reverse

    from digigov.core.kpi import actions as kpi_actions
    from digigov.core.testing import logged_in_client

    admin = role_user("city_admin")
    item_with_process(city, user=admin, name="食品经营许可", audience="enterprise", promised_days=0, materials=())
    kpi_actions.ensure_definitions()
    snap = kpi_actions.recompute(admin, "K09")
    page = logged_in_client(admin).get(reverse("kpi:detail", args=["K09"])).content.decode()
    assert f"{snap.value:.2f}分" in page and f"{snap.value:.2f}%" not in page
    board = {row.definition.code: row for row in kpi_actions.board()}
    assert board["K09"].unit == "分" and board["K01"].unit == "%"


def test_first_screen_figures_and_extreme_dates(world, role_user):
    from digigov.services.onestop.selectors.catalog import rating_figures

    figures = rating_figures()  # the portal's first screen: the same rows as the statistics
    assert (figures.count, figures.good, figures.satisfaction) == (2, 1, 50.0)
    import datetime as _dt

    viewer = role_user("city_admin")
    s = st.compute(viewer, st.period_from(_dt.date(1, 1, 1), _dt.date(9999, 12, 31)))
    assert s.period.end == st.LATEST and s.total.cases == 0
    from digigov.services.onestop.selectors import ratings as sel

    assert sel.filter_ratings(Rating.objects.all(), date_from=_dt.date(1, 1, 1), date_to=_dt.date(9999, 12, 31)).count() == 2
