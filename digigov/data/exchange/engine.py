"""Running one delivery (``ExchangeRun``): read the provider's table in keyset batches, keep the allowed
fields, mask, and write into the consumer's 前置库 table or a file — then meter it and append an access record.

* Reading: ``SELECT … WHERE (_batch_id, _row_no) > mark ORDER BY _batch_id, _row_no LIMIT n`` per batch
  (the source's own order; page N costs what page 1 costs; memory is one batch whatever the table's size).
  Personal columns hold ``pii.seal_text`` blobs under the source table's name and are unsealed here.
* Masking (the gateway's rule for a subscription): a field is delivered only if the subscription approves
  it and it is not 核心数据; a personal item (个人信息/敏感个人信息) is masked with
  ``grading.policy.mask_value`` (``2106**********1234`` style) unless the subscription approves it in clear;
  other items go in clear.
* Writing: the table delivery creates ``qz_<job pk>`` from the entry's items (masked values as text,
  personal values in clear sealed again under the target table's name, the rest with the aggregation's
  column types) plus the source keys; full mode empties it first, incremental appends after the job's
  high-water mark and moves the mark. Everything of one attempt runs in one transaction: a failure leaves
  the target, the mark and the meters as they were. A file delivery writes ``<run>.part`` and renames it on success.
* Failure: the attempt is counted (meter ``errors``, an access record with status 500 and a Chinese reason);
  the run waits ``RETRY_BASE_SECONDS × 2^(attempts-1)`` and is tried again by the retry pump, until
  ``max_attempts`` failures make it a dead letter. A failure that retrying cannot mend (the subscription
  ended, fields no longer approved) is a dead letter at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from digigov.core import pii
from digigov.data.aggregation.pipeline.target import field_for
from digigov.data.catalog.models import MountedResource, MountKind, PersonalKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, keyset_batches, table_columns, unseal
from digigov.data.grading import policy
from digigov.data.sharing.models import AppStatus, SubscriptionStatus, UsageKind

from . import accesslog
from .models import Delivery, ExchangeJob, ExchangeRun, RunKind, RunStatus, SyncMode

log = logging.getLogger("digigov.exchange")

RETRY_BASE_SECONDS = 60
TARGET_PREFIX = "qz_"
NODE = "exchange"


class DeliveryError(Exception):
    """A run's failure with its Chinese reason (shown to users; never data or internals). ``permanent``:
    retrying cannot help, the run is a dead letter at once."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message, self.permanent = message, permanent


@dataclass(frozen=True)
class Column:
    item: object
    clear: bool

    @property
    def name(self) -> str:
        return self.item.field_name

    @property
    def personal(self) -> bool:
        return self.item.personal >= PersonalKind.PERSONAL


def plan_columns(entry, items, fields, clear_fields) -> tuple[list[Column], object]:
    """The delivered columns in item order and the row masker: ``grading.policy.subscription_masker``, the
    gateway's rule (core items left out; personal items masked unless approved in clear)."""
    items = list(items)
    allowed = set(fields or ())
    masker = policy.subscription_masker(entry, items, [i.field_name for i in items if i.field_name in allowed], clear_fields or ())
    masked = set(masker.masked)
    return [Column(i, i.field_name not in masked) for i in masker.columns], masker


def mask_row(masker, values: dict) -> dict:
    """The masked row; a missing value stays NULL (the masker writes "" for it, which a typed column refuses)."""
    out = masker(values)
    for k, v in values.items():
        if v is None and k in out:
            out[k] = None
    return out


def target_table_for(job: ExchangeJob) -> str:
    if not isinstance(job.pk, int) or job.pk <= 0:
        raise ValueError("交换任务尚未保存")
    return f"{TARGET_PREFIX}{job.pk}"


def storage_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exchange"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(run: ExchangeRun) -> Path:
    return storage_dir() / run.file_name


# --- reading ------------------------------------------------------------------------------------------
def source_mount(entry) -> MountedResource:
    mount = (MountedResource.objects.filter(entry=entry, kind=MountKind.TABLE, voided_at__isnull=True).exclude(table_name="")
             .order_by("-mounted_at", "-id").first())
    if mount is None:
        raise DeliveryError("该目录条目没有挂载库表资源，无法交换", permanent=True)
    return mount


