"""Benchmark: a quality check over one aggregated table, SQL-pushed rules against streamed ones.

    .venv/bin/python bench/quality_check.py [--rows 200000]

1. A fresh SQLite database in a temporary directory, migrated; the test city; one catalog entry 人员信息
   with a sealed resident ID number (format with check digit, key → non-empty + unique through the blind
   index), a name (required), a gender on a code list, an age (0–120) and a phone number.
2. ``dr_<pk>`` filled with N rows (1% faulty on each column), the ID numbers sealed as aggregation does.
3. Times the baseline-rule check through ``actions.run_now`` (one run, all rules), records Python's peak
   traced memory during a second full check, then times each rule alone through ``checks.Checker``.
Prints rows/s for the whole check, seconds per rule (SQL or streamed) and the peak memory in MiB —
which stays flat as N grows (one chunk of ``checks.CHUNK`` rows at a time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import tracemalloc

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    os.environ.pop("DIGIGOV_MASTER_KEY", None)
    with scratch_database("digigov-bench-quality-"):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from digigov.core import pii
    from digigov.core.testing import City, make_user, resident_id
    from digigov.data.catalog.models import CodeList, CodeListValue
    from digigov.data.catalog.tables import target_table_name
    from digigov.data.quality import actions, checks
    from digigov.data.quality.testing import make_entry, make_table

    call_command("migrate", verbosity=0)
    city = City()
    user = make_user("data_authority")
    gender = CodeList.objects.create(code="GB/T 2261.1", name="性别代码")
    for v in ("1", "2", "9"):
        CodeListValue.objects.create(code_list=gender, value=v, label=v)
    entry = make_entry(city.bureau, [
        {"name": "公民身份号码", "field_name": "sfzh", "format": "resident_id", "required": True, "is_key": True, "personal": 2},
        {"name": "姓名", "field_name": "xm", "required": True},
        {"name": "性别", "field_name": "xb", "code_list": gender},
        {"name": "年龄", "field_name": "nl", "data_type": "N"},
        {"name": "联系电话", "field_name": "lxdh", "format": "phone"},
    ], name="人员信息")
    make_table(entry, [], user=user)
    table = target_table_name(entry)
    seal = pii.BulkSealer(table, "sfzh")
    started = time.perf_counter()
    chunk = []
    with connection.cursor() as c:
        for i in range(args.rows):
            idn = resident_id(birth=f"{dt.date(1950, 1, 1) + dt.timedelta(days=i // 1000):%Y%m%d}", seq=i % 1000)
            bad = i % 100 == 7
            chunk.append((1, i + 1, seal(idn[:17] + ("0" if idn[17] != "0" else "1") if bad else idn), "" if i % 100 == 11 else f"人员{i}",
                          "5" if i % 100 == 13 else "1", 150 if i % 100 == 17 else 30, "123" if i % 100 == 19 else f"138{i:08d}"))
            if len(chunk) == 5000:
                c.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s)", chunk)
                chunk = []
        if chunk:
            c.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s)", chunk)
    print(f"填充 {args.rows:,} 行：{time.perf_counter() - started:.1f} 秒")
    actions.derive_baseline(user, entry)
    actions.create_rule(user, entry, item="nl", rule_type="range", params={"min": 0, "max": 120})

    started = time.perf_counter()
    run = actions.run_now(user, entry)
    seconds = time.perf_counter() - started
    print(f"整体检查：{args.rows:,} 行，{seconds:.2f} 秒，{args.rows / seconds:,.0f} 行/秒，得分 {run.score}")
    tracemalloc.start()  # a second run under tracemalloc (which slows Python down several times): the peak only
    actions.run_now(user, entry)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"Python 峰值内存（tracemalloc）：{peak / 2**20:.1f} MiB")
    for rule in entry.quality_rules.filter(voided_at__isnull=True).select_related("item__code_list"):
        started = time.perf_counter()
        report = checks.check_entry(entry, [rule])
        o = report.outcomes[0]
        print(f"  {str(rule):<40} {time.perf_counter() - started:7.3f} 秒  不合格 {o.failed:,}/{o.checked:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
