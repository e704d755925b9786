"""Appending to the sharing access log (``sharing.AccessRecord``) and the daily meters (``sharing.UsageDaily``)
for exchange runs.

The chain: ``hash = HMAC-SM3(access-log key, prev_hash ‖ canonical JSON of the record)`` with ``seq`` dense
under the lock of ``AccessChainHead``, as the model's docstring specifies. The access-log key is derived
from the audit key (``settings.DIGIGOV_AUDIT_KEY``, outside the database) with a fixed label, so it is
never the audit key itself. The gateway appends to the same chain; when its writer lands on main this
module should delegate to it (one writer, one key derivation) — until then the derivation here is the
reference. ``verify_chain`` re-computes the chain.

Meters are added with one ``INSERT … ON CONFLICT DO UPDATE`` (SQLite ≥ 3.24 and PostgreSQL), never lowered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from digigov.core.audit.actions import canonical
from digigov.core.crypto import hmac_sm3_hex
from digigov.data.sharing.models import AccessChainHead, AccessRecord, UsageDaily

GENESIS = "0" * 64
HASHED = ("seq", "at", "kind", "app_id", "app_key", "consumer_id", "provider_id", "entry_id", "resource_id", "method", "path",
          "purpose", "status", "code", "rows", "fields", "response_hash", "duration_us", "node", "request_id")


@lru_cache(maxsize=4)
def _key(audit_hex: str) -> bytes:
    return bytes.fromhex(hmac_sm3_hex(bytes.fromhex(audit_hex), b"digigov/sharing/access-log/v1"))


def access_key() -> bytes:
    return _key(settings.DIGIGOV_AUDIT_KEY)


def record_fields(rec: AccessRecord) -> dict:
    data = {name: getattr(rec, name) for name in HASHED}
    data["at"] = rec.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    return data


def record_hash(rec: AccessRecord) -> str:
    return hmac_sm3_hex(access_key(), rec.prev_hash.encode() + canonical(record_fields(rec)))


@transaction.atomic
def append(**fields) -> AccessRecord:
    """Append one record (fields of ``AccessRecord`` but seq/prev_hash/hash) under the chain head's lock."""
    head = AccessChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AccessChainHead.objects.bulk_create([AccessChainHead(pk=1, last_seq=0, last_hash=GENESIS)], ignore_conflicts=True)
        head = AccessChainHead.objects.select_for_update().get(pk=1)
    fields.setdefault("at", timezone.now())
    fields["at"] = fields["at"].astimezone(dt.timezone.utc)
    rec = AccessRecord(seq=head.last_seq + 1, prev_hash=head.last_hash, **fields)
    rec.hash = record_hash(rec)
    rec.save()
    AccessChainHead.objects.filter(pk=1).update(last_seq=rec.seq, last_hash=rec.hash)
    return rec


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    broken_at: int | None = None


def verify_chain(batch: int = 5000) -> ChainCheck:
    prev, expected_seq, checked, last = GENESIS, 1, 0, 0
    while True:
        rows = list(AccessRecord.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            break
        for rec in rows:
            if rec.seq != expected_seq or rec.prev_hash != prev or rec.hash != record_hash(rec):
                return ChainCheck(False, checked, rec.seq)
            prev, expected_seq, checked, last = rec.hash, rec.seq + 1, checked + 1, rec.seq
    head = AccessChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != last or head.last_hash != prev):
        return ChainCheck(False, checked, last + 1)
    return ChainCheck(True, checked)


def add_usage(*, day: dt.date, kind: str, app_ref: int, consumer_id: int | None, provider_id: int, entry_id: int, resource_ref: int,
              calls: int = 0, errors: int = 0, rows: int = 0, nbytes: int = 0) -> None:
    """Add to one meter line (created when missing)."""
    qn = connection.ops.quote_name
    table = qn(UsageDaily._meta.db_table)
    cols = ["day", "kind", "app_ref", "consumer_id", "provider_id", "entry_id", "resource_ref", "calls", "errors", "rows", "bytes"]
    key = ", ".join(qn(c) for c in ("day", "kind", "app_ref", "entry_id", "resource_ref"))
    adds = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ("calls", "errors", "rows", "bytes"))
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
                    f"ON CONFLICT ({key}) DO UPDATE SET {adds}",
                    [day, kind, app_ref, consumer_id, provider_id, entry_id, resource_ref, calls, errors, rows, nbytes])