def read_batches(table: str, columns: list[Column], *, after: tuple[int, int] = (0, 0), batch_size: int = 5000,
                 division: tuple[str, str] | None = None):
    """Yield lists of ``(batch_id, row_no, {field: clear value})`` after ``after`` in keyset order.
    ``division``: (field, code prefix) keeps only rows whose division code starts with the prefix."""
    existing = table_columns(table)
    if existing is None:
        raise DeliveryError("提供部门的数据表尚未归集或已不存在，稍后将自动重试")
    if not {BATCH_COLUMN, ROW_COLUMN} <= existing:
        raise DeliveryError("提供部门的数据表缺少系统列，无法交换", permanent=True)
    present = [c for c in columns if c.name in existing]
    where, params = "", ()
    if division is not None:
        field, prefix = division
        if field not in existing:
            raise DeliveryError("数据表中没有所选的区划信息项", permanent=True)
        where, params = f"{connection.ops.quote_name(field)} LIKE %s", (prefix.replace("%", "").replace("_", "") + "%",)
    for raw in keyset_batches(table, [c.name for c in present], after=after, batch_size=batch_size, where=where, params=params):
        out = []
        for r in raw:
            values = {}
            for c, v in zip(present, r[2:]):
                # a personal value that does not decrypt is not delivered; other binary values neither
                v = unseal(table, c.name, v, undecryptable=None) if c.personal else v
                values[c.name] = None if isinstance(v, (bytes, bytearray, memoryview)) else v
            out.append((r[0], r[1], values))
        yield out


# --- writing ------------------------------------------------------------------------------------------
def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral() else format(v, "f")
    return str(v)


def _json_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v
    return _text(v)


class _Digest:
    def __init__(self):
        self._h = hashes.Hash(hashes.SM3())
        self.bytes = 0

    def update(self, data: bytes) -> None:
        self._h.update(data)
        self.bytes += len(data)

    def hexdigest(self) -> str:
        return self._h.finalize().hex()


class TableWriter:
    """The consumer's 前置库 table ``qz_<job pk>``."""

    def __init__(self, table: str, columns: list[Column], *, full: bool):
        self.table, self.columns = table, columns
        self.digest = _Digest()
        self.sealers = {c.name: pii.BulkSealer(table, c.name) for c in columns if c.personal and c.clear}
        self._ensure(full)
        qn = connection.ops.quote_name
        names = [BATCH_COLUMN, ROW_COLUMN, *(c.name for c in columns)]
        self.sql = f"INSERT INTO {qn(table)} ({', '.join(qn(n) for n in names)}) VALUES ({', '.join(['%s'] * len(names))})"

    def _db_type(self, c: Column) -> str:
        if c.personal and c.clear:
            return models.BinaryField().db_type(connection)
        if not c.clear or c.item.data_type == "BLOB":
            return models.TextField().db_type(connection)
        return field_for(c.item).db_type(connection)

    def _ensure(self, full: bool) -> None:
        qn = connection.ops.quote_name
        big = models.BigIntegerField().db_type(connection)
        existing = table_columns(self.table)
        with connection.cursor() as cur:
            if existing is not None and full:
                cur.execute(f"DROP TABLE {qn(self.table)}")
                existing = None
            if existing is None:
                cols = [f"{qn(BATCH_COLUMN)} {big} NOT NULL", f"{qn(ROW_COLUMN)} {big} NOT NULL",
                        *(f"{qn(c.name)} {self._db_type(c)} NULL" for c in self.columns)]
                cur.execute(f"CREATE TABLE {qn(self.table)} ({', '.join(cols)})")
                cur.execute(f"CREATE UNIQUE INDEX {qn(self.table + '_key')} ON {qn(self.table)} ({qn(BATCH_COLUMN)}, {qn(ROW_COLUMN)})")
            else:
                for c in self.columns:
                    if c.name not in existing:
                        cur.execute(f"ALTER TABLE {qn(self.table)} ADD COLUMN {qn(c.name)} {self._db_type(c)} NULL")

    def write(self, rows: list[tuple[int, int, dict]]) -> None:
        values = []
        for batch, row, data in rows:
            out = [batch, row]
            for c in self.columns:
                v = data.get(c.name)
                if c.name in self.sealers:
                    v = self.sealers[c.name](_text(v)) if v not in (None, "") else None
                elif not c.clear and v is not None:
                    v = str(v)
                out.append(v)
            values.append(out)
            self.digest.update(json.dumps([batch, row, *(_text(data.get(c.name)) for c in self.columns)], ensure_ascii=False).encode())
        with connection.cursor() as cur:
            cur.executemany(self.sql, values)

    def finish(self) -> None:
        pass

    def abort(self) -> None:
        pass


