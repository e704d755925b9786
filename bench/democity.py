"""Benchmark of the demo-city generator against a plain bulk insert of the same rows.

    .venv/bin/python bench/democity.py [--scale S] [--seed N] [--all] [--keep]

1. Creates a fresh SQLite database in a temporary directory (DATABASE_URL and DIGIGOV_VAR_DIR
   are set before Django starts) and migrates it.
2. Generator: runs the ``org`` and ``accounts`` demo generators (``--all``: every registered one)
   through the same code as ``manage.py democity``, wall clock including the commit.
   Rate = rows the generators inserted / seconds.
3. Baseline: for every table the generators filled, an empty copy with the same columns, indexes
   and constraints is created; the generated rows are read back into memory as tuples and then
   written into the copies with plain ``executemany`` (batches of 5000, one transaction, same
   connection settings). Only the inserts and the commit are timed. Rate = same rows / seconds.
4. Prints both rates and ratio = generator / baseline (the goal is ≥ 0.5).
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from _common import scratch_database


BATCH = 5000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.8, help="demo city scale (default 0.8: the generator takes about a minute on 2 cores)")
    parser.add_argument("--seed", type=int, default=20230101)
    parser.add_argument("--all", action="store_true", help="run every registered generator, not only org and accounts")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()

    with scratch_database("digigov-bench-", keep=args.keep) as tmp:
        return run(args, tmp)


def run(args, tmp: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from digigov.core import registry
    from digigov.democity import runner

    assert connection.vendor == "sqlite", "the benchmark runs on a temporary SQLite database"
    call_command("migrate", verbosity=0, interactive=False)
    only = None if args.all else ["org", "accounts"]
    names = [g.name for g in registry.demo_order()] if args.all else only
    print(f"数据库: {connection.settings_dict['NAME']}")
    print(f"生成器: {', '.join(names)}   scale={args.scale:g}  seed={args.seed}")

    # --- the generator ---------------------------------------------------------------------------
    before = table_counts(connection)
    started = time.perf_counter()
    results = runner.run(args.scale, args.seed, only=only, progress=sys.stderr.isatty(), recompute_kpis=False, log=lambda text: None)
    gen_seconds = time.perf_counter() - started
    gen_rows = sum(r.rows for r in results)
    for r in results:
        print(f"  {r.name:<10} {r.rows:>10,} 行  {r.seconds:7.2f} 秒  {r.rate:>10,.0f} 行/秒")
    after = table_counts(connection)
    tables = [t for t in after if after[t] > before.get(t, 0) and t not in {"democity_demorun", "audit_auditentry", "audit_chainhead"}]
    inserted = sum(after[t] - before.get(t, 0) for t in tables)
    if inserted != gen_rows:
        print(f"  注意: 表中新增 {inserted:,} 行，生成器报告 {gen_rows:,} 行")

    # --- the baseline: the same rows, plain executemany into fresh copies of the tables ----------
    order = insertion_order(connection, tables)
    copies = {t: f"bench_{t}" for t in order}
    with connection.cursor() as cur:
        for t in order:
            create_copy(cur, t, copies[t])
    base_seconds = 0.0
    base_rows = 0
    with connection.cursor() as cur:
        data = {}
        for t in order:  # read back first (not timed)
            cur.execute(f'SELECT * FROM "{t}" ORDER BY rowid')
            cols = [d[0] for d in cur.description]
            data[t] = (cols, cur.fetchall())
        started = time.perf_counter()
        with transaction.atomic():
            for t in order:
                cols, rows = data[t]
                sql = f'INSERT INTO "{copies[t]}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) VALUES ({", ".join(["%s"] * len(cols))})'
                for i in range(0, len(rows), BATCH):
                    cur.executemany(sql, rows[i:i + BATCH])
                base_rows += len(rows)
        base_seconds = time.perf_counter() - started
        del data

    gen_rate = gen_rows / gen_seconds
    base_rate = base_rows / base_seconds
    print(f"生成器:   {gen_rows:>10,} 行  {gen_seconds:7.2f} 秒  {gen_rate:>10,.0f} 行/秒   （含生成、写入与提交）")
    print(f"基线:     {base_rows:>10,} 行  {base_seconds:7.2f} 秒  {base_rate:>10,.0f} 行/秒   （同样的行，executemany 写入空表副本）")
    print(f"ratio = generator/baseline = {gen_rate / base_rate:.2f}   （目标 ≥ 0.5）")
    return 0


def table_counts(connection) -> dict[str, int]:
    with connection.cursor() as cur:
        names = [r[0] for r in cur.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall()]
        return {n: cur.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def insertion_order(connection, tables: list[str]) -> list[str]:
    """Referenced tables first (foreign keys are deferred anyway; this mirrors the generators)."""
    deps = {}
    with connection.cursor() as cur:
        for t in tables:
            deps[t] = {r[2] for r in cur.execute(f'PRAGMA foreign_key_list("{t}")').fetchall()} & set(tables) - {t}
    out: list[str] = []
    while deps:
        ready = sorted(t for t, d in deps.items() if d <= set(out))
        if not ready:  # pragma: no cover - cycles
            ready = sorted(deps)
        for t in ready:
            out.append(t)
            del deps[t]
    return out


def create_copy(cur, table: str, copy: str) -> None:
    """An empty table with the same definition and the same indexes."""
    ddl = cur.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=%s", [table]).fetchone()[0]
    cur.execute(re.sub(r'^CREATE TABLE "?' + re.escape(table) + r'"?', f'CREATE TABLE "{copy}"', ddl, count=1))
    for (sql,) in cur.execute("SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql IS NOT NULL", [table]).fetchall():
        sql = re.sub(r'INDEX "?([^"\s]+)"? ON "?' + re.escape(table) + r'"?', lambda m: f'INDEX "bench_{m.group(1)}" ON "{copy}"', sql, count=1)
        cur.execute(sql)


if __name__ == "__main__":
    sys.exit(main())
