"""kill -9 in the middle of engine steps loses nothing and repeats nothing: a worker process completes
tasks in a loop on a file database and is killed; afterwards every case's state matches its task rows
(revision = 1 + completed steps), no task was completed twice, and sending the remaining steps again
finishes every case."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digigov.core.testing import worker_env

WORKER = Path(__file__).with_name("restart_worker.py")
CASES = 12


@pytest.mark.slow
def test_kill_dash_nine_mid_step_leaves_every_case_consistent(tmp_path):
    env = worker_env(tmp_path, "restart.sqlite3")
    setup = subprocess.run([sys.executable, str(WORKER), "setup", str(CASES)], env=env, capture_output=True, text=True, timeout=900)
    assert "ready" in setup.stdout, setup.stderr[-2000:]
    worker = subprocess.Popen([sys.executable, str(WORKER), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = ""
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            seen += line
            if line.startswith("steps 10") or line.startswith("done") or not line:
                break
        assert "steps" in seen, seen + worker.stderr.read()[-2000:] if worker.poll() is not None else seen
        time.sleep(0.05)  # land somewhere inside a later step
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)
    check = subprocess.run([sys.executable, str(WORKER), "check"], env=env, capture_output=True, text=True, timeout=900)
    report = json.loads(check.stdout.strip().splitlines()[-1])
    assert report["cases"] == CASES
    assert report["inconsistent"] == [] and report["twice"] == 0
    assert report["finished"] == CASES
