"""The gateway's access log and meters, written in batches (group commit).

``append(records, usage, nonces)`` runs inside one transaction: it locks ``AccessChainHead`` (one chain
for every gateway process and the exchange jobs), refuses the nonces already seen, chains the records
(``hash = HMAC-SM3(key, prev_hash ‖ canonical JSON)``, ``seq`` dense), inserts them and the nonces in bulk,
moves the head and adds the usage lines to ``UsageDaily`` with one upsert statement
(``INSERT … ON CONFLICT DO UPDATE``, the same SQL on SQLite and PostgreSQL).

The key is the purpose ``sharing.access_log`` (32 bytes, envelope-encrypted under the master key, never
in the database in clear); the chain is keyed with the purpose's first version, so that verifying
never depends on which version was active when a row was written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection, transaction

from digigov.core.crypto import constant_time_equals, hmac_sm3_hex
from digigov.data.sharing.models import AccessChainHead, AccessRecord, SeenNonce, UsageDaily

KEY_PURPOSE = "sharing.access_log"
GENESIS = "0" * 64
HASHED = ("seq", "at", "kind", "app_id", "app_key", "consumer_id", "provider_id", "entry_id", "resource_id", "method", "path",
          "purpose", "status", "code", "rows", "fields", "response_hash", "duration_us", "node", "request_id", "prev_hash")


def chain_key() -> bytes:
    """The chain key (cached by ``security.keys.api`` once its row is committed)."""
    from digigov.security.keys import api

    version, value = api.active_key(KEY_PURPOSE, 32)
    return value if version == 1 else api.key(KEY_PURPOSE, 1)


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def record_hash(key: bytes, fields: dict) -> str:
    data = {name: fields.get(name) for name in HASHED}
    data["at"] = _at_text(fields["at"])
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac_sm3_hex(key, fields["prev_hash"].encode() + text.encode())


@dataclass
class UsageLine:
    day: dt.date
    kind: str
    app_ref: int
    consumer_id: int | None
    provider_id: int
    entry_id: int
    resource_ref: int
    calls: int = 0
    errors: int = 0
    rows: int = 0
    bytes: int = 0


def _lock_head() -> AccessChainHead:
    head = AccessChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AccessChainHead.objects.bulk_create([AccessChainHead(pk=1, last_seq=0, last_hash=GENESIS)], ignore_conflicts=True)
        head = AccessChainHead.objects.select_for_update().get(pk=1)
    return head


def seen_nonces(pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of ``(app_id, nonce)`` are already stored (call under the head lock: nonces are inserted only there)."""
    found: set[tuple[int, str]] = set()
    if not pairs:
        return found
    wanted = set(pairs)
    apps = sorted({a for a, _ in pairs})
    nonces = sorted({n for _, n in pairs})
    for i in range(0, len(nonces), 500):
        for app_id, nonce in SeenNonce.objects.filter(app_id__in=apps, nonce__in=nonces[i:i + 500]).values_list("app_id", "nonce"):
            if (app_id, nonce) in wanted:
                found.add((app_id, nonce))
    return found


