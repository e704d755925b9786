"""REST API of 数据归集 at /api/v1/data/aggregation/: sources (CRUD), upload (multipart), run now,
jobs with progress, each job's quarantine report, and batch lineage. Objects are addressed by
``public_id``; lists are paginated and scoped to the caller's reach. The quarantine report as a CSV
file is the workbench URL ``…/jobs/<id>/quarantine.csv`` (same session)."""

from __future__ import annotations

from datetime import datetime

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.data.catalog.selectors import visible_entries

from . import actions, selectors
from .models import Batch, Job, JobState, Source

router = Router(tags=["data.aggregation 数据归集"])


# --- schemas ---------------------------------------------------------------------------------------

class MappingIn(StrictSchema):
    column: str = Field(max_length=100, description="源数据列名")
    field: str = Field(max_length=64, description="信息项字段名；空字符串表示忽略该列")


class SourceIn(StrictSchema):
    entry: str = Field(description="目录条目 public_id")
    name: str = Field(max_length=200)
    kind: str = Field("upload", description="upload（文件上传）| sql（数据库抽取）| api（HTTP JSON 接口抽取）")
    policy: str = Field("commit_good", description="commit_good（正确行入库，错误行隔离）| all_or_nothing（有错误行则整批隔离）")
    mapping: list[MappingIn] = Field(default_factory=list, description="源列 → 信息项字段；为空时按字段名或信息项名称自动对应")
    sql_url: str = Field("", max_length=1000, description="SQLAlchemy 连接串（加密保存，不会再返回）")
    sql_query: str = Field("", max_length=4000, description="表名或一条 SELECT 语句")
    http_url: str = Field("", max_length=500)
    http_records_path: str = Field("", max_length=200, description="记录数组在响应中的路径，如 data.items")
    http_page_param: str = Field("", max_length=32)
    http_size_param: str = Field("", max_length=32)
    http_page_size: int = Field(500, description="每页条数（1–10000）")
    schedule: str = Field("", description="'' | hourly | daily | weekly（仅数据库/接口抽取）")


class SourceUpdateIn(StrictSchema):
    name: str | None = Field(None, max_length=200)
    policy: str | None = None
    mapping: list[MappingIn] | None = None
    sql_url: str = Field("", max_length=1000, description="为空表示不修改")
    sql_query: str | None = Field(None, max_length=4000)
    http_url: str | None = Field(None, max_length=500)
    http_records_path: str | None = Field(None, max_length=200)
    http_page_param: str | None = Field(None, max_length=32)
    http_size_param: str | None = Field(None, max_length=32)
    http_page_size: int | None = None
    schedule: str | None = None


class VoidIn(StrictSchema):
    reason: str = Field(max_length=200)


class MappingOut(Schema):
    column: str
    field: str


class SourceOut(Schema):
    public_id: str
    name: str
    entry: str = Field(description="目录条目 public_id")
    entry_name: str
    department_name: str
    kind: str
    kind_label: str
    policy: str
    policy_label: str
    mapping: list[MappingOut]
    sql_url: str = Field(description="连接串（口令已隐藏）")
    sql_query: str
    http_url: str
    http_records_path: str
    http_page_param: str
    http_size_param: str
    http_page_size: int
    schedule: str
    schedule_label: str
    next_run_at: datetime | None
    voided: bool
    created_at: datetime


def source_out(s: Source) -> dict:
    return {
        "public_id": s.public_id, "name": s.name, "entry": s.entry.public_id, "entry_name": s.entry.name,
        "department_name": s.entry.department.name, "kind": s.kind, "kind_label": s.get_kind_display(), "policy": s.policy,
        "policy_label": s.get_policy_display(), "mapping": [{"column": k, "field": v} for k, v in s.mapping.items()],
        "sql_url": s.sql_url_display, "sql_query": s.sql_query, "http_url": s.http_url, "http_records_path": s.http_records_path,
        "http_page_param": s.http_page_param, "http_size_param": s.http_size_param, "http_page_size": s.http_page_size,
        "schedule": s.schedule, "schedule_label": s.get_schedule_display(), "next_run_at": s.next_run_at,
        "voided": s.voided_at is not None, "created_at": s.created_at,
    }


