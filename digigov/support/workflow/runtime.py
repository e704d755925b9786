"""The runtime: one engine step of one case, persisted.

A step is: lock the case row, load its workflow from ``Case.state``, do something (start, complete a
user task with data, fire a timer, deliver a message), run the engine until it waits for people or
time, write the result — the new state (``revision`` + 1, checked), ``WorkTask`` rows for user tasks
that became ready, tasks that are no longer ready cancelled, the case's status — and send the signals in
``signals.py``; all in the caller's transaction. A crash anywhere rolls the whole step back, so after a
restart the case is exactly as it was before the step, and the step can be sent again (once: the task
it completes is no longer open).

A service task whose business component fails does not roll the step back: the step commits with the
case in ``incident`` and an ``Incident`` row naming the element and the component; ``retry`` re-runs the
failed task in a new step. After every step the ``Timer`` rows match the timer events the workflow waits
on (``sync_timers``); ``fire_timer`` and ``deliver_message`` are steps like ``complete``.

This module has no permission checks: it is the engine's mechanics. Every caller is an action in
``actions/`` that checks permission, validates and writes the audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from digigov.core.errors import Conflict

from . import engine, signals
from .models import Case, CaseEvent, CaseStatus, Incident, IncidentStatus, TaskStatus, Timer, TimerStatus, WorkTask


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


def _assignment(case: Case, meta, cache: dict | None = None) -> dict:
    """Who a user task is for: ``camunda:candidateGroups`` names roles (``approver``, or ``approver@DEPTCODE``
    for another department); camunda:properties ``department`` / ``division`` override the case's."""
    from digigov.core.org.models import Department, Division

    role, dept = "", case.department
    if meta and meta.candidate_groups:
        first = meta.candidate_groups[0]
        role, _, code = first.partition("@")
        if code:
            dept = _by_code(Department, code, cache) or dept
    division = case.division
    if meta and meta.properties.get("department"):
        dept = _by_code(Department, meta.properties["department"], cache) or dept
    if meta and meta.properties.get("division"):
        division = _by_code(Division, meta.properties["division"], cache) or division
    return {"candidate_role": role, "department": dept, "division": division}


def _by_code(model, code: str, cache: dict | None = None):
    """A department/division by code; ``cache`` (one per step) saves the lookups a split repeats."""
    if cache is None:
        return model.objects.filter(code=code).first()
    key = (model.__name__, code)
    if key not in cache:
        cache[key] = model.objects.filter(code=code).first()
    return cache[key]


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
    codes: dict = {}
    for sid, t in ready.items():
        if sid in existing:
            continue
        meta = metas.get(t.task_spec.bpmn_id)
        created.append(WorkTask(
            case=case, spiff_task_id=sid, element_id=t.task_spec.bpmn_id,
            name=(t.task_spec.bpmn_name or t.task_spec.bpmn_id)[:200], **_assignment(case, meta, codes),
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



def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def advance(case: Case, workflow, actor) -> dict | None:
    """Run the engine until it waits. A failing service task (or a condition that cannot be computed)
    stops it there: the answer is the incident to record (the failed task stays in ERROR in the state)."""
    token = engine.CURRENT.set(engine.StepContext(actor=actor, case=case))
    try:
        workflow.do_engine_steps()
    except engine.ComponentFailed as exc:
        return _incident_fields(exc.task, exc.component, exc.code, exc.message)
    except (SpiffWorkflowException, engine.UnsafeExpression) as exc:
        task = getattr(exc, "task", None)
        text = str(exc.args[0]) if exc.args else ""
        name = (getattr(task.task_spec, "bpmn_name", "") or getattr(task.task_spec, "bpmn_id", "")) if task else ""
        message = text if _is_chinese(text) else f"流程引擎无法执行环节“{name}”（条件表达式或流程定义有误）"
        return _incident_fields(task, "", "engine_error", message)
    finally:
        engine.CURRENT.reset(token)
    return None


def _incident_fields(task, component: str, code: str, message: str) -> dict:
    return {
        "spiff_task_id": str(task.id) if task is not None else "",
        "element_id": (getattr(task.task_spec, "bpmn_id", "") or "") if task is not None else "",
        "component": component[:100], "error_code": code[:64], "message": message[:500],
    }


def _raise_incident(case: Case, actor, fields: dict) -> Incident:
    previous = Incident.objects.filter(case=case, spiff_task_id=fields["spiff_task_id"], status=IncidentStatus.OPEN).first()
    if previous is not None:
        previous.attempts += 1
        previous.message, previous.error_code = fields["message"], fields["error_code"]
        previous.save(update_fields=["attempts", "message", "error_code", "updated_at"])
        incident = previous
    else:
        incident = Incident.objects.create(case=case, **fields)
    record_event(case, actor, "incident", f"办理异常：{fields['message']}", public=False)
    signals.incident_raised.send(sender=Case, case=case, actor=actor, incident=incident)
    return incident


def _timer_tasks(workflow) -> dict:
    """Timer events (boundary or intermediate, in any subprocess) the workflow waits on, by task id."""
    out = {}
    for t in list(workflow.event_manager.tasks.values()):
        if t.state == TaskState.WAITING and isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition):
            out[str(t.id)] = t
    return out


def _fire_at(task) -> dt.datetime | None:
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):  # cycle timers: the next firing
        value = value.get("next")
    if not value:
        return None
    try:
        parsed = TimerEventDefinition.parse_time_or_duration(str(value))
    except Exception:
        return None
    return parsed if isinstance(parsed, dt.datetime) else None