class FileWriter:
    """A CSV (UTF-8 with BOM, header = field names) or JSON Lines file, written to ``<name>.part`` and renamed."""

    def __init__(self, path: Path, columns: list[Column], kind: str):
        self.path, self.columns, self.kind = path, columns, kind
        self.part = path.with_name(path.name + ".part")
        self.digest = _Digest()
        self.fh = open(self.part, "wb")
        if kind == Delivery.CSV:
            self._emit("\ufeff" + self._csv_line([c.name for c in columns]))

    def _csv_line(self, values) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(values)
        return buf.getvalue()

    def _emit(self, text: str) -> None:
        data = text.encode("utf-8")
        self.digest.update(data)
        self.fh.write(data)

    def write(self, rows: list[tuple[int, int, dict]]) -> None:
        if self.kind == Delivery.CSV:
            self._emit("".join(self._csv_line([_text(d.get(c.name)) for c in self.columns]) for _b, _r, d in rows))
        else:
            self._emit("".join(json.dumps({c.name: _json_value(d.get(c.name)) for c in self.columns}, ensure_ascii=False) + "\n"
                               for _b, _r, d in rows))

    def finish(self) -> None:
        self.fh.close()
        os.replace(self.part, self.path)

    def abort(self) -> None:
        self.fh.close()
        self.part.unlink(missing_ok=True)


# --- one run ------------------------------------------------------------------------------------------
def _check_subscription(job: ExchangeJob, today: dt.date):
    sub = job.subscription
    if sub.status != SubscriptionStatus.ACTIVE or sub.app.status != AppStatus.ACTIVE:
        raise DeliveryError("共享授权或调用应用已暂停或撤销，交换任务不再执行", permanent=True)
    if sub.valid_from > today or (sub.valid_until is not None and sub.valid_until < today):
        raise DeliveryError("共享授权不在有效期内", permanent=True)
    if sub.entry_id != job.entry_id:
        raise DeliveryError("共享授权与交换任务的目录条目不一致", permanent=True)
    return sub


def _deliver_job(run: ExchangeRun, job: ExchangeJob) -> tuple[int, int, str, list[Column], int]:
    today = timezone.localdate()
    sub = _check_subscription(job, today)
    mount = source_mount(job.entry)
    items = list(job.entry.items.order_by("seq"))
    columns, masker = plan_columns(job.entry, items, sub.fields, sub.clear_fields)
    if not columns:
        raise DeliveryError("共享授权中没有可交付的信息项", permanent=True)
    full = job.mode == SyncMode.FULL
    after = (0, 0) if full else (job.mark_batch, job.mark_row)
    if job.delivery == Delivery.TABLE:
        if not job.target_table:
            job.target_table = target_table_for(job)
        writer = TableWriter(job.target_table, columns, full=full)
    else:
        run.file_name = f"{run.public_id}.{job.delivery}"
        writer = FileWriter(file_path(run), columns, job.delivery)
    rows, last = 0, after
    try:
        for batch in read_batches(mount.table_name, columns, after=after, batch_size=job.batch_size):
            writer.write([(b, r, mask_row(masker, values)) for b, r, values in batch])
            rows += len(batch)
            last = (batch[-1][0], batch[-1][1])
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    job.mark_batch, job.mark_row = last
    return rows, writer.digest.bytes, writer.digest.hexdigest(), columns, mount.pk


def _deliver_return(run: ExchangeRun) -> tuple[int, int, str, list[Column], int]:
    task = run.return_task
    mount = source_mount(task.entry)
    items = list(task.entry.items.order_by("seq"))
    columns, masker = plan_columns(task.entry, items, task.fields, task.clear_fields)
    if not columns:
        raise DeliveryError("回流任务中没有可交付的信息项", permanent=True)
    division = run.receiver.division
    run.file_name = f"{run.public_id}.csv"
    writer = FileWriter(file_path(run), columns, Delivery.CSV)
    rows = 0
    try:
        for batch in read_batches(mount.table_name, columns, division=(task.division_field, division.prefix)):
            writer.write([(b, r, mask_row(masker, values)) for b, r, values in batch])
            rows += len(batch)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return rows, writer.digest.bytes, writer.digest.hexdigest(), columns, mount.pk


def _claim(run_id: int) -> bool:
    return bool(ExchangeRun.objects.filter(pk=run_id, status__in=(RunStatus.QUEUED, RunStatus.RETRYING))
                .update(status=RunStatus.RUNNING, started_at=timezone.now()))