class JobOut(Schema):
    public_id: str
    source: str = Field(description="数据源 public_id")
    source_name: str
    entry_name: str
    state: str = Field(description="queued | running | succeeded | failed | quarantined")
    state_label: str
    trigger: str
    file_name: str
    file_size: int
    checksum: str = Field(description="输入内容的 SHA-256")
    percent: int | None = Field(description="进度百分比（文件按已读字节；接口/数据库抽取为 null，直到结束）")
    rows_read: int
    rows_ok: int
    rows_bad: int
    error: str = Field(description="失败、隔离或重复导入的中文说明")
    batch: str | None = Field(description="入库批次 public_id")
    duplicate_of: str | None = Field(description="内容相同、已入库的批次 public_id（本次未重复导入）")
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime


def job_out(j: Job) -> dict:
    batch = Batch.objects.filter(job=j).only("public_id").first()
    return {
        "public_id": j.public_id, "source": j.source.public_id, "source_name": j.source.name, "entry_name": j.source.entry.name,
        "state": j.state, "state_label": j.get_state_display(), "trigger": j.trigger, "file_name": j.file_name, "file_size": j.file_size,
        "checksum": j.checksum, "percent": j.percent, "rows_read": j.rows_read, "rows_ok": j.rows_ok, "rows_bad": j.rows_bad,
        "error": j.error, "batch": batch.public_id if batch else None,
        "duplicate_of": j.duplicate_of.public_id if j.duplicate_of_id else None,
        "started_at": j.started_at, "finished_at": j.finished_at, "created_at": j.created_at,
    }


class ReasonOut(Schema):
    field: str = Field(description="字段名（或源列名）；整行错误为空")
    label: str = Field(description="信息项名称")
    message: str


class RawValueOut(Schema):
    column: str
    value: str = Field(description="原始值（个人信息已部分遮盖）")


class QuarantineRowOut(Schema):
    row_no: int = Field(description="行号：CSV/XLSX 表头为第 1 行；JSON/数据库/接口为记录序号")
    values: list[RawValueOut]
    reasons: list[ReasonOut]


def quarantine_out(q) -> dict:
    return {"row_no": q.row_no, "values": [{"column": k, "value": v} for k, v in q.raw.items()], "reasons": q.reasons}


class BatchOut(Schema):
    public_id: str
    source: str = Field(description="数据源 public_id")
    source_name: str
    job: str = Field(description="归集任务 public_id")
    entry: str = Field(description="目录条目 public_id")
    entry_name: str
    department_name: str
    target_table: str
    rows: int
    rows_bad: int
    checksum: str
    algorithm: str
    committed_at: datetime
    committed_by: str


def batch_out(b: Batch) -> dict:
    return {"public_id": b.public_id, "source": b.source.public_id, "source_name": b.source.name, "job": b.job.public_id,
            "entry": b.entry.public_id, "entry_name": b.entry.name, "department_name": b.department.name, "target_table": b.target_table,
            "rows": b.rows, "rows_bad": b.rows_bad, "checksum": b.checksum, "algorithm": b.algorithm, "committed_at": b.committed_at,
            "committed_by": b.committed_by.display_name or b.committed_by.username}


def _mapping(items: list[MappingIn] | None) -> dict | None:
    return None if items is None else {m.column: m.field for m in items}


# --- sources ---------------------------------------------------------------------------------------

