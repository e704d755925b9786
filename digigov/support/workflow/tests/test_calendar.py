"""Working-day arithmetic on the city calendar: weekends, holidays, 调休 working weekends; the cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings, strategies as st

from digigov.support.workflow import calendar
from digigov.support.workflow.actions import calendar as calendar_actions
from digigov.support.workflow.demo_calendar import HOLIDAYS_2026
from digigov.support.workflow.models import CalendarDay, DayKind

D = dt.date


@pytest.fixture
def cal2026(city):
    calendar.clear_cache()
    calendar_actions.import_year(city.system, year=2026, text=HOLIDAYS_2026)
    yield
    calendar.clear_cache()


def test_plain_weekends_without_a_calendar(db):
    calendar.clear_cache()
    assert calendar.is_working_day(D(2030, 1, 4))  # Friday
    assert not calendar.is_working_day(D(2030, 1, 5))  # Saturday
    # accepted on Friday, 1 working day: Monday (the day of acceptance does not count, the weekend does not either)
    assert calendar.add_working_days(D(2030, 1, 4), 1) == D(2030, 1, 7)
    assert calendar.add_working_days(D(2030, 1, 4), 0) == D(2030, 1, 4)
    assert calendar.working_days_between(D(2030, 1, 4), D(2030, 1, 7)) == 1
    assert calendar.working_days_between(D(2030, 1, 7), D(2030, 1, 4)) == -1


def test_2026_holidays_and_tiaoxiu(cal2026):
    assert not calendar.is_working_day(D(2026, 1, 1))  # 元旦, Thursday
    assert calendar.is_working_day(D(2026, 1, 4))  # Sunday, 调休上班
    assert calendar.is_working_day(D(2026, 2, 14))  # Saturday, 调休上班
    assert not calendar.is_working_day(D(2026, 2, 16))  # 春节, Monday
    assert calendar.is_working_day(D(2026, 2, 28))  # Saturday, 调休上班
    assert calendar.is_working_day(D(2026, 9, 20)) and calendar.is_working_day(D(2026, 10, 10))
    assert not any(calendar.is_working_day(D(2026, 10, d)) for d in range(1, 8))


def test_clock_across_a_weekend_and_the_spring_festival(cal2026):
    # accepted Thursday 2026-02-12; 5 working days: Fri 13, Sat 14 (调休上班), then 春节 15–23 (rest),
    # Tue 24, Wed 25, Thu 26
    assert calendar.add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert calendar.working_days_between(D(2026, 2, 12), D(2026, 2, 26)) == 5
    # accepted Friday 2026-09-18: Sun 20 is 调休上班, Mon 21 … Thu 24, then 中秋 25–27, Mon 28, Tue 29, Wed 30, 国庆 1–7, Thu 8
    assert calendar.add_working_days(D(2026, 9, 18), 5) == D(2026, 9, 24)
    assert calendar.add_working_days(D(2026, 9, 18), 9) == D(2026, 10, 8)
    # without the calendar the same 5 days would end a week earlier: the holiday matters
    assert calendar.add_working_days(D(2026, 2, 12), 5) != D(2026, 2, 19)


def test_the_calendar_is_read_once_for_a_bulk_computation(cal2026):
    calendar.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        for i in range(2000):
            start = D(2026, 1, 1) + dt.timedelta(days=i % 300)
            calendar.add_working_days(start, 20)
            calendar.working_days_between(start, D(2026, 12, 31))
    assert len(ctx.captured_queries) <= 2  # 2026 (and the spill into 2027) in one query


def test_a_save_clears_the_cache(cal2026):
    assert calendar.is_working_day(D(2026, 3, 2))
    CalendarDay.objects.create(date=D(2026, 3, 2), kind=DayKind.HOLIDAY, name="临时", updated_by=CalendarDay.objects.first().updated_by)
    assert not calendar.is_working_day(D(2026, 3, 2))
    CalendarDay.objects.filter(date=D(2026, 3, 2)).first().delete()
    assert calendar.is_working_day(D(2026, 3, 2))


dates = st.dates(min_value=D(2025, 12, 1), max_value=D(2027, 1, 31))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=dates, n=st.integers(min_value=0, max_value=60), m=st.integers(min_value=0, max_value=60))
def test_properties(cal2026, start, n, m):
    end = calendar.add_working_days(start, n)
    # round trip: between(start, add(start, n)) == n
    assert calendar.working_days_between(start, end) == n
    # never lands on a rest day (n > 0)
    if n:
        assert calendar.is_working_day(end) and end > start
    # monotone in n, and composable
    later = calendar.add_working_days(start, n + m)
    assert later >= end
    assert calendar.add_working_days(end, m) == later


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=dates, b=dates, c=dates)
def test_between_is_monotone_and_additive(cal2026, a, b, c):
    a, b, c = sorted([a, b, c])
    assert 0 <= calendar.working_days_between(a, b) <= calendar.working_days_between(a, c)
    assert calendar.working_days_between(a, b) + calendar.working_days_between(b, c) == calendar.working_days_between(a, c)
    assert calendar.working_days_between(c, a) == -calendar.working_days_between(a, c)
