"""Shared by the benchmarks (run as ``python bench/<name>.py``, so this folder is on ``sys.path``)."""

from __future__ import annotations

import statistics
import time


def timed(fn, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls, after one warm-up call (page cache, Django's own caches)."""
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)