@router.get("/sources", response=Page[SourceOut], summary="归集数据源列表")
@permission("aggregation.view")
def list_sources(request, entry: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.sources(request.auth).filter(voided_at__isnull=True)
    if entry:
        qs = qs.filter(entry__public_id=entry[:22])
    return paginate(qs.order_by("entry__code", "name", "id"), page, page_size, source_out)


@router.post("/sources", response={201: SourceOut}, summary="新建归集数据源")
@permission("aggregation.run")
@errors(404)
def create_source(request, payload: SourceIn):
    entry = get_or_404(visible_entries(request.auth), public_id=payload.entry)
    data = payload.dict(exclude={"entry", "mapping", "sql_url"})
    source = actions.create_source(request.auth, entry=entry, sql_url=payload.sql_url, mapping=_mapping(payload.mapping), **data)
    return Status(201, source_out(source))


@router.get("/sources/{public_id}", response=SourceOut, summary="归集数据源详情")
@permission("aggregation.view")
def get_source(request, public_id: str):
    return source_out(get_or_404(selectors.sources(request.auth), public_id=public_id))


@router.post("/sources/{public_id}", response=SourceOut, summary="修改归集数据源")
@permission("aggregation.run")
def update_source(request, public_id: str, payload: SourceUpdateIn):
    source = get_or_404(selectors.sources(request.auth, "aggregation.run"), public_id=public_id)
    data = {k: v for k, v in payload.dict(exclude={"mapping", "sql_url"}).items() if v is not None}
    if payload.mapping is not None:
        data["mapping"] = _mapping(payload.mapping)
    return source_out(actions.update_source(request.auth, source, sql_url=payload.sql_url, **data))


@router.post("/sources/{public_id}/void", response=SourceOut, summary="作废归集数据源")
@permission("aggregation.run")
def void_source(request, public_id: str, payload: VoidIn):
    source = get_or_404(selectors.sources(request.auth, "aggregation.run"), public_id=public_id)
    return source_out(actions.void_source(request.auth, source, payload.reason))


@router.post("/sources/{public_id}/upload", response={200: JobOut, 202: JobOut},
             summary="上传文件归集（multipart，字段 file；同一内容重复上传返回原任务 200，不重复导入）")
@permission("aggregation.run")
def upload(request, public_id: str, file: UploadedFile | None = File(None, description="数据文件：CSV、XLSX、JSON 或 JSON Lines")):
    # optional in the signature so that a missing file gets the action's own answer (file_required, naming the field)
    source = get_or_404(selectors.sources(request.auth, "aggregation.run"), public_id=public_id)
    job, created = actions.submit_upload(request.auth, source, file)
    job.refresh_from_db()
    return Status(202 if created else 200, job_out(job))


@router.post("/sources/{public_id}/run", response={202: JobOut}, summary="立即运行数据库/接口抽取")
@permission("aggregation.run")
def run(request, public_id: str):
    source = get_or_404(selectors.sources(request.auth, "aggregation.run"), public_id=public_id)
    job = actions.run_source(request.auth, source)
    job.refresh_from_db()
    return Status(202, job_out(job))


# --- jobs and lineage --------------------------------------------------------------------------------

@router.get("/jobs", response=Page[JobOut], summary="归集任务列表（含进度）")
@permission("aggregation.view")
def list_jobs(request, state: str | None = None, source: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.jobs(request.auth)
    if state in JobState.values:
        qs = qs.filter(state=state)
    if source:
        qs = qs.filter(source__public_id=source[:22])
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, job_out)


@router.get("/jobs/{public_id}", response=JobOut, summary="归集任务详情与进度")
@permission("aggregation.view")
def get_job(request, public_id: str):
    return job_out(get_or_404(selectors.jobs(request.auth), public_id=public_id))


@router.get("/jobs/{public_id}/quarantine", response=Page[QuarantineRowOut], summary="隔离行报告（逐行逐字段的原因）")
@permission("aggregation.view")
def job_quarantine(request, public_id: str, page: int = 1, page_size: int = 100):
    job = get_or_404(selectors.jobs(request.auth), public_id=public_id)
    return paginate(selectors.quarantine(job), page, page_size, quarantine_out)


@router.get("/batches", response=Page[BatchOut], summary="归集批次（血缘）列表")
@permission("aggregation.view")
def list_batches(request, entry: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.batches(request.auth)
    if entry:
        qs = qs.filter(entry__public_id=entry[:22])
    return paginate(qs.order_by("-committed_at", "-id"), page, page_size, batch_out)


@router.get("/batches/{public_id}", response=BatchOut, summary="批次血缘：数据源、任务、行数、校验值、目标表")
@permission("aggregation.view")
def get_batch(request, public_id: str):
    return batch_out(get_or_404(selectors.batches(request.auth), public_id=public_id))
