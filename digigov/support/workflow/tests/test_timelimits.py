"""The case clock: started from the signals, paused for correction and special procedures, warnings in bulk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import make_user
from digigov.support.workflow import calendar, signals, timelimits
from digigov.support.workflow.actions import calendar as calendar_actions
from digigov.support.workflow.actions import timelimits as clock_actions
from digigov.support.workflow.demo_calendar import HOLIDAYS_2026
from digigov.support.workflow.models import Case, CaseEvent, CaseStatus, ClockState, ClockSuspension, Warning

from .tl_factories import local, make_case, make_task, process

D = dt.date


@pytest.fixture
def cal(city):
    calendar.clear_cache()
    calendar_actions.import_year(city.system, year=2026, text=HOLIDAYS_2026)
    yield city
    calendar.clear_cache()


def start(case, actor):
    signals.case_started.send(sender=Case, case=case, actor=actor)
    case.refresh_from_db()
    return case


def test_clock_starts_from_the_process_limits_across_a_holiday(cal):
    # accepted Thursday 2026-09-24, promised 5 working days: 9-25..27 中秋 (rest), Mon 28, Tue 29, Wed 30, 国庆 10-1..7 (rest), Thu 8, Fri 9
    case = start(make_case(cal, version=process(cal, statutory_days=20, promised_days=5), started=D(2026, 9, 24)), cal.system)
    assert (case.promised_days, case.statutory_days) == (5, 20)
    assert case.promised_due == D(2026, 10, 9)
    assert case.statutory_due == calendar.add_working_days(D(2026, 9, 24), 20)
    assert case.clock == ClockState.RUNNING


def test_case_limits_override_the_process_and_promised_defaults_to_statutory(cal):
    case = start(make_case(cal, version=process(cal, statutory_days=20, promised_days=10), started=D(2026, 3, 2), promised_days=3), cal.system)
    assert case.promised_due == D(2026, 3, 5)
    other = start(make_case(cal, version=process(cal, statutory_days=4, promised_days=None), started=D(2026, 3, 2)), cal.system)
    assert other.promised_days == 4 and other.promised_due == D(2026, 3, 6)
    none = start(make_case(cal, version=process(cal, statutory_days=None, promised_days=None), started=D(2026, 3, 2)), cal.system)
    assert none.promised_due is None and none.warning == Warning.NORMAL


def test_correction_pauses_and_resume_pushes_the_due_dates(cal):
    case = start(make_case(cal, version=process(cal, statutory_days=20, promised_days=10), started=D(2026, 4, 27)), cal.system)
    # Mon 4-27 + 10 working days: 28,29,30, (5-1..5 劳动节), 6,7,8, Sat 9 (调休上班), 11,12,13 → 5-13
    assert case.promised_due == D(2026, 5, 13)
    task = make_task(case)
    task.corrections = [{"item": "营业执照复印件", "reason": "不清晰"}]
    with timezone.override("Asia/Shanghai"):
        signals.correction_requested.send(sender=Case, case=case, actor=cal.system, task=task)
    s = ClockSuspension.objects.get(case=case)
    case.refresh_from_db()
    assert case.clock == ClockState.PAUSED and s.reason == "correction" and "营业执照" in s.note
    # answered 3 working days later (Thu 4-30, then 劳动节, Wed 5-6: 4-28, 4-29, 4-30, 5-6 = 4 working days)
    ClockSuspension.objects.filter(pk=s.pk).update(started_at=local(D(2026, 4, 27), 15))
    from unittest import mock

    with mock.patch("digigov.support.workflow.timelimits.timezone.now", return_value=local(D(2026, 5, 6), 9)):
        signals.correction_submitted.send(sender=Case, case=case, actor=cal.system)
    s.refresh_from_db()
    case.refresh_from_db()
    assert s.working_days == 4 and case.paused_days == 4
    assert case.promised_due == calendar.add_working_days(D(2026, 5, 13), 4) == D(2026, 5, 19)
    assert case.clock == ClockState.RUNNING


def test_finished_stops_the_clock(cal):
    case = start(make_case(cal, started=D(2026, 3, 2)), cal.system)
    case.status = CaseStatus.APPROVED
    signals.case_finished.send(sender=Case, case=case, actor=cal.system)
    case.refresh_from_db()
    assert case.clock == ClockState.STOPPED


def test_special_procedure_by_an_approver(cal):
    approver = make_user("approver", department=cal.bureau)
    case = start(make_case(cal, started=timezone.localdate()), cal.system)
    due = case.promised_due
    before = AuditEntry.objects.count()
    s = clock_actions.suspend_clock(approver, case, reason="hearing", note="定于下周二举行听证会")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED and case.clock == ClockState.PAUSED
    assert AuditEntry.objects.filter(action="workflow.clock.suspend").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="clock.suspend").exists()
    with pytest.raises(Conflict):  # two at once
        clock_actions.suspend_clock(approver, case, reason="inspection", note="检测")
    # resumed 2 working days later
    ClockSuspension.objects.filter(pk=s.pk).update(started_at=local(calendar_back(timezone.localdate(), 2)))
    s = clock_actions.resume_clock(approver, case, note="听证结束")
    case.refresh_from_db()
    assert s.working_days == 2 and case.paused_days == 2
    assert case.promised_due == calendar.add_working_days(due, 2)
    assert case.status == CaseStatus.RUNNING and case.clock == ClockState.RUNNING
    assert AuditEntry.objects.count() == before + 2
    with pytest.raises(Conflict):
        clock_actions.resume_clock(approver, case)


def calendar_back(day, n):
    """The start from which ``n`` working days have passed by ``day``, counted as the clock counts them
    (``calendar.working_days_between``: after the start, up to and including ``day``). Stepping back ``n``
    working days from ``day`` is only the same on a working day: run on a Saturday, it gave a start whose span
    to that Saturday held one working day, and the test failed every weekend."""
    start = day
    while n:
        if calendar.is_working_day(start):
            n -= 1
        start -= dt.timedelta(days=1)
    return start


@pytest.mark.parametrize("today", [dt.date(2026, 11, 25), dt.date(2026, 11, 28), dt.date(2026, 11, 30), dt.date(2026, 10, 8)])
def test_calendar_back_spans_n_working_days_on_any_day(cal, today):
    """Wednesday, Saturday, Monday, and the first working day after the National Day holiday."""
    for n in (1, 2, 5):
        assert calendar.working_days_between(calendar_back(today, n), today) == n


@pytest.mark.parametrize("kwargs, error", [
    ({"reason": "correction", "note": "x"}, ValidationFailed),  # correction is the runtime's, not a special procedure
    ({"reason": "party", "note": "x"}, ValidationFailed),
    ({"reason": "hearing", "note": ""}, ValidationFailed),
    ({"reason": "hearing", "note": "长" * 501}, ValidationFailed),
    ({"reason": "hearing", "note": 5}, ValidationFailed),
])
def test_suspend_bad_input_writes_nothing(cal, kwargs, error):
    approver = make_user("approver", department=cal.bureau)
    case = start(make_case(cal), cal.system)
    before = (AuditEntry.objects.count(), ClockSuspension.objects.count(), CaseEvent.objects.count())
    with pytest.raises(error):
        clock_actions.suspend_clock(approver, case, **kwargs)
    assert (AuditEntry.objects.count(), ClockSuspension.objects.count(), CaseEvent.objects.count()) == before


def test_suspend_refused_for_a_finished_case_a_clerk_and_another_department(cal):
    case = start(make_case(cal), cal.system)
    with pytest.raises(Forbidden):
        clock_actions.suspend_clock(make_user("window_clerk", department=cal.bureau), case, reason="hearing", note="听证")
    with pytest.raises(Forbidden):
        clock_actions.suspend_clock(make_user("approver", department=cal.other_bureau), case, reason="hearing", note="听证")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.APPROVED, clock=ClockState.STOPPED)
    with pytest.raises(Conflict):
        clock_actions.suspend_clock(make_user("approver", department=cal.bureau), case, reason="hearing", note="听证")
    assert not ClockSuspension.objects.filter(case=case).exists()


def test_thresholds():
    assert [timelimits.yellow_threshold(n) for n in (1, 3, 5, 9, 10, 20, 60)] == [1, 1, 1, 1, 2, 4, 12]


def test_warnings_recomputed_in_bulk_with_a_pinned_query_count(cal):
    today = D(2026, 6, 10)  # Wednesday
    version = process(cal, statutory_days=20, promised_days=10)
    clerk = make_user("approver", department=cal.bureau)
    cases = {}
    # due dates set directly: normal (far), yellow (2 left of 10), red (today), overdue (yesterday), and a 5-day limit 1 left
    for name, due, days in [("normal", D(2026, 6, 30), 10), ("yellow", D(2026, 6, 12), 10), ("red", today, 10),
                            ("overdue", D(2026, 6, 9), 10), ("yellow5", D(2026, 6, 11), 5), ("normal5", D(2026, 6, 12), 5)]:
        c = make_case(cal, version=version, started=D(2026, 6, 1), title=name)
        Case.objects.filter(pk=c.pk).update(promised_due=due, promised_days=days, warning=Warning.NORMAL)
        make_task(c, assignee=clerk, status="claimed")
        cases[name] = c
    paused = make_case(cal, version=version, started=D(2026, 6, 1), title="paused")
    Case.objects.filter(pk=paused.pk).update(promised_due=D(2026, 6, 1), promised_days=10, clock=ClockState.PAUSED)
    for _ in range(20):  # more cases must not mean more queries
        c = make_case(cal, version=version, started=D(2026, 6, 1))
        Case.objects.filter(pk=c.pk).update(promised_due=D(2026, 6, 11), promised_days=10)
    calendar.load(2026, 2026)
    with CaptureQueriesContext(connection) as ctx:
        changed = timelimits.recompute_warnings(today)
    levels = {n: Case.objects.get(pk=c.pk).warning for n, c in cases.items()}
    assert levels == {"normal": "normal", "yellow": "yellow", "red": "red", "overdue": "overdue", "yellow5": "yellow", "normal5": "normal"}
    assert Case.objects.get(pk=paused.pk).warning == Warning.NORMAL  # a paused clock keeps its level
    assert changed[Warning.YELLOW] == 22 and changed[Warning.RED] == 1 and changed[Warning.OVERDUE] == 1
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 4  # one UPDATE per level, not per case
    assert len(ctx.captured_queries) <= 16, "\n".join(q["sql"][:120] for q in ctx.captured_queries)
    # the clerk heard about the three cases that turned yellow/red/overdue (not about the 20 without tasks: no recipient)
    titles = set(InboxMessage.objects.filter(recipient=clerk).values_list("title", flat=True))
    assert {t.split("：")[-1] for t in titles} == {"yellow", "red", "overdue", "yellow5"}
    # a second run changes nothing and sends nothing
    n = InboxMessage.objects.count()
    assert sum(timelimits.recompute_warnings(today).values()) == 0
    assert InboxMessage.objects.count() == n


def test_the_periodic_task_runs_as_the_system_account(cal):
    from digigov.support.workflow.timelimit_tasks import recompute_timelimit_warnings_now

    case = start(make_case(cal, started=D(2026, 1, 5)), cal.system)
    assert case.promised_due < timezone.localdate()
    Case.objects.filter(pk=case.pk).update(warning=Warning.NORMAL)
    recompute_timelimit_warnings_now()
    case.refresh_from_db()
    assert case.warning == Warning.OVERDUE


def test_correction_without_an_actor_is_attributed_to_the_system_account(cal):
    case = start(make_case(cal, started=D(2026, 3, 2)), cal.system)
    signals.correction_requested.send(sender=Case, case=case, actor=None, task=None)
    assert ClockSuspension.objects.get(case=case).started_by.username == "system"
