"""Benchmark: the CKAN Action API's ``package_search`` and ``package_show`` at N open datasets.

    .venv/bin/python bench/ckan_search.py [--n 10000] [--repeat 5]

Creates a fresh SQLite database (``scratch_database``), migrates it, builds the test city, bulk-creates N
published, openable catalog entries (realistic Chinese names over 6 keywords and 3 departments) with their
``OpenDataset`` rows, indexes them with the catalog's production path (``index.reindex_entries``), then
times full HTTP calls through Django's test client: ``package_search`` without q (newest first), with a
Chinese ``q``, with ``fq`` (organization + tag), with facets, a deep page (``start`` = N/2), and
``package_show``. Prints p50/p95 per call and the query count of each. Goal: p95 < 100 ms at 10,000.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _common import scratch_database

TOPICS = ("公交线路", "中小学校", "医疗机构", "停车场泊位", "空气质量监测", "政务服务事项")
COUNTIES = ("元宝区", "振兴区", "振安区", "宽甸满族自治县", "东港市", "凤城市")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with scratch_database("digigov-bench-ckan-"):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host (testserver) is allowed
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from digigov.core.models import new_public_id
    from digigov.core.testing import City
    from digigov.data.catalog.index import reindex_entries
    from digigov.data.catalog.models import CatalogEntry
    from digigov.data.catalog.testing import category_for_tests
    from digigov.data.opendata.models import OpenDataset

    city = City()
    category = category_for_tests()
    depts = [city.bureau, city.other_bureau, city.county_bureau]
    started = time.perf_counter()
    entries = [CatalogEntry(code=f"B-{i:06d}", name=f"{COUNTIES[i % 6]}{TOPICS[i % 6]}数据（{2010 + i % 15}年第{i}批）",
                            abstract=f"{COUNTIES[i % 6]}{TOPICS[i % 6]}的开放数据，按{['月', '季', '年'][i % 3]}更新。", department=depts[i % 3],
                            category=category, status="published", open_type="unconditional", sharing_type="unconditional",
                            public_id=new_public_id()) for i in range(args.n)]
    CatalogEntry.objects.bulk_create(entries, batch_size=2000)
    now = timezone.now()
    ids = list(CatalogEntry.objects.filter(code__startswith="B-").order_by("code").values_list("pk", flat=True))
    OpenDataset.objects.bulk_create([OpenDataset(entry_id=pk, name=f"ds-{i:06d}", keywords=[TOPICS[i % 6][:2], COUNTIES[i % 6]],
                                                 opened_at=now, opened_by=city.system, public_id=new_public_id())
                                     for i, pk in enumerate(ids)], batch_size=2000)
    reindex_entries(CatalogEntry.objects.filter(pk__in=ids))
    print(f"{args.n} 个开放数据集已建立并索引，用时 {time.perf_counter() - started:.1f} s")

    client = Client()
    calls = [
        ("package_search 无 q", {"rows": 20}),
        ("package_search q=公交线路", {"q": "公交线路", "rows": 20}),
        ("package_search q+fq", {"q": "空气质量", "fq": "organization:city-bdb AND tags:元宝区", "rows": 20}),
        ("package_search facets", {"rows": 0, "facet.field": '["organization","tags","res_format"]'}),
        ("package_search 深分页", {"rows": 20, "start": args.n // 2, "sort": "name asc"}),
    ]
    print(f"{'调用':<28}{'p50 ms':>9}{'p95 ms':>9}{'查询数':>7}{'结果数':>8}")
    for label, params in calls + [("package_show", None)]:
        url = "/api/3/action/package_show" if params is None else "/api/3/action/package_search"
        params = params or {"id": f"ds-{args.n // 3:06d}"}
        runs = []
        client.get(url, params)
        for _ in range(args.repeat):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, params)
            runs.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:300]
        result = response.json()["result"]
        count = result.get("count", 1) if isinstance(result, dict) else len(result)
        runs.sort()
        p95 = runs[min(len(runs) - 1, int(round(0.95 * (len(runs) - 1))))]
        print(f"{label:<28}{statistics.median(runs):>9.1f}{p95:>9.1f}{len(ctx.captured_queries):>7}{count:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
