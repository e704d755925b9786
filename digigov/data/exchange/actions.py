"""Every write of 批量交换与数据回流: permission check, validation, one transaction, one audit entry.

Permissions: ``exchange.view`` (see jobs/runs in reach), ``exchange.manage`` (a consumer department's data
administrator creates, runs and pauses jobs over its own subscriptions; a provider's creates and runs
return-flow tasks of its own entries), ``exchange.retry`` (requeue a dead letter). Runs are queued in
Huey after the transaction commits (``tasks.execute_run``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department, DivisionLevel
from digigov.core.rbac.checks import require
from digigov.data.catalog.models import ItemFormat, PersonalKind
from digigov.data.sharing.models import AppKind, AppStatus, Subscription, SubscriptionStatus

from .models import Delivery, ExchangeJob, ExchangeRun, JobStatus, ReturnTask, RunKind, RunStatus, Schedule, SyncMode

SCHEDULE_STEP = {Schedule.HOURLY: dt.timedelta(hours=1), Schedule.DAILY: dt.timedelta(days=1)}
MAX_RECEIVERS = 500
OPEN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.RETRYING)


def _enqueue(run_ids: list[int]) -> None:
    from . import tasks

    def go():
        for pk in run_ids:
            tasks.execute_run(pk)

    transaction.on_commit(go)


def _choice(value, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(f"{label}无效", code=f"bad_{field}", detail={"field": field})
    return value


def _name(name, field: str = "name") -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("名称不能为空，且不超过 100 个字", code="bad_name", detail={"field": field})
    return name


def next_run(schedule: str, now: dt.datetime | None = None) -> dt.datetime | None:
    step = SCHEDULE_STEP.get(schedule)
    return (now or timezone.now()) + step if step else None


def _job_snapshot(job: ExchangeJob) -> dict:
    return {"name": job.name, "subscription": job.subscription.public_id, "entry": job.entry.code, "mode": job.mode,
            "delivery": job.delivery, "schedule": job.schedule, "status": job.status}


@transaction.atomic
def create_job(actor, *, subscription: Subscription, name: str, mode: str = SyncMode.INCREMENTAL, delivery: str = Delivery.TABLE,
               schedule: str = Schedule.MANUAL) -> ExchangeJob:
    """A table synchronisation over the consumer department's own active subscription."""
    app = subscription.app
    if app.kind != AppKind.DEPARTMENT or app.department_id is None:
        raise ValidationFailed("只有部门应用的共享授权可以建立批量交换任务", code="not_department_app", detail={"field": "subscription"})
    require(actor, "exchange.manage", app.department)
    name = _name(name)
    mode = _choice(mode, SyncMode, "mode", "同步方式")
    delivery = _choice(delivery, Delivery, "delivery", "交付方式")
    schedule = _choice(schedule, Schedule, "schedule", "执行周期")
    today = timezone.localdate()
    if subscription.status != SubscriptionStatus.ACTIVE or app.status != AppStatus.ACTIVE or (
            subscription.valid_until is not None and subscription.valid_until < today):
        raise ValidationFailed("该共享授权已失效，不能建立交换任务", code="subscription_inactive", detail={"field": "subscription"})
    if not subscription.fields:
        raise ValidationFailed("该共享授权没有授权信息项", code="no_fields", detail={"field": "subscription"})
    entry = subscription.entry
    job = ExchangeJob.objects.create(name=name, subscription=subscription, entry=entry, provider=entry.department, consumer=app.department,
                                     mode=mode, delivery=delivery, schedule=schedule, next_run_at=next_run(schedule), created_by=actor)
    if delivery == Delivery.TABLE:
        from .engine import target_table_for

        job.target_table = target_table_for(job)
        job.save(update_fields=["target_table"])
    record(actor, "exchange.job.create", job, after=_job_snapshot(job))
    return job


