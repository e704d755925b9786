"""Benchmark: the portal search API over a full catalog against a plain ``LIKE '%q%'`` scan, in the same run.

    .venv/bin/python bench/service_search.py [--n 8000] [--repeat 3]
    .venv/bin/python bench/service_search.py --current   # the current database's catalog as it is

1. A fresh SQLite database (``scratch_database``), migrated; the org generator, then the realistic catalog of
   ``onestop.testing_search`` copied per division until it holds N items (default 8,000: a prefecture city's
   implemented items, city and counties, at ``--scale 1``), with the 一件事; the index built with
   ``search.index_all`` (time printed).
2. Every query of ``bench/data/service_search_queries.tsv`` (210 realistic ones) runs ``repeat`` times
   through ``GET /api/v1/services/search?q=…&limit=10`` (Django test client: routing, validation, query
   understanding, recall, ranking, JSON) and through the LIKE scan the search replaces (item name or keywords
   contain the typed text, most popular first, 10 rows). p50 and p95 over all runs, and the ratio
   API p95 / LIKE p95, are printed, with how often each finds anything at all. Goal: API p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time

from _common import ROOT, scratch_database


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def _fill(n: int) -> None:
    from digigov.core.demo import DemoContext
    from digigov.core.org import demo as org_demo
    from digigov.core.org.models import Department, DepartmentKind
    from digigov.services.onestop.testing_search import ITEMS, make_search_catalog

    org_demo.generate(DemoContext(scale=0.001, seed=1).for_generator("org"))
    parent = Department.objects.filter(kind=DepartmentKind.GOVERNMENT).order_by("depth", "pk").first()
    per_copy = len(ITEMS.strip().splitlines())
    make_search_catalog(parent, copies=max(1, math.ceil(n / per_copy)))


def like_search(q: str, limit: int = 10) -> list:
    from django.db.models import Q

    from digigov.services.onestop.models import ServiceItem

    qs = ServiceItem.objects.filter(active=True, voided_at__isnull=True).filter(Q(name__icontains=q) | Q(keywords__icontains=q))
    return list(qs.select_related("department").order_by("-popularity")[:limit])


def run(args) -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("digigov.access").setLevel(logging.WARNING)  # one line per request would drown the figures
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from digigov.services.onestop import query, search
    from digigov.services.onestop.models import Bundle, ServiceItem

    from service_search_eval import load

    if "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.current:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _fill(args.n)
        print(f"事项 {ServiceItem.objects.count():,} 项、一件事 {Bundle.objects.count():,} 件，生成用时 {time.perf_counter() - started:.1f} 秒")
    started = time.perf_counter()
    indexed = search.index_all()
    print(f"建立检索索引 {indexed:,} 条，用时 {time.perf_counter() - started:.1f} 秒")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    client = Client()
    queries = [row["query"] for row in load()]
    query.lexicon()
    api, like, api_found, like_found = [], [], 0, 0
    for q in queries:
        client.get("/api/v1/services/search", {"q": q, "limit": 10})
        like_search(q)
        for _ in range(args.repeat):
            t = time.perf_counter()
            resp = client.get("/api/v1/services/search", {"q": q, "limit": 10})
            api.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            rows = like_search(q)
            like.append((time.perf_counter() - t) * 1000)
        api_found += bool(resp.json()["items"])
        like_found += bool(rows)
    p50, p95 = statistics.median(api), _pct(api, 0.95)
    l50, l95 = statistics.median(like), _pct(like, 0.95)
    print(f"{len(queries)} 条查询 × {args.repeat} 次")
    print(f"搜索 API  p50 {p50:.1f} ms  p95 {p95:.1f} ms | 有结果 {api_found}/{len(queries)}")
    print(f"LIKE 扫描 p50 {l50:.1f} ms  p95 {l95:.1f} ms | 有结果 {like_found}/{len(queries)}")
    print(f"p95 之比（API / LIKE）：{p95 / l95:.1f}")
    ok = p95 < 100
    print("目标（API p95 < 100 ms）：" + ("达到" if ok else "未达到"))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=8000, help="catalog items (default 8,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query (default 3)")
    parser.add_argument("--current", action="store_true", help="use the current database's catalog (DATABASE_URL)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    if args.current:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
        sys.path.insert(0, str(ROOT))
        return run(args)
    with scratch_database("digigov-bench-search-"):
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
