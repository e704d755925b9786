"""gunicorn settings for ``scripts/serve.sh`` (``gunicorn -c digigov/core/gunicorn_conf.py``).

Each worker is its own process with its own Prometheus counters. With ``PROMETHEUS_MULTIPROC_DIR``
set (serve.sh sets it and empties it at start) every worker writes its counters to files there and
``/metrics`` sums them, so a scrape no longer reports whichever worker happened to answer. When a
worker exits, its live gauges are dropped (its counters stay in the sum, as Prometheus expects).
"""

from __future__ import annotations

import os

# the access log comes from digigov.access (JSON, PII masked), not from gunicorn
loglevel = "warning"
accesslog = None


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
