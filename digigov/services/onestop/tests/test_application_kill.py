"""A process killed in the middle of a submission (after the first member case was started, inside the
transaction) leaves no half application and no orphan case; submitting again succeeds, once."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from digigov.core.testing import worker_env

WORKER = Path(__file__).with_name("submit_kill_worker.py")


@pytest.mark.slow
def test_killed_submission_leaves_nothing_and_a_retry_succeeds(tmp_path):
    env = worker_env(tmp_path, "kill.sqlite3")
    setup = subprocess.run([sys.executable, str(WORKER), "setup"], env=env, capture_output=True, text=True, timeout=1200)
    assert "ready" in setup.stdout, setup.stderr[-3000:]
    died = subprocess.run([sys.executable, str(WORKER), "die"], env=env, capture_output=True, text=True, timeout=600)
    assert died.returncode == 9 and "survived" not in died.stdout, died.stderr[-3000:]
    check = subprocess.run([sys.executable, str(WORKER), "check"], env=env, capture_output=True, text=True, timeout=600)
    report = json.loads(check.stdout.strip().splitlines()[-1])
    assert report["status"] == "draft" and report["number"] is None
    assert report["cases"] == 0 and report["links"] == 0 and report["case_materials"] == 0
    assert report["retry_status"] == "in_progress" and report["retry_cases"] == 2 and report["retry_links"] == 2
    assert report["retry_materials"] == 2
