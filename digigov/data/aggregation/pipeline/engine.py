"""Run one job: read → standardise → stage → commit whole, or nothing.

1. The reader opens the input; its header is bound to the entry's data items (``SchemaMismatch`` before
   any row is staged).
2. Rows are standardised and written, ``CHUNK`` at a time, to a staging table ``dr_<pk>_stg_<job>``
   (good rows) and ``QuarantineRow`` (bad rows, each with its reasons), together with the job's progress,
   each chunk in its own short transaction: the job page shows the progress while the run goes on.
3. At the end, in ONE transaction: the batch (lineage) row, ``INSERT … SELECT`` from staging into the
   entry's table, the table mount and its record count, the job's final state and the audit entry;
   ``dataset_loaded`` is sent after that transaction commits. Policy ``all_or_nothing`` skips this step
   when any row was bad (the job ends ``quarantined``).
4. Whatever happens, the staging table is dropped. A source that fails mid-read (database gone, API
   timing out, undecodable bytes) fails the job; nothing it read reaches the target.

A retry of the same content does not import twice: ``Batch`` is unique per (source, SHA-256 of the
input); a second job with equal content ends ``succeeded`` naming the batch it duplicates.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.data.catalog.models import MountedResource, MountKind
from digigov.data.catalog.signals import dataset_loaded
from digigov.data.catalog.tables import target_table_name

from ..models import Batch, Job, JobState, Policy, QuarantineRow, SourceKind
from . import PipelineError, readers, target
from .standardise import Standardiser, clean_text

log = logging.getLogger("digigov.aggregation")
CHUNK = 5000
RAW_VALUE_LIMIT = 500


def mask(value: str) -> str:
    """What the quarantine report keeps of a personal value: enough to find the row, not the value."""
    if len(value) <= 4:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def open_reader(job: Job) -> readers.Reader:
    source = job.source
    if source.kind == SourceKind.UPLOAD:
        if not job.upload:
            raise PipelineError("任务没有上传文件", code="no_file")
        return readers.open_file(job.upload.path, job.file_name)
    if source.kind == SourceKind.SQL:
        from ..actions import source_url

        return readers.SqlReader(source_url(source), source.sql_query)
    return readers.HttpReader(source.http_url, source.http_records_path, source.http_page_param, source.http_size_param,
                              source.http_page_size)


def _progress(job: Job, **fields) -> None:
    for k, v in fields.items():
        setattr(job, k, v)
    Job.objects.filter(pk=job.pk).update(**fields)


def _finish(job: Job, state: str, error: str = "", **extra) -> Job:
    job.state, job.error, job.finished_at = state, error, timezone.now()
    for k, v in extra.items():
        setattr(job, k, v)
    Job.objects.filter(pk=job.pk).update(state=state, error=error, finished_at=job.finished_at, **extra)
    return job


def _fail(job: Job, message: str, code: str) -> Job:
    with transaction.atomic():
        _finish(job, JobState.FAILED, message)
        record(job.actor, "aggregation.job.fail", job, after={"state": JobState.FAILED, "code": code, "error": message,
                                                               "rows_read": job.rows_read}, object_repr=str(job.source))
    return job


def run(job_id: int, *, reader: readers.Reader | None = None) -> Job | None:
    """Run a queued job to its end (``reader``: tests and the benchmark may hand one in)."""
    job = Job.objects.select_related("source__entry__department", "actor").filter(pk=job_id).first()
    if job is None or job.state != JobState.QUEUED:
        return job
    if not Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(state=JobState.RUNNING, started_at=timezone.now()):
        return job  # another worker took it
    job.state = JobState.RUNNING
    source = job.source
    entry = source.entry
    table = target_table_name(entry)
    staging = f"{table}_stg_{job.pk}"
    items = list(entry.items.select_related("code_list").prefetch_related("code_list__values").order_by("seq"))
    if not items:
        return _fail(job, "目录条目尚未定义信息项，无法归集", "no_items")
    personal = {i.field_name for i in items if i.personal}
    staged = False
    try:
        if reader is None:
            reader = open_reader(job)
        std = Standardiser(items, source.mapping, table)
        records = reader.columns is None
        if not records:
            std.bind(reader.columns)
        hasher = hashlib.sha256() if not job.checksum else None
        target.create_staging(staging, items)
        staged = True
        good: list[tuple] = []
        bad: list[QuarantineRow] = []
        counts = {"rows_read": 0, "rows_ok": 0, "rows_bad": 0}

        def flush():
            with transaction.atomic():
                target.insert_staging(staging, items, good)
                QuarantineRow.objects.bulk_create(bad)
                _progress(job, bytes_read=reader.bytes_read, **counts)
            good.clear()
            bad.clear()

        for raw in reader:
            counts["rows_read"] += 1
            if hasher is not None:
                hasher.update(json.dumps(raw.values, ensure_ascii=False, sort_keys=True, default=str).encode())
                hasher.update(b"\n")
            if raw.values is not None and records:
                std.bind(list(raw.values.keys()), records=True)
                records = False
            if raw.error:
                reasons = [{"field": "", "label": "", "message": raw.error}]
            else:
                values, reasons = std.convert(raw.values)
                if not reasons:
                    good.append((*values, raw.row_no))
                    counts["rows_ok"] += 1
            if reasons:
                counts["rows_bad"] += 1
                kept = {}
                for k, v in (raw.values or {}).items():
                    text = clean_text(v)[:RAW_VALUE_LIMIT]
                    field = std.columns[idx].field_name if (idx := std.column_of(k)) is not None else ""
                    kept[str(k)] = mask(text) if field in personal and text else text
                bad.append(QuarantineRow(job=job, row_no=raw.row_no, raw=kept, reasons=reasons))
            if len(good) + len(bad) >= CHUNK:
                flush()
        flush()
        checksum = job.checksum or hasher.hexdigest()
        if checksum != job.checksum:
            _progress(job, checksum=checksum)
        return _conclude(job, items, table, staging, personal)
    except PipelineError as exc:
        return _fail(job, exc.message, exc.code)
    except Exception:  # noqa: BLE001 — a job never leaves a 500 or a half batch behind
        log.exception("aggregation job %s failed", job.pk)
        return _fail(job, "归集过程中发生内部错误，未写入任何数据；请联系管理员", "internal_error")
    finally:
        if reader is not None:
            reader.close()
        if staged:
            try:
                target.drop(staging)
            except Exception:  # noqa: BLE001
                log.exception("could not drop staging table %s", staging)


def _conclude(job: Job, items, table: str, staging: str, personal: set[str]) -> Job:
    source, entry = job.source, job.source.entry
    if job.rows_bad and source.policy == Policy.ALL_OR_NOTHING:
        message = f"发现 {job.rows_bad} 行错误数据；按“整批入库”策略，本批 {job.rows_read} 行均未入库。请修正后重新上传"
        return _quarantine(job, message)
    if not job.rows_ok:
        if job.rows_bad:
            return _quarantine(job, f"全部 {job.rows_bad} 行均有错误，未入库")
        return _fail(job, "没有读取到任何数据行", "no_rows")
    try:
        with transaction.atomic():
            previous = Batch.objects.filter(source=source, checksum=job.checksum).first()
            if previous is not None:
                return _duplicate(job, previous)
            created = target.ensure_target(table, items)
            batch = Batch.objects.create(source=source, job=job, entry=entry, department=entry.department, target_table=table,
                                         rows=job.rows_ok, rows_bad=job.rows_bad, checksum=job.checksum,
                                         committed_at=timezone.now(), committed_by=job.actor)
            moved = target.move(staging, table, items, batch.pk)
            if moved != job.rows_ok and moved >= 0:
                raise PipelineError("入库行数与校验通过的行数不一致，已整体回退", code="row_count_mismatch")
            mount = _mount(job, table, moved, created)
            _finish(job, JobState.SUCCEEDED)
            record(job.actor, "aggregation.job.commit", batch, after={
                "entry": entry.code, "table": table, "rows": moved, "rows_bad": job.rows_bad, "checksum": job.checksum,
                "job": job.public_id}, object_repr=f"{entry.name} · {table}")
            transaction.on_commit(lambda: _announce(entry, mount, batch.pk, moved))
            from digigov.core.kpi.actions import recompute_after_commit

            recompute_after_commit("K05")
            return job
    except IntegrityError:
        previous = Batch.objects.filter(source=source, checksum=job.checksum).first()
        if previous is None:
            raise
        return _duplicate(job, previous)


def _announce(entry, mount, batch_id: int, rows: int) -> None:
    try:
        dataset_loaded.send(sender=Batch, entry=entry, mount=mount, batch_id=batch_id, rows=rows)
    except Exception:  # noqa: BLE001 — receivers must not undo a committed batch
        log.exception("dataset_loaded receiver failed for batch %s", batch_id)


def _duplicate(job: Job, previous: Batch) -> Job:
    when = timezone.localtime(previous.committed_at).strftime("%Y-%m-%d %H:%M")
    _finish(job, JobState.SUCCEEDED, f"内容与 {when} 入库的批次相同（校验值一致），未重复导入", duplicate_of=previous)
    return job


def _quarantine(job: Job, message: str) -> Job:
    with transaction.atomic():
        _finish(job, JobState.QUARANTINED, message)
        record(job.actor, "aggregation.job.quarantine", job, after={"state": JobState.QUARANTINED, "rows_read": job.rows_read,
                                                                     "rows_bad": job.rows_bad}, object_repr=str(job.source))
    return job


def _mount(job: Job, table: str, rows: int, created: bool) -> MountedResource:
    entry = job.source.entry
    mount = (MountedResource.objects.select_for_update().filter(entry=entry, kind=MountKind.TABLE, voided_at__isnull=True, table_name=table).first()
             or MountedResource.objects.select_for_update().filter(entry=entry, kind=MountKind.TABLE, voided_at__isnull=True, table_name="").first())
    if mount is None:
        mount = MountedResource(entry=entry, kind=MountKind.TABLE, name=f"{entry.name}（归集库表）"[:200], mounted_by=job.actor)
    mount.table_name = table
    mount.record_count = rows if created or mount.pk is None else mount.record_count + rows
    mount.save()
    return mount
