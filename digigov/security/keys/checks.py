"""Start-up check: refuse to serve if the master key cannot unwrap the stored data keys.

Runs with the system checks that touch the database (``manage.py check --database default``, and
``digigov.core.wsgi`` before the server takes requests). A lost or wrong master key stops the start with
a clear message instead of letting the platform write data nobody can read afterwards.
"""

from __future__ import annotations

from django.core.checks import Error, register
from django.db import DatabaseError

ERROR_ID = "keys.E001"


@register("database", "startup")
def master_key_check(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from . import api
    from .models import DataKey
    from .store import MasterKeyError

    errors = []
    try:
        rows = list(DataKey.objects.order_by("purpose", "version"))
    except DatabaseError:  # not migrated yet
        return []
    if not rows:
        return []
    try:
        api.reset_caches()
        for row in rows:
            api._unwrap(row)
    except MasterKeyError as exc:
        errors.append(Error(str(exc), hint="设置 DIGIGOV_MASTER_KEY 为原主密钥，或恢复 DIGIGOV_MASTER_KEY_FILE 指向的文件", id=ERROR_ID))
    return errors
