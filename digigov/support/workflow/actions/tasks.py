"""The people's side of the task engine: claiming, handing over, delegating and dispatching user tasks,
deciding them (approve / reject / complete), and the correction round-trip (补正).

Every action: permission checked on the task itself (its department / division), validation before any
write, one transaction, an audit entry naming the actor, and a ``CaseEvent`` row for the timeline. The
deciding actions run the engine through ``runtime.complete`` and accept an idempotency key (a double click,
a retried API call): the same decision sent twice with one key is applied once; sent twice without a key the
second one meets a task that is no longer open and gets 409 (``StaleCase``), never a 500.

Who may act on a task:

* **claim** — a user whose ``workflow.handle`` grant covers the task's department / division *and* who holds
  the task's candidate role there (``could_claim``); or an administrator holding ``workflow.assign`` over it.
* **decide** (approve, reject, complete, request a correction) — the task's assignee only (403
  ``not_assignee`` for anyone else, claimed or not).
* **hand over** (转办) — the assignee, or an administrator with ``workflow.assign``, to another user who could
  claim it; **delegate** (委托) — the assignee lets a colleague who could claim it act, ``delegated_by`` keeps who
  delegated; **assign** (分派) — an administrator with ``workflow.assign`` dispatches an open task to someone.

补正 pauses the case, it does not move the process: the BPMN task stays ready and claimed, the case goes to
``correction`` and ``signals.correction_requested`` stops the clock; the applicant's answer
(``submit_correction``) brings the case back to ``running`` and the task back to its assignee.
``WorkTask.corrections`` keeps every round: ``[{"round", "items": [{"kind", "name", "reason"}], "opinion",
"requested_at", "requested_by", "answers": [text per item], "note", "answered_at", "answered_by"}]``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.rbac.checks import SYSTEM_ROLE, can, grants, require
from digigov.core.registry import PERMISSIONS
from digigov.core.text import clean_text

from .. import runtime, signals
from ..idempotency import once
from ..models import Case, CaseStatus, TaskOutcome, TaskStatus, WorkTask

MAX_CORRECTION_ITEMS = 30
CORRECTION_KINDS = {"material": "材料", "field": "填报内容"}
OPEN = (TaskStatus.OPEN, TaskStatus.CLAIMED)


# --- who may -------------------------------------------------------------------------------------

def could_claim(user, task: WorkTask) -> bool:
    """Whether ``user`` may take ``task`` as its handler: a ``workflow.handle`` grant that covers the task's
    department / division, held as the task's candidate role (any handling role when the task names none)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = PERMISSIONS["workflow.handle"].roles if "workflow.handle" in PERMISSIONS else ()
    for g in grants(user):
        if g.role not in roles and g.role != SYSTEM_ROLE:
            continue
        if task.candidate_role and g.role not in (task.candidate_role, SYSTEM_ROLE):
            continue
        if g.covers(task):
            return True
    return False


def is_acting_handler(user, task: WorkTask) -> bool:
    return bool(user and user.pk and task.assignee_id == user.pk and task.status == TaskStatus.CLAIMED)


def _locked(task: WorkTask) -> tuple[Case, WorkTask]:
    """The case row locked for this transaction, then the task row as it now is."""
    case = runtime.lock(task.case_id)
    fresh = WorkTask.objects.select_for_update(of=("self",)).select_related("assignee", "delegated_by").get(pk=task.pk)
    fresh.case = case
    return case, fresh


def _require_open_case(case: Case) -> None:
    if case.status == CaseStatus.CORRECTION:
        raise Conflict("办件正在等待申请人补正，补正提交后才能继续办理", code="case_in_correction")
    if case.status != CaseStatus.RUNNING:
        raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能办理", code="case_not_running")


def _require_open_task(task: WorkTask) -> None:
    if task.status not in OPEN:
        raise Conflict("该任务已办理或已取消，请刷新后查看", code="task_closed")


def _require_assignee(actor, task: WorkTask) -> None:
    require(actor, "workflow.handle", task)
    if task.assignee_id != actor.pk:
        raise Forbidden("只有该任务的当前办理人可以办理，请先认领", code="not_assignee")


