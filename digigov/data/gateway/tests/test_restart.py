"""kill -9 of a gateway process under load loses nothing that was answered: every 200 the clients received
has its access record and its meter line, the chain verifies, and the restarted gateway goes on from
the same chain head. The gateway runs as a real uvicorn subprocess on the test database (committed
data: a transactional test)."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.db import connection
from django.db.models import Sum

from digigov.data.gateway import accesslog
from digigov.data.gateway import testing as gw
from digigov.data.sharing.models import AccessRecord, UsageDaily


def _env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER")}
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{s['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "digigov.core.settings"
    return env


def _start(port):
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "digigov.data.gateway.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning", "--no-access-log"], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/gw/v1/healthz", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode()[-3000:])
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("gateway did not start")


@pytest.mark.slow
def test_kill_dash_nine_under_load_loses_no_answered_call(world):
    port = gw.free_port()
    base = f"http://127.0.0.1:{port}"
    path = f"/gw/v1/resources/{world.entry.code}/rows"
    answered: list[str] = []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                status, body, headers = gw.call(base, world.app.app_key, world.secret, path, {"limit": 5})
            except OSError:  # the process died under us: that call was never answered
                continue
            if status == 200:
                answered.append(headers["x-request-id"])

    proc = _start(port)
    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 60
        while len(answered) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        killed_at = len(answered)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert killed_at >= 40
    proc = _start(port)  # restart: carries on from the same chain head
    try:
        status, body, headers = gw.call(base, world.app.app_key, world.secret, path, {"limit": 5})
        assert status == 200, body
        answered.append(headers["x-request-id"])
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    logged = set(AccessRecord.objects.filter(status=200).values_list("request_id", flat=True))
    missing = [r for r in answered if r not in logged]
    assert missing == [], f"{len(missing)} answered calls without an access record"
    records = AccessRecord.objects.filter(entry_id=world.entry.pk).count()
    metered = UsageDaily.objects.filter(entry=world.entry).aggregate(n=Sum("calls"))["n"]
    assert metered == records >= len(answered)
    report = accesslog.verify_access_chain()
    assert report.ok, report.message
