"""Benchmark: aggregating a CSV through the pipeline against a plain bulk insert of the same rows.

    .venv/bin/python bench/aggregate.py [--rows 1000000] [--keep]

1. Creates a fresh SQLite database in a temporary directory (DATABASE_URL and DIGIGOV_VAR_DIR are set
   before Django starts) and migrates it; one catalog entry with the seven data items of
   ``digigov.data.aggregation.testing.ITEMS`` (name and ID number personal, ID check digits, a code list,
   a date, an amount, a phone number, a flag).
2. Writes a CSV of N valid rows (about 1 in 1,000 with a wrong ID check digit, quarantined).
3. Pipeline: ``actions.submit_upload`` (stores the file, SHA-256) + ``engine.run`` — sniffing, per-item
   standardisation and validation, sealing of the personal values (SM4-GCM), staging in chunks with
   progress, one-transaction INSERT … SELECT into ``dr_<pk>``, batch lineage, mount, audit entry.
4. Plain: the same CSV read with ``csv.reader`` and ``executemany`` into a table of the same columns in one
   transaction (no validation, no sealing, no lineage).
Prints rows/s of both and ``ratio`` = pipeline / plain (goal ≥ 0.3). ``--no-personal`` marks no item as
personal (nothing sealed): the cost of standardisation, staging and lineage alone.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the CSV (default 1,000,000)")
    parser.add_argument("--no-personal", action="store_true", help="no personal items (nothing sealed)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    os.environ.pop("DIGIGOV_MASTER_KEY", None)
    with scratch_database("digigov-bench-aggregate-", keep=args.keep) as tmp:
        return run(args, tmp)


def run(args, tmp: str) -> int:
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection, transaction

    from digigov.core.testing import City, make_user
    from digigov.data.aggregation import actions
    from digigov.data.aggregation.models import Batch
    from digigov.data.aggregation.pipeline import engine
    from digigov.data.aggregation.testing import HEADER, ITEMS, good_row, make_entry

    assert connection.vendor == "sqlite", "the benchmark runs on a temporary SQLite database"
    call_command("migrate", verbosity=0)
    city = City()
    admin = make_user("data_admin", department=city.bureau)
    items = [(*i[:7], 0) for i in ITEMS] if args.no_personal else ITEMS
    entry = make_entry(city.bureau, items=items)
    print(f"信息项：{len(items)} 个，其中个人信息（加密存储）{sum(1 for i in items if i[7])} 个")
    path = os.path.join(tmp, "bench.csv")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(1, args.rows + 1):
            row = good_row(i)
            if i % 1000 == 0:
                row[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")
            w.writerow(row)
    size = os.path.getsize(path)
    print(f"CSV：{args.rows:,} 行，{size / 1024 / 1024:.1f} MB")

    # --- pipeline ---
    source = actions.create_source(admin, entry=entry, name="基准测试", kind="upload")
    started = time.perf_counter()
    with open(path, "rb") as fh:
        job, _ = actions.submit_upload(admin, source, File(fh, name="bench.csv"), enqueue=False)
    engine.run(job.pk)
    pipeline_s = time.perf_counter() - started
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    batch = Batch.objects.get(job=job)
    pipeline_rps = args.rows / pipeline_s
    print(f"pipeline: {pipeline_rps:,.0f} rows/s（{pipeline_s:.1f} s；入库 {batch.rows:,} 行，隔离 {job.rows_bad:,} 行）")

    # --- plain bulk insert of the same rows ---
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE bench_plain ({', '.join(f'{q(c)} text' for c in HEADER)})")
    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as fh, transaction.atomic(), connection.cursor() as cur:
        reader = csv.reader(fh)
        next(reader)
        sql = f"INSERT INTO bench_plain VALUES ({', '.join(['%s'] * len(HEADER))})"
        chunk = []
        for row in reader:
            chunk.append(row)
            if len(chunk) >= 5000:
                cur.executemany(sql, chunk)
                chunk = []
        if chunk:
            cur.executemany(sql, chunk)
    plain_s = time.perf_counter() - started
    plain_rps = args.rows / plain_s
    print(f"plain:    {plain_rps:,.0f} rows/s（{plain_s:.1f} s）")
    print(f"ratio:    {pipeline_rps / plain_rps:.2f}（目标 ≥ 0.3）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
