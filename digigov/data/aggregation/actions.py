"""Every write of 数据归集: sources, uploads, runs and the scheduler.

Each action checks ``aggregation.run`` on the entry (a department's data admin: its own entries),
validates, writes in one transaction with an audit entry, and queues the run (a Huey task) once that
transaction has committed. Running a job is ``pipeline.engine.run``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, DigiGovError, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text
from digigov.data.catalog.models import CatalogEntry, EntryStatus

from .apps import SOURCE_URL_PURPOSE
from .models import Job, JobState, Policy, Schedule, Source, SourceKind
from .pipeline.readers import FILE_TYPES

_SQL_START = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
SCHEDULE_STEP = {Schedule.HOURLY: dt.timedelta(hours=1), Schedule.DAILY: dt.timedelta(days=1), Schedule.WEEKLY: dt.timedelta(days=7)}
SOURCE_FIELDS = ("entry", "name", "kind", "policy", "mapping", "sql_url_display", "sql_query", "http_url", "http_records_path",
                 "http_page_param", "http_size_param", "http_page_size", "schedule")


class FileTooLarge(DigiGovError):
    status = 413
    code = "file_too_large"
    message = "文件超过大小限制"


def max_file_bytes() -> int:
    return int(getattr(settings, "DIGIGOV_AGGREGATION_MAX_FILE_BYTES", 512 * 1024 * 1024))


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


# --- sources -----------------------------------------------------------------------------------------

def _url_aad(source: Source) -> bytes:
    return f"aggregation.source:{source.public_id}".encode()


def source_url(source: Source) -> str:
    """The clear SQLAlchemy URL (only the pipeline calls this)."""
    from digigov.security.keys.api import unseal

    if not source.sql_url_sealed:
        return ""
    return unseal(SOURCE_URL_PURPOSE, bytes(source.sql_url_sealed), _url_aad(source)).decode()


def _check_sql_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = clean_text(url, "sql_url", "数据库连接串", 1000)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ValidationFailed("数据库连接串格式不正确，应如 postgresql://用户:口令@主机/库名 或 sqlite:////路径/文件.db",
                               code="invalid_sql_url", detail={"field": "sql_url"}) from None
    own = settings.DATABASES["default"]
    if parsed.get_backend_name() == "sqlite" and parsed.database and own["ENGINE"].endswith("sqlite3") \
            and os.path.abspath(parsed.database) == os.path.abspath(str(own["NAME"])):
        raise ValidationFailed("不能从平台自身的数据库抽取数据", code="own_database", detail={"field": "sql_url"})
    return parsed.render_as_string(hide_password=True)


def _check_query(query: str) -> str:
    query = clean_text(query, "sql_query", "抽取语句或表名", 4000)
    body = query.rstrip().rstrip(";")
    if not (_IDENT.match(body) or _SQL_START.match(body)) or ";" in body:
        raise ValidationFailed("请填写表名，或一条 SELECT 查询语句（不能包含多条语句）", code="invalid_sql_query", detail={"field": "sql_query"})
    return body


def _clean_source(entry: CatalogEntry, data: dict) -> dict:
    out = {}
    out["name"] = clean_text(data.get("name"), "name", "数据源名称", 200)
    kind = data.get("kind") or SourceKind.UPLOAD
    if kind not in SourceKind.values:
        raise ValidationFailed("接入方式无效", code="invalid_kind", detail={"field": "kind"})
    out["kind"] = kind
    policy = data.get("policy") or Policy.COMMIT_GOOD
    if policy not in Policy.values:
        raise ValidationFailed("错误处理策略无效", code="invalid_policy", detail={"field": "policy"})
    out["policy"] = policy
    mapping = data.get("mapping") or {}
    if not isinstance(mapping, dict):
        raise ValidationFailed("字段映射应为“源列名 → 字段名”的对应关系", code="invalid_mapping", detail={"field": "mapping"})
    fields = set(entry.items.values_list("field_name", flat=True))
    clean_map = {}
    for k, v in mapping.items():
        if not isinstance(k, str) or not k.strip() or not isinstance(v, str) or len(k) > 100:
            raise ValidationFailed("字段映射的源列名和字段名都应为文本", code="invalid_mapping", detail={"field": "mapping"})
        if v and v not in fields:
            raise ValidationFailed(f"字段映射中的“{v}”不是该目录条目的信息项字段名", code="unknown_mapping_field",
                                   detail={"field": "mapping", "value": v})
        clean_map[k.strip()] = v
    out["mapping"] = clean_map
    schedule = data.get("schedule") or ""
    if schedule not in Schedule.values:
        raise ValidationFailed("定时设置无效", code="invalid_schedule", detail={"field": "schedule"})
    if schedule and kind == SourceKind.UPLOAD:
        raise ValidationFailed("文件上传类数据源不能定时运行", code="schedule_upload", detail={"field": "schedule"})
    out["schedule"] = schedule
    out["sql_query"] = out["http_url"] = out["http_records_path"] = out["http_page_param"] = out["http_size_param"] = ""
    out["http_page_size"] = 500
    if kind == SourceKind.SQL:
        out["sql_query"] = _check_query(data.get("sql_query"))
    elif kind == SourceKind.HTTP:
        url = clean_text(data.get("http_url"), "http_url", "接口地址", 500)
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValidationFailed("接口地址应以 http:// 或 https:// 开头", code="invalid_http_url", detail={"field": "http_url"})
        out["http_url"] = url
        out["http_records_path"] = clean_text(data.get("http_records_path"), "http_records_path", "记录路径", 200, required=False)
        for f, label in (("http_page_param", "页码参数"), ("http_size_param", "每页条数参数")):
            v = clean_text(data.get(f), f, label, 32, required=False)
            if v and not re.match(r"^[A-Za-z_][A-Za-z0-9_.\-]*$", v):
                raise ValidationFailed(f"{label}只能包含字母、数字和下划线", code="invalid_param", detail={"field": f})
            out[f] = v
        size = data.get("http_page_size")
        size = 500 if size is None else size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 10000:
            raise ValidationFailed("每页条数应在 1 到 10000 之间", code="invalid_page_size", detail={"field": "http_page_size"})
        out["http_page_size"] = size
    return out


def _usable_entry(entry: CatalogEntry) -> CatalogEntry:
    if entry is None or entry.voided_at is not None or entry.status == EntryStatus.WITHDRAWN:
        raise ValidationFailed("目录条目不存在、已作废或已撤销", code="entry_unavailable", detail={"field": "entry"})
    return entry


@transaction.atomic
def create_source(actor, *, entry: CatalogEntry, sql_url: str = "", **data) -> Source:
    entry = _usable_entry(entry)
    require(actor, "aggregation.run", entry)
    fields = _clean_source(entry, data)
    source = Source(entry=entry, created_by=actor, **fields)
    if source.kind == SourceKind.SQL:
        source.sql_url_display = _check_sql_url(sql_url)
    source.next_run_at = _next_run(source.schedule)
    source.save()
    if source.kind == SourceKind.SQL:
        _seal_url(source, sql_url)
    record(actor, "aggregation.source.create", source, after=snapshot(source, SOURCE_FIELDS))
    return source


def _seal_url(source: Source, url: str) -> None:
    from digigov.security.keys.api import seal

    source.sql_url_sealed = seal(SOURCE_URL_PURPOSE, url.strip().encode(), _url_aad(source))
    Source.objects.filter(pk=source.pk).update(sql_url_sealed=source.sql_url_sealed)


@transaction.atomic
def update_source(actor, source: Source, *, sql_url: str = "", **data) -> Source:
    source = Source.objects.select_for_update(of=("self",)).select_related("entry").get(pk=source.pk)
    require(actor, "aggregation.run", source)
    if source.voided_at is not None:
        raise Conflict("数据源已作废", code="source_voided")
    before = snapshot(source, SOURCE_FIELDS)
    merged = {f: getattr(source, f) for f in ("name", "kind", "policy", "mapping", "sql_query", "http_url", "http_records_path",
                                              "http_page_param", "http_size_param", "http_page_size", "schedule")}
    merged.update(data)
    fields = _clean_source(source.entry, merged)
    if fields["kind"] == SourceKind.SQL and (sql_url or not source.sql_url_sealed):
        source.sql_url_display = _check_sql_url(sql_url)
    for k, v in fields.items():
        setattr(source, k, v)
    if "schedule" in data:
        source.next_run_at = _next_run(source.schedule)
    source.save()
    if fields["kind"] == SourceKind.SQL and sql_url:
        _seal_url(source, sql_url)
    record(actor, "aggregation.source.update", source, before=before, after=snapshot(source, SOURCE_FIELDS))
    return source


@transaction.atomic
def void_source(actor, source: Source, reason: str) -> Source:
    source = Source.objects.select_for_update().get(pk=source.pk)
    require(actor, "aggregation.run", source)
    if source.voided_at is not None:
        raise Conflict("数据源已作废", code="source_voided")
    reason = clean_text(reason, "reason", "作废原因", 200)
    source.schedule, source.next_run_at = Schedule.NONE, None
    return stamp_void(actor, source, reason, "aggregation.source.void")


def _next_run(schedule: str, after: dt.datetime | None = None) -> dt.datetime | None:
    step = SCHEDULE_STEP.get(schedule)
    return (after or timezone.now()) + step if step else None


# --- jobs --------------------------------------------------------------------------------------------

def _enqueue(job: Job) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.run_job(job.pk))


def _usable_source(actor, source: Source) -> Source:
    require(actor, "aggregation.run", source)
    if source.voided_at is not None:
        raise Conflict("数据源已作废", code="source_voided")
    _usable_entry(source.entry)
    return source


def submit_upload(actor, source: Source, upload, *, enqueue: bool = True) -> tuple[Job, bool]:
    """Store an uploaded file and queue its job. ``(job, created)``: the same content for the same source,
    already queued, running or imported, returns that job (``created`` False) and imports nothing."""
    source = _usable_source(actor, source)
    if source.kind != SourceKind.UPLOAD:
        raise ValidationFailed("该数据源不是文件上传方式", code="not_upload_source", detail={"field": "file"})
    if upload is None:
        raise ValidationFailed("请选择要上传的文件", code="file_required", detail={"field": "file"})
    name = os.path.basename(getattr(upload, "name", "") or "")
    if not name.lower().endswith(FILE_TYPES):
        raise ValidationFailed("不支持的文件类型：请上传 CSV、XLSX、JSON 或 JSON Lines 文件", code="bad_file_type", detail={"field": "file"})
    limit = max_file_bytes()
    if upload.size > limit:
        raise FileTooLarge(f"文件大小 {_size_text(upload.size)} 超过上限 {_size_text(limit)}，请拆分后分批上传",
                           detail={"field": "file", "size": upload.size, "limit": limit})
    if upload.size == 0:
        raise ValidationFailed("文件为空", code="empty_file", detail={"field": "file"})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    checksum = digest.hexdigest()
    key = f"{source.public_id}:{checksum}"
    with transaction.atomic():
        Source.objects.select_for_update().filter(pk=source.pk).first()
        existing = (Job.objects.filter(source=source, idempotency_key=key)
                    .filter(state__in=[JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]).order_by("-id").first())
        if existing is not None:
            return existing, False
        job = Job(source=source, actor=actor, trigger="upload", file_name=name[:255], file_size=upload.size, checksum=checksum,
                  idempotency_key=key)
        job.upload.save(name, upload, save=False)
        job.save()
        record(actor, "aggregation.job.submit", job, after={"source": source.public_id, "file": name, "size": upload.size,
                                                             "checksum": checksum}, object_repr=source.name)
        if enqueue:
            _enqueue(job)
    return job, True


@transaction.atomic
def run_source(actor, source: Source, *, trigger: str = "manual", enqueue: bool = True) -> Job:
    """Queue a pull (SQL or HTTP). A pull already queued or running for the source is returned instead."""
    source = Source.objects.select_for_update(of=("self",)).select_related("entry").get(pk=source.pk)
    source = _usable_source(actor, source)
    if source.kind == SourceKind.UPLOAD:
        raise ValidationFailed("文件上传类数据源请上传文件", code="upload_source", detail={"field": "source"})
    running = source.jobs.filter(state__in=[JobState.QUEUED, JobState.RUNNING]).first()
    if running is not None:
        return running
    job = Job.objects.create(source=source, actor=actor, trigger=trigger)
    record(actor, "aggregation.job.submit", job, after={"source": source.public_id, "trigger": trigger}, object_repr=source.name)
    if enqueue:
        _enqueue(job)
    return job


def enqueue_due(actor, now: dt.datetime | None = None) -> int:
    """The scheduler: queue a pull for every source whose time has come and move its next run on."""
    now = now or timezone.now()
    n = 0
    for source in Source.objects.filter(voided_at__isnull=True, next_run_at__lte=now).exclude(schedule="").select_related("entry"):
        with transaction.atomic():
            Source.objects.filter(pk=source.pk).update(next_run_at=_next_run(source.schedule, now))
            try:
                run_source(actor, source, trigger="schedule")
                n += 1
            except DigiGovError:
                continue
    return n
