"""Writing to and verifying the audit chain. Every action in every app calls ``record``."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from digigov.core.context import current_actor
from digigov.core.crypto import constant_time_equals, hmac_sm3_hex
from digigov.core.errors import Conflict

from . import checkpoints
from .keys import chain_key
from .models import GENESIS_HASH, AuditEntry, ChainHead

HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor", "role", "channel", "action", "object_type", "object_id",
    "object_repr", "before_json", "after_json", "ip", "request_id", "prev_hash",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "public_id", None) or value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """JSON-safe copy of a model's concrete fields; personal fields (``PII_FIELDS`` and every encrypted
    field) are masked; blind indexes and other binary columns are left out (an index value would let the
    log be joined to the table)."""
    from digigov.core.accounts.ids import mask_text
    from digigov.core.pii import EncryptedTextField

    pii = set(getattr(obj, "PII_FIELDS", ())) | {f.name for f in obj._meta.concrete_fields if isinstance(f, EncryptedTextField)}
    out = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"password", "key_hash"} or (isinstance(f, models.BinaryField) and f.name not in pii):
            continue
        value = getattr(obj, f.attname)
        if f.name in pii and value:
            value = mask_text(str(value), keep=4)
        out[f.name] = _jsonable(value)
    return out


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose values changed."""
    if before is None or after is None:
        return before, after
    keys = [k for k in set(before) | set(after) if before.get(k) != after.get(k) and k != "updated_at"]
    return {k: before.get(k) for k in sorted(keys)}, {k: after.get(k) for k in sorted(keys)}


