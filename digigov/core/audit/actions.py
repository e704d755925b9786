"""Writing to and verifying the audit chain. Every action in every app calls ``record``."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from django.db import models, transaction
from django.utils import timezone

from digigov.core.context import current_actor
from digigov.core.crypto import sm3_hex

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
    """JSON-safe copy of a model's concrete fields; personal fields (``PII_FIELDS``) are masked."""
    from digigov.core.accounts.ids import mask_text

    pii = set(getattr(obj, "PII_FIELDS", ()))
    out = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"password", "key_hash"}:
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
    return sm3_hex(fields["prev_hash"].encode() + canonical(fields))


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
        head = ChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
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
    return entry


def record_pii_read(actor, obj: models.Model, fields: Iterable[str], purpose: str = "") -> AuditEntry:
    """Log that ``actor`` saw personal fields of ``obj`` in clear."""
    return record(actor, "pii.read", obj, after={"fields": sorted(fields), "purpose": purpose})


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Recompute every hash in order; name the first entry that does not match."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seen = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seen).order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"缺少序号 {expected_seq} 的记录（已被删除）")
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, checked, entry.seq, "前序摘要与上一条记录不符")
            if entry.hash != entry_hash(_fields_of(entry)):
                return VerifyResult(False, checked, entry.seq, "记录内容与摘要不符（已被篡改）")
            prev_hash = entry.hash
            expected_seq += 1
            checked += 1
            last_seen = entry.seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is None and checked:  # the head is what anchors the tail: without it a truncation would pass
        return VerifyResult(False, checked, checked + 1, "链头缺失，无法确认末尾记录是否被删除")
    if head is not None and head.last_seq != checked:
        return VerifyResult(False, checked, checked + 1 if head.last_seq > checked else head.last_seq, "链头与记录数不符（末尾记录被删除）")
    if head is not None and checked and head.last_hash != prev_hash:
        return VerifyResult(False, checked, checked, "链头摘要与末条记录不符")
    return VerifyResult(True, checked)
