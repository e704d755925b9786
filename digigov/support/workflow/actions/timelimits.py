"""Special procedures (特别程序: 听证、检验检测、专家评审): an approver stops the case's clock and starts it again.

The time a special procedure takes does not count against the limit (《行政许可法》第四十五条); its working
days push the due dates when it ends (see ``workflow.timelimits``). Correction (补正) pauses the clock by
itself, from the runtime's signals; these actions are the ones a person takes.
"""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from .. import timelimits
from ..models import OPEN_CASE_STATUSES, Case, CaseStatus, ClockState, ClockSuspension, SuspensionReason

SUSPENSION_FIELDS = ["reason", "note", "started_at", "ended_at", "working_days"]
CASE_CLOCK_FIELDS = ["clock", "statutory_due", "promised_due", "paused_days", "warning"]


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("process_version__process").get(pk=case.pk)


@transaction.atomic
def suspend_clock(actor, case: Case, *, reason: str, note: str) -> ClockSuspension:
    """Start a special procedure on ``case``: the clock stops until ``resume_clock``."""
    require(actor, "workflow.suspend", case)
    if reason not in timelimits.SPECIAL_PROCEDURES:
        raise ValidationFailed("请选择特别程序类型（听证、检验检测、专家评审或其他特别程序）", code="bad_reason", detail={"field": "reason"})
    note = clean_text(note, "note", "特别程序说明", 500)
    case = _locked(case)
    if case.status not in OPEN_CASE_STATUSES or case.clock == ClockState.STOPPED:
        raise Conflict("办件已办结，不能启动特别程序", code="case_finished")
    if case.promised_due is None and case.statutory_due is None:
        raise Conflict("该办件没有办理时限，无需暂停计时", code="no_time_limit")
    current = timelimits.open_suspension(case)
    if current is not None:
        raise Conflict(f"办件已在暂停计时中（{current.get_reason_display()}），请先结束", code="already_suspended")
    before = snapshot(case, CASE_CLOCK_FIELDS)
    suspension = timelimits.pause_clock(case, actor=actor, reason=reason, note=note)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUSPENDED)
    label = SuspensionReason(reason).label
    timelimits.event(case, actor, "clock.suspend", f"启动特别程序（{label}），暂停计时：{note}")
    record(actor, "workflow.clock.suspend", suspension, before=before, after=snapshot(suspension, SUSPENSION_FIELDS))
    return suspension


@transaction.atomic
def resume_clock(actor, case: Case, *, note: str = "") -> ClockSuspension:
    """End the special procedure running on ``case``: the clock runs again, the due dates move by its working days."""
    require(actor, "workflow.suspend", case)
    note = clean_text(note, "note", "结束说明", 200, required=False)
    case = _locked(case)
    current = timelimits.open_suspension(case, timelimits.SPECIAL_PROCEDURES)
    if current is None:
        raise Conflict("办件没有进行中的特别程序", code="not_suspended")
    if case.status not in OPEN_CASE_STATUSES:
        raise Conflict("办件已办结", code="case_finished")
    before = snapshot(case, CASE_CLOCK_FIELDS)
    suspension = timelimits.resume_clock(case, actor=actor, reasons=timelimits.SPECIAL_PROCEDURES)
    if case.status == CaseStatus.SUSPENDED:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.RUNNING)
    label = suspension.get_reason_display()
    text = f"特别程序（{label}）结束，恢复计时，暂停 {suspension.working_days} 个工作日，承诺期限顺延至 {case.promised_due:%Y-%m-%d}" if case.promised_due else f"特别程序（{label}）结束，恢复计时"
    timelimits.event(case, actor, "clock.resume", text + (f"：{note}" if note else ""))
    record(actor, "workflow.clock.resume", suspension, before=before, after=snapshot(suspension, SUSPENSION_FIELDS) | {"case_promised_due": case.promised_due})
    return suspension
