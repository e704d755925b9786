"""The task queue for real: a task enqueued by one process is run by a separate `manage.py run_huey`
consumer, with SQLite storage (the default) and with Redis (as when REDIS_URL is set; `make test`
installs redis-server and this test starts its own on a free loopback port)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from digigov.core.audit.models import AuditEntry
from digigov.core.kpi.models import KpiSnapshot
from digigov.core.testing import make_user

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def manage(env, *args, timeout=60):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def run_through_consumer(env):
    """Enqueue K01 from one process, consume it in another, wait for the new snapshot."""
    before = KpiSnapshot.objects.filter(kpi_id="K01").count()  # registering platforms already recomputed it inline
    enqueue = manage(env, "shell", "-c", "from digigov.core.kpi.tasks import recompute_kpi; r = recompute_kpi('K01'); print(type(r).__name__)")
    assert enqueue.returncode == 0, enqueue.stderr
    assert "Result" in enqueue.stdout, enqueue.stdout  # queued (a Result handle), not run inline
    time.sleep(0.5)
    assert KpiSnapshot.objects.filter(kpi_id="K01").count() == before  # nothing ran yet
    # --no-periodic: the quarter-hourly recompute_all_kpis would otherwise add snapshots when the clock hits :00/:15/:30/:45
    consumer = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "1", "--quiet", "--no-periodic"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and KpiSnapshot.objects.filter(kpi_id="K01").count() == before:
            time.sleep(0.3)
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=30)[0]
    assert KpiSnapshot.objects.filter(kpi_id="K01").count() == before + 1, f"the consumer did not run the task:\n{output}"
    snap = KpiSnapshot.objects.filter(kpi_id="K01").order_by("-computed_at", "-pk").first()
    entry = AuditEntry.objects.filter(action="kpi.recompute").order_by("-seq").first()
    assert entry.channel == "task" and entry.object_id == str(snap.pk)
    return snap


@pytest.fixture
def cloud_data(city):
    from digigov.core.kpi.actions import ensure_definitions
    from digigov.infra.cloud import actions as cloud

    ensure_definitions()
    root = make_user("city_admin")
    cloud.create_platform(root, name="市级政务云平台", department=city.bureau_unit, integrated=True)
    cloud.create_platform(root, name="教育局自建机房", department=city.other_bureau)
    return city


def base_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DIGIGOV_TASKS"))}
    env.update({"DATABASE_URL": database_url(), "DIGIGOV_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "digigov.core.settings",
                "REDIS_URL": "", "DIGIGOV_LOG_LEVEL": "WARNING"})
    return env


def test_sqlite_queue_runs_tasks_in_a_separate_consumer(cloud_data, tmp_path):
    snap = run_through_consumer(base_env(tmp_path))
    assert snap.value == 50.0 and (snap.numerator, snap.denominator) == (1, 2)
    assert (tmp_path / "huey.sqlite3").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed (`make test` installs it)")
def test_redis_queue_runs_tasks_in_a_separate_consumer(cloud_data, tmp_path):
    port = _free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        env = base_env(tmp_path)
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        snap = run_through_consumer(env)
        assert snap.value == 50.0
        assert not (tmp_path / "huey.sqlite3").exists()  # the queue lived in Redis
    finally:
        server.terminate()
        server.wait(timeout=10)
