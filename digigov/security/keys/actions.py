"""Key operations: every one is audited (key uses are counted instead, see ``api``)."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.context import acting_as, current_actor
from digigov.core.errors import Conflict, NotFound
from digigov.core.pii import BLIND_INDEX_PURPOSE
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.rbac.system import system_account

from . import api
from .models import DataKey, KeyState, Reencryption, ReencryptionState


def _public(row: DataKey) -> dict:
    return {"purpose": row.purpose, "version": row.version, "algorithm": row.algorithm, "length": row.length,
            "master_key_id": row.master_key_id, "state": row.state}


def audit_created(row: DataKey) -> None:
    """A purpose's first key is made on first use, inside whatever request or job needed it: the
    platform's system account makes it (the request's own user did not ask for a key)."""
    system = system_account()
    ctx = current_actor()
    with acting_as(system, channel=ctx.channel, ip=ctx.ip, request_id=ctx.request_id):
        record(system, "keys.create", row, after=_public(row))


@transaction.atomic
def rotate_key(actor, purpose: str) -> DataKey:
    """Make a new active version of ``purpose``'s key; the old version stays for reading (retired).
    Data sealed under it stays readable; ``reencrypt`` passes move it forward."""
    require(actor, "keys.manage", WHOLE_CITY)
    if purpose == BLIND_INDEX_PURPOSE:
        raise Conflict("盲索引密钥不能在线轮换：每个索引值都要用新密钥从明文重新计算，期间按身份证号码查找会失效；"
                       "请按《密钥管理》文档在停机窗口离线重建索引", code="blind_index_rotation")
    current = DataKey.objects.select_for_update().filter(purpose=purpose, state=KeyState.ACTIVE).first()
    if current is None:
        raise NotFound(f"密钥用途“{purpose}”尚无密钥", code="unknown_key")
    st = api.store()
    api._unwrap(current)  # refuse to rotate under a master key that cannot read the current key
    value = os.urandom(current.length)
    before = _public(current)
    current.state = KeyState.RETIRED
    current.retired_at = timezone.now()
    current.save(update_fields=["state", "retired_at"])
    row = DataKey.objects.create(purpose=purpose, version=current.version + 1, algorithm=current.algorithm, length=current.length,
                                 master_key_id=st.key_id, wrapped=st.wrap(value, api._context(purpose, current.version + 1)))
    record(actor, "keys.rotate", row, before=before, after=_public(row))
    api._remember(purpose, row.version, value, active=True)
    return row


@transaction.atomic
def start_reencryption(actor, purpose: str, *, enqueue: bool = True) -> Reencryption:
    """Queue a pass that moves every column sealed under ``purpose`` onto its active version (the Huey
    task ``tasks.reencrypt`` runs it after this transaction commits; ``enqueue=False``: the caller runs
    it with ``reencrypt.run``, as ``manage.py keys rotate --reencrypt`` does)."""
    require(actor, "keys.manage", WHOLE_CITY)
    active = DataKey.objects.filter(purpose=purpose, state=KeyState.ACTIVE).first()
    if active is None:
        raise NotFound(f"密钥用途“{purpose}”尚无密钥", code="unknown_key")
    if Reencryption.objects.select_for_update().filter(purpose=purpose, state__in=[ReencryptionState.QUEUED, ReencryptionState.RUNNING]).exists():
        raise Conflict("该用途已有重新加密任务在进行", code="reencryption_running")
    job = Reencryption.objects.create(purpose=purpose, target_version=active.version, actor=actor)
    record(actor, "keys.reencrypt", job, after={"purpose": purpose, "target_version": active.version})
    from . import tasks

    if enqueue:
        transaction.on_commit(lambda: tasks.reencrypt(job.pk))
    return job


def finish_reencryption(job: Reencryption) -> None:
    """The audit entry of a finished pass, in the name of whoever started it."""
    record(job.actor, "keys.reencrypt.finish", job, after={"purpose": job.purpose, "target_version": job.target_version,
                                                            "state": job.state, "moved": job.moved, "left_behind": job.left_behind})
