"""Rotation of the personal-data key without downtime, re-encryption, the key page and the command."""

import pytest
from django.core.management import call_command
from django.db import connection

from digigov.core.accounts import actions as accounts
from digigov.core.accounts.models import NaturalPerson
from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict
from digigov.core.pii import BLIND_INDEX_PURPOSE, DEFAULT_PURPOSE, blind
from digigov.core.testing import resident_id
from digigov.security.keys import actions, api, reencrypt
from digigov.security.keys.models import DataKey, Reencryption, ReencryptionState


def _people(role_user, city, n, start=0):
    clerk = role_user("window_clerk", division=city.county_a)
    return [accounts.register_person(clerk, id_number=resident_id(birth=f"19{60 + (start + i) % 40}0101", seq=300 + start + i), name="居民",
                                     division=city.village_a, phone=f"139{start + i:08d}", address=f"兴东社区{start + i}号" if i % 2 else "")
            for i in range(n)]


def _versions(column):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM accounts_naturalperson ORDER BY id")
        return [api.blob_version(bytes(b)) if b and bytes(b) else None for (b,) in cur.fetchall()]


def test_rotation_keeps_rows_readable_and_reencryption_moves_every_column(role_user, city, monkeypatch):
    officer = role_user("security_officer")
    people = _people(role_user, city, 12)
    actions.rotate_key(officer, DEFAULT_PURPOSE)
    newer = _people(role_user, city, 2, start=50)  # written after the rotation: on version 2 already
    assert set(_versions("id_number")) == {1, 2}
    for p in people + newer:  # old and new rows readable and findable
        fresh = NaturalPerson.objects.get(blind(NaturalPerson, "id_number", p.id_number))
        assert (fresh.phone, fresh.address) == (p.phone, p.address)

    monkeypatch.setattr(reencrypt, "BATCH", 5)
    job = actions.start_reencryption(officer, DEFAULT_PURPOSE, enqueue=False)
    seen = []
    reencrypt.run(job, seen.append)
    actions.finish_reencryption(job)
    job.refresh_from_db()
    assert job.state == ReencryptionState.DONE and job.percent == 100 and job.left_behind == 0
    assert job.total == job.done == 3 * 14 and sum(seen) == job.done and len(seen) == 3 * 3  # 3 columns × 3 batches
    assert job.moved == 12 + 12 + 6  # id numbers, phones, non-empty addresses written before the rotation
    for column in ("id_number", "phone", "address"):
        assert set(_versions(column)) - {None} == {2}
    assert reencrypt.left_behind(DEFAULT_PURPOSE, 2) == 0
    api.reset_caches()
    for p in people:
        fresh = NaturalPerson.objects.get(blind(NaturalPerson, "id_number", p.id_number))
        assert (fresh.id_number, fresh.phone, fresh.address) == (p.id_number, p.phone, p.address)
    assert AuditEntry.objects.filter(action="keys.reencrypt", actor_id=officer.pk).count() == 1
    assert AuditEntry.objects.get(action="keys.reencrypt.finish").after["moved"] == 30


def test_a_concurrent_write_is_never_clobbered(role_user, city, monkeypatch):
    """The UPDATE only replaces the value the pass read: a row changed in between keeps its new value."""
    officer = role_user("security_officer")
    people = _people(role_user, city, 3)
    actions.rotate_key(officer, DEFAULT_PURPOSE)
    target = people[1]
    real_unseal = api.unseal

    def unseal_then_someone_writes(purpose, blob, aad=b""):
        clear = real_unseal(purpose, blob, aad)
        if clear == target.phone.encode():
            NaturalPerson.objects.filter(pk=target.pk).update(phone="13700000000")
        return clear

    monkeypatch.setattr(api, "unseal", unseal_then_someone_writes)
    job = actions.start_reencryption(officer, DEFAULT_PURPOSE, enqueue=False)
    reencrypt.run(job)
    monkeypatch.undo()
    assert NaturalPerson.objects.get(pk=target.pk).phone == "13700000000"
    assert job.state == ReencryptionState.DONE


