"""Shared by the benchmarks (run as ``python bench/<name>.py``, so this folder is on ``sys.path``)."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls, after one warm-up call (page cache, Django's own caches)."""
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


@contextmanager
def scratch_database(prefix: str, *, keep: bool = False, env: dict[str, str] | None = None):
    """A fresh SQLite database and var directory in a temporary folder (``DIGIGOV_VAR_DIR``, ``DATABASE_URL``
    and ``env`` set before Django starts), never the developer's own; removed afterwards unless ``keep``."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ["DIGIGOV_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.update(env or {})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
    sys.path.insert(0, str(ROOT))
    try:
        yield tmp
    finally:
        if keep:
            print(f"数据库保留在 {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
