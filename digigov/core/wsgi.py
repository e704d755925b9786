import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
application = get_wsgi_application()

# refuse to start on a broken key set-up (e.g. a lost master key) rather than write unreadable data
from django.core.checks import run_checks  # noqa: E402

_startup_errors = [e for e in run_checks(databases=["default"], tags=["startup"]) if e.is_serious()]
if _startup_errors:
    raise SystemExit("DigiGov 拒绝启动：\n" + "\n".join(f"  [{e.id}] {e.msg}\n    {e.hint or ''}" for e in _startup_errors))
