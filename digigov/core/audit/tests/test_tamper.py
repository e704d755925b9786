"""Attacks by someone who can write the database but holds neither the audit key nor the checkpoint
files: each must be detected and the first bad entry named (all passed verification with the plain
SM3 chain)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from digigov.core.audit import checkpoints
from digigov.core.audit.actions import _fields_of, canonical, checkpoint_head, record, verify_chain
from digigov.core.audit.models import AuditEntry, ChainHead
from digigov.core.crypto import hmac_sm3_hex, sm3_hex
from digigov.core.rbac.system import system_account


def _raw(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _chain(n):
    system = system_account()
    for i in range(n):
        record(system, "test.event", object_type="test", object_id=str(i), object_repr=f"对象{i}")
    return list(AuditEntry.objects.order_by("seq"))


def _rewrite_from(target_seq, digest, **changes):
    """What a database administrator can do: edit a row, recompute every later hash with ``digest``
    and move the head along, so the plain chain is intact again."""
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = None
    for e in entries:
        if e.seq < target_seq:
            prev = e.hash
            continue
        if e.seq == target_seq:
            for k, v in changes.items():
                setattr(e, k, v)
        e.prev_hash = prev if prev is not None else e.prev_hash
        fields = _fields_of(e)
        e.hash = digest(fields["prev_hash"].encode() + canonical(fields))
        cols = ", ".join(f"{k} = %s" for k in changes) + (", " if changes else "")
        params = list(changes.values()) if e.seq == target_seq else []
        _raw(f"UPDATE audit_auditentry SET {cols if e.seq == target_seq else ''}prev_hash = %s, hash = %s WHERE seq = %s",
             [*params, e.prev_hash, e.hash, e.seq])
        prev = e.hash
    ChainHead.objects.filter(pk=1).update(last_seq=entries[-1].seq, last_hash=prev)


def test_edit_with_all_later_plain_sm3_hashes_recomputed_is_detected_at_the_edited_entry(db):
    entries = _chain(5)
    target = entries[-3]
    _rewrite_from(target.seq, sm3_hex, actor="mallory")
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == target.seq
    assert "篡改" in result.reason
    with pytest.raises(CommandError, match=rf"seq={target.seq}"):
        call_command("audit_verify")


def test_edit_rechained_with_a_guessed_key_is_detected_at_the_edited_entry(db):
    entries = _chain(4)
    target = entries[-2]
    _rewrite_from(target.seq, lambda data: hmac_sm3_hex(b"not-the-audit-key-0123456789abcd", data), object_repr="伪造对象")
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == target.seq


def test_keyed_chain_depends_on_the_key(db, settings):
    _chain(2)
    assert verify_chain().ok
    settings.DIGIGOV_AUDIT_KEY = "ab" * 32  # another installation's key: nothing verifies
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 1


def test_checkpoints_are_written_after_commit_every_n_entries(db, settings, django_capture_on_commit_callbacks):
    settings.DIGIGOV_AUDIT_CHECKPOINT_EVERY = 3
    start = ChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        entries = _chain(7)
    good, bad = checkpoints.read()
    assert not bad
    expected = [e for e in entries if e.seq > start and e.seq % 3 == 0]
    assert [(c.seq, c.hash) for c in good] == [(e.seq, e.hash) for e in expected]
    line = Path(settings.DIGIGOV_AUDIT_CHECKPOINT_FILE).read_text().splitlines()[0].split(" ")
    assert len(line) == 4 and int(line[0]) == expected[0].seq and line[1] == expected[0].hash
    result = verify_chain()
    assert result.ok and result.checkpoints == len(expected)


def test_no_checkpoint_is_written_for_a_rolled_back_entry(db, settings, django_capture_on_commit_callbacks):
    settings.DIGIGOV_AUDIT_CHECKPOINT_EVERY = 1
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            record(system_account(), "test.event", object_type="t", object_id="1")
            raise RuntimeError("boom")
    assert callbacks == [] and checkpoints.read() == ([], [])


def test_truncated_tail_with_rewound_head_is_detected_by_the_checkpoint(db):
    entries = _chain(6)
    checkpoint_head()  # the periodic task: the head as it was
    keep = entries[-3]
    _raw("DELETE FROM audit_auditentry WHERE seq > %s", [keep.seq])
    ChainHead.objects.filter(pk=1).update(last_seq=keep.seq, last_hash=keep.hash)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == keep.seq + 1
    assert "检查点" in result.reason and "删除" in result.reason
    with pytest.raises(CommandError, match=rf"seq={keep.seq + 1}"):
        call_command("audit_verify")


def test_stretch_rewritten_with_the_key_is_caught_by_the_checkpoint(db):
    """Even a holder of the key (not the database administrator) cannot rewrite what a checkpoint covers."""
    from digigov.core.audit.actions import entry_hash

    entries = _chain(5)
    checkpoint_head()
    target = entries[-2]
    # rewrite with the real MAC (entry_hash under the installation's key)
    prev = entries[-3].hash
    for e in entries[-2:]:
        if e.seq == target.seq:
            e.actor = "mallory"
        e.prev_hash = prev
        e.hash = entry_hash(_fields_of(e))
        _raw("UPDATE audit_auditentry SET actor = %s, prev_hash = %s, hash = %s WHERE seq = %s", [e.actor, e.prev_hash, e.hash, e.seq])
        prev = e.hash
    ChainHead.objects.filter(pk=1).update(last_hash=prev)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq <= target.seq
    assert "检查点" in result.reason


def test_forged_checkpoint_line_is_detected(db, settings):
    entries = _chain(3)
    checkpoint_head()
    path = Path(settings.DIGIGOV_AUDIT_CHECKPOINT_FILE)
    fake_seq = entries[-1].seq + 50
    fake = f"{fake_seq} {'a' * 64} 2026-01-01T00:00:00+00:00 {sm3_hex(b'guess')}\n"
    with path.open("a") as fh:
        fh.write(fake)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == fake_seq
    assert "签名无效" in result.reason and "第 2 行" in result.reason


def test_altered_checkpoint_line_is_detected(db, settings):
    entries = _chain(3)
    checkpoint_head()
    path = Path(settings.DIGIGOV_AUDIT_CHECKPOINT_FILE)
    seq, hash_, at, mac = path.read_text().split()
    path.write_text(f"{seq} {'b' * 64} {at} {mac}\n")
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == entries[-1].seq and "签名无效" in result.reason


def test_mirror_keeps_the_checkpoints_when_the_primary_file_is_removed(db, settings, tmp_path):
    settings.DIGIGOV_AUDIT_CHECKPOINT_MIRROR = str(tmp_path / "mirror" / "checkpoints.log")
    entries = _chain(4)
    checkpoint_head()
    Path(settings.DIGIGOV_AUDIT_CHECKPOINT_FILE).unlink()
    keep = entries[-2]
    _raw("DELETE FROM audit_auditentry WHERE seq > %s", [keep.seq])
    ChainHead.objects.filter(pk=1).update(last_seq=keep.seq, last_hash=keep.hash)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == keep.seq + 1


def test_checkpoint_head_skips_a_head_already_covered(db):
    _chain(2)
    assert checkpoint_head() is not None
    assert checkpoint_head() is None
    assert len(checkpoints.read()[0]) == 1


class _Editor:
    connection = connection


def test_migration_rechains_a_plain_chain_under_the_key_and_refuses_a_broken_one(db):
    mig = importlib.import_module("digigov.core.audit.migrations.0002_verification_and_keyed_chain")
    entries = _chain(4)
    mig.backwards(django_apps, _Editor)  # the chain as the plain-SM3 code wrote it
    first = AuditEntry.objects.order_by("seq").first()
    assert first.hash == sm3_hex(first.prev_hash.encode() + canonical(_fields_of(first)))
    assert not verify_chain().ok
    mig.forwards(django_apps, _Editor)
    assert verify_chain().ok
    # a plain chain that is already broken is not laundered under the key
    mig.backwards(django_apps, _Editor)
    _raw("UPDATE audit_auditentry SET actor = 'mallory' WHERE seq = %s", [entries[1].seq])
    with pytest.raises(RuntimeError, match=rf"seq={entries[1].seq}"):
        mig.forwards(django_apps, _Editor)


def test_audit_key_is_generated_once_with_owner_only_permissions(monkeypatch, tmp_path):
    from digigov.core import settings as project_settings

    monkeypatch.delenv("DIGIGOV_AUDIT_KEY", raising=False)
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    key = project_settings._var_secret("DIGIGOV_AUDIT_KEY", "audit_key")
    assert len(bytes.fromhex(key)) == 32
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    assert project_settings._var_secret("DIGIGOV_AUDIT_KEY", "audit_key") == key
    monkeypatch.setenv("DIGIGOV_AUDIT_KEY", "cd" * 32)
    assert project_settings._var_secret("DIGIGOV_AUDIT_KEY", "audit_key") == "cd" * 32
    monkeypatch.setenv("DIGIGOV_AUDIT_KEY", "xyz")
    with pytest.raises(ValueError):
        project_settings._var_secret("DIGIGOV_AUDIT_KEY", "audit_key")


def test_head_rewound_without_deleting_rows_is_detected(db):
    entries = _chain(3)
    keep = entries[-2]
    ChainHead.objects.filter(pk=1).update(last_seq=keep.seq, last_hash=keep.hash)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == keep.seq + 1 and "链头" in result.reason


def test_entries_appended_during_a_verification_are_not_a_break(db, monkeypatch):
    """A verification on a live system: an entry committed while the walk runs (head moved with it)."""
    from digigov.core.audit import actions

    _chain(3)
    real = actions._fields_of
    appended = []

    def append_once(entry):
        if not appended:
            appended.append(True)
            record(system_account(), "test.event", object_type="test", object_id="late")
        return real(entry)

    monkeypatch.setattr(actions, "_fields_of", append_once)
    result = verify_chain()
    assert result.ok, result
    assert result.checked == AuditEntry.objects.count() - 1


def test_by_default_every_committed_transaction_leaves_one_checkpoint(db, settings, django_capture_on_commit_callbacks):
    """With checkpoints only every N entries, cutting off the newest few rows (and rewinding the head) went
    unnoticed until the next checkpoint: by default each transaction now names its last entry."""
    assert settings.DIGIGOV_AUDIT_CHECKPOINT_EVERY == 1
    from django.db import transaction

    system = system_account()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():  # one action writing three entries: one line, for the last
            three = [record(system, "test.event", object_type="t", object_id=str(i)) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        last = record(system, "test.event", object_type="t", object_id="last")
    good, bad = checkpoints.read()
    assert not bad and [(c.seq, c.hash) for c in good] == [(three[-1].seq, three[-1].hash), (last.seq, last.hash)]
    # a DBA removes only the newest entry and rewinds the head: the last transaction's checkpoint names it
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [last.seq])
    ChainHead.objects.filter(pk=1).update(last_seq=three[-1].seq, last_hash=three[-1].hash)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == last.seq