def test_reencryption_by_the_task_and_one_at_a_time(role_user, city):
    officer = role_user("security_officer")
    _people(role_user, city, 3)
    actions.rotate_key(officer, DEFAULT_PURPOSE)
    job = Reencryption.objects.create(purpose=DEFAULT_PURPOSE, target_version=2, actor=officer)
    with pytest.raises(Conflict):
        actions.start_reencryption(officer, DEFAULT_PURPOSE)
    from digigov.security.keys import tasks

    tasks.reencrypt.call_local(job.pk)
    job.refresh_from_db()
    assert job.state == ReencryptionState.DONE and set(_versions("id_number")) == {2}


def test_blind_index_key_is_not_rotated_online(role_user, city):
    _people(role_user, city, 1)
    with pytest.raises(Conflict, match="盲索引"):
        actions.rotate_key(role_user("security_officer"), BLIND_INDEX_PURPOSE)
    assert DataKey.objects.filter(purpose=BLIND_INDEX_PURPOSE).count() == 1


def test_reencryption_needs_keys_manage(role_user, city):
    from digigov.core.errors import Forbidden

    _people(role_user, city, 1)
    with pytest.raises(Forbidden):
        actions.start_reencryption(role_user("auditor"), DEFAULT_PURPOSE)
    assert not Reencryption.objects.exists()


def test_command_rotates_and_reencrypts_as_the_system_account(role_user, city, capsys):
    people = _people(role_user, city, 4)
    call_command("keys", "rotate", "--purpose", DEFAULT_PURPOSE, "--reencrypt")
    out = capsys.readouterr().out
    assert "第 2 版" in out and "已完成" in out
    assert set(_versions("id_number")) == {2}
    assert AuditEntry.objects.get(action="keys.rotate").actor == "system"
    assert NaturalPerson.objects.get(pk=people[0].pk).id_number == people[0].id_number
    call_command("keys", "status")
    assert "4/4" in capsys.readouterr().out


def test_key_uses_are_flushed_from_web_workers(role_user, city, client, monkeypatch):
    _people(role_user, city, 2)
    client.force_login(role_user("security_officer"))
    monkeypatch.setattr(api, "FLUSH_EVERY", 0.0)
    client.get("/workbench/people/")
    assert not api.pending_usage()
    assert DataKey.objects.get(purpose=DEFAULT_PURPOSE).use_count >= 2 * 3  # at least the seals of the registrations


def test_key_page_for_officer_and_auditor(role_user, city, client, django_capture_on_commit_callbacks):
    people = _people(role_user, city, 3)
    officer = role_user("security_officer")
    actions.rotate_key(officer, DEFAULT_PURPOSE)
    client.force_login(officer)
    body = client.get("/workbench/security/keys/").content.decode()
    assert "密钥管理" in body and "个人信息字段加密" in body and "轮换密钥" in body and "重新加密旧数据" in body
    assert "0 / 3" not in body and "<td>0</td><td>3</td>" in body  # coverage: no row on version 2 yet
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/workbench/security/keys/reencrypt/", {"purpose": DEFAULT_PURPOSE}, follow=True)
    assert "已发起重新加密" in r.content.decode()
    job = Reencryption.objects.get()
    assert job.state == ReencryptionState.DONE  # Huey runs immediately in tests
    body = client.get("/workbench/security/keys/").content.decode()
    assert "<td>3</td><td>3</td>" in body and "100%" in body
    assert client.get(f"/workbench/security/keys/progress/{DEFAULT_PURPOSE}/").status_code == 200
    client.force_login(role_user("auditor"))
    body = client.get("/workbench/security/keys/").content.decode()
    assert "个人信息字段加密" in body and "轮换密钥" not in body and "重新加密旧数据" not in body
    assert client.post("/workbench/security/keys/rotate/", {"purpose": DEFAULT_PURPOSE}).status_code == 403
    assert DataKey.objects.filter(purpose=DEFAULT_PURPOSE).count() == 2
    assert NaturalPerson.objects.get(pk=people[0].pk).phone == people[0].phone


def test_key_page_refuses_citizens_and_bad_purposes(role_user, city, client):
    client.force_login(role_user("citizen"))
    assert client.get("/workbench/security/keys/").status_code == 403
    client.force_login(role_user("security_officer"))
    r = client.post("/workbench/security/keys/rotate/", {"purpose": "nope"}, follow=True)
    assert r.status_code == 200 and "没有这个密钥用途" in r.content.decode()
    assert client.get("/workbench/security/keys/progress/nope/").status_code == 404
