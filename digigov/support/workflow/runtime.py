"""The runtime: one engine step of one case, persisted.

A step is: lock the case row, load its workflow from ``Case.state``, do something (start, complete a
user task with data, fire a timer, deliver a message), run the engine until it waits for people or
time, write the result — the new state (``revision`` + 1, checked), ``WorkTask`` rows for user tasks
that became ready, tasks that are no longer ready cancelled, the case's status — and send the signals in
``signals.py``; all in the caller's transaction. A crash anywhere rolls the whole step back, so after a
restart the case is exactly as it was before the step, and the step can be sent again (once: the task
it completes is no longer open).

This module has no permission checks: it is the engine's mechanics. Every caller is an action in
``actions/`` that checks permission, validates and writes the audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from SpiffWorkflow.util.task import TaskState

from digigov.core.errors import Conflict

from . import engine, signals
from .models import Case, CaseEvent, CaseStatus, TaskStatus, WorkTask


class StaleCase(Conflict):
    code = "case_changed"
    message = "办件已被他人处理，请刷新后重试"


def next_case_number(now: dt.datetime | None = None) -> str:
    """办件编号: date + 8 random hex digits upper-cased (unique constraint; not guessable, not a counter
    that two windows would contend for)."""
    now = timezone.localtime(now or timezone.now())
    return f"{now:%Y%m%d}{uuid.uuid4().hex[:10].upper()}"


def _ready_user_tasks(workflow):
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _event(case: Case, actor, kind: str, text: str, *, task: WorkTask | None = None, public: bool = True) -> CaseEvent:
    return CaseEvent(case=case, at=timezone.now(), actor=actor if getattr(actor, "pk", None) else None, kind=kind, text=text[:500], task=task, public=public)


def record_event(case: Case, actor, kind: str, text: str, *, task: WorkTask | None = None, public: bool = True) -> CaseEvent:
    ev = _event(case, actor, kind, text, task=task, public=public)
    ev.save()
    return ev


def _assignment(case: Case, meta) -> dict:
    """Who a user task is for: ``camunda:candidateGroups`` names roles (``approver``, or ``approver@DEPTCODE``
    for another department); camunda:properties ``department`` / ``division`` override the case's."""
    from digigov.core.org.models import Department, Division

    role, dept = "", case.department
    if meta and meta.candidate_groups:
        first = meta.candidate_groups[0]
        role, _, code = first.partition("@")
        if code:
            dept = Department.objects.filter(code=code).first() or dept
    division = case.division
    if meta and meta.properties.get("department"):
        dept = Department.objects.filter(code=meta.properties["department"]).first() or dept
    if meta and meta.properties.get("division"):
        division = Division.objects.filter(code=meta.properties["division"]).first() or division
    return {"candidate_role": role, "department": dept, "division": division}


def sync(case: Case, workflow, actor) -> list[WorkTask]:
    """Make the task rows match the workflow: a row for each ready user task that has none, cancel rows
    whose task is no longer ready (a boundary timer interrupted it, a gateway moved on). Returns the new rows."""
    metas = engine.element_meta(case.process_version)
    ready = {str(t.id): t for t in _ready_user_tasks(workflow)}
    existing = {t.spiff_task_id: t for t in case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))} if case.pk else {}
    gone = [t for sid, t in existing.items() if sid not in ready]
    if gone:
        WorkTask.objects.filter(pk__in=[t.pk for t in gone]).update(status=TaskStatus.CANCELLED, completed_at=timezone.now())
    created: list[WorkTask] = []
    for sid, t in ready.items():
        if sid in existing:
            continue
        meta = metas.get(t.task_spec.bpmn_id)
        created.append(WorkTask(
            case=case, spiff_task_id=sid, element_id=t.task_spec.bpmn_id,
            name=(t.task_spec.bpmn_name or t.task_spec.bpmn_id)[:200], **_assignment(case, meta),
        ))
    if created:
        WorkTask.objects.bulk_create(created)
        # bulk_create returns pks on SQLite and PostgreSQL alike
        CaseEvent.objects.bulk_create([_event(case, actor, "task_created", f"进入环节：{t.name}", task=t) for t in created])
        for t in created:
            signals.task_created.send(sender=Case, case=case, actor=actor, task=t)
    return created