def canonical_text(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def canonical(entry: dict) -> bytes:
    return canonical_text(entry).encode("utf-8")


def entry_hash(fields: dict) -> str:
    """HMAC-SM3 under the audit key (``keys.chain_key``) of ``prev_hash ‖ canonical JSON``.

    Keyed, not a plain SM3 hash: with a plain hash anyone who can write the table can edit a row
    and recompute every later hash and the head, and the chain verifies as intact. The key is
    outside the database (env or ``var/audit_key``). Rows written before the key existed were
    re-chained under it by migration 0002 (after checking their plain SM3 chain)."""
    return hmac_sm3_hex(chain_key(), fields["prev_hash"].encode() + canonical(fields))


def _fields_of(entry: AuditEntry) -> dict:
    data = {name: getattr(entry, name) for name in HASHED_FIELDS}
    data["at"] = entry.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    return _jsonable(data)


class ActorMismatch(RuntimeError):
    """An action named one actor while the request or task is attributed to another."""


def _actor_fields(actor) -> tuple[int | None, str, str]:
    """``actor`` is the action's actor argument: a user (a person, staff, a service or the system
    account) or Django's AnonymousUser for what an anonymous caller does (a failed login)."""
    if actor is None:
        raise TypeError("record() needs the acting user (use the system account for system jobs)")
    ctx = current_actor()
    pk = getattr(actor, "pk", None)
    if pk is not None and ctx.user_id is not None and ctx.user_id != pk:
        raise ActorMismatch(f"action by user {pk} inside a request attributed to user {ctx.user_id}")
    name = getattr(actor, "username", "") or "anonymous"
    return pk, name, getattr(actor, "_digigov_acting_role", "")


@transaction.atomic
def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry naming ``actor`` (the action's actor argument) in the role its permission
    check granted; where it came from (channel, IP, request id) comes from ``digigov.core.context``.

    Runs inside the caller's transaction: if the write it describes rolls back, so does the entry.
    """
    actor_id, actor_name, role = _actor_fields(actor)
    ctx = current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
        object_repr = object_repr or str(obj)[:200]
    before, after = diff(_jsonable(before), _jsonable(after))
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # the first entry ever: parallel first writers (PostgreSQL) must not both insert the head row
        ChainHead.objects.bulk_create([ChainHead(pk=1, last_seq=0, last_hash=GENESIS_HASH)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    now = timezone.now().astimezone(dt.timezone.utc)
    entry = AuditEntry(
        seq=head.last_seq + 1,
        at=now,
        actor_id=actor_id,
        actor=actor_name[:64],
        role=role[:32],
        channel=ctx.channel,
        action=action,
        object_type=object_type[:64],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        before_json=canonical_text(before) if before is not None else "",
        after_json=canonical_text(after) if after is not None else "",
        ip=ctx.ip,
        request_id=ctx.request_id[:32],
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(_fields_of(entry))
    entry.save()
    ChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    checkpoints.after_commit(entry.seq, entry.hash)
    return entry


@transaction.atomic
def record_many(actor, action: str, items: Iterable[tuple[models.Model, dict | None, dict | None]]) -> list[AuditEntry]:
    """``record`` for many objects of one action by one actor (a batch signing, a bulk import): one lock of
    the chain head, the entries chained and inserted together, one head update. ``items`` are
    ``(obj, before, after)``. The chain is the same as ``record`` called once per item."""
    actor_id, actor_name, role = _actor_fields(actor)
    ctx = current_actor()
    items = list(items)
    if not items:
        return []
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.bulk_create([ChainHead(pk=1, last_seq=0, last_hash=GENESIS_HASH)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    now = timezone.now().astimezone(dt.timezone.utc)
    seq, prev = head.last_seq, head.last_hash
    entries = []
    for obj, before, after in items:
        before, after = diff(_jsonable(before), _jsonable(after))
        seq += 1
        entry = AuditEntry(
            seq=seq, at=now, actor_id=actor_id, actor=actor_name[:64], role=role[:32], channel=ctx.channel, action=action,
            object_type=obj._meta.label_lower[:64], object_id=str(getattr(obj, "public_id", None) or obj.pk)[:64],
            object_repr=str(obj)[:200], before_json=canonical_text(before) if before is not None else "",
            after_json=canonical_text(after) if after is not None else "", ip=ctx.ip, request_id=ctx.request_id[:32], prev_hash=prev)
        entry.hash = prev = entry_hash(_fields_of(entry))
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    ChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    every = settings.DIGIGOV_AUDIT_CHECKPOINT_EVERY
    for entry in entries:  # the same checkpoints ``record`` would write, without a callback per entry
        if entry is entries[-1] or (every > 1 and entry.seq % every == 0):
            checkpoints.after_commit(entry.seq, entry.hash)
    return entries


def record_pii_read(actor, obj: models.Model, fields: Iterable[str], purpose: str = "") -> AuditEntry:
    """Log that ``actor`` saw personal fields of ``obj`` in clear."""
    return record(actor, "pii.read", obj, after={"fields": sorted(fields), "purpose": purpose})


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0  # valid checkpoints the chain was compared with


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Recompute every entry's MAC in order and compare the chain with the signed checkpoints kept
    outside the database; name the first entry that does not match.

    Detects: an edited row (its MAC no longer matches, even if the editor recomputed hashes without
    the key), a deleted row (a gap in ``seq``), a deleted tail with a rewound head (a checkpoint names
    a seq the table no longer has), a rewritten stretch with valid MACs (a checkpoint's hash differs),
    and a forged or altered checkpoint line (its own MAC).
    """
    # read before walking the table: every checkpoint read then names an entry already committed
    cps, bad_lines = checkpoints.read()
    if bad_lines:
        first = min(bad_lines, key=lambda b: (b.seq is None, b.seq or 0))
        return VerifyResult(False, 0, first.seq, f"{first.reason}（检查点文件第 {first.line_no} 行）", len(cps))
    expected: dict[int, set[str]] = {}
    for cp in cps:
        expected.setdefault(cp.seq, set()).add(cp.hash)
    # the head as of now bounds the walk: entries appended while we walk (their head update commits
    # with them) are left for the next run instead of looking like a head that lags behind
    head = ChainHead.objects.filter(pk=1).first()
    limit = head.last_seq if head is not None else None
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seen = 0
    last_cp = 0
    while True:
        qs = AuditEntry.objects.filter(seq__gt=last_seen)
        if limit is not None:
            qs = qs.filter(seq__lte=limit)
        rows = list(qs.order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"缺少序号 {expected_seq} 的记录（已被删除）", len(cps))
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, checked, entry.seq, "前序摘要与上一条记录不符", len(cps))
            if not constant_time_equals(entry.hash, entry_hash(_fields_of(entry))):
                return VerifyResult(False, checked, entry.seq, "记录内容与摘要不符（已被篡改）", len(cps))
            if entry.seq in expected:
                if expected[entry.seq] != {entry.hash}:
                    return VerifyResult(False, checked, last_cp + 1,
                                        f"第 {last_cp + 1}–{entry.seq} 号记录与库外检查点不符（已被整体改写）", len(cps))
                last_cp = entry.seq
            prev_hash = entry.hash
            expected_seq += 1
            checked += 1
            last_seen = entry.seq
    if head is None:
        if checked:  # the head is what anchors the tail: without it a truncation would pass
            return VerifyResult(False, checked, checked + 1, "链头缺失，无法确认末尾记录是否被删除", len(cps))
    else:
        if head.last_seq != checked:
            return VerifyResult(False, checked, checked + 1, "链头与记录数不符（末尾记录被删除）", len(cps))
        if checked and head.last_hash != prev_hash:
            return VerifyResult(False, checked, checked, "链头摘要与末条记录不符", len(cps))
        # rows beyond the head read above are legitimate only if the head has since moved past them
        beyond = AuditEntry.objects.filter(seq__gt=head.last_seq).aggregate(m=models.Max("seq"))["m"]
        if beyond is not None:
            now = ChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
            if now < beyond:
                return VerifyResult(False, checked, now + 1, "链头落后于已有记录（链头被回拨）", len(cps))
    if cps and cps[-1].seq > checked:
        return VerifyResult(False, checked, checked + 1,
                            f"库外检查点记载到第 {cps[-1].seq} 号，数据库只有 {checked} 条（末尾记录被删除、链头被回拨）", len(cps))
    return VerifyResult(True, checked, checkpoints=len(cps))


def checkpoint_head() -> int | None:
    """Checkpoint the current head unless a checkpoint already covers it (the periodic task): bounds
    the unprotected tail by time as well as by count. Returns the seq checkpointed."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0 or head.last_seq <= checkpoints.last_seq():
        return None
    checkpoints.write(head.last_seq, head.last_hash)
    return head.last_seq


def start_verification(actor) -> "AuditVerification":
    """An auditor or security officer (or the system's nightly job) asks for a full verification;
    it runs as a background task once this transaction commits and fills in the row."""
    from digigov.core.rbac.checks import WHOLE_CITY, require

    from .models import AuditVerification

    require(actor, "audit.verify", WHOLE_CITY)
    with transaction.atomic():
        recent = timezone.now() - dt.timedelta(hours=1)  # an older unfinished run died with its worker
        if AuditVerification.objects.filter(finished_at__isnull=True, started_at__gte=recent).exists():
            raise Conflict("已有一次审计链校验正在进行，请等待其完成", code="verification_running")
        run = AuditVerification.objects.create(started_at=timezone.now(), requested_by=actor)
        record(actor, "audit.verify", run, after={"started_at": run.started_at})

        def queue():
            from .tasks import verify_audit_chain

            try:
                verify_audit_chain(run.pk)
            except Exception:  # noqa: BLE001 — the request is committed; the row stays "running" and says so
                import logging

                logging.getLogger(__name__).exception("audit verification %s could not be queued", run.pk)

        transaction.on_commit(queue)
    return run


def run_verification(run_id: int) -> "AuditVerification":
    """Verify the chain and store the result on the ``AuditVerification`` row (the task's body)."""
    from .models import AuditVerification

    run = AuditVerification.objects.get(pk=run_id)
    try:
        result = verify_chain()
    except Exception as exc:  # noqa: BLE001 — a crash is a failed verification, not a row stuck "running"
        result = VerifyResult(False, 0, None, f"校验未能完成：{type(exc).__name__}")
    run.finished_at = timezone.now()
    run.ok, run.checked, run.checkpoints = result.ok, result.checked, result.checkpoints
    run.first_bad_seq, run.reason = result.first_broken_seq, result.reason[:300]
    run.save(update_fields=["finished_at", "ok", "checked", "checkpoints", "first_bad_seq", "reason"])
    return run
