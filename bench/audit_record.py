"""Benchmark of ``audit.actions.record`` with the keyed chain and checkpoints against the plain SM3 chain.

    .venv/bin/python bench/audit_record.py [--n N] [--every K] [--rounds R]

1. Creates a fresh SQLite database in a temporary directory (DATABASE_URL and DIGIGOV_VAR_DIR are set
   before Django starts) and migrates it.
2. Before: ``record()`` as it was — the entry hash is plain SM3 and no checkpoint is scheduled
   (``entry_hash`` and ``checkpoints.after_commit`` are swapped for the old behaviour).
3. After: ``record()`` as it is — HMAC-SM3 under the audit key, and a signed checkpoint line appended
   to var/audit/checkpoints.log after every committed transaction (K = 1, the production default), or
   after every K-th entry with ``--every K``.
4. Each ``record()`` is its own transaction (autocommit), as a single action's write would be.
   The two are interleaved over R rounds of N entries; the best round of each counts.
   Prints both rates and ratio = after / before.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="entries per round (default 2000)")
    parser.add_argument("--every", type=int, default=1, help="a checkpoint every K entries (default 1: every transaction)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with scratch_database("digigov-bench-audit-", env={"DIGIGOV_AUDIT_CHECKPOINT_EVERY": str(args.every)}):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from digigov.core.audit import actions, checkpoints
    from digigov.core.crypto import sm3_hex
    from digigov.core.rbac.system import system_account

    assert connection.vendor == "sqlite", "the benchmark runs on a temporary SQLite database"
    call_command("migrate", verbosity=0, interactive=False)
    system = system_account()
    keyed_hash, keyed_after_commit = actions.entry_hash, checkpoints.after_commit

    def plain_hash(fields):
        return sm3_hex(fields["prev_hash"].encode() + actions.canonical(fields))

    def timed(n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            actions.record(system, "bench.event", object_type="bench", object_id=str(i), object_repr=f"对象{i}",
                           after={"i": i, "name": "示范数据", "ok": True})
        return n / (time.perf_counter() - started)

    before, after = [], []
    for _ in range(args.rounds):
        actions.entry_hash, checkpoints.after_commit = plain_hash, lambda seq, hash_: None
        before.append(timed(args.n))
        actions.entry_hash, checkpoints.after_commit = keyed_hash, keyed_after_commit
        after.append(timed(args.n))
    lines = Path(os.environ["DIGIGOV_VAR_DIR"], "audit", "checkpoints.log").read_text().splitlines()
    b, a = max(before), max(after)
    print(f"数据库: {connection.settings_dict['NAME']}   每轮 {args.n} 条 × {args.rounds} 轮，每 {args.every} 条一个检查点")
    print(f"before（SM3 明文链，无检查点）      {b:>10,.0f} 条/秒")
    print(f"after （HMAC-SM3 密钥链 + 检查点） {a:>10,.0f} 条/秒   写出检查点 {len(lines)} 行")
    print(f"ratio after/before = {a / b:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