def upsert_usage(lines: list[UsageLine]) -> None:
    """Add ``lines`` to ``UsageDaily`` (lines with the same key are summed first): one statement per batch."""
    merged: dict[tuple, UsageLine] = {}
    for line in lines:
        key = (line.day, line.kind, line.app_ref, line.entry_id, line.resource_ref)
        have = merged.get(key)
        if have is None:
            merged[key] = UsageLine(**line.__dict__)
        else:
            have.calls += line.calls
            have.errors += line.errors
            have.rows += line.rows
            have.bytes += line.bytes
    if not merged:
        return
    qn = connection.ops.quote_name
    table = qn(UsageDaily._meta.db_table)
    cols = ["day", "kind", "app_ref", "consumer_id", "provider_id", "entry_id", "resource_ref", "calls", "errors", "rows", "bytes"]
    adds = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ("calls", "errors", "rows", "bytes"))
    sql = (f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
           f"ON CONFLICT ({qn('day')}, {qn('kind')}, {qn('app_ref')}, {qn('entry_id')}, {qn('resource_ref')}) DO UPDATE SET {adds}")
    params = [[getattr(m, c) for c in cols] for m in merged.values()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def write_batch(records: list[dict], nonces: list[tuple[int, str] | None], usage: list[UsageLine], on_replay) -> list[bool]:
    """One transaction: lock the head, refuse replayed nonces (``on_replay(i)`` returns the record and the
    usage line that replace record i), chain and insert everything, move the head, add the meters.
    Returns per record whether its nonce was fresh."""
    key = chain_key()
    with transaction.atomic():
        head = _lock_head()
        pairs = [n for n in nonces if n is not None]
        seen = seen_nonces(pairs)
        fresh: list[bool] = []
        batch_pairs: set[tuple[int, str]] = set()
        new_nonces = []
        now = dt.datetime.now(dt.timezone.utc)
        for i, pair in enumerate(nonces):
            ok = True
            if pair is not None:
                if pair in seen or pair in batch_pairs:
                    ok = False
                    records[i], usage[i] = on_replay(i)
                else:
                    batch_pairs.add(pair)
                    new_nonces.append(SeenNonce(app_id=pair[0], nonce=pair[1], seen_at=now))
            fresh.append(ok)
        seq, prev = head.last_seq, head.last_hash
        rows = []
        for fields in records:
            seq += 1
            fields = dict(fields, seq=seq, prev_hash=prev)
            fields["hash"] = prev = record_hash(key, fields)
            rows.append(AccessRecord(**fields))
        if new_nonces:
            SeenNonce.objects.bulk_create(new_nonces, batch_size=500)
        AccessRecord.objects.bulk_create(rows, batch_size=500)
        AccessChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
        upsert_usage([u for u in usage if u is not None])
    return fresh


def append_records(records: list[dict], usage: list[UsageLine] = ()) -> None:
    """Append records that carry no nonce (the exchange jobs' runs) to the same chain."""
    write_batch(list(records), [None] * len(records), list(usage) + [None] * max(0, len(records) - len(usage)),
                on_replay=lambda i: (records[i], None))


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    message: str = ""


def verify_access_chain(*, start: int = 1, batch: int = 2000) -> ChainReport:
    """Walk the chain from ``start``: every ``seq`` present and dense, every ``prev_hash`` the previous
    row's hash, every hash recomputed under the key, and the head pointing at the last row."""
    key = chain_key()
    head = AccessChainHead.objects.filter(pk=1).first()
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    expected_prev = GENESIS
    if start > 1:
        before = AccessRecord.objects.filter(seq=start - 1).values_list("hash", flat=True).first()
        if before is None:
            return ChainReport(False, 0, start - 1, f"第 {start - 1} 条访问记录缺失")
        expected_prev = before
    expected_seq = start
    checked = 0
    names = [f.attname for f in AccessRecord._meta.concrete_fields]
    while True:
        chunk = list(AccessRecord.objects.filter(seq__gte=expected_seq).order_by("seq").values(*names)[:batch])
        if not chunk:
            break
        for row in chunk:
            if row["seq"] != expected_seq:
                return ChainReport(False, checked, expected_seq, f"第 {expected_seq} 条访问记录缺失")
            if row["prev_hash"] != expected_prev:
                return ChainReport(False, checked, row["seq"], f"第 {row['seq']} 条访问记录的前序摘要与上一条不符")
            if not constant_time_equals(record_hash(key, row), row["hash"]):
                return ChainReport(False, checked, row["seq"], f"第 {row['seq']} 条访问记录的内容与摘要不符（被修改）")
            expected_prev = row["hash"]
            expected_seq += 1
            checked += 1
    if expected_seq - 1 != last_seq or (last_seq and expected_prev != last_hash):
        return ChainReport(False, checked, expected_seq, "访问记录链头与最后一条记录不符（末尾记录被删除或链头被改动）")
    return ChainReport(True, checked, None, f"已校验 {checked} 条访问记录，链完整")
