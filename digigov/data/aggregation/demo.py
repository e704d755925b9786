"""Demo city: 数据归集 as the plan reports it — 49.05 million records aggregated at full scale.

* About 60% of the entries the 需求目录 asks for (distinct entries of demands not rejected) get an
  upload source and 1–3 committed batches over the last 30 days, so K05 数据归集率 starts near 55–65%,
  not 100%. Every fifth aggregated entry also has a job with a few quarantined rows (check digits, code
  values, dates), and a few entries have an ``all_or_nothing`` job that was quarantined whole.
* Rows: ``round(49,050,000 × scale)`` in total, spread over the aggregated entries (weights vary 1:20):

      scale 1     49,050,000 rows      scale 0.05   2,452,500 rows (make run)
      scale 0.1    4,905,000 rows      scale 0.01     490,500 rows
      scale 0.001     49,050 rows (at least one row per aggregated entry)

  Rows go straight into each entry's ``dr_<pk>`` table (the tables, batches, lineage and mounts are
  exactly what the pipeline writes); values are generated per data item (type, length, format with valid
  check digits, code list). To keep a full-scale run in minutes, each table repeats a pool of at most
  2,000 generated value sets (personal values sealed once per pool row); non-personal key items get a
  unique value on every row.

The catalog demo (another generator) must run first; with an empty catalog or no demands this one
describes why and writes nothing. Deterministic for a seed (``ctx.rng``, ``ctx.public_id()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.db import connection
from django.utils import timezone

from digigov.core import pii, registry
from digigov.core.accounts.ids import resident_id_check_char, uscc_check_char
from digigov.core.rbac.system import system_account
from digigov.data.catalog.models import CatalogEntry, DataDemand, DemandStatus, MountedResource, MountKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, target_table_name

from .models import Batch, Job, JobState, Policy, QuarantineRow, Source, SourceKind
from .pipeline import target

REAL_CITY_RECORDS = 49_050_000
SHARE = 0.60
POOL = 2000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕斌宇浩凯健俊帆帅旭宁"
BAD_REASONS = [
    ("公民身份号码", "身份证号码校验码错误"),
    ("性别", "“男士”不在代码表“人的性别代码”中"),
    ("出生日期", "“1990-02-30”不是可识别的日期（如 2024-01-31、2024/1/31、20240131、2024年1月31日）"),
    ("手机号码", "手机号码应为以1开头的11位数字"),
]


def _value(item, rng, n: int, codes: dict, divisions: list[str]):
    t, fmt = item.data_type, item.format
    if t == "N":
        return rng.randint(0, 100000) / 100
    if t == "D":
        return dt.date(2024, 1, 1) - dt.timedelta(days=rng.randint(0, 365 * 60))
    if t == "T":
        return timezone.now() - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
    if t == "B":
        return rng.random() < 0.8
    if t == "BLOB":
        return b""
    if item.code_list_id and codes.get(item.code_list_id):
        return rng.choice(codes[item.code_list_id])
    if fmt == "resident_id":
        first17 = f"{rng.choice(divisions)[:6]}{1950 + rng.randint(0, 55)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        return first17 + resident_id_check_char(first17)
    if fmt == "uscc":
        first17 = f"91{rng.choice(divisions)[:6]}{''.join(rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY') for _ in range(9))}"
        return first17 + uscc_check_char(first17)
    if fmt == "phone":
        return f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
    if fmt == "division":
        return rng.choice(divisions)
    if fmt == "email":
        return f"user{n}@example.cn"
    if "姓名" in item.name:
        text = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    else:
        text = f"{item.name}{n}"
    return text[: item.length] if item.length else text


def _db(item, value, sealer, ops):
    if sealer is not None:
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        return sealer(str(value))
    if item.data_type == "D":
        return ops.adapt_datefield_value(value)
    if item.data_type == "T":
        return ops.adapt_datetimefield_value(value)
    if item.data_type == "N":
        return ops.adapt_decimalfield_value(value, 38, 10)
    return value


def _spread(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    counts = [max(1, math.floor(total * w / s)) for w in weights]
    counts[0] += max(0, total - sum(counts))
    return counts


def generate(ctx) -> None:
    rng = ctx.rng
    demanded = list(DataDemand.objects.filter(voided_at__isnull=True, entry__isnull=False).exclude(status=DemandStatus.REJECTED)
                    .values_list("entry_id", flat=True).distinct().order_by("entry_id"))
    if not demanded:
        ctx.describe("目录中没有对应条目的数据需求（需求目录为空），跳过数据归集示范数据")
        return
    entries = list(CatalogEntry.objects.filter(pk__in=demanded, voided_at__isnull=True, items__isnull=False).distinct()
                   .select_related("department").order_by("pk"))
    if not entries:
        ctx.describe("被需求的目录条目尚无信息项，跳过数据归集示范数据")
        return
    chosen = sorted(rng.sample(entries, max(1, round(len(entries) * SHARE))), key=lambda e: e.pk)
    users = ctx.shared.get("accounts", {}).get("demo_users", {})
    from digigov.core.accounts.models import User

    actor = User.objects.filter(pk=users.get("dataadmin")).first() or system_account()
    from digigov.core.org.models import Division

    divisions = list(Division.objects.filter(code__regex=r"^[0-9]{12}$").values_list("code", flat=True)[:200]) or ["210602000000"]
    total = max(len(chosen), round(REAL_CITY_RECORDS * ctx.scale))
    counts = _spread(total, [rng.uniform(1, 20) for _ in chosen])
    now = ctx.shared.get("now") or timezone.now()
    ops = connection.ops
    written = 0
    for index, (entry, rows) in enumerate(zip(chosen, counts)):
        items = list(entry.items.select_related("code_list").prefetch_related("code_list__values").order_by("seq"))
        codes = {i.code_list_id: [v.value for v in i.code_list.values.all()] for i in items if i.code_list_id}
        table = target_table_name(entry)
        created = target.ensure_target(table, items)
        sealers = {i.field_name: pii.BulkSealer(table, i.field_name) if i.personal else None for i in items}
        pool = [tuple(_db(i, _value(i, rng, n, codes, divisions), sealers[i.field_name], ops) for i in items)
                for n in range(min(POOL, rows))]
        unique = [k for k, i in enumerate(items) if i.is_key and not i.personal and i.data_type == "C" and not i.code_list_id]
        source = Source.objects.create(public_id=ctx.public_id(), entry=entry, name=f"{entry.name}（业务系统导出）"[:200], kind=SourceKind.UPLOAD,
                                       policy=Policy.COMMIT_GOOD, created_by=actor)
        n_batches = min(rows, rng.randint(1, 3))
        per_batch = _spread(rows, [1.0] * n_batches)
        row_no = 0
        for b, batch_rows in enumerate(per_batch):
            at = now - dt.timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 600))
            bad = rng.randint(1, 5) if index % 5 == 0 and b == 0 else 0
            checksum = hashlib.sha256(f"{ctx.seed}:{entry.pk}:{b}".encode()).hexdigest()
            job = Job.objects.create(public_id=ctx.public_id(), source=source, state=JobState.SUCCEEDED, trigger="upload",
                                     file_name=f"{entry.code}-{b + 1}.csv", file_size=batch_rows * 120, checksum=checksum,
                                     idempotency_key=f"{source.public_id}:{checksum}", bytes_read=batch_rows * 120,
                                     rows_read=batch_rows + bad, rows_ok=batch_rows, rows_bad=bad, started_at=at,
                                     finished_at=at + dt.timedelta(seconds=max(1, batch_rows // 20000)), actor=actor)
            batch = Batch.objects.create(public_id=ctx.public_id(), source=source, job=job, entry=entry, department=entry.department,
                                         target_table=table, rows=batch_rows, rows_bad=bad, checksum=checksum, committed_at=at,
                                         committed_by=actor)
            Job.objects.filter(pk=job.pk).update(created_at=at)
            if bad:
                QuarantineRow.objects.bulk_create([QuarantineRow(job=job, row_no=rng.randint(2, batch_rows + 1),
                                                                 raw={"说明": "示范数据"}, reasons=[{"field": "", "label": label, "message": msg}])
                                                   for label, msg in rng.sample(BAD_REASONS, min(bad, len(BAD_REASONS)))])
            q = ops.quote_name
            cols = [q(i.field_name) for i in items] + [q(BATCH_COLUMN), q(ROW_COLUMN)]
            sql = f"INSERT INTO {q(table)} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            chunk = []
            with connection.cursor() as cur:
                for _ in range(batch_rows):
                    row_no += 1
                    values = pool[row_no % len(pool)]
                    if unique:
                        values = list(values)
                        for k in unique:
                            length = items[k].length or 30
                            values[k] = f"{entry.pk:x}{row_no:09d}"[-length:]
                    chunk.append((*values, batch.pk, row_no + 1))
                    if len(chunk) >= ctx.batch_size:
                        cur.executemany(sql, chunk)
                        ctx.progress(len(chunk))
                        written += len(chunk)
                        chunk = []
                if chunk:
                    cur.executemany(sql, chunk)
                    ctx.progress(len(chunk))
                    written += len(chunk)
        mount = (MountedResource.objects.filter(entry=entry, kind=MountKind.TABLE, voided_at__isnull=True, table_name__in=[table, ""])
                 .order_by("-table_name").first())
        if mount is None:
            mount = MountedResource(public_id=ctx.public_id(), entry=entry, kind=MountKind.TABLE, name=f"{entry.name}（归集库表）"[:200],
                                    mounted_by=actor)
        mount.table_name = table
        mount.record_count = rows if created or mount.pk is None else mount.record_count + rows
        mount.save()
    # a few whole-batch quarantines (all-or-nothing sources with a bad row): nothing committed
    for entry in rng.sample(chosen, min(3, len(chosen))):
        source = Source.objects.create(public_id=ctx.public_id(), entry=entry, name=f"{entry.name}（补报）"[:200], kind=SourceKind.UPLOAD,
                                       policy=Policy.ALL_OR_NOTHING, created_by=actor)
        at = now - dt.timedelta(days=rng.randint(0, 10))
        job = Job.objects.create(public_id=ctx.public_id(), source=source, state=JobState.QUARANTINED, trigger="upload",
                                 file_name=f"{entry.code}-补报.csv", file_size=4000, rows_read=30, rows_ok=28, rows_bad=2,
                                 started_at=at, finished_at=at, actor=actor,
                                 error="发现 2 行错误数据；按“整批入库”策略，本批 30 行均未入库。请修正后重新上传")
        QuarantineRow.objects.bulk_create([QuarantineRow(job=job, row_no=rng.randint(2, 31), raw={"说明": "示范数据"},
                                                         reasons=[{"field": "", "label": label, "message": msg}])
                                           for label, msg in rng.sample(BAD_REASONS, 2)])
    ctx.rows += written
    ctx.describe(f"归集 {len(chosen)}/{len(entries)} 个被需求的目录条目，入库 {written:,} 行")


registry.register_demo("aggregation", generate, after=("catalog",))
