"""Moving encrypted columns onto the active key version after a rotation, without stopping the platform.

Every column of every model whose ``EncryptedTextField`` uses the purpose (``pii.all_encrypted_columns``)
is walked in keyset batches by primary key (``BATCH`` rows, one short transaction each). A value still on
an old version is unsealed and sealed again under the active version, and written with a conditional
``UPDATE … SET col = new WHERE pk = … AND col = old``: a row someone changed meanwhile keeps their value
(it was sealed under a current key anyway). Progress is saved on the ``Reencryption`` row after every batch.

After a full pass every column is counted again for values left on an old version (a web process may
still seal under the old version for up to ``api.ACTIVE_TTL`` seconds after the rotation); the pass is
repeated for those, up to ``MAX_PASSES`` times, and the job ends ``done`` only when none is left.
"""

from __future__ import annotations

import time
from typing import Callable

from django.db import connection, transaction
from django.utils import timezone

from digigov.core import pii

from . import api
from .models import Reencryption, ReencryptionState

BATCH = 5000
MAX_PASSES = 3


def columns(purpose: str):
    return [(m, f) for m, f in pii.all_encrypted_columns() if f.purpose == purpose]


def _version_bytes(version: int) -> bytes:
    return version.to_bytes(4, "big")


def coverage(model, field, version: int | None) -> tuple[int, int]:
    """(values on ``version`` or empty, rows) of one column: one scan, ``substr`` of the envelope header."""
    qn = connection.ops.quote_name
    col = qn(field.column)
    with connection.cursor() as cur:
        if version is None:
            cur.execute(f"SELECT COUNT(*) FROM {qn(model._meta.db_table)}")
            return 0, cur.fetchone()[0]
        cur.execute(f"SELECT COALESCE(SUM(CASE WHEN {col} IS NULL OR LENGTH({col}) = 0 OR SUBSTR({col}, 2, 4) = %s THEN 1 ELSE 0 END), 0), "
                    f"COUNT(*) FROM {qn(model._meta.db_table)}", [connection.Database.Binary(_version_bytes(version))])
        current, total = cur.fetchone()
    return int(current), int(total)


def left_behind(purpose: str, version: int) -> int:
    return sum(total - current for current, total in (coverage(m, f, version) for m, f in columns(purpose)))


def _column_pass(model, field, purpose: str, target: int, on_batch: Callable[[int, int], None]) -> None:
    qn = connection.ops.quote_name
    table, col, pk = qn(model._meta.db_table), qn(field.column), qn(model._meta.pk.column)
    aad = pii.aad_for(model._meta.db_table, field.column)
    seal = api.sealer(purpose, aad)
    if seal.version != target:  # rotated again meanwhile: move to the newest
        target = seal.version
    binary = connection.Database.Binary
    select = f"SELECT {pk}, {col} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
    update = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"
    last = None
    while True:
        with connection.cursor() as cur:
            if last is None:
                cur.execute(select.replace(f"WHERE {pk} > %s ", ""), [BATCH])
            else:
                cur.execute(select, [last, BATCH])
            rows = cur.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        changes = []
        for key, blob in rows:
            if blob is None:
                continue
            blob = bytes(blob)
            if not blob or api.blob_version(blob) == target:
                continue
            changes.append((binary(seal(api.unseal(purpose, blob, aad))), key, binary(blob)))
        if changes:
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(update, changes)
        on_batch(len(rows), len(changes))


def run(job: Reencryption, progress: Callable[[int], None] | None = None) -> Reencryption:
    """Run ``job`` to the end in this process (the Huey task, or ``manage.py keys rotate --reencrypt``)."""
    cols = columns(job.purpose)
    job.state = ReencryptionState.RUNNING
    job.started_at = timezone.now()
    job.total = sum(coverage(m, f, None)[1] for m, f in cols)
    job.done = job.moved = 0
    job.save(update_fields=["state", "started_at", "total", "done", "moved"])

    def on_batch(scanned: int, moved: int) -> None:
        job.done += scanned
        job.moved += moved
        Reencryption.objects.filter(pk=job.pk).update(done=job.done, moved=job.moved)
        if progress:
            progress(scanned)

    try:
        target = job.target_version
        remaining = 0
        for n in range(MAX_PASSES):
            for model, field in cols:
                _column_pass(model, field, job.purpose, target, on_batch)
            target = api.active_version(job.purpose) or target
            remaining = left_behind(job.purpose, target)
            if not remaining:
                break
            # someone sealed under the old version after the rotation (a process's cached active version):
            # wait until every process has re-read the active version, then take those rows too
            rotated = job.created_at
            wait = api.ACTIVE_TTL - (timezone.now() - rotated).total_seconds()
            if wait > 0:
                time.sleep(min(wait, api.ACTIVE_TTL))
        job.left_behind = remaining
        job.target_version = target
        job.state = ReencryptionState.DONE if not remaining else ReencryptionState.INCOMPLETE
        job.message = "" if not remaining else f"复核仍有 {remaining} 个字段为旧版本密文，请再次执行"
    except Exception as exc:  # recorded on the job for the page; the worker log has the traceback
        job.state = ReencryptionState.FAILED
        job.message = str(getattr(exc, "message", exc))[:200]
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "finished_at", "left_behind", "target_version", "message", "done", "moved"])
        api.flush_usage()
    return job
