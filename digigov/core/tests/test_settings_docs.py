"""Every environment variable DigiGov reads is documented in settings.py's docstring and the README table."""

import re
from pathlib import Path

import digigov.core.settings as settings_module

ROOT = Path(__file__).resolve().parents[3]
READS = re.compile(r"""(?:os\.environ\.get|os\.environ\[|_env_bool|_var_secret|os\.getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")


def _read_in_code() -> set[str]:
    names = set()
    for path in (ROOT / "digigov").rglob("*.py"):
        if "tests" in path.parts:
            continue
        names |= set(READS.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_environment_variable_is_documented():
    names = _read_in_code()
    assert {"DATABASE_URL", "DIGIGOV_TRUSTED_PROXIES", "DIGIGOV_AUDIT_KEY"} <= names  # the scan finds them
    docstring = settings_module.__doc__
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not sorted(n for n in names if n not in docstring), "document these in digigov/core/settings.py's docstring"
    assert not sorted(n for n in names if f"`{n}`" not in readme), "add these to the README's configuration table"
