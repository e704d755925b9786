"""REST API of 批量交换与数据回流 at /api/v1/data/exchange/: jobs (create over a subscription, change the
schedule, pause/resume, run now), runs with status (``status=dead`` lists the dead letters; retry one),
return-flow tasks (create, run, their per-unit deliveries). Objects are addressed by ``public_id``; lists
are paginated and scoped to the caller's reach. Delivered files are downloaded from the workbench URL
``/workbench/data/exchange/runs/<id>/file.csv`` (``file.json`` for JSON Lines; same session; only the receiving department)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.core.org.models import Department
from digigov.data.catalog.selectors import visible_entries

from . import actions, selectors
from .models import ExchangeJob, ExchangeRun, ReturnTask, RunStatus

router = Router(tags=["data.exchange 批量交换与数据回流"])


class ExchangeJobIn(StrictSchema):
    subscription: str = Field(max_length=22, description="共享授权 public_id（本部门应用的有效授权）")
    name: str = Field(max_length=100)
    mode: str = Field("incremental", description="full（全量替换）| incremental（按 _batch_id/_row_no 增量）")
    delivery: str = Field("table", description="table（前置库表）| csv | jsonl（文件）")
    schedule: str = Field("manual", description="manual | hourly | daily")


class ExchangeJobUpdateIn(StrictSchema):
    schedule: str | None = Field(None, description="manual | hourly | daily")
    status: str | None = Field(None, description="active（恢复）| paused（暂停）")


class ExchangeJobOut(Schema):
    public_id: str
    name: str
    entry: str = Field(description="目录条目 public_id")
    entry_name: str
    provider_name: str
    consumer_name: str
    app_name: str
    mode: str
    mode_label: str
    delivery: str
    delivery_label: str
    schedule: str
    schedule_label: str
    status: str
    status_label: str
    target_table: str
    high_water_mark: str = Field(description="增量同步的高水位：批次号-行号")
    next_run_at: datetime | None
    last_run_at: datetime | None
    created_at: datetime


def job_out(j: ExchangeJob) -> dict:
    return {"public_id": j.public_id, "name": j.name, "entry": j.entry.public_id, "entry_name": j.entry.name,
            "provider_name": j.provider.name, "consumer_name": j.consumer.name, "app_name": j.subscription.app.name,
            "mode": j.mode, "mode_label": j.get_mode_display(), "delivery": j.delivery, "delivery_label": j.get_delivery_display(),
            "schedule": j.schedule, "schedule_label": j.get_schedule_display(), "status": j.status, "status_label": j.get_status_display(),
            "target_table": j.target_table, "high_water_mark": f"{j.mark_batch}-{j.mark_row}", "next_run_at": j.next_run_at,
            "last_run_at": j.last_run_at, "created_at": j.created_at}


class ExchangeRunOut(Schema):
    public_id: str
    kind: str
    kind_label: str
    job: str | None = Field(description="交换任务 public_id")
    return_task: str | None = Field(description="回流任务 public_id")
    entry_name: str
    provider_name: str
    receiver_name: str
    status: str = Field(description="queued | running | succeeded | retrying | dead")
    status_label: str
    attempts: int
    rows: int
    bytes: int
    error: str = Field(description="失败原因（中文）")
    has_file: bool
    file_sha: str = Field(description="交付内容的 SM3 摘要")
    next_attempt_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime


def run_out(r: ExchangeRun) -> dict:
    return {"public_id": r.public_id, "kind": r.kind, "kind_label": r.get_kind_display(), "job": r.job.public_id if r.job_id else None,
            "return_task": r.return_task.public_id if r.return_task_id else None, "entry_name": r.entry.name,
            "provider_name": r.provider.name, "receiver_name": r.receiver.name, "status": r.status, "status_label": r.get_status_display(),
            "attempts": r.attempts, "rows": r.rows, "bytes": r.bytes, "error": r.error, "has_file": r.has_file, "file_sha": r.file_sha,
            "next_attempt_at": r.next_attempt_at, "started_at": r.started_at, "finished_at": r.finished_at, "created_at": r.created_at}


class ReturnTaskIn(StrictSchema):
    entry: str = Field(max_length=22, description="目录条目 public_id（本部门提供的条目）")
    name: str = Field(max_length=100)
    division_field: str = Field(max_length=64, description="行政区划信息项的字段名")
    fields: list[str] = Field(max_length=200, description="回流信息项字段名")
    clear_fields: list[str] = Field(default_factory=list, max_length=200, description="以明文回流的个人信息项（其余脱敏）")
    receivers: list[str] = Field(max_length=500, description="接收单位代码（区县、乡镇街道、村社区的单位）")


class ReturnTaskOut(Schema):
    public_id: str
    name: str
    entry: str
    entry_name: str
    provider_name: str
    division_field: str
    fields: list[str]
    clear_fields: list[str]
    receivers: list[str] = Field(description="接收单位名称")
    created_at: datetime


def return_out(t: ReturnTask) -> dict:
    return {"public_id": t.public_id, "name": t.name, "entry": t.entry.public_id, "entry_name": t.entry.name, "provider_name": t.provider.name,
            "division_field": t.division_field, "fields": t.fields, "clear_fields": t.clear_fields,
            "receivers": [d.name for d in t.receivers.all()], "created_at": t.created_at}


# --- jobs ---------------------------------------------------------------------------------------------

@router.get("/jobs", response=Page[ExchangeJobOut], summary="批量交换任务列表")
@permission("exchange.view")
def list_jobs(request, page: int = 1, page_size: int = 50):
    return paginate(selectors.jobs(request.auth).order_by("-created_at", "-id"), page, page_size, job_out)


@router.post("/jobs", response={201: ExchangeJobOut}, summary="新建批量交换任务（基于本部门的共享授权）")
@permission("exchange.manage")
@errors(404)
def create_job(request, payload: ExchangeJobIn):
    sub = get_or_404(selectors.subscriptions_for_jobs(request.auth), public_id=payload.subscription)
    job = actions.create_job(request.auth, subscription=sub, name=payload.name, mode=payload.mode, delivery=payload.delivery,
                             schedule=payload.schedule)
    return Status(201, job_out(selectors.jobs(request.auth).get(pk=job.pk)))


@router.get("/jobs/{public_id}", response=ExchangeJobOut, summary="批量交换任务详情")
@permission("exchange.view")
def get_job(request, public_id: str):
    return job_out(get_or_404(selectors.jobs(request.auth), public_id=public_id[:22]))


@router.post("/jobs/{public_id}", response=ExchangeJobOut, summary="修改执行周期、暂停或恢复批量交换任务")
@permission("exchange.manage")
def update_job(request, public_id: str, payload: ExchangeJobUpdateIn):
    job = get_or_404(selectors.jobs(request.auth, "exchange.manage"), public_id=public_id[:22])
    actions.update_job(request.auth, job, schedule=payload.schedule, status=payload.status)
    return job_out(selectors.jobs(request.auth).get(pk=job.pk))


@router.post("/jobs/{public_id}/run", response={202: ExchangeRunOut}, summary="立即执行批量交换任务")
@permission("exchange.manage")
def run_job(request, public_id: str):
    job = get_or_404(selectors.jobs(request.auth, "exchange.manage"), public_id=public_id[:22])
    run = actions.run_job(request.auth, job)
    return Status(202, run_out(selectors.runs(request.auth).get(pk=run.pk)))


# --- runs and dead letters ----------------------------------------------------------------------------

@router.get("/runs", response=Page[ExchangeRunOut], summary="交换记录列表（status=dead 为死信）")
@permission("exchange.view")
def list_runs(request, status: str | None = None, job: str | None = None, return_task: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.runs(request.auth)
    if status is not None:
        if status not in RunStatus.values:
            raise ValidationFailed("状态筛选无效", code="bad_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    if job:
        qs = qs.filter(job__public_id=job[:22])
    if return_task:
        qs = qs.filter(return_task__public_id=return_task[:22])
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, run_out)


@router.get("/runs/{public_id}", response=ExchangeRunOut, summary="交换记录详情")
@permission("exchange.view")
def get_run(request, public_id: str):
    return run_out(get_or_404(selectors.runs(request.auth), public_id=public_id[:22]))


@router.post("/runs/{public_id}/retry", response={202: ExchangeRunOut}, summary="重试失败（死信）的交换")
@permission("exchange.retry")
def retry_run(request, public_id: str):
    run = get_or_404(selectors.runs(request.auth), public_id=public_id[:22])
    run = actions.retry_run(request.auth, run)
    return Status(202, run_out(selectors.runs(request.auth).get(pk=run.pk)))


# --- return flow --------------------------------------------------------------------------------------

@router.get("/returns", response=Page[ReturnTaskOut], summary="数据回流任务列表")
@permission("exchange.view")
def list_returns(request, page: int = 1, page_size: int = 50):
    qs = selectors.return_tasks(request.auth).prefetch_related("receivers").order_by("-created_at", "-id")
    return paginate(qs, page, page_size, return_out)


@router.post("/returns", response={201: ReturnTaskOut}, summary="新建数据回流任务")
@permission("exchange.manage")
@errors(404)
def create_return(request, payload: ReturnTaskIn):
    entry = get_or_404(visible_entries(request.auth), public_id=payload.entry)
    codes = list(dict.fromkeys(c[:32] for c in payload.receivers))
    receivers = list(Department.objects.filter(code__in=codes, voided_at__isnull=True).select_related("division"))
    if len(receivers) != len(codes):
        raise ValidationFailed("接收单位代码无效", code="bad_receivers", detail={"field": "receivers"})
    task = actions.create_return_task(request.auth, entry=entry, name=payload.name, division_field=payload.division_field,
                                      fields=payload.fields, clear_fields=payload.clear_fields, receivers=receivers)
    return Status(201, return_out(task))


@router.get("/returns/{public_id}", response=ReturnTaskOut, summary="数据回流任务详情")
@permission("exchange.view")
def get_return(request, public_id: str):
    return return_out(get_or_404(selectors.return_tasks(request.auth).prefetch_related("receivers"), public_id=public_id[:22]))


@router.post("/returns/{public_id}/run", response={202: list[ExchangeRunOut]}, summary="执行数据回流（每个接收单位一次交付）")
@permission("exchange.manage")
def run_return(request, public_id: str):
    task = get_or_404(selectors.return_tasks(request.auth, "exchange.manage"), public_id=public_id[:22])
    runs = actions.run_return_task(request.auth, task)
    return Status(202, [run_out(r) for r in selectors.runs(request.auth).filter(pk__in=[r.pk for r in runs]).order_by("receiver__code")])
