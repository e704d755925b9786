"""/metrics under several worker processes: every worker's counters, summed (Prometheus multi-process
mode). Each worker here is a real separate Python process: the mode is chosen when prometheus_client
is first imported, so it cannot be switched on inside the test process."""

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[4]

WORKER = """
import sys, django
django.setup()
from django.test import Client
client = Client()
for _ in range(int(sys.argv[1])):
    assert client.get("/healthz").status_code == 200
"""

SCRAPE = """
import django
django.setup()
from django.test import Client
print(Client().get("/metrics").content.decode())
"""


def _python(code, multiproc_dir, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digigov.core.settings", "DIGIGOV_TESTING": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _healthz_count(body: str) -> float:
    match = re.search(r'^digigov_http_requests_total\{method="GET",status="200"\} ([0-9.e+]+)$', body, re.M)
    assert match, body
    return float(match.group(1))


def test_metrics_sum_the_counters_of_every_worker_process(tmp_path):
    _python(WORKER, tmp_path, 3)
    _python(WORKER, tmp_path, 4)
    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per worker process
    body = _python(SCRAPE, tmp_path)
    # the sum of both workers (the scrape's own request is counted after its answer was made)
    assert _healthz_count(body) == 7
    assert "digigov_http_request_seconds_count" in body


def test_without_the_directory_metrics_come_from_this_process(client, db, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    client.get("/healthz")
    assert _healthz_count(client.get("/metrics").content.decode()) >= 1


def test_gunicorn_drops_an_exited_workers_live_gauges(tmp_path, monkeypatch):
    from digigov.core import gunicorn_conf

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    (tmp_path / "counter_4242.db").write_bytes(b"")
    gunicorn_conf.child_exit(None, SimpleNamespace(pid=4242))
    assert not (tmp_path / "gauge_livesum_4242.db").exists()
    assert (tmp_path / "counter_4242.db").exists()  # an exited worker's counts stay in the sum
