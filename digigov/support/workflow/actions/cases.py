"""Starting and withdrawing cases (办件)."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import Forbidden, NotFound, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from .. import runtime
from ..idempotency import once
from ..models import OPEN_CASE_STATUSES, Case, CaseStatus, Channel, ProcessVersion, VersionStatus


def _applicant_name(applicant, person, legal_person) -> str:
    if legal_person is not None:
        return legal_person.name
    if person is not None:
        return person.name
    return getattr(applicant, "display_name", "") or ""


@transaction.atomic
def start_case(actor, version: ProcessVersion, *, channel: str = Channel.ONLINE, title: str = "", department=None, division=None,
               data: dict | None = None, applicant=None, applicant_person=None, applicant_legal_person=None, submission=None,
               statutory_days: int | None = None, promised_days: int | None = None, idempotency_key: str = "") -> Case:
    """Open a case on ``version`` (which must be the active one) and run it to its first wait.

    Online (``channel`` online/mobile) the actor applies for themself (``workflow.apply``) and is the
    applicant; at the window (``channel`` window) a clerk with ``window.receive`` in the handling division
    applies on behalf of ``applicant_person`` / ``applicant_legal_person`` (and their account, if any).
    Sent twice with one ``idempotency_key``, the second call returns the first case."""
    if channel not in Channel.values:
        raise ValidationFailed("受理渠道无效", code="invalid_channel", detail={"field": "channel"})
    if version is None or version.status != VersionStatus.ACTIVE:
        raise ValidationFailed("该流程版本未生效，不能发起办件", code="version_not_active", detail={"field": "version"})
    process = version.process
    department = department or process.department
    if department is None:
        raise ValidationFailed("请指定承办部门", code="department_required", detail={"field": "department"})
    if channel == Channel.WINDOW:
        require(actor, "window.receive", division or department)
        if applicant_person is None and applicant_legal_person is None:
            raise ValidationFailed("窗口代办须先确认申请人（自然人或法人）", code="applicant_required", detail={"field": "applicant"})
        received_by = actor
    else:
        require(actor, "workflow.apply")
        if applicant is not None and applicant.pk != actor.pk:
            raise Forbidden("网上申请只能以本人（或本人代理的企业）名义提交", code="not_applicant")
        applicant = actor
        applicant_person = applicant_person or getattr(actor, "person", None)
        received_by = None
    if data is not None and not isinstance(data, dict):
        raise ValidationFailed("申请数据格式不正确", code="invalid_data", detail={"field": "data"})
    with once(actor, "workflow.case_start", idempotency_key) as slot:
        if slot.done:
            case = Case.objects.filter(public_id=slot.target).first()
            if case is None:
                raise NotFound("办件不存在")
            return case
        title = clean_text(title or process.name, max_length=200, field="title", label="事项名称")
        case = Case(
            process_version=version, title=title, channel=channel, department=department, division=division,
            applicant=applicant, applicant_person=applicant_person, applicant_legal_person=applicant_legal_person,
            applicant_name=_applicant_name(applicant, applicant_person, applicant_legal_person)[:100] or "申请人",
            received_by=received_by, submission=submission,
            statutory_days=statutory_days if statutory_days is not None else process.statutory_days,
            promised_days=promised_days if promised_days is not None else process.promised_days,
        )
        runtime.start(case, actor, data=data)
        record(actor, "workflow.case_start", case, after={"number": case.number, "process": process.key, "version": version.version,
                                                          "channel": case.get_channel_display(), "department": str(department)})
        slot.remember(case.public_id, {"number": case.number})
    return case


@transaction.atomic
def withdraw_case(actor, case: Case, *, reason: str = "") -> Case:
    """The applicant withdraws an open case (撤回): open tasks are cancelled, the case ends as withdrawn."""
    from django.utils import timezone

    from .. import signals
    from ..models import TaskStatus

    case = runtime.lock(case.pk)
    if case.applicant_id is None or case.applicant_id != actor.pk:
        raise Forbidden("只有申请人本人可以撤回办件", code="not_applicant")
    require(actor, "workflow.apply")
    if case.status not in OPEN_CASE_STATUSES:
        raise ValidationFailed("办件已办结，不能撤回", code="case_finished")
    reason = clean_text(reason or "", max_length=200, field="reason", label="撤回原因", required=False)
    before = {"status": case.get_status_display()}
    case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)).update(status=TaskStatus.CANCELLED, completed_at=timezone.now())
    case.status, case.finished_at, case.outcome_note = CaseStatus.WITHDRAWN, timezone.now(), reason
    Case.objects.filter(pk=case.pk).update(status=case.status, finished_at=case.finished_at, outcome_note=reason, revision=case.revision + 1)
    case.revision += 1
    runtime.record_event(case, actor, "case_withdrawn", "申请人撤回申请" + (f"：{reason}" if reason else ""))
    record(actor, "workflow.case_withdraw", case, before=before, after={"status": case.get_status_display(), "reason": reason})
    signals.case_finished.send(sender=Case, case=case, actor=actor)
    return case
