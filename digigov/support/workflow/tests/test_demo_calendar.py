"""The demo calendar: 2026 as published, entered by the city admin through the audited import."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from digigov.core.audit.models import AuditEntry
from digigov.core.registry import DEMO_GENERATORS
from digigov.core.testing import make_user
from digigov.support.workflow import calendar
from digigov.support.workflow.demo_calendar import generate
from digigov.support.workflow.models import CalendarDay, DayKind


def test_2026_as_published(city):
    admin = make_user("city_admin", username="cityadmin")
    lines = []
    ctx = SimpleNamespace(rows=0, shared={}, describe=lines.append)
    calendar.clear_cache()
    generate(ctx)
    assert "calendar" in DEMO_GENERATORS
    assert ctx.rows == 39 and "2026 年" in lines[0]
    assert CalendarDay.objects.filter(kind=DayKind.HOLIDAY).count() == 33
    assert set(CalendarDay.objects.filter(kind=DayKind.WORKDAY).values_list("date", flat=True)) == {
        dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 5, 9), dt.date(2026, 9, 20), dt.date(2026, 10, 10)}
    entry = AuditEntry.objects.get(action="workflow.calendar.import")
    assert entry.actor_id == admin.pk
    # 2026 has 365 - 104 weekend days - 19 weekday holidays + 6 调休 = 248 working days
    assert calendar.working_days_between(dt.date(2025, 12, 31), dt.date(2026, 12, 31)) == 248
    calendar.clear_cache()
