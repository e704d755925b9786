"""REST API of the task engine's people side: ``/api/v1/support/tasks/`` (the worklist and the actions on a
task) and ``/api/v1/support/cases/`` (cases for staff in reach and for their applicant, the correction answer,
withdrawal). Deciding writes take an ``Idempotency-Key`` header: the same request sent twice with one key is
applied once and answered the same; without a key a repeat meets a closed task (409)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from ninja import Header, Query, Router, Schema
from pydantic import Field, StrictBool, StrictInt, StringConstraints

from digigov.core.api import TEXT, Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.core.org.models import Department
from digigov.data.grading.policy import mask_name

from . import selectors_tasks as sel
from .actions import cases as case_actions
from .actions import tasks as actions
from .models import Case, CaseStatus, Channel, ProcessDefinition, Warning, WorkTask
from .views_tasks import data_rows

tasks_router = Router(tags=["support.workflow 待办任务"])
cases_router = Router(tags=["support.workflow 办件"])


# --- schemas ---------------------------------------------------------------------------------------

class TaskCaseOut(Schema):
    public_id: str
    number: str
    title: str
    status: str = Field(description="running | correction | suspended | incident | approved | rejected | withdrawn | cancelled")
    status_label: str
    channel_label: str
    applicant_name: str = Field(description="申请人名称（自然人姓名脱敏）")
    department_name: str
    warning: str = Field(description="normal | yellow | red | overdue")
    warning_label: str
    started_at: dt.datetime
    promised_due: dt.date | None
    finished_at: dt.datetime | None


def _applicant(case: Case) -> str:
    return case.applicant_name if case.applicant_legal_person_id else mask_name(case.applicant_name or "")


def case_brief(c: Case) -> dict:
    return {"public_id": c.public_id, "number": c.number, "title": c.title, "status": c.status, "status_label": c.get_status_display(),
            "channel_label": c.get_channel_display(), "applicant_name": _applicant(c), "department_name": c.department.name,
            "warning": c.warning, "warning_label": c.get_warning_display(), "started_at": c.started_at, "promised_due": c.promised_due,
            "finished_at": c.finished_at}


class TaskItemOut(Schema):
    public_id: str
    name: str
    status: str = Field(description="open | claimed | completed | cancelled")
    status_label: str
    department_name: str | None
    assignee_name: str | None
    delegated_by_name: str | None
    outcome: str = Field(description="approve | reject | correction | complete，未办理为空")
    outcome_label: str
    opinion: str
    claimed_at: dt.datetime | None
    completed_at: dt.datetime | None
    case: TaskCaseOut


def _name(u) -> str | None:
    return (u.display_name or u.username) if u else None


def task_out(t: WorkTask) -> dict:
    return {"public_id": t.public_id, "name": t.name, "status": t.status, "status_label": t.get_status_display(),
            "department_name": t.department.name if t.department_id else None, "assignee_name": _name(t.assignee),
            "delegated_by_name": _name(t.delegated_by), "outcome": t.outcome, "outcome_label": t.get_outcome_display() if t.outcome else "",
            "opinion": t.opinion, "claimed_at": t.claimed_at, "completed_at": t.completed_at, "case": case_brief(t.case)}


class TaskTabCountsOut(Schema):
    open: int = Field(description="待认领")
    mine: int = Field(description="我的在办")
    correction: int = Field(description="补正中")
    done: int = Field(description="已办")


class TaskListPageOut(Schema):
    tab: str
    counts: TaskTabCountsOut
    items: list[TaskItemOut]
    next_after: int | None = Field(description="下一页游标（after 参数），无下一页为 null")


class TaskCorrectionItemOut(Schema):
    kind: str = Field(description="material | field")
    kind_label: str
    name: str
    reason: str
    answer: str


class TaskCorrectionRoundOut(Schema):
    round: int
    task_name: str
    items: list[TaskCorrectionItemOut]
    opinion: str
    answered: bool
    note: str


class TaskDetailViewOut(TaskItemOut):
    corrections: list[TaskCorrectionRoundOut]
    could_claim: bool


class CaseTimelineEventOut(Schema):
    at: dt.datetime
    text: str
    actor_name: str | None


class CaseDataRowOut(Schema):
    label: str
    value: str


class CaseCurrentStepOut(Schema):
    name: str
    status_label: str
    department_name: str | None
    assignee_name: str | None


class CaseViewOut(TaskCaseOut):
    current_steps: list[CaseCurrentStepOut]
    timeline: list[CaseTimelineEventOut]
    data: list[CaseDataRowOut]
    pending_correction: TaskCorrectionRoundOut | None
    outcome_note: str


class TaskUserChoiceIn(StrictSchema):
    user: str = Field(description="用户 public_id", max_length=40)


class TaskHandOverIn(TaskUserChoiceIn):
    reason: str = Field("", max_length=200)


class TaskDelegateIn(TaskUserChoiceIn):
    note: str = Field("", max_length=200)


class TaskDataFieldIn(StrictSchema):
    name: str = Field(pattern="^[A-Za-z][A-Za-z0-9_]{0,63}$", description="流程数据字段名（英文标识符，网关条件按此引用）")
    value: Annotated[str, StringConstraints(max_length=2000, pattern=TEXT)] | StrictInt | StrictBool | None = Field(
        None, description="字段值：文本、整数、是否或空")


class TaskDecisionIn(StrictSchema):
    opinion: str = Field("", max_length=2000)
    data: list[TaskDataFieldIn] | None = Field(None, max_length=50, description="写入流程数据的字段")

    def data_dict(self) -> dict | None:
        return None if self.data is None else {f.name: f.value for f in self.data}


class CorrectionRequestItemIn(StrictSchema):
    kind: str = Field("material", pattern="^(material|field)$", description="material（材料）| field（填报内容）")
    name: str = Field(max_length=100)
    reason: str = Field(max_length=300)


class CorrectionRequestIn(StrictSchema):
    items: list[CorrectionRequestItemIn] = Field(min_length=1, max_length=actions.MAX_CORRECTION_ITEMS)
    opinion: str = Field("", max_length=1000)


class CorrectionAnswerIn(StrictSchema):
    answers: list[str] = Field(description="逐项答复，与补正事项一一对应", max_length=actions.MAX_CORRECTION_ITEMS)
    note: str = Field("", max_length=1000)


class CaseWithdrawIn(StrictSchema):
    reason: str = Field("", max_length=200)


class TaskBulkClaimIn(StrictSchema):
    tasks: list[str] = Field(min_length=1, max_length=100, description="任务 public_id 列表")


class TaskRefusedOut(Schema):
    task: str
    message: str


class TaskBulkClaimOut(Schema):
    claimed: list[TaskItemOut]
    refused: list[TaskRefusedOut]


# --- helpers ----------------------------------------------------------------------------------------

def _filters(process, department, warning, q) -> sel.Filters:
    f = sel.Filters()
    if process:
        if not ProcessDefinition.objects.filter(key=process).exists():
            raise ValidationFailed("流程不存在", code="unknown_process", detail={"field": "process"})
        f.process = process
    if department:
        if not Department.objects.filter(public_id=department).exists():
            raise ValidationFailed("部门不存在", code="unknown_department", detail={"field": "department"})
        f.department = department
    if warning:
        if warning not in Warning.values:
            raise ValidationFailed("预警等级无效", code="invalid_warning", detail={"field": "warning"})
        f.warning = warning
    f.q = (q or "").strip()[:50]
    return f


def _task(request, public_id) -> WorkTask:
    return get_or_404(sel.visible_tasks(request.auth).select_related("case__department", "department", "assignee", "delegated_by"),
                      public_id=public_id)


def _fresh(task: WorkTask) -> dict:
    return task_out(WorkTask.objects.select_related("case__department", "department", "assignee", "delegated_by").get(pk=task.pk))


def _key(header: str | None) -> str:
    return (header or "").strip()


def _user(public_id: str):
    from digigov.core.accounts.models import User

    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if user is None:
        raise ValidationFailed("用户不存在", code="unknown_user", detail={"field": "user"})
    return user


def _rounds(task: WorkTask, only_pending: bool = False) -> list[dict]:
    out = []
    for r in task.corrections or []:
        if not isinstance(r, dict) or (only_pending and r.get("answered_at")):
            continue
        answers = r.get("answers") or []
        out.append({"round": r.get("round") or 1, "task_name": task.name, "opinion": r.get("opinion", ""), "answered": bool(r.get("answered_at")),
                    "note": r.get("note", ""), "items": [
                        {"kind": i.get("kind", "material"), "kind_label": actions.CORRECTION_KINDS.get(i.get("kind"), "材料"),
                         "name": i.get("name", ""), "reason": i.get("reason", ""), "answer": answers[n] if n < len(answers) else ""}
                        for n, i in enumerate(r.get("items") or [])]})
    return out


# --- tasks ------------------------------------------------------------------------------------------

@tasks_router.get("/", response=TaskListPageOut, summary="待办任务列表（待认领/我的在办/补正中/已办，含各页签数量）")
@permission("workflow.handle")
def list_tasks(request, tab: str = "open", process: str | None = None, department: str | None = None, warning: str | None = None,
               q: str | None = None, after: int | None = Query(None, ge=1, le=2**62, description="上一页返回的 next_after")):
    if tab not in sel.TAB_LABELS:
        raise ValidationFailed("页签无效（open / mine / correction / done）", code="invalid_tab", detail={"field": "tab"})
    f = _filters(process, department, warning, q)
    rows, next_after = sel.page(sel.worklist(request.auth, tab, f), tab, after)
    return {"tab": tab, "counts": sel.tab_counts(request.auth, f), "items": [task_out(t) for t in rows], "next_after": next_after}


@tasks_router.post("/claim", response=TaskBulkClaimOut, summary="批量认领待认领任务")
@permission("workflow.handle")
@errors(without=(409,))
def bulk_claim(request, payload: TaskBulkClaimIn):
    chosen = list(sel.worklist(request.auth, "open").filter(public_id__in=payload.tasks))
    done, refused = actions.claim_many(request.auth, chosen)
    found = {t.public_id for t in chosen}
    refused_out = [{"task": t.public_id, "message": why} for t, why in refused]
    refused_out += [{"task": pid, "message": "任务不存在或不可认领"} for pid in dict.fromkeys(payload.tasks) if pid not in found]
    return {"claimed": [_fresh(t) for t in done], "refused": refused_out}


@tasks_router.get("/{public_id}", response=TaskDetailViewOut, summary="任务详情（含补正记录）")
@permission("workflow.handle")
def get_task(request, public_id: str):
    task = _task(request, public_id)
    return {**task_out(task), "corrections": _rounds(task), "could_claim": actions.could_claim(request.auth, task)}


@tasks_router.post("/{public_id}/claim", response=TaskItemOut, summary="认领任务（支持 Idempotency-Key）")
@permission("workflow.handle")
def claim(request, public_id: str, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    return _fresh(actions.claim(request.auth, _task(request, public_id), idempotency_key=_key(idempotency_key)))


@tasks_router.post("/{public_id}/unclaim", response=TaskItemOut, summary="退回待认领")
@permission("workflow.handle")
def unclaim(request, public_id: str):
    return _fresh(actions.unclaim(request.auth, _task(request, public_id)))


@tasks_router.post("/{public_id}/hand-over", response=TaskItemOut, summary="转办给可办理该任务的其他人员")
@permission("workflow.handle")
def hand_over(request, public_id: str, payload: TaskHandOverIn):
    task = _task(request, public_id)
    return _fresh(actions.hand_over(request.auth, task, _user(payload.user), reason=payload.reason))


@tasks_router.post("/{public_id}/delegate", response=TaskItemOut, summary="委托同事办理（保留委托人）")
@permission("workflow.handle")
def delegate(request, public_id: str, payload: TaskDelegateIn):
    task = _task(request, public_id)
    return _fresh(actions.delegate(request.auth, task, _user(payload.user), note=payload.note))


@tasks_router.post("/{public_id}/assign", response=TaskItemOut, summary="分派任务（部门管理员）")
@permission("workflow.assign")
def assign(request, public_id: str, payload: TaskUserChoiceIn):
    task = get_or_404(sel.visible_tasks(request.auth), public_id=public_id)
    return _fresh(actions.assign(request.auth, task, _user(payload.user)))


@tasks_router.post("/{public_id}/approve", response=TaskItemOut, summary="同意（支持 Idempotency-Key）")
@permission("workflow.handle")
def approve(request, public_id: str, payload: TaskDecisionIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    task = _task(request, public_id)
    return _fresh(actions.approve(request.auth, task, opinion=payload.opinion, data=payload.data_dict(), idempotency_key=_key(idempotency_key)))


@tasks_router.post("/{public_id}/reject", response=TaskItemOut, summary="不同意（须填写意见；支持 Idempotency-Key）")
@permission("workflow.handle")
def reject(request, public_id: str, payload: TaskDecisionIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    task = _task(request, public_id)
    return _fresh(actions.reject(request.auth, task, opinion=payload.opinion, data=payload.data_dict(), idempotency_key=_key(idempotency_key)))


@tasks_router.post("/{public_id}/complete", response=TaskItemOut, summary="办理完成（非审批环节；支持 Idempotency-Key）")
@permission("workflow.handle")
def complete(request, public_id: str, payload: TaskDecisionIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    task = _task(request, public_id)
    return _fresh(actions.complete(request.auth, task, opinion=payload.opinion, data=payload.data_dict(), idempotency_key=_key(idempotency_key)))


@tasks_router.post("/{public_id}/correction", response=TaskItemOut, summary="退回补正（列出补正事项；支持 Idempotency-Key）")
@permission("workflow.handle")
def correction(request, public_id: str, payload: CorrectionRequestIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    task = _task(request, public_id)
    items = [i.model_dump() for i in payload.items]
    return _fresh(actions.request_correction(request.auth, task, items=items, opinion=payload.opinion, idempotency_key=_key(idempotency_key)))


# --- cases ------------------------------------------------------------------------------------------

@cases_router.get("/", response=Page[TaskCaseOut], summary="办件列表（权限范围内）")
@permission("workflow.view")
def list_cases(request, status: str | None = None, channel: str | None = None, department: str | None = None, warning: str | None = None,
               process: str | None = None, q: str | None = None, page: int = 1, page_size: int = 50):
    qs = sel.staff_cases(request.auth)
    if status:
        if status not in CaseStatus.values:
            raise ValidationFailed("办件状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    if channel:
        if channel not in Channel.values:
            raise ValidationFailed("受理渠道无效", code="invalid_channel", detail={"field": "channel"})
        qs = qs.filter(channel=channel)
    qs = sel.apply_filters(qs, _filters(process, department, warning, q), prefix="")
    return paginate(qs.select_related("department").order_by("-id"), page, page_size, case_brief)


def _case_for(user, public_id: str) -> Case:
    """The case if the caller is its applicant or has it in ``workflow.view`` reach; else 404 (the same answer)."""
    qs = (sel.applicant_cases(user) | sel.staff_cases(user)).select_related("department", "process_version__start_form")
    return get_or_404(qs.distinct(), public_id=public_id)


@cases_router.get("/{public_id}", response=CaseViewOut, summary="办件详情（申请人本人或权限范围内的工作人员）")
@permission("accounts.self")
def get_case(request, public_id: str):
    case = _case_for(request.auth, public_id)
    staff = case.applicant_id != request.auth.pk
    all_tasks = sel.case_tasks(case)
    events = case.events.select_related("actor").order_by("at", "id")
    if not staff:
        events = events.filter(public=True)
    pending = None
    if case.status == CaseStatus.CORRECTION:
        pending = next((r for t in all_tasks if t.status in actions.OPEN for r in _rounds(t, only_pending=True)), None)
    rows, _hidden = data_rows(case, all_tasks)
    return {**case_brief(case), "outcome_note": case.outcome_note, "pending_correction": pending, "data": rows,
            "current_steps": [{"name": t.name, "status_label": t.get_status_display(), "department_name": t.department.name if t.department_id else None,
                               "assignee_name": _name(t.assignee) if staff else None} for t in all_tasks if t.status in actions.OPEN],
            "timeline": [{"at": e.at, "text": e.text, "actor_name": _name(e.actor) if staff else None} for e in events]}


@cases_router.post("/{public_id}/correction", response=TaskCaseOut, summary="提交补正答复（申请人本人或窗口代办；支持 Idempotency-Key）")
@permission("accounts.self")
def answer_correction(request, public_id: str, payload: CorrectionAnswerIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    case = _case_for(request.auth, public_id)
    case = actions.submit_correction(request.auth, case, answers=payload.answers, note=payload.note, idempotency_key=_key(idempotency_key))
    return case_brief(Case.objects.select_related("department").get(pk=case.pk))


@cases_router.post("/{public_id}/withdraw", response=TaskCaseOut, summary="撤回办件（申请人本人）")
@permission("accounts.self")  # the action requires workflow.apply of the applicant; anyone else meets 404
def withdraw(request, public_id: str, payload: CaseWithdrawIn):
    case = get_or_404(sel.applicant_cases(request.auth), public_id=public_id)
    case_actions.withdraw_case(request.auth, case, reason=payload.reason)
    return case_brief(Case.objects.select_related("department").get(pk=case.pk))