def save(case: Case, workflow, actor, *, expected_revision: int | None) -> None:
    """Write the workflow state; a case changed by another step since it was read raises ``StaleCase``."""
    case.state = engine.dump(workflow)
    if case.pk is None:
        case.revision = 1
        case.save()
        return
    updated = Case.objects.filter(pk=case.pk, revision=expected_revision).update(
        state=case.state, revision=F("revision") + 1, status=case.status, data=case.data,
        finished_at=case.finished_at, outcome_note=case.outcome_note, updated_at=timezone.now(),
    )
    if updated != 1:
        raise StaleCase()
    case.revision = expected_revision + 1


def _finish_if_done(case: Case, workflow, actor) -> bool:
    """A completed workflow ends the case: rejected when the end event reached says so (camunda:property
    ``outcome`` = ``reject``, or an end event named …不予… / …驳回…), else approved."""
    if not workflow.is_completed() or case.status not in (CaseStatus.RUNNING, CaseStatus.CORRECTION, CaseStatus.SUSPENDED):
        return False
    metas = engine.element_meta(case.process_version)
    rejected = False
    for t in workflow.get_tasks(state=TaskState.COMPLETED):
        meta = metas.get(getattr(t.task_spec, "bpmn_id", None) or "")
        if meta and meta.kind == "endEvent":
            if meta.properties.get("outcome") == "reject" or any(w in meta.name for w in ("不予", "驳回", "不同意")):
                rejected = True
    case.status = CaseStatus.REJECTED if rejected else CaseStatus.APPROVED
    case.finished_at = timezone.now()
    return True


@transaction.atomic
def start(case: Case, actor, *, data: dict | None = None) -> list[WorkTask]:
    """Create ``case`` (unsaved, with its process version, department, applicant … set) and run its
    process to the first wait. Returns the user tasks it is waiting for."""
    workflow = engine.new_workflow(case.process_version)
    start_data = dict(data or {})
    for t in workflow.get_tasks(state=TaskState.READY):
        t.data.update(start_data)
    case.number = case.number or next_case_number()
    case.started_at = case.started_at or timezone.now()
    case.data = {**case.data, **start_data}
    workflow.do_engine_steps()
    finished = _finish_if_done(case, workflow, actor)
    save(case, workflow, actor, expected_revision=None)
    record_event(case, actor, "case_started", f"受理申请：{case.title}")
    created = sync(case, workflow, actor)
    signals.case_started.send(sender=Case, case=case, actor=actor)
    if finished:
        signals.case_finished.send(sender=Case, case=case, actor=actor)
    return created


def lock(case_pk: int) -> Case:
    """The case row locked for this transaction (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers)."""
    return Case.objects.select_for_update(of=("self",)).select_related("process_version", "process_version__process").get(pk=case_pk)


@transaction.atomic
def complete(task: WorkTask, actor, *, data: dict | None = None, outcome: str = "complete", opinion: str = "") -> list[WorkTask]:
    """Complete the user task behind ``task`` with ``data`` merged into its data (plus ``decision`` =
    ``outcome``), run the engine on, persist. Returns the user tasks the case now waits for."""
    case = lock(task.case_id)
    expected = case.revision
    task = WorkTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED):
        raise StaleCase("该任务已办理或已取消")
    workflow = engine.load(case.process_version, case.state)
    spiff = workflow.get_task_from_id(uuid.UUID(task.spiff_task_id))
    if spiff is None or spiff.state != TaskState.READY:
        raise StaleCase("流程已不在该环节，请刷新后重试")
    payload = dict(data or {})
    payload["decision"] = outcome
    spiff.data.update(payload)
    spiff.run()
    workflow.do_engine_steps()
    now = timezone.now()
    task.status, task.outcome, task.opinion = TaskStatus.COMPLETED, outcome, opinion
    task.completed_at, task.completed_by = now, actor if getattr(actor, "pk", None) else None
    task.save(update_fields=["status", "outcome", "opinion", "completed_at", "completed_by", "updated_at"])
    case.data = {**case.data, **{k: v for k, v in payload.items() if k != "decision"}}
    finished = _finish_if_done(case, workflow, actor)
    save(case, workflow, actor, expected_revision=expected)
    record_event(case, actor, "task_completed", f"{task.name}：{task.get_outcome_display()}" + (f"（{opinion[:200]}）" if opinion else ""), task=task)
    signals.task_completed.send(sender=Case, case=case, actor=actor, task=task)
    created = sync(case, workflow, actor)
    if finished:
        record_event(case, actor, "case_finished", f"办结：{case.get_status_display()}")
        signals.case_finished.send(sender=Case, case=case, actor=actor)
    return created