def sync_timers(case: Case, workflow) -> None:
    """Make the case's pending ``Timer`` rows match the timer events its workflow waits on."""
    if not engine.has_timers(case.process_version):
        return
    waiting = _timer_tasks(workflow)
    pending = {t.spiff_task_id: t for t in Timer.objects.filter(case=case, status=TimerStatus.PENDING)} if case.pk else {}
    gone = [t.pk for sid, t in pending.items() if sid not in waiting]
    if gone:
        Timer.objects.filter(pk__in=gone).update(status=TimerStatus.CANCELLED)
    new = []
    for sid, t in waiting.items():
        fire_at = _fire_at(t)
        if fire_at is None:
            continue
        if sid in pending:
            if pending[sid].fire_at != fire_at:
                Timer.objects.filter(pk=pending[sid].pk).update(fire_at=fire_at)
            continue
        new.append(Timer(case=case, spiff_task_id=sid, element_id=t.task_spec.bpmn_id or "", fire_at=fire_at))
    if new:
        Timer.objects.filter(case=case, spiff_task_id__in=[t.spiff_task_id for t in new]).delete()  # fired/cancelled rows of a reused id
        Timer.objects.bulk_create(new)


def _after_step(case: Case, workflow, actor, incident: dict | None, *, expected: int | None) -> tuple[list[WorkTask], bool]:
    """Status, save (revision-checked), task rows, timers, incident: the common end of every step."""
    if incident is not None:
        case.status = CaseStatus.INCIDENT
        finished = False
    else:
        if case.status == CaseStatus.INCIDENT:
            case.status = CaseStatus.RUNNING
        finished = _finish_if_done(case, workflow, actor)
    save(case, workflow, actor, expected_revision=expected)
    return finished


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
    incident = advance(case, workflow, actor)
    finished = _after_step(case, workflow, actor, incident, expected=None)
    record_event(case, actor, "case_started", f"受理申请：{case.title}")
    created = sync(case, workflow, actor)
    sync_timers(case, workflow)
    signals.case_started.send(sender=Case, case=case, actor=actor)
    if incident is not None:
        _raise_incident(case, actor, incident)
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
    incident = advance(case, workflow, actor)
    now = timezone.now()
    task.status, task.outcome, task.opinion = TaskStatus.COMPLETED, outcome, opinion
    task.completed_at, task.completed_by = now, actor if getattr(actor, "pk", None) else None
    task.save(update_fields=["status", "outcome", "opinion", "completed_at", "completed_by", "updated_at"])
    case.data = {**case.data, **{k: v for k, v in payload.items() if k != "decision"}}
    finished = _after_step(case, workflow, actor, incident, expected=expected)
    record_event(case, actor, "task_completed", f"{task.name}：{task.get_outcome_display()}" + (f"（{opinion[:200]}）" if opinion else ""), task=task)
    signals.task_completed.send(sender=Case, case=case, actor=actor, task=task)
    created = sync(case, workflow, actor)
    sync_timers(case, workflow)
    if incident is not None:
        _raise_incident(case, actor, incident)
    if finished:
        record_event(case, actor, "case_finished", f"办结：{case.get_status_display()}")
        signals.case_finished.send(sender=Case, case=case, actor=actor)
    return created


