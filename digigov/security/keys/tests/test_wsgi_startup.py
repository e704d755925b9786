"""The WSGI application refuses to start when the master key is lost (keys in the database, key file gone)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from digigov.security.keys import api
api.seal("pii", b"x")
"""


def _run(code, env):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_wsgi_refuses_to_start_without_the_master_key(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGIGOV_", "DATABASE_URL"))}
    env.update(DIGIGOV_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="digigov.core.settings",
               PYTHONPATH=str(ROOT))
    made = _run(SETUP, env)
    assert made.returncode == 0, made.stderr
    key_file = var / "keys" / "master.key"
    assert key_file.exists()

    ok = _run("import digigov.core.wsgi; print('started')", env)
    assert ok.returncode == 0 and "started" in ok.stdout, ok.stderr

    key_file.unlink()
    refused = _run("import digigov.core.wsgi; print('started')", env)
    assert refused.returncode != 0 and "started" not in refused.stdout
    assert "DigiGov 拒绝启动" in refused.stderr and "主密钥缺失" in refused.stderr and "keys.E001" in refused.stderr
    assert not key_file.exists()  # and no new master key was made in its place