def _meter_and_log(run: ExchangeRun, *, ok: bool, rows: int, nbytes: int, digest: str, columns, resource_id: int, code: str,
                   duration_us: int) -> None:
    job = run.job
    kind = UsageKind.EXCHANGE if run.kind == RunKind.EXCHANGE else UsageKind.RETURN
    app = job.subscription.app if job else None
    accesslog.record_run(
        kind=kind, app_ref=app.pk if app else 0, consumer_id=run.receiver_id if job else None, provider_id=run.provider_id,
        entry_id=run.entry_id, resource_ref=resource_id, ok=ok, rows=rows, nbytes=nbytes,
        record={"app_id": app.pk if app else None, "app_key": app.app_key if app else "", "consumer_id": run.receiver_id,
                "provider_id": run.provider_id, "entry_id": run.entry_id, "resource_id": resource_id or None, "method": "SYNC",
                "path": f"/exchange/runs/{run.public_id}", "purpose": (job.subscription.purpose if job else run.return_task.name)[:200],
                "status": 200 if ok else 500, "code": code, "rows": rows if ok else 0,
                "fields": ",".join(c.name for c in columns)[:1000] if ok else "", "response_hash": digest if ok else "",
                "duration_us": min(duration_us, 2**31 - 1), "node": NODE, "request_id": run.public_id[:32]})


def execute(run_id: int) -> ExchangeRun | None:
    """Run one attempt of a queued or retrying run (a run another worker holds is left alone)."""
    if not _claim(run_id):
        return ExchangeRun.objects.filter(pk=run_id).first()
    run = ExchangeRun.objects.select_related("job__subscription__app", "job__entry", "return_task__entry", "receiver__division").get(pk=run_id)
    run.attempts += 1
    started = time.perf_counter()
    try:
        with transaction.atomic():
            job = None
            if run.job_id:
                job = ExchangeJob.objects.select_for_update().select_related("subscription__app", "entry").get(pk=run.job_id)
                run.job = job
                rows, nbytes, digest, columns, resource_id = _deliver_job(run, job)
                job.last_run_at = timezone.now()
                job.save(update_fields=["mark_batch", "mark_row", "target_table", "last_run_at", "updated_at"])
            else:
                rows, nbytes, digest, columns, resource_id = _deliver_return(run)
            run.status, run.rows, run.bytes, run.file_sha, run.error = RunStatus.SUCCEEDED, rows, nbytes, digest, ""
            run.next_attempt_at, run.finished_at = None, timezone.now()
            run.save(update_fields=["status", "rows", "bytes", "file_sha", "file_name", "error", "attempts", "next_attempt_at",
                                    "finished_at", "updated_at"])
            _meter_and_log(run, ok=True, rows=rows, nbytes=nbytes, digest=digest, columns=columns, resource_id=resource_id,
                           code="ok", duration_us=int((time.perf_counter() - started) * 1e6))
        return run
    except DeliveryError as exc:
        return _failed(run, exc.message, permanent=exc.permanent, started=started)
    except DatabaseError:
        log.exception("exchange run %s failed (database)", run.public_id)
        return _failed(run, "交换时数据库出错，稍后将自动重试", permanent=False, started=started)
    except OSError:
        log.exception("exchange run %s failed (storage)", run.public_id)
        return _failed(run, "写入交换文件失败，稍后将自动重试", permanent=False, started=started)


def _failed(run: ExchangeRun, message: str, *, permanent: bool, started: float) -> ExchangeRun:
    max_attempts = run.job.max_attempts if run.job_id else 3
    with transaction.atomic():
        run.error = message[:500]
        run.finished_at = timezone.now()
        if run.file_name:
            file_path(run).unlink(missing_ok=True)
        run.file_name, run.rows, run.bytes, run.file_sha = "", 0, 0, ""
        if permanent or run.attempts >= max_attempts:
            run.status, run.next_attempt_at = RunStatus.DEAD, None
        else:
            run.status = RunStatus.RETRYING
            run.next_attempt_at = timezone.now() + dt.timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (run.attempts - 1))
        run.save(update_fields=["status", "attempts", "error", "finished_at", "file_name", "rows", "bytes", "file_sha",
                                "next_attempt_at", "updated_at"])
        resource = MountedResource.objects.filter(entry_id=run.entry_id, kind=MountKind.TABLE, voided_at__isnull=True).values_list("pk", flat=True).first()
        _meter_and_log(run, ok=False, rows=0, nbytes=0, digest="", columns=[], resource_id=resource or 0,
                       code="dead_letter" if run.status == RunStatus.DEAD else "failed",
                       duration_us=int((time.perf_counter() - started) * 1e6))
    return run
