"""Every write of quality governance: rules, check runs, score snapshots, rectification tasks.

Each action checks its permission against the entry (or task), validates, writes in one transaction
and records an audit entry naming the actor. System jobs (the run after a load, the scheduled check)
act as ``system_account()``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text
from digigov.data.catalog.models import CatalogEntry, DataItem

from . import checks, rules as rulebook, selectors
from .models import (
    OPEN_STATUSES,
    DailyScore,
    DatasetLoad,
    FailureSample,
    QualityRule,
    QualityRun,
    RectificationTask,
    RuleResult,
    RunStatus,
    RunTrigger,
    ScoreScope,
    Severity,
    TaskEvent,
    TaskStatus,
)

log = logging.getLogger(__name__)

# a rule result is a problem worth a task when more than this share of its values fail, or when a
# severe rule fails at all
TASK_FAILURE_RATE = 0.05
DUE_DAYS = 15
MAX_DUE_DAYS = 365


# --- rules ------------------------------------------------------------------------------------------
def _entry(entry) -> CatalogEntry:
    entry = CatalogEntry.objects.select_related("department__division").get(pk=entry.pk)
    if entry.voided_at is not None:
        raise Conflict("该目录条目已作废", code="entry_voided")
    return entry


def _item(entry, item) -> DataItem | None:
    if item is None:
        return None
    if isinstance(item, DataItem):
        if item.entry_id != entry.pk:
            raise ValidationFailed("信息项不属于该目录条目", code="invalid_item", detail={"field": "item"})
        return item
    found = entry.items.select_related("code_list").filter(field_name=item).first()
    if found is None:
        raise ValidationFailed("信息项不存在", code="invalid_item", detail={"field": "item"})
    return found


@transaction.atomic
def derive_baseline(actor, entry) -> list[QualityRule]:
    """Create the baseline rules the item declarations imply (those not there yet; idempotent)."""
    require(actor, "quality.manage", entry)
    entry = _entry(entry)
    existing = {(r.item_id, r.rule_type) for r in entry.quality_rules.filter(derived=True)}
    created = []
    for spec in rulebook.baseline(entry):
        item = spec["item"]
        key = (item.pk if item else None, spec["rule_type"])
        if key in existing:
            continue
        created.append(QualityRule.objects.create(entry=entry, item=item, rule_type=spec["rule_type"], params=spec["params"],
                                                  severity=spec["severity"], weight=spec["weight"], derived=True, created_by=actor))
    if created:
        record(actor, "quality.rule.derive", entry, after={"rules": [str(r) for r in created]})
    return created


@transaction.atomic
def create_rule(actor, entry, *, item=None, rule_type: str, params=None, severity: str = Severity.MEDIUM, weight=1,
                enabled: bool = True, description: str = "") -> QualityRule:
    require(actor, "quality.manage", entry)
    entry = _entry(entry)
    item = _item(entry, item)
    params = rulebook.clean_params(entry, item, rule_type, params)
    rule = QualityRule.objects.create(
        entry=entry, item=item, rule_type=rule_type, params=params, severity=rulebook.clean_severity(severity),
        weight=rulebook.clean_weight(weight), enabled=bool(enabled), created_by=actor,
        description=clean_text(description, "description", "说明", 200, required=False))
    record(actor, "quality.rule.create", rule, after=snapshot(rule))
    return rule


@transaction.atomic
def update_rule(actor, rule: QualityRule, *, params=None, severity=None, weight=None, enabled=None, description=None) -> QualityRule:
    require(actor, "quality.manage", rule)
    rule = QualityRule.objects.select_for_update(of=("self",)).select_related("item__code_list", "entry").get(pk=rule.pk)
    if rule.voided_at is not None:
        raise Conflict("该规则已删除", code="rule_voided")
    before = snapshot(rule)
    if params is not None:
        rule.params = rulebook.clean_params(rule.entry, rule.item, rule.rule_type, params)
    if severity is not None:
        rule.severity = rulebook.clean_severity(severity)
    if weight is not None:
        rule.weight = rulebook.clean_weight(weight)
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise ValidationFailed("启用应为是或否", code="invalid_enabled", detail={"field": "enabled"})
        rule.enabled = enabled
    if description is not None:
        rule.description = clean_text(description, "description", "说明", 200, required=False)
    rule.save()
    record(actor, "quality.rule.update", rule, before=before, after=snapshot(rule))
    return rule


@transaction.atomic
def void_rule(actor, rule: QualityRule, reason: str = "删除规则") -> QualityRule:
    require(actor, "quality.manage", rule)
    reason = clean_text(reason, "reason", "删除原因", 200)
    rule = QualityRule.objects.select_for_update().get(pk=rule.pk)
    if rule.voided_at is not None:
        raise Conflict("该规则已删除", code="rule_voided")
    return stamp_void(actor, rule, reason, "quality.rule.void")


# --- runs -------------------------------------------------------------------------------------------
def _problems(results) -> list[RuleResult]:
    out = []
    for r in results:
        if r.error and not r.checked:
            continue
        if r.failed and (r.severity == Severity.HIGH or r.failed / max(r.checked, 1) > TASK_FAILURE_RATE):
            out.append(r)
    return out


def _describe_problems(problems) -> str:
    return "\n".join(f"{p.label}：{p.failed}/{p.checked} 不合格" for p in problems)[:4000]


def _execute(actor, entry, trigger: str, *, batch_id=None, max_row=None, at=None) -> QualityRun:
    """Check ``entry`` now (or, for the demo's history, as of ``at`` over rows up to ``max_row``)."""
    entry = _entry(entry)
    now = at or timezone.now()
    if not entry.quality_rules.exists():
        derive_baseline(actor, entry)
    active = list(selectors.rules(entry).filter(enabled=True))
    report = checks.check_entry(entry, active, max_row=max_row, now=now)
    counted = [o for o in report.outcomes if o.counted]
    status = RunStatus.DONE if report.table_name and not report.message else RunStatus.NO_DATA
    message = report.message or ("没有启用的质量规则" if not active else ("数据表为空" if report.rows == 0 else ""))
    run = QualityRun.objects.create(
        entry=entry, table_name=report.table_name, trigger=trigger, status=status, message=message, started_at=now,
        finished_at=now if at else timezone.now(), rows_checked=report.rows, failed_checks=sum(o.failed for o in counted),
        score=report.score, batch_id=batch_id, run_by=actor)
    results = []
    for o in report.outcomes:
        res = RuleResult.objects.create(run=run, rule=o.rule, rule_type=o.rule.rule_type, label=str(o.rule)[:200], severity=o.rule.severity,
                                        weight=o.rule.weight, checked=o.checked if o.counted else 0, failed=o.failed if o.counted else 0,
                                        error=o.error[:200])
        FailureSample.objects.bulk_create([FailureSample(result=res, row_no=n, value=v, reason=why) for n, v, why in o.samples])
        results.append(res)
    record(actor, "quality.run", run, after=snapshot(run))
    if run.score is not None:
        snapshot_scores(entry, timezone.localtime(now).date(), as_of=now)
        _follow_up_tasks(actor, entry, run, results, now)
    return run


@transaction.atomic
def run_now(actor, entry, *, trigger: str = RunTrigger.MANUAL, batch_id=None) -> QualityRun:
    """Run every enabled rule of ``entry`` over its mounted table (the “立即检查” button, the API, the jobs)."""
    require(actor, "quality.manage", entry)
    if trigger not in RunTrigger.values:
        raise ValidationFailed("触发方式无效", code="invalid_trigger", detail={"field": "trigger"})
    return _execute(actor, entry, trigger, batch_id=batch_id)


@transaction.atomic
def run_as_of(actor, entry, *, at, max_row: int | None) -> QualityRun:
    """A check of the dataset as it stood at ``at`` (its rows up to ``max_row``): the demo's history."""
    require(actor, "quality.manage", entry)
    return _execute(actor, entry, RunTrigger.DEMO, max_row=max_row, at=at)


def snapshot_scores(entry, day: dt.date, *, as_of=None) -> None:
    """Upsert the day's score of the entry, its department and the city (the trends)."""
    cutoff = as_of or timezone.now()
    cutoff = cutoff + dt.timedelta(microseconds=1)
    base = selectors.with_latest_score(CatalogEntry.objects.filter(voided_at__isnull=True), cutoff).filter(latest_score__isnull=False)
    own = base.filter(pk=entry.pk).values_list("latest_score", flat=True).first()
    if own is not None:
        DailyScore.objects.update_or_create(scope=ScoreScope.ENTRY, entry=entry, day=day, defaults={"score": own, "datasets": 1})
    for scope, qs, key in ((ScoreScope.DEPARTMENT, base.filter(department=entry.department_id), {"department_id": entry.department_id}),
                           (ScoreScope.CITY, base, {})):
        agg = qs.aggregate(score=Avg("latest_score"), n=Count("id"))
        if agg["score"] is not None:
            DailyScore.objects.update_or_create(scope=scope, day=day, **key,
                                                defaults={"score": round(agg["score"], 2), "datasets": agg["n"]})


# --- rectification ----------------------------------------------------------------------------------
def _event(task, actor, status, note="", run=None):
    TaskEvent.objects.create(task=task, status=status, note=note[:1000], actor=actor, run=run)


def _follow_up_tasks(actor, entry, run, results, now) -> None:
    """A run with problems opens a task for the entry's department (one open task per entry); a run
    without problems closes the open one (verified); a failing run reopens a submitted one."""
    problems = _problems(results)
    task = selectors.open_task_for(entry)
    if task is not None:
        task = RectificationTask.objects.select_for_update().get(pk=task.pk)
        before = snapshot(task)
        task.last_run = run
        if not problems:
            task.status, task.closed_at = TaskStatus.CLOSED, now
            task.save(update_fields=["status", "closed_at", "last_run", "updated_at"])
            _event(task, actor, TaskStatus.CLOSED, f"复检通过，得分 {run.score}", run)
            record(actor, "quality.task.close", task, before=before, after=snapshot(task))
            return
        task.problems = _describe_problems(problems)
        if task.status == TaskStatus.SUBMITTED:
            task.status = TaskStatus.REOPENED
            task.save(update_fields=["status", "problems", "last_run", "updated_at"])
            _event(task, actor, TaskStatus.REOPENED, "复检仍有问题：\n" + task.problems, run)
            record(actor, "quality.task.reopen", task, before=before, after=snapshot(task))
        else:
            task.save(update_fields=["problems", "last_run", "updated_at"])
        return
    if not problems:
        return
    task = RectificationTask.objects.create(
        entry=entry, department=entry.department, run=run, last_run=run, problems=_describe_problems(problems),
        due_on=timezone.localtime(now).date() + dt.timedelta(days=DUE_DAYS), created_by=actor)
    _event(task, actor, TaskStatus.OPEN, task.problems, run)
    record(actor, "quality.task.create", task, after=snapshot(task))


def _lock_task(task, allowed, verb: str) -> RectificationTask:
    task = RectificationTask.objects.select_for_update(of=("self",)).select_related("entry", "department__division").get(pk=task.pk)
    if task.voided_at is not None:
        raise Conflict("该整改任务已作废", code="task_voided")
    if task.status not in allowed:
        raise Conflict(f"任务当前状态为“{task.get_status_display()}”，不能{verb}", code="invalid_transition", detail={"status": task.status})
    return task


@transaction.atomic
def start_task(actor, task: RectificationTask) -> RectificationTask:
    require(actor, "quality.rectify", task)
    task = _lock_task(task, (TaskStatus.OPEN, TaskStatus.REOPENED), "开始整改")
    before = snapshot(task)
    task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["status", "updated_at"])
    _event(task, actor, task.status)
    record(actor, "quality.task.start", task, before=before, after=snapshot(task))
    return task


