"""The time-limit clock of a case (办件计时) and its warnings (黄灯/红灯预警).

* **Start** (``case_started``): the limits come from the case (``Case.statutory_days`` /
  ``promised_days``, set by whoever created it), else from its ``ProcessDefinition``. A case without a
  promised limit is held to its statutory one (承诺时限 defaults to 法定时限), so warnings always read
  ``promised_days``/``promised_due``. The due dates are ``add_working_days(accepted, days)``: the day of
  acceptance does not count. A case with no limit at all runs no clock (no due date, never warned).
* **Pause** (``correction_requested``; 听证/检验检测/专家评审 through ``actions.timelimits.suspend_clock``):
  a ``ClockSuspension`` opens and the clock reads ``paused``. **Resume** closes it: the working days in
  ``(paused on, resumed on]`` are recorded on the suspension, added to ``Case.paused_days``, and push both
  due dates by as many working days.
* **Stop** (``case_finished``): the clock reads ``stopped``; an open suspension is closed.
* **Warnings**, for a running clock, with ``left = working_days_between(today, promised_due)``:
  overdue when ``left < 0``, red when ``left == 0`` (the due day), yellow when
  ``left <= yellow_threshold(promised_days)`` (20 % of the limit, at least 1 working day), else normal.
  ``recompute_warnings`` applies them to every running case in bulk: one UPDATE per level.

``warning_raised`` (sent with ``sender=Case``, ``cases`` = the cases that just turned ``level``) lets the
notifications module tell the clerks, without this module knowing who they are.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from . import calendar
from .models import OPEN_CASE_STATUSES, Case, CaseEvent, ClockState, ClockSuspension, SuspensionReason, Warning

warning_raised = Signal()
WARNED_LEVELS = (Warning.YELLOW, Warning.RED, Warning.OVERDUE)


def yellow_threshold(limit_days: int | None) -> int:
    """Working days left at which a case turns yellow: 20 % of its limit, rounded down, at least 1."""
    return max(1, int(limit_days or 0) // 5)


def level_for(promised_due: dt.date | None, promised_days: int | None, today: dt.date) -> str:
    if promised_due is None:
        return Warning.NORMAL
    left = calendar.working_days_between(today, promised_due)
    if left < 0:
        return Warning.OVERDUE
    if left == 0:
        return Warning.RED
    if left <= yellow_threshold(promised_days):
        return Warning.YELLOW
    return Warning.NORMAL


def working_days_left(case: Case, today: dt.date | None = None) -> int | None:
    if case.promised_due is None:
        return None
    return calendar.working_days_between(today or timezone.localdate(), case.promised_due)


def _local_date(value) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def start_clock(case: Case) -> Case:
    """Set the limits and due dates of a case just started (idempotent: a second call changes nothing)."""
    if case.statutory_due or case.promised_due:
        return case
    definition = case.process_version.process
    statutory = case.statutory_days if case.statutory_days is not None else definition.statutory_days
    promised = case.promised_days if case.promised_days is not None else definition.promised_days
    if promised is None:
        promised = statutory
    accepted = _local_date(case.started_at)
    case.statutory_days, case.promised_days = statutory, promised
    case.statutory_due = calendar.add_working_days(accepted, statutory) if statutory is not None else None
    case.promised_due = calendar.add_working_days(accepted, promised) if promised is not None else None
    case.clock = ClockState.RUNNING
    case.warning = level_for(case.promised_due, promised, timezone.localdate())
    Case.objects.filter(pk=case.pk).update(statutory_days=statutory, promised_days=promised, statutory_due=case.statutory_due,
                                           promised_due=case.promised_due, clock=case.clock, warning=case.warning)
    if case.warning in WARNED_LEVELS:
        warning_raised.send(sender=Case, cases=[case], level=case.warning)
    return case


def open_suspension(case: Case, reasons=None) -> ClockSuspension | None:
    qs = ClockSuspension.objects.filter(case=case, ended_at__isnull=True)
    if reasons is not None:
        qs = qs.filter(reason__in=reasons)
    return qs.order_by("-started_at").first()


def pause_clock(case: Case, *, actor, reason: str, note: str = "", at: dt.datetime | None = None) -> ClockSuspension | None:
    """Open a suspension (the caller checked permission and state); None when one is already open."""
    if open_suspension(case) is not None:
        return None
    suspension = ClockSuspension.objects.create(case=case, reason=reason, note=note, started_at=at or timezone.now(), started_by=actor)
    case.clock = ClockState.PAUSED
    Case.objects.filter(pk=case.pk).update(clock=ClockState.PAUSED, updated_at=timezone.now())
    return suspension


def resume_clock(case: Case, *, actor, at: dt.datetime | None = None, running: bool = True, reasons=None) -> ClockSuspension | None:
    """Close the open suspension (of one of ``reasons``, when given) and push the due dates by its working
    days; None when none is open."""
    suspension = open_suspension(case, reasons)
    if suspension is None:
        return None
    at = at or timezone.now()
    days = max(0, calendar.working_days_between(_local_date(suspension.started_at), _local_date(at)))
    suspension.ended_at, suspension.ended_by, suspension.working_days = at, actor, days
    suspension.save(update_fields=["ended_at", "ended_by", "working_days", "updated_at"])
    case.paused_days = (case.paused_days or 0) + days
    if days:
        if case.statutory_due:
            case.statutory_due = calendar.add_working_days(case.statutory_due, days)
        if case.promised_due:
            case.promised_due = calendar.add_working_days(case.promised_due, days)
    case.clock = ClockState.RUNNING if running else ClockState.STOPPED
    if running:
        case.warning = level_for(case.promised_due, case.promised_days, timezone.localdate())
    Case.objects.filter(pk=case.pk).update(paused_days=case.paused_days, statutory_due=case.statutory_due, promised_due=case.promised_due,
                                           clock=case.clock, warning=case.warning, updated_at=timezone.now())
    return suspension


def stop_clock(case: Case, *, actor) -> None:
    """The case reached an end: close an open suspension (its days still count as paused), stop the clock."""
    if open_suspension(case) is not None:
        resume_clock(case, actor=actor, running=False)
    case.clock = ClockState.STOPPED
    Case.objects.filter(pk=case.pk).update(clock=ClockState.STOPPED)


def event(case: Case, actor, kind: str, text: str) -> CaseEvent:
    return CaseEvent.objects.create(case=case, at=timezone.now(), actor=actor, kind=kind, text=text[:500])


# --- warnings in bulk ------------------------------------------------------------------------------

def running_cases():
    return Case.objects.filter(status__in=OPEN_CASE_STATUSES, clock=ClockState.RUNNING, promised_due__isnull=False)


def level_conditions(today: dt.date, limits) -> dict[str, Q]:
    """The filter of each warning level for ``today``, given the distinct promised limits in use.

    Due dates are working days, so ``left <= t`` is ``promised_due < add_working_days(today, t + 1)``;
    the threshold ``t`` depends on the limit, hence one OR term per distinct threshold."""
    by_threshold: dict[int, list[int]] = {}
    for days in limits:
        by_threshold.setdefault(yellow_threshold(days), []).append(days)
    yellow = Q(pk__in=[])
    for t, days in sorted(by_threshold.items()):
        yellow |= Q(promised_days__in=days, promised_due__lt=calendar.add_working_days(today, t + 1))
    not_yet = Q(promised_due__gt=today)
    return {
        Warning.OVERDUE: Q(promised_due__lt=today),
        Warning.RED: Q(promised_due=today),
        Warning.YELLOW: not_yet & yellow,
        Warning.NORMAL: not_yet & ~yellow,
    }


@transaction.atomic
def recompute_warnings(today: dt.date | None = None) -> dict[str, int]:
    """Set the warning of every running case for ``today``: one SELECT of the limits in use, then per level
    one SELECT of the cases about to turn yellow/red/overdue (their notices) and one UPDATE.
    Returns how many cases changed to each level."""
    today = today or timezone.localdate()
    base = running_cases()
    limits = sorted(set(base.values_list("promised_days", flat=True).distinct()) - {None})
    changed: dict[str, int] = {}
    for level, condition in level_conditions(today, limits).items():
        qs = base.filter(condition).exclude(warning=level)
        turned = list(qs.select_related("department").defer("data", "state")) if level in WARNED_LEVELS else None
        n = qs.update(warning=level)
        changed[level] = n
        if turned:
            for case in turned:
                case.warning = level
            warning_raised.send(sender=Case, cases=turned, level=level)
    return changed


SPECIAL_PROCEDURES = (SuspensionReason.HEARING, SuspensionReason.INSPECTION, SuspensionReason.EXPERT_REVIEW, SuspensionReason.OTHER)


# --- the runtime's signals --------------------------------------------------------------------------

def _on_case_started(sender, case, actor=None, **kwargs):
    start_clock(case)


def _actor(actor):
    """The step's actor; the platform's system account when a sender named none (a suspension names who started it)."""
    if actor is not None:
        return actor
    from digigov.core.rbac.system import system_account

    return system_account()


def _on_correction_requested(sender, case, actor=None, task=None, **kwargs):
    items = "、".join(str(c.get("item") if isinstance(c, dict) else c) for c in (getattr(task, "corrections", None) or [])[:5])
    pause_clock(case, actor=_actor(actor), reason=SuspensionReason.CORRECTION, note=f"补正：{items}"[:500] if items else "")


def _on_correction_submitted(sender, case, actor=None, **kwargs):
    resume_clock(case, actor=actor, reasons=[SuspensionReason.CORRECTION])


def _on_case_finished(sender, case, actor=None, **kwargs):
    stop_clock(case, actor=actor)


def connect() -> None:
    """Called from ``apps_timelimits.ready``: the clock follows the runtime's signals."""
    from . import signals

    signals.case_started.connect(_on_case_started, sender=Case, dispatch_uid="timelimits.case_started")
    signals.correction_requested.connect(_on_correction_requested, sender=Case, dispatch_uid="timelimits.correction_requested")
    signals.correction_submitted.connect(_on_correction_submitted, sender=Case, dispatch_uid="timelimits.correction_submitted")
    signals.case_finished.connect(_on_case_finished, sender=Case, dispatch_uid="timelimits.case_finished")
