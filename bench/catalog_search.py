"""Benchmark: catalog search (``search_entries`` on the full-text index) against a plain LIKE scan.

    .venv/bin/python bench/catalog_search.py [--n 100000] [--repeat 5]

1. Creates a fresh SQLite database in a temporary directory (``scratch_database``) and migrates it.
2. Runs the org generator and the catalog demo generator (the real city's 4,668 entries with their
   data items), then copies those entries, with their items, until the catalog holds N entries: each
   copy gets a new code and a name suffix (a year and a county), so names stay realistic and distinct.
   The index is then rebuilt with ``index.reindex_entries`` (the production path; time printed).
3. For a city-wide viewer and a department data admin (scoped: the published catalog plus its own
   unpublished entries), each realistic query runs ``repeat`` times through ``search_entries`` (first
   page of 20, ranked) and through the former body of it (``LIKE '%q%'`` over name, abstract and code,
   ordered by code, same scoping); p50 and p95 over all runs are printed with ``speedup`` = LIKE p50 /
   search p50. Goal: search p95 < 50 ms at 100,000 entries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _common import scratch_database

QUERIES = ("人口", "企业登记", "社保参保", "不动产登记", "出生医学证明", "营业执照", "公积金", "统一社会信用代码", "婚姻登记信息",
           "机动车", "最低生活保障", "交通违法处罚", "排污许可", "学籍", "养老保险缴费")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="catalog entries (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query per viewer (default 5)")
    args = parser.parse_args()
    with scratch_database("digigov-bench-catalog-"):
        return run(args)


def _fill(n: int) -> None:
    from django.db import connection

    from digigov.core.demo import DemoContext
    from digigov.core.org import demo as org_demo
    from digigov.data.catalog import demo
    from digigov.data.catalog.models import CatalogEntry, DataItem

    org_demo.generate(DemoContext(scale=0.001, seed=1).for_generator("org"))
    demo.generate(DemoContext(scale=0.001, seed=1).for_generator("catalog"))
    base = list(CatalogEntry.objects.order_by("pk").values())
    items: dict[int, list[dict]] = {}
    for row in DataItem.objects.order_by("entry_id", "seq").values():
        items.setdefault(row["entry_id"], []).append(row)
    counties = ("元宝区", "振兴区", "振安区", "宽甸满族自治县", "东港市", "凤城市")
    ctx = DemoContext(scale=1, seed=1, name="bench")
    next_id = ctx.next_id(CatalogEntry)
    entry_cols = [f.attname for f in CatalogEntry._meta.concrete_fields]
    item_cols = [f.attname for f in DataItem._meta.concrete_fields if f.attname != "id"]
    copies, new_items = [], []
    made = len(base)
    k = 0
    while made < n:
        src = base[k % len(base)]
        round_ = k // len(base) + 1
        row = dict(src, id=next_id, public_id=ctx.public_id(), code=f"{src['code']}-{round_:02d}",
                   name=f"{src['name']}（{2010 + round_ % 15}年{counties[round_ % len(counties)]}）")
        copies.append(tuple(row[c] for c in entry_cols))
        new_items += [tuple(dict(it, entry_id=next_id)[c] for c in item_cols) for it in items.get(src["id"], [])]
        next_id += 1
        made += 1
        k += 1
    with connection.cursor() as cur:
        qn = connection.ops.quote_name
        cur.executemany(f"INSERT INTO {qn(CatalogEntry._meta.db_table)} ({', '.join(qn(c) for c in entry_cols)}) VALUES "
                        f"({', '.join(['%s'] * len(entry_cols))})", copies)
        cur.executemany(f"INSERT INTO {qn(DataItem._meta.db_table)} ({', '.join(qn(c) for c in item_cols)}) VALUES "
                        f"({', '.join(['%s'] * len(item_cols))})", new_items)


def like_search(user, q: str, limit: int = 20):
    """The LIKE body ``search_entries`` had before the full-text index (same scoping, same page size)."""
    from django.db.models import Q

    from digigov.data.catalog import selectors

    qs = selectors.visible_entries(user).select_related("department", "category")
    qs = qs.filter(Q(name__icontains=q) | Q(abstract__icontains=q) | Q(code__icontains=q)).order_by("code")
    return list(qs[:limit])


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from digigov.core.org.models import Department
    from digigov.core.testing import make_user
    from digigov.data.catalog.index import reindex_entries
    from digigov.data.catalog.models import CatalogEntry
    from digigov.data.catalog.search import search_entries

    started = time.perf_counter()
    _fill(args.n)
    print(f"目录条目 {CatalogEntry.objects.count():,} 条，生成用时 {time.perf_counter() - started:.1f} 秒")
    started = time.perf_counter()
    indexed = reindex_entries()
    print(f"建立检索索引 {indexed:,} 条，用时 {time.perf_counter() - started:.1f} 秒")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    dept = Department.objects.get(code="CITY-PSB")
    viewers = {"全市（city_admin）": make_user("city_admin"), "部门（data_admin，公安局）": make_user("data_admin", department=dept)}
    ok = True
    for label, user in viewers.items():
        fts, like, hits = [], [], []
        for q in QUERIES:
            search_entries(user, q)
            like_search(user, q)
            for _ in range(args.repeat):
                t = time.perf_counter()
                rows, _cursor = search_entries(user, q)
                fts.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                like_search(user, q)
                like.append((time.perf_counter() - t) * 1000)
            hits.append(len(rows))
        p50, p95 = statistics.median(fts), _pct(fts, 0.95)
        l50, l95 = statistics.median(like), _pct(like, 0.95)
        print(f"{label}: search_entries p50 {p50:.1f} ms  p95 {p95:.1f} ms | LIKE p50 {l50:.1f} ms  p95 {l95:.1f} ms | "
              f"speedup {l50 / p50:.1f}x | 首页命中 {min(hits)}–{max(hits)} 条")
        ok = ok and p95 < 50
    print("目标（10 万条时 p95 < 50 ms）：" + ("达到" if ok else "未达到"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