@transaction.atomic
def submit_task(actor, task: RectificationTask, note) -> RectificationTask:
    """The department says it has fixed the data; the task waits for a re-run to verify it."""
    require(actor, "quality.rectify", task)
    note = clean_text(note, "note", "整改说明", 1000)
    task = _lock_task(task, (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.REOPENED), "提交")
    before = snapshot(task)
    task.status, task.note, task.submitted_at = TaskStatus.SUBMITTED, note, timezone.now()
    task.save(update_fields=["status", "note", "submitted_at", "updated_at"])
    _event(task, actor, task.status, note)
    record(actor, "quality.task.submit", task, before=before, after=snapshot(task))
    return task


@transaction.atomic
def verify_task(actor, task: RectificationTask) -> RectificationTask:
    """The data authority re-runs the checks: no problems closes the task, problems reopen it."""
    require(actor, "quality.verify", task)
    task = _lock_task(task, (TaskStatus.SUBMITTED,), "核验")
    run = _execute(actor, task.entry, RunTrigger.VERIFY)
    if run.score is None:  # nothing could be checked: no verdict, and nothing of this attempt is kept
        raise Conflict(f"无法复检：{run.message or '没有可检查的数据'}", code="nothing_to_verify")
    return RectificationTask.objects.get(pk=task.pk)


