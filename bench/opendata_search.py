"""Benchmark: the open-data portal's search (``opendata.search.search`` on the full-text index) against a
LIKE scan over the same public datasets, at 100,000 open datasets.

    .venv/bin/python bench/opendata_search.py [--n 100000] [--repeat 5]

1. A fresh SQLite database in a temporary directory (``scratch_database``), migrated.
2. The org and catalog demo generators, then copies of those entries until the catalog holds N
   (``catalog_search._fill``: new codes, names suffixed with a year and a county). Every entry is made
   published and 无条件开放, and one ``OpenDataset`` per entry is bulk-created (a benchmark fixture: the
   privacy check is not what is measured); ``opendata.search.reindex`` builds the index (time printed).
3. Each query runs ``repeat`` times through ``search`` (first page of 20, ranked, re-read through
   ``public_datasets``) and through a LIKE scan (name/abstract ``LIKE '%q%'``, newest first, the same
   page), both in this run; p50/p95 of each and ``ratio`` = LIKE p95 / search p95 are printed.
   Goal: search p95 < 50 ms at 100,000 datasets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _common import scratch_database

QUERIES = ("人口", "企业登记", "学校", "公交", "不动产登记", "营业执照", "公积金", "医疗机构", "婚姻登记", "机动车", "最低生活保障",
           "排污许可", "养老保险", "空气质量", "旅游景区")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="open datasets (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (default 5)")
    args = parser.parse_args()
    with scratch_database("digigov-bench-opendata-"):
        return run(args)


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def like_search(q: str, limit: int = 20):
    from django.db.models import Q

    from digigov.data.opendata.selectors import public_datasets

    qs = public_datasets().filter(Q(entry__name__icontains=q) | Q(entry__abstract__icontains=q)).order_by("-opened_at", "-id")
    return list(qs[:limit])


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from catalog_search import _fill

    from digigov.core.rbac.system import system_account
    from digigov.data.catalog.models import CatalogEntry
    from digigov.data.opendata import search
    from digigov.data.opendata.models import OpenDataset

    started = time.perf_counter()
    _fill(args.n)
    CatalogEntry.objects.update(status="published", open_type="unconditional", voided_at=None)
    actor, now = system_account(), timezone.now()
    batch = []
    for pk, code in CatalogEntry.objects.order_by("pk").values_list("pk", "code").iterator(chunk_size=5000):
        batch.append(OpenDataset(entry_id=pk, name=f"ds-{pk}", keywords=[], opened_at=now, opened_by=actor))
        if len(batch) >= 5000:
            OpenDataset.objects.bulk_create(batch)
            batch = []
    OpenDataset.objects.bulk_create(batch)
    print(f"开放数据集 {OpenDataset.objects.count():,} 个，生成用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    started = time.perf_counter()
    indexed = search.reindex()
    print(f"建立检索索引 {indexed:,} 条，用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    fts, like, hits = [], [], []
    for q in QUERIES:
        search.search(q)
        like_search(q)
        for _ in range(args.repeat):
            t = time.perf_counter()
            rows, _cursor = search.search(q)
            fts.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            like_search(q)
            like.append((time.perf_counter() - t) * 1000)
        hits.append(len(rows))
    p50, p95 = statistics.median(fts), _pct(fts, 0.95)
    l50, l95 = statistics.median(like), _pct(like, 0.95)
    print(f"search p50 {p50:.1f} ms  p95 {p95:.1f} ms | LIKE p50 {l50:.1f} ms  p95 {l95:.1f} ms | ratio (LIKE p95 / search p95) {l95 / p95:.1f} | "
          f"首页命中 {min(hits)}–{max(hits)} 条")
    ok = p95 < 50
    print("目标（10 万个数据集时 p95 < 50 ms）：" + ("达到" if ok else "未达到"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
