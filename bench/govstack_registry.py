"""Benchmark: the GovStack Digital Registries Data API on a large schema-defined registry.

    .venv/bin/python bench/govstack_registry.py [--n 200000] [--repeat 20]

1. Fresh SQLite database in a temporary directory (``scratch_database``), migrated.
2. Defines the demo's 养老机构 registry through ``actions.modify_database`` and bulk-inserts N records shaped
   as ``actions.create_record`` stores them (clear content, sealed personal fields, blind indexes, search
   text) — without an audit entry per row, which is not what is measured here.
3. Through the real endpoints (Django test client, API key, mediator header) measures the median of
   ``repeat`` calls: read by ID, exists by a personal value (blind index), readValue, list page 1 and a deep
   page, list filtered by a clear field (JSON key, no index), free-text search, and one create (audited).
"""

from __future__ import annotations

import argparse
import json
import sys

from _common import scratch_database, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with scratch_database("digigov-bench-govstack-"):
        return run(args)


def _flush(db, batch, contents, Record, RecordValue, selectors) -> None:
    Record.objects.bulk_create(batch)  # SQLite and PostgreSQL return the new ids
    RecordValue.objects.bulk_create([RecordValue(database=db, record=rec, field=f, digest=d)
                                     for rec, content in zip(batch, contents) for f, d in selectors.value_rows(db, content)],
                                    batch_size=5000)


def run(args) -> int:
    import time

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from digigov.core.accounts import actions as account_actions
    from digigov.core.context import acting_as
    from digigov.core.rbac.models import RoleAssignment
    from digigov.core.testing import make_user
    from digigov.data.dregistries import actions, demo, selectors
    from digigov.data.dregistries.models import Record, RecordValue

    authority = make_user("data_authority")
    with acting_as(authority):
        db, _ = actions.modify_database(authority, code="elderly-care", schema=demo.SCHEMA)
    started = time.perf_counter()
    batch, contents = [], []
    for i in range(args.n):
        content = {"ID": f"EC{i:07d}", "name": f"示范养老院{i}", "kind": ("公办", "公建民营", "民办")[i % 3], "beds": i % 500,
                   "district": demo.DISTRICTS[i % 6], "director": f"王{i}", "directorPhone": f"139{i:08d}"}
        personal = {"director": content["director"], "directorPhone": content["directorPhone"]}
        batch.append(Record(database=db, record_id=content["ID"],
                            content={k: v for k, v in content.items() if k not in personal},
                            personal=json.dumps(personal, ensure_ascii=False),
                            blinds={k: selectors.blind_hex(k, v) for k, v in personal.items()},
                            search_text="\n".join(str(v).lower() for k, v in content.items() if k not in personal)))
        contents.append(content)
        if len(batch) == 5000:
            _flush(db, batch, contents, Record, RecordValue, selectors)
            batch, contents = [], []
    _flush(db, batch, contents, Record, RecordValue, selectors)
    print(f"登记簿记录 {Record.objects.count():,} 条，写入用时 {time.perf_counter() - started:.1f} 秒")

    service = make_user(None, kind="service", password=None)
    RoleAssignment.objects.create(user=service, role="data_authority")
    _, key = account_actions.create_api_client(make_user("city_admin"), name="基准测试", user=service)
    client = Client()
    headers = {"HTTP_X_API_KEY": key, "HTTP_INFORMATION_MEDIATOR_CLIENT": "DigiGov/GOV/bench/bench"}
    base = "/govstack/digital-registries/data/elderly-care/1.0"
    mid = f"EC{args.n // 2:07d}"

    def post(path, body):
        return lambda: client.post(base + path, json.dumps(body), content_type="application/json", **headers)

    def get(path, params=None):
        return lambda: client.get(base + path, params or {}, **headers)

    cases = {
        "read 按编号": post("/read", {"query": {"content": {"ID": mid}}}),
        "exists 按个人信息（盲索引）": post("/exists", {"query": {"content": {"directorPhone": f"139{args.n // 2:08d}"}}}),
        "readValue": get(f"/{mid}/readValue/name.json"),
        "list 第 1 页（含 count）": get("", {"pageSize": 20}),
        "list 第 1000 页": get("", {"pageSize": 20, "page": 1000}),
        "list 按明文字段 filter": get("", {"filter": "name", "search": f"示范养老院{args.n // 2}"}),
        "list 全文 search": get("", {"search": f"示范养老院{args.n // 2}"}),
    }
    for label, fn in cases.items():
        status = fn().status_code
        print(f"{label:<28} {timed(fn, args.repeat):8.1f} ms  (HTTP {status})")
    counter = iter(range(10**9))
    create = lambda: client.post(base + "/create", json.dumps({"write": {"content": {  # noqa: E731
        "name": f"新养老院{next(counter)}", "kind": "民办", "beds": 10}}}), content_type="application/json", **headers)
    print(f"{'create（含审计）':<28} {timed(create, args.repeat):8.1f} ms  (HTTP {create().status_code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