@transaction.atomic
def update_job(actor, job: ExchangeJob, *, schedule: str | None = None, status: str | None = None) -> ExchangeJob:
    """Change the schedule, pause (status paused) or resume (status active)."""
    job = ExchangeJob.objects.select_for_update().select_related("consumer__division", "subscription", "entry").get(pk=job.pk)
    require(actor, "exchange.manage", job)
    before = _job_snapshot(job)
    if schedule is not None:
        job.schedule = _choice(schedule, Schedule, "schedule", "执行周期")
    if status is not None:
        job.status = _choice(status, JobStatus, "status", "状态")
    job.next_run_at = next_run(job.schedule) if job.status == JobStatus.ACTIVE else None
    job.save()
    record(actor, "exchange.job.pause" if status == JobStatus.PAUSED and before["status"] != JobStatus.PAUSED else (
        "exchange.job.resume" if status == JobStatus.ACTIVE and before["status"] != JobStatus.ACTIVE else "exchange.job.update"),
        job, before=before, after=_job_snapshot(job))
    return job


def _new_job_run(actor, job: ExchangeJob, trigger: str) -> ExchangeRun:
    return ExchangeRun.objects.create(kind=RunKind.EXCHANGE, job=job, entry_id=job.entry_id, provider_id=job.provider_id,
                                      receiver_id=job.consumer_id, trigger=trigger, requested_by=actor)


@transaction.atomic
def run_job(actor, job: ExchangeJob, *, trigger: str = "manual", enqueue: bool = True) -> ExchangeRun:
    """Queue a run now. Refused while the job is paused or another of its runs is still open."""
    job = ExchangeJob.objects.select_for_update().select_related("consumer__division").get(pk=job.pk)
    require(actor, "exchange.manage", job)
    if job.status != JobStatus.ACTIVE:
        raise Conflict("交换任务已暂停，请先恢复", code="job_paused")
    if ExchangeRun.objects.filter(job=job, status__in=OPEN_STATUSES).exists():
        raise Conflict("该任务还有未完成的执行，请等待其结束", code="run_open")
    run = _new_job_run(actor, job, trigger)
    record(actor, "exchange.job.run", job, after={"run": run.public_id, "trigger": trigger})
    if enqueue:
        _enqueue([run.pk])
    return run


@transaction.atomic
def retry_run(actor, run: ExchangeRun, *, enqueue: bool = True) -> ExchangeRun:
    """Requeue a dead letter (its attempts start again from zero)."""
    run = ExchangeRun.objects.select_for_update().select_related("receiver__division").get(pk=run.pk)
    require(actor, "exchange.retry", run)
    if run.status != RunStatus.DEAD:
        raise Conflict("只有失败（死信）的交换记录可以重试", code="not_dead")
    if run.job_id and ExchangeRun.objects.filter(job_id=run.job_id, status__in=OPEN_STATUSES).exists():
        raise Conflict("该任务还有未完成的执行，请等待其结束", code="run_open")
    before = {"status": run.status, "attempts": run.attempts, "error": run.error}
    run.status, run.attempts, run.next_attempt_at = RunStatus.QUEUED, 0, None
    run.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    record(actor, "exchange.run.retry", run, before=before, after={"status": run.status, "attempts": 0})
    if enqueue:
        _enqueue([run.pk])
    return run


def division_items(entry):
    """Items a return flow may filter on: not personal; format 行政区划代码 first."""
    items = [i for i in entry.items.order_by("seq") if i.personal < PersonalKind.PERSONAL]
    return sorted(items, key=lambda i: (i.format != ItemFormat.DIVISION, i.seq))