def _finish_step(case: Case, workflow, actor, incident: dict | None, expected: int) -> list[WorkTask]:
    finished = _after_step(case, workflow, actor, incident, expected=expected)
    created = sync(case, workflow, actor)
    sync_timers(case, workflow)
    if incident is not None:
        _raise_incident(case, actor, incident)
    if finished:
        record_event(case, actor, "case_finished", f"办结：{case.get_status_display()}")
        signals.case_finished.send(sender=Case, case=case, actor=actor)
    return created


@transaction.atomic
def fire_timer(timer_pk: int, actor, *, now: dt.datetime | None = None) -> bool:
    """Fire one due timer in its own step. False (and nothing written but the timer's status) when it was
    fired or cancelled already, is not due yet, or the workflow no longer waits on it: safe to run twice."""
    timer = Timer.objects.filter(pk=timer_pk).first()
    if timer is None or timer.status != TimerStatus.PENDING:
        return False
    case = lock(timer.case_id)
    timer = Timer.objects.select_for_update(of=("self",)).get(pk=timer_pk)
    now = now or timezone.now()
    if timer.status != TimerStatus.PENDING or timer.fire_at > now:
        return False
    if case.status not in (CaseStatus.RUNNING, CaseStatus.CORRECTION, CaseStatus.SUSPENDED):
        return False  # an incident or a finished case: the timer waits (or was cancelled with the case)
    expected = case.revision
    workflow = engine.load(case.process_version, case.state)
    spiff = _timer_tasks(workflow).get(timer.spiff_task_id)
    if spiff is None:
        Timer.objects.filter(pk=timer.pk).update(status=TimerStatus.CANCELLED)
        return False
    spiff._set_internal_data(event_fired=True)
    spiff.task_spec._update(spiff)
    Timer.objects.filter(pk=timer.pk).update(status=TimerStatus.FIRED, fired_at=now)
    record_event(case, actor, "timer_fired", f"定时事件触发：{spiff.task_spec.bpmn_name or spiff.task_spec.bpmn_id}", public=False)
    incident = advance(case, workflow, actor)
    _finish_step(case, workflow, actor, incident, expected)
    return True


class NotWaitingForMessage(Conflict):
    code = "message_not_expected"
    message = "该办件当前不在等待此消息"


@transaction.atomic
def deliver_message(case: Case, actor, name: str, payload: dict) -> list[WorkTask]:
    """Deliver message ``name`` (an intermediate message catch event's message name) with ``payload``
    (merged into the case data under the message name) and run on."""
    from SpiffWorkflow.bpmn.util.event import BpmnEvent
    from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

    case = lock(case.pk)
    expected = case.revision
    if case.status not in (CaseStatus.RUNNING, CaseStatus.CORRECTION, CaseStatus.SUSPENDED):
        raise NotWaitingForMessage("办件不在办理中，不能接收消息")
    workflow = engine.load(case.process_version, case.state)
    if name not in waiting_messages(workflow):
        raise NotWaitingForMessage()
    event = BpmnEvent(MessageEventDefinition(name), payload={"payload": payload, "result_var": name})
    workflow.send_event(event)
    case.data = {**case.data, name: payload}
    record_event(case, actor, "message", f"收到消息：{name}", public=False)
    incident = advance(case, workflow, actor)
    return _finish_step(case, workflow, actor, incident, expected)


def waiting_messages(workflow) -> list[str]:
    """Names of the messages the workflow's waiting catch events accept."""
    from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as Base

    out = []
    for t in list(workflow.event_manager.tasks.values()):
        ed = getattr(t.task_spec, "event_definition", None)
        if t.state == TaskState.WAITING and isinstance(ed, Base) and ed.name not in out:
            out.append(ed.name)
    return out


@transaction.atomic
def retry(incident: Incident, actor) -> list[WorkTask]:
    """Re-run the task that failed, in a new step; a second failure records another attempt."""
    case = lock(incident.case_id)
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    if incident.status != IncidentStatus.OPEN or case.status != CaseStatus.INCIDENT:
        raise StaleCase("该异常已处理")
    expected = case.revision
    workflow = engine.load(case.process_version, case.state)
    if incident.spiff_task_id:
        spiff = workflow.get_task_from_id(uuid.UUID(incident.spiff_task_id))
        if spiff is not None and spiff.state == TaskState.ERROR:
            spiff._set_state(TaskState.READY)
    result = advance(case, workflow, actor)
    if result is None:
        Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.RESOLVED, resolved_by=actor, resolved_at=timezone.now(), updated_at=timezone.now())
        record_event(case, actor, "incident_resolved", "异常已处理，继续办理", public=False)
    return _finish_step(case, workflow, actor, result, expected)