def _target_user(user, task: WorkTask, *, label: str):
    if user is None or not getattr(user, "pk", None):
        raise ValidationFailed(f"请选择{label}", code="user_required", detail={"field": "user"})
    if not could_claim(user, task):
        raise ValidationFailed(f"{user.display_name or user.username} 不能办理该任务（须为该部门的相应办理人员）",
                               code="user_not_eligible", detail={"field": "user"})
    return user


def _who(user) -> str:
    return (getattr(user, "display_name", "") or getattr(user, "username", "")) if user else ""


def _state(task: WorkTask) -> dict:
    return {"status": task.get_status_display(), "assignee": _who(task.assignee), "delegated_by": _who(task.delegated_by)}


def _save_assignment(task: WorkTask, *, status, assignee, delegated_by=None) -> None:
    task.status, task.assignee, task.delegated_by = status, assignee, delegated_by
    task.claimed_at = timezone.now() if assignee is not None else None
    task.save(update_fields=["status", "assignee", "delegated_by", "claimed_at", "updated_at"])


# --- claiming and assignment ------------------------------------------------------------------------

@transaction.atomic
def claim(actor, task: WorkTask, *, idempotency_key: str = "") -> WorkTask:
    """Take an open task (认领). Claiming a task one already holds again answers it unchanged."""
    with once(actor, "workflow.task_claim", idempotency_key) as slot:
        case, task = _locked(task)
        if slot.done:
            return task
        if not could_claim(actor, task):
            require(actor, "workflow.assign", task)  # an administrator may take it; anyone else: 403
        _require_open_task(task)
        if case.status not in (CaseStatus.RUNNING, CaseStatus.CORRECTION):
            raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能认领", code="case_not_running")
        if task.status == TaskStatus.CLAIMED:
            if task.assignee_id == actor.pk:
                return task
            raise Conflict(f"该任务已被 {_who(task.assignee)} 认领", code="task_taken")
        before = _state(task)
        _save_assignment(task, status=TaskStatus.CLAIMED, assignee=actor)
        runtime.record_event(case, actor, "task_claimed", f"{task.name}：{_who(actor)} 认领办理", task=task, public=False)
        record(actor, "workflow.task_claim", task, before=before, after=_state(task))
        slot.remember(task.public_id, {"status": task.status})
    return task


def claim_many(actor, tasks) -> tuple[list[WorkTask], list[tuple[WorkTask, str]]]:
    """Bulk claim (批量认领): each task in its own transaction, so one already taken does not undo the
    others. Returns (claimed, [(task, Chinese reason) refused])."""
    from digigov.core.errors import DigiGovError

    done, refused = [], []
    for t in tasks:
        try:
            done.append(claim(actor, t))
        except DigiGovError as exc:
            refused.append((t, exc.message))
    return done, refused


@transaction.atomic
def unclaim(actor, task: WorkTask) -> WorkTask:
    """Put a claimed task back in the open queue (退回待认领): its assignee, or an administrator."""
    case, task = _locked(task)
    _require_open_task(task)
    if task.status != TaskStatus.CLAIMED:
        raise Conflict("该任务尚未被认领", code="task_not_claimed")
    if task.assignee_id == actor.pk:
        require(actor, "workflow.handle", task)
    else:
        require(actor, "workflow.assign", task)
    before = _state(task)
    _save_assignment(task, status=TaskStatus.OPEN, assignee=None)
    runtime.record_event(case, actor, "task_unclaimed", f"{task.name}：退回待认领", task=task, public=False)
    record(actor, "workflow.task_unclaim", task, before=before, after=_state(task))
    return task