@transaction.atomic
def create_return_task(actor, *, entry, name: str, division_field: str, fields: list[str], clear_fields: list[str] | None = None,
                       receivers: list[Department]) -> ReturnTask:
    require(actor, "exchange.manage", entry)
    name = _name(name)
    items = {i.field_name: i for i in entry.items.all()}
    if division_field not in {i.field_name for i in division_items(entry)}:
        raise ValidationFailed("请选择一个非个人信息的行政区划信息项", code="bad_division_field", detail={"field": "division_field"})
    fields = list(dict.fromkeys(fields or []))
    if not fields or any(f not in items for f in fields):
        raise ValidationFailed("请从该目录条目的信息项中选择回流信息项", code="bad_fields", detail={"field": "fields"})
    clear_fields = list(dict.fromkeys(clear_fields or []))
    if any(f not in fields for f in clear_fields):
        raise ValidationFailed("明文信息项必须是回流信息项之一", code="bad_clear_fields", detail={"field": "clear_fields"})
    receivers = list(dict.fromkeys(receivers or []))
    if not receivers or len(receivers) > MAX_RECEIVERS:
        raise ValidationFailed(f"请选择 1 到 {MAX_RECEIVERS} 个接收单位", code="bad_receivers", detail={"field": "receivers"})
    for r in receivers:
        if r.voided_at is not None or r.division.level <= DivisionLevel.CITY:
            raise ValidationFailed("接收单位必须是区县、乡镇（街道）或村（社区）的单位", code="bad_receivers", detail={"field": "receivers"})
    task = ReturnTask.objects.create(name=name, entry=entry, provider=entry.department, division_field=division_field, fields=fields,
                                     clear_fields=clear_fields, created_by=actor)
    task.receivers.set(receivers)
    record(actor, "exchange.return.create", task, after={"name": name, "entry": entry.code, "division_field": division_field,
                                                         "fields": fields, "clear_fields": clear_fields,
                                                         "receivers": sorted(r.code for r in receivers)})
    return task


@transaction.atomic
def run_return_task(actor, task: ReturnTask, *, enqueue: bool = True) -> list[ExchangeRun]:
    """One delivery per receiving unit, each filtered to the unit's own division."""
    task = ReturnTask.objects.select_for_update().select_related("provider__division", "entry").get(pk=task.pk)
    require(actor, "exchange.manage", task)
    if ExchangeRun.objects.filter(return_task=task, status__in=OPEN_STATUSES).exists():
        raise Conflict("该回流任务还有未完成的交付，请等待其结束", code="run_open")
    runs = ExchangeRun.objects.bulk_create([
        ExchangeRun(kind=RunKind.RETURN, return_task=task, entry_id=task.entry_id, provider_id=task.provider_id, receiver=r,
                    trigger="manual", requested_by=actor) for r in task.receivers.order_by("code")])
    ids = list(ExchangeRun.objects.filter(return_task=task, status=RunStatus.QUEUED).values_list("pk", flat=True))
    record(actor, "exchange.return.run", task, after={"deliveries": len(runs)})
    if enqueue:
        _enqueue(ids)
    return list(ExchangeRun.objects.filter(pk__in=ids))


def enqueue_due(actor, now: dt.datetime | None = None) -> int:
    """The scheduler: a run for every active scheduled job whose time has come (skipping jobs with an open run)."""
    now = now or timezone.now()
    queued = 0
    due = list(ExchangeJob.objects.filter(status=JobStatus.ACTIVE, next_run_at__lte=now).exclude(schedule=Schedule.MANUAL)
               .values_list("pk", flat=True)[:500])
    for pk in due:
        with transaction.atomic():
            job = ExchangeJob.objects.select_for_update().get(pk=pk)
            job.next_run_at = next_run(job.schedule, now)
            job.save(update_fields=["next_run_at"])
            if ExchangeRun.objects.filter(job=job, status__in=OPEN_STATUSES).exists():
                continue
            run = _new_job_run(actor, job, "schedule")
            record(actor, "exchange.job.run", job, after={"run": run.public_id, "trigger": "schedule"})
            _enqueue([run.pk])
            queued += 1
    return queued


def due_retries(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(ExchangeRun.objects.filter(status=RunStatus.RETRYING, next_attempt_at__lte=now).order_by("next_attempt_at")
                .values_list("pk", flat=True)[:200])
