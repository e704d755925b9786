"""The WSGI application refuses to start when the master key is lost (keys in the database, key file gone).

The instance under test is a subprocess on its own SQLite file and its own var directory: a copy of the
already-migrated SQLite test database (the SQLite backup API; migrating a new file took ~170 s of the CI
run), with its data keys removed so that the copy holds no key of the test session's master key. It pins
SQLite whatever the configured backend, so it runs once, on a SQLite test run."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]

SEAL = """
import django
django.setup()
from digigov.security.keys import api
api.seal("pii", b"x")
"""


def _run(code, env):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _database(tmp_path) -> None:
    with sqlite3.connect(connection.settings_dict["NAME"]) as src, sqlite3.connect(tmp_path / "db.sqlite3") as dst:
        src.backup(dst)
        dst.execute("DELETE FROM keys_reencryption")
        dst.execute("DELETE FROM keys_datakey")


@pytest.mark.django_db
def test_wsgi_refuses_to_start_without_the_master_key(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("pins its own SQLite file, copied from the SQLite test database: runs in the SQLite half")
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGIGOV_", "DATABASE_URL"))}
    env.update(DIGIGOV_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="digigov.core.settings",
               PYTHONPATH=str(ROOT))
    _database(tmp_path)
    made = _run(SEAL, env)
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