@transaction.atomic
def hand_over(actor, task: WorkTask, to_user, *, reason: str = "") -> WorkTask:
    """转办: the task moves to ``to_user`` (who could claim it) as its own; the assignee or an administrator."""
    case, task = _locked(task)
    _require_open_task(task)
    if task.assignee_id == actor.pk and task.status == TaskStatus.CLAIMED:
        require(actor, "workflow.handle", task)
    else:
        require(actor, "workflow.assign", task)
    reason = clean_text(reason, field="reason", label="转办说明", max_length=200, required=False)
    _target_user(to_user, task, label="转办对象")
    if to_user.pk == task.assignee_id:
        raise ValidationFailed("不能转办给当前办理人本人", code="same_user", detail={"field": "user"})
    before = _state(task)
    _save_assignment(task, status=TaskStatus.CLAIMED, assignee=to_user)
    runtime.record_event(case, actor, "task_handed_over", f"{task.name}：转办给 {_who(to_user)}" + (f"（{reason}）" if reason else ""),
                         task=task, public=False)
    record(actor, "workflow.task_hand_over", task, before=before, after={**_state(task), "reason": reason})
    return task


@transaction.atomic
def delegate(actor, task: WorkTask, to_user, *, note: str = "") -> WorkTask:
    """委托: the assignee lets a colleague (who could claim it) act on the task; ``delegated_by`` keeps the
    assignee who delegated, and the task shows in the colleague's 我的在办 as delegated."""
    case, task = _locked(task)
    _require_open_task(task)
    _require_assignee(actor, task)
    note = clean_text(note, field="note", label="委托说明", max_length=200, required=False)
    _target_user(to_user, task, label="受托人")
    if to_user.pk == actor.pk:
        raise ValidationFailed("不能委托给自己", code="same_user", detail={"field": "user"})
    before = _state(task)
    _save_assignment(task, status=TaskStatus.CLAIMED, assignee=to_user, delegated_by=task.delegated_by or actor)
    runtime.record_event(case, actor, "task_delegated", f"{task.name}：{_who(actor)} 委托 {_who(to_user)} 办理" + (f"（{note}）" if note else ""),
                         task=task, public=False)
    record(actor, "workflow.task_delegate", task, before=before, after={**_state(task), "note": note})
    return task


@transaction.atomic
def assign(actor, task: WorkTask, to_user) -> WorkTask:
    """分派: an administrator holding ``workflow.assign`` over the task dispatches it to a handler."""
    case, task = _locked(task)
    require(actor, "workflow.assign", task)
    _require_open_task(task)
    _target_user(to_user, task, label="办理人")
    before = _state(task)
    _save_assignment(task, status=TaskStatus.CLAIMED, assignee=to_user)
    runtime.record_event(case, actor, "task_assigned", f"{task.name}：分派给 {_who(to_user)}", task=task, public=False)
    record(actor, "workflow.task_assign", task, before=before, after=_state(task))
    return task


# --- deciding ------------------------------------------------------------------------------------

