"""Windowed failure counters shared by every worker process: Redis when ``REDIS_URL`` is set, else the
database (one atomic upsert per hit). Both count exactly under concurrency; the per-process
LocMemCache used before let each worker allow the whole limit again (the real limit was limit × workers).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import connection
from django.utils import timezone


def hit(key: str, window_seconds: int) -> int:
    """Count one failure for ``key`` and return the count within the current window (1 for the first)."""
    if settings.REDIS_URL:
        return _redis_hit(key, window_seconds)
    return _db_hit(key, window_seconds)


def count(key: str, window_seconds: int) -> int:
    """The count within the current window, without adding to it."""
    if settings.REDIS_URL:
        value = _redis().get(_redis_key(key))
        return int(value or 0)
    from digigov.core.web.models import FailureCounter

    cutoff = timezone.now() - dt.timedelta(seconds=window_seconds)
    row = FailureCounter.objects.filter(key=key, window_start__gte=cutoff).values_list("n", flat=True).first()
    return row or 0


def reset(key: str) -> None:
    if settings.REDIS_URL:
        _redis().delete(_redis_key(key))
        return
    from digigov.core.web.models import FailureCounter

    FailureCounter.objects.filter(key=key).delete()


def _db_hit(key: str, window_seconds: int) -> int:
    from digigov.core.web.models import FailureCounter

    table = connection.ops.quote_name(FailureCounter._meta.db_table)
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    # one statement: insert the first failure, or add one to the row (starting afresh once its window has passed);
    # SQLite (3.35+) and PostgreSQL both take it, and both evaluate the SET expressions on the old row
    q = connection.ops.quote_name
    key_col, start_col, n_col = q("key"), q("window_start"), q("n")
    sql = (
        f"INSERT INTO {table} ({key_col}, {start_col}, {n_col}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({key_col}) DO UPDATE SET "
        f"{n_col} = CASE WHEN {table}.{start_col} < %s THEN 1 ELSE {table}.{n_col} + 1 END, "
        f"{start_col} = CASE WHEN {table}.{start_col} < %s THEN excluded.{start_col} ELSE {table}.{start_col} END "
        f"RETURNING {n_col}"
    )
    cutoff = adapt(now - dt.timedelta(seconds=window_seconds))
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, adapt(now), cutoff, cutoff])
        n = cursor.fetchone()[0]
    if n == 1:
        # a window starts: drop the rows whose windows have passed (only wrong guesses create rows)
        FailureCounter.objects.filter(window_start__lt=now - dt.timedelta(seconds=window_seconds)).exclude(key=key).delete()
    return n


@functools.cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def _redis():
    return _redis_client(settings.REDIS_URL)


def _redis_key(key: str) -> str:
    return f"digigov:failures:{key}"


def _redis_hit(key: str, window_seconds: int) -> int:
    pipe = _redis().pipeline()  # MULTI/EXEC: the increment and the window's expiry go together
    pipe.incr(_redis_key(key))
    pipe.expire(_redis_key(key), window_seconds, nx=True)
    n, _ = pipe.execute()
    return int(n)