@transaction.atomic
def set_due(actor, task: RectificationTask, due_on) -> RectificationTask:
    require(actor, "quality.verify", task)
    if not isinstance(due_on, dt.date) or isinstance(due_on, dt.datetime):
        raise ValidationFailed("整改期限应为日期", code="invalid_due", detail={"field": "due_on"})
    today = timezone.localdate()
    if not today <= due_on <= today + dt.timedelta(days=MAX_DUE_DAYS):
        raise ValidationFailed(f"整改期限应在今天至{MAX_DUE_DAYS}天内", code="invalid_due", detail={"field": "due_on"})
    task = _lock_task(task, OPEN_STATUSES, "调整期限")
    before = snapshot(task)
    task.due_on = due_on
    task.save(update_fields=["due_on", "updated_at"])
    record(actor, "quality.task.due", task, before=before, after=snapshot(task))
    return task


# --- the jobs ---------------------------------------------------------------------------------------
def note_load(entry, batch_id, rows, at=None) -> None:
    """What the timeliness rule measures against: the dataset's last load (from ``dataset_loaded``)."""
    DatasetLoad.objects.update_or_create(entry=entry, defaults={"loaded_at": at or timezone.now(), "batch_id": batch_id, "rows": rows or 0})


def scheduled_checks(actor, *, now=None) -> int:
    """The daily job: every dataset with a table mount whose last check is older than a day gets one
    (timeliness is re-judged even when no load arrives). Each entry in its own transaction."""
    require(actor, "quality.manage", WHOLE_CITY)
    now = now or timezone.now()
    qs = selectors.with_latest_score(selectors.entries(actor, "quality.manage").filter(mounts__kind="table", mounts__voided_at__isnull=True)
                                     .exclude(mounts__table_name="").distinct())
    n = 0
    for entry in qs.iterator(chunk_size=200):
        last = entry.latest_at
        if last is not None and now - last < dt.timedelta(hours=23):
            continue
        try:
            run_now(actor, entry, trigger=RunTrigger.SCHEDULE)
            n += 1
        except Exception:  # noqa: BLE001 — one broken dataset must not stop the others
            log.exception("quality check of entry %s failed", entry.pk)
    return n