def _clean_data(data) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed("办理数据格式不正确", code="invalid_data", detail={"field": "data"})
    bad = [k for k in data if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad:
        raise ValidationFailed("办理数据的字段名无效", code="invalid_data", detail={"field": "data", "keys": [str(k)[:50] for k in bad[:5]]})
    return dict(data)


@transaction.atomic
def _decide(actor, task: WorkTask, outcome: str, *, opinion: str, data, idempotency_key: str, opinion_required: bool) -> WorkTask:
    payload = _clean_data(data)
    opinion = clean_text(opinion, field="opinion", label="办理意见", max_length=2000, required=opinion_required)
    scope = f"workflow.task_{outcome}"
    with once(actor, scope, idempotency_key) as slot:
        case, task = _locked(task)
        if slot.done:
            return task
        _require_assignee(actor, task)
        _require_open_task(task)
        _require_open_case(case)
        before = _state(task)
        payload[f"{task.element_id}_decision"] = outcome
        runtime.complete(task, actor, data=payload, outcome=outcome, opinion=opinion)
        task.refresh_from_db()
        after = {"status": task.get_status_display(), "outcome": task.get_outcome_display(), "opinion": opinion[:200]}
        if outcome == TaskOutcome.APPROVE:
            record(actor, "workflow.task_approve", task, before=before, after=after)
        elif outcome == TaskOutcome.REJECT:
            record(actor, "workflow.task_reject", task, before=before, after=after)
        else:
            record(actor, "workflow.task_complete", task, before=before, after=after)
        slot.remember(task.public_id, {"outcome": outcome})
    return task


def approve(actor, task: WorkTask, *, opinion: str = "", data: dict | None = None, idempotency_key: str = "") -> WorkTask:
    """同意: complete the task with outcome approve (``<element>_decision`` = ``approve`` for the gateways)."""
    return _decide(actor, task, TaskOutcome.APPROVE, opinion=opinion, data=data, idempotency_key=idempotency_key, opinion_required=False)


def reject(actor, task: WorkTask, *, opinion: str, data: dict | None = None, idempotency_key: str = "") -> WorkTask:
    """不同意: the opinion (the reason the applicant reads) is required."""
    return _decide(actor, task, TaskOutcome.REJECT, opinion=opinion, data=data, idempotency_key=idempotency_key, opinion_required=True)


def complete(actor, task: WorkTask, *, opinion: str = "", data: dict | None = None, idempotency_key: str = "") -> WorkTask:
    """办结 a task that decides nothing (受理, 制证, 送达 …)."""
    return _decide(actor, task, TaskOutcome.COMPLETE, opinion=opinion, data=data, idempotency_key=idempotency_key, opinion_required=False)


# --- correction (补正) ------------------------------------------------------------------------------

def clean_correction_items(items) -> list[dict]:
    """``items``: a non-empty list of ``{material | field: name, reason}`` (or ``{kind, name, reason}``)."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed("请至少列出一项需要补正的材料或内容", code="items_required", detail={"field": "items"})
    if len(items) > MAX_CORRECTION_ITEMS:
        raise ValidationFailed(f"补正事项不能超过 {MAX_CORRECTION_ITEMS} 项", code="too_many_items", detail={"field": "items"})
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed(f"第 {i + 1} 项补正事项格式不正确", code="invalid_item", detail={"field": "items", "index": i})
        kind = item.get("kind")
        name = item.get("name")
        for k in CORRECTION_KINDS:
            if item.get(k) not in (None, ""):
                kind, name = k, item.get(k)
        if kind not in CORRECTION_KINDS:
            kind = "material"
        try:
            name = clean_text(name, field="items", label=f"第 {i + 1} 项的材料或内容名称", max_length=100)
            reason = clean_text(item.get("reason"), field="items", label=f"第 {i + 1} 项的补正原因", max_length=300)
        except ValidationFailed as exc:
            exc.detail = {"field": "items", "index": i}
            raise
        out.append({"kind": kind, "name": name, "reason": reason})
    return out


def pending_correction(task: WorkTask) -> dict | None:
    """The correction round of ``task`` waiting for the applicant's answer, if any."""
    rounds = task.corrections or []
    if rounds and isinstance(rounds[-1], dict) and not rounds[-1].get("answered_at"):
        return rounds[-1]
    return None


def _set_case_status(case: Case, status: str) -> None:
    updated = Case.objects.filter(pk=case.pk, revision=case.revision).update(status=status, revision=F("revision") + 1, updated_at=timezone.now())
    if updated != 1:
        raise runtime.StaleCase()
    case.status, case.revision = status, case.revision + 1


@transaction.atomic
def request_correction(actor, task: WorkTask, *, items, opinion: str = "", idempotency_key: str = "") -> WorkTask:
    """退回补正: the case waits for the applicant (status ``correction``, the clock paused by the time-limit
    slice on ``correction_requested``); the BPMN task stays ready and with its assignee."""
    items = clean_correction_items(items)
    opinion = clean_text(opinion, field="opinion", label="补正说明", max_length=1000, required=False)
    with once(actor, "workflow.task_correction", idempotency_key) as slot:
        case, task = _locked(task)
        if slot.done:
            return task
        _require_assignee(actor, task)
        _require_open_task(task)
        _require_open_case(case)
        before = {"status": case.get_status_display()}
        rounds = list(task.corrections or [])
        rounds.append({"round": len(rounds) + 1, "items": items, "opinion": opinion, "requested_at": timezone.now().isoformat(),
                       "requested_by": _who(actor), "answers": [], "note": "", "answered_at": None, "answered_by": ""})
        task.corrections = rounds
        task.save(update_fields=["corrections", "updated_at"])
        _set_case_status(case, CaseStatus.CORRECTION)
        names = "、".join(i["name"] for i in items)
        runtime.record_event(case, actor, "correction_requested", f"{task.name}：退回补正（{names}）"[:500], task=task)
        record(actor, "workflow.task_correction", task, before=before,
               after={"status": case.get_status_display(), "items": [f"{i['name']}：{i['reason']}" for i in items], "opinion": opinion[:200]})
        signals.correction_requested.send(sender=Case, case=case, actor=actor, task=task)
        slot.remember(task.public_id, {"status": case.status})
    return task


def _may_answer(actor, case: Case) -> None:
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        require(actor, "workflow.apply")
        return
    if can(actor, "window.receive", case):
        require(actor, "window.receive", case)
        return
    raise Forbidden("只有申请人本人或窗口工作人员可以提交补正", code="not_applicant")


def _clean_answers(answers, items: list[dict]) -> list[str]:
    if isinstance(answers, dict):
        answers = [answers.get(str(i), answers.get(i, "")) for i in range(len(items))]
    if not isinstance(answers, list):
        raise ValidationFailed("补正答复格式不正确", code="invalid_answers", detail={"field": "answers"})
    if len(answers) > len(items):
        raise ValidationFailed("补正答复多于补正事项", code="invalid_answers", detail={"field": "answers"})
    out = []
    for i, item in enumerate(items):
        raw = answers[i] if i < len(answers) else ""
        try:
            out.append(clean_text(raw, field=f"answer_{i}", label=f"对“{item['name']}”的答复", max_length=1000))
        except ValidationFailed as exc:
            exc.detail = {"field": "answers", "index": i}
            raise
    return out


@transaction.atomic
def submit_correction(actor, case: Case, *, answers, note: str = "", idempotency_key: str = "") -> Case:
    """The applicant (or a window clerk on their behalf) answers the pending correction request: one answer
    per item; the case is back to ``running`` and the task back with its assignee."""
    with once(actor, "workflow.correction_submit", idempotency_key) as slot:
        case = runtime.lock(case.pk)
        if slot.done:
            return case
        _may_answer(actor, case)
        if case.status != CaseStatus.CORRECTION:
            raise Conflict("该办件当前没有待补正的事项", code="no_correction")
        task = (WorkTask.objects.select_for_update(of=("self",)).filter(case=case, status__in=OPEN).exclude(corrections=[])
                .order_by("-updated_at", "-pk"))
        task = next((t for t in task if pending_correction(t)), None)
        if task is None:
            raise NotFound("没有找到待补正的环节", code="no_correction")
        pending = pending_correction(task)
        cleaned = _clean_answers(answers, pending["items"])
        note = clean_text(note, field="note", label="补正说明", max_length=1000, required=False)
        pending.update({"answers": cleaned, "note": note, "answered_at": timezone.now().isoformat(), "answered_by": _who(actor)})
        task.save(update_fields=["corrections", "updated_at"])
        _set_case_status(case, CaseStatus.RUNNING)
        by = "申请人" if actor.pk == case.applicant_id else f"窗口代申请人（{_who(actor)}）"
        runtime.record_event(case, actor, "correction_submitted", f"{by}提交补正" + (f"：{note[:200]}" if note else ""), task=task)
        record(actor, "workflow.correction_submit", case, before={"status": str(CaseStatus.CORRECTION.label)},
               after={"status": case.get_status_display(), "answers": len(cleaned), "note": note[:200]})
        signals.correction_submitted.send(sender=Case, case=case, actor=actor, task=task)
        if task.assignee_id:
            from digigov.core.notify.models import InboxMessage

            InboxMessage.objects.create(recipient_id=task.assignee_id, topic="任务", title=f"补正已提交：{case.title}（{case.number}）"[:200],
                                        body=note, link=f"/workbench/support/tasks/{task.public_id}/")
        slot.remember(case.public_id, {"status": case.status})
    return case
