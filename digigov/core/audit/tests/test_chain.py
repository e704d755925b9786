"""The SM3 hash chain: every action appends an attributed entry; any edit, deletion or truncation is detected."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from digigov.core.accounts import actions as accounts
from digigov.core.audit.actions import GENESIS_HASH, ActorMismatch, entry_hash, record, verify_chain, _fields_of
from digigov.core.rbac.system import system_account
from digigov.core.audit.models import AuditEntry, ChainHead
from digigov.core.context import acting_as
from digigov.core.testing import resident_id

@pytest.fixture
def clerk(role_user, city):
    return role_user("window_clerk", division=city.county_a)


def _register(clerk, city, id_number=None, **kw):
    return accounts.register_person(clerk, id_number=id_number or resident_id(), name=kw.pop("name", "张三"),
                                    division=city.village_a, **kw)


def _raw(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_action_is_recorded_with_actor_role_ip_and_request_id(clerk, city):
    with acting_as(clerk, channel="web", ip="10.1.2.3", request_id="req0000000000000000000000000001"):
        person = _register(clerk, city)
    entry = AuditEntry.objects.get(action="accounts.person.register")
    assert entry.actor_id == clerk.pk
    assert entry.actor == clerk.username
    assert entry.role == "window_clerk"  # set by require() from the granting assignment
    assert entry.ip == "10.1.2.3"
    assert entry.request_id == "req0000000000000000000000000001"
    assert entry.channel == "web"
    assert entry.object_type == "accounts.naturalperson"
    assert entry.object_id == person.public_id
    assert entry.before is None and entry.after["name"] == "张三"


def test_chain_links_every_entry_to_its_predecessor(clerk, city, pii_keys):
    start = ChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
    with acting_as(clerk):
        for _ in range(3):
            _register(clerk, city)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert len(entries) == start + 3
    assert entries[0].prev_hash == GENESIS_HASH
    for prev, cur in zip(entries, entries[1:]):
        assert cur.prev_hash == prev.hash
    for e in entries:
        assert e.hash == entry_hash(_fields_of(e)) and len(e.hash) == 64
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (entries[-1].seq, entries[-1].hash)
    result = verify_chain()
    assert result.ok and result.checked == len(entries)


def test_audit_verify_command_passes_on_an_intact_chain(clerk, city, capsys):
    with acting_as(clerk):
        _register(clerk, city)
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out


def test_empty_chain_verifies(db):
    assert verify_chain().ok


def _chain_of(n, clerk, city):
    with acting_as(clerk):
        for _ in range(n):
            _register(clerk, city)
    return list(AuditEntry.objects.order_by("seq"))


def test_tampered_row_is_named_by_audit_verify(clerk, city):
    entries = _chain_of(4, clerk, city)
    target = entries[-2]
    _raw("UPDATE audit_auditentry SET actor = %s WHERE seq = %s", ["mallory", target.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == target.seq
    with pytest.raises(CommandError, match=rf"seq={target.seq}（记录内容与摘要不符"):
        call_command("audit_verify")


def test_tampered_json_snapshot_is_detected(clerk, city):
    entries = _chain_of(3, clerk, city)
    target = entries[-3]
    _raw("UPDATE audit_auditentry SET after_json = %s WHERE seq = %s", ['{"name": "李四"}', target.seq])
    with pytest.raises(CommandError, match=rf"seq={target.seq}"):
        call_command("audit_verify")


def test_rehashed_row_still_breaks_the_link_to_the_next(clerk, city):
    """An attacker who edits a row and recomputes its own hash is caught at the following row."""
    entries = _chain_of(3, clerk, city)
    target = entries[-2]
    target.actor = "mallory"
    new_hash = entry_hash(_fields_of(target))
    _raw("UPDATE audit_auditentry SET actor = %s, hash = %s WHERE seq = %s", ["mallory", new_hash, target.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == target.seq + 1
    assert "前序摘要" in result.reason


def test_deleted_middle_row_is_detected_at_its_seq(clerk, city):
    entries = _chain_of(4, clerk, city)
    target = entries[-3]
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [target.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == target.seq
    with pytest.raises(CommandError, match=rf"seq={target.seq}（缺少序号"):
        call_command("audit_verify")


def test_deleted_last_row_is_detected(clerk, city):
    entries = _chain_of(3, clerk, city)
    last = entries[-1]
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [last.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == last.seq
    with pytest.raises(CommandError, match=rf"seq={last.seq}"):
        call_command("audit_verify")


def test_deleted_first_row_is_detected(clerk, city):
    _chain_of(2, clerk, city)
    _raw("DELETE FROM audit_auditentry WHERE seq = 1", [])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 1


def test_chain_head_rewound_is_detected(clerk, city):
    entries = _chain_of(2, clerk, city)
    ChainHead.objects.filter(pk=1).update(last_hash="f" * 64)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == entries[-1].seq


def test_verify_in_small_batches(clerk, city):
    entries = _chain_of(5, clerk, city)
    assert verify_chain(batch=2).checked == len(entries)
    _raw("UPDATE audit_auditentry SET ip = %s WHERE seq = %s", ["6.6.6.6", entries[-1].seq])
    assert verify_chain(batch=2).first_broken_seq == entries[-1].seq


def test_audit_entry_cannot_be_saved_again_or_deleted(clerk, city):
    entry = _chain_of(1, clerk, city)[-1]
    entry.actor = "mallory"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    fresh = AuditEntry.objects.get(seq=entry.seq)
    assert fresh.actor == clerk.username
    assert verify_chain().ok


def test_rolled_back_action_leaves_no_audit_entry(clerk, city, pii_keys):
    before = AuditEntry.objects.count()
    head_before = ChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    with pytest.raises(RuntimeError):
        with transaction.atomic(), acting_as(clerk):
            _register(clerk, city, id_number=resident_id(seq=777))
            assert AuditEntry.objects.count() == before + 1
            raise RuntimeError("boom")
    assert AuditEntry.objects.count() == before
    assert ChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first() == head_before
    assert not AuditEntry.objects.filter(action="accounts.person.register").exists()
    # the chain continues cleanly after the rollback
    with acting_as(clerk):
        _register(clerk, city)
    assert verify_chain().ok


def test_failed_validation_writes_nothing(clerk, city):
    before = AuditEntry.objects.count()
    with acting_as(clerk), pytest.raises(Exception):
        _register(clerk, city, id_number="110105194912310021")
    assert AuditEntry.objects.count() == before


def test_pii_never_stored_in_clear_in_audit_snapshots(clerk, city):
    id_number = resident_id(seq=321)
    phone = "13812345678"
    address = "辽宁省示范市元宝区广济街道兴东社区8号楼"
    with acting_as(clerk):
        person = _register(clerk, city, id_number=id_number, phone=phone, address=address)
        accounts.void(clerk, person, "重复登记", "accounts.person.manage")
        accounts.reveal_person(clerk, person, purpose="窗口核验")
    entries = list(AuditEntry.objects.filter(object_id=person.public_id).order_by("seq"))
    assert [e.action for e in entries] == ["accounts.person.register", "accounts.naturalperson.void", "pii.read"]
    # every column of every row, including the JSON snapshots, as stored
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM audit_auditentry")
        dump = repr(cur.fetchall())
    assert id_number not in dump
    assert id_number[6:14] not in dump  # not even the birth date part
    assert phone not in dump
    assert address not in dump
    registered = entries[0].after
    assert registered["id_number"].startswith(id_number[:4]) and "*" in registered["id_number"]
    assert entries[2].after == {"fields": ["address", "id_number", "phone"], "purpose": "窗口核验"}


def test_system_jobs_are_attributed_to_the_named_system_account(db):
    system = system_account()
    entry = record(system, "test.system", object_type="x", object_id="1", object_repr="系统任务")
    assert entry.actor == "system" and entry.actor_id == system.pk
    assert len(entry.request_id) == 32


def test_record_needs_an_actor_and_it_must_be_the_one_the_request_is_attributed_to(role_user, db):
    clerk, other = role_user("window_clerk"), role_user("approver")
    with pytest.raises(TypeError):
        record(None, "test.none", object_type="x", object_id="1")
    with acting_as(clerk), pytest.raises(ActorMismatch):
        record(other, "test.mismatch", object_type="x", object_id="1")
    assert not AuditEntry.objects.filter(action__startswith="test.").exists()


def test_the_entry_names_the_role_that_granted_the_actors_permission(role_user, city):
    from digigov.core.rbac.checks import require

    clerk = role_user("window_clerk")
    require(clerk, "accounts.person.view")
    entry = record(clerk, "test.role", object_type="x", object_id="1")
    assert (entry.actor, entry.role) == (clerk.username, "window_clerk")


def test_deleted_chain_head_is_detected(clerk, city):
    """Without the head, a truncated tail would look complete: a missing head is itself a break."""
    entries = _chain_of(2, clerk, city)
    ChainHead.objects.all().delete()
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == entries[-1].seq + 1
    with pytest.raises(CommandError, match="链头"):
        call_command("audit_verify")


# NUL never reaches an action: the API schemas, Django forms and RejectNulMiddleware refuse it at the
# boundary (PostgreSQL cannot store it in text or jsonb), so payloads here are NUL-free text.
texts = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts.map(lambda t: t[:8]), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.dictionaries(texts.map(lambda t: t[:8]), json_values, max_size=5),
       after=st.dictionaries(texts.map(lambda t: t[:8]), json_values, max_size=5),
       text=texts)
def test_any_json_payload_survives_the_database_round_trip(db, before, after, text):
    """The hash is recomputed from what the database gives back: canonical JSON must be stable for any payload."""
    system = system_account()
    system._digigov_acting_role = text[:32]
    with acting_as(system, ip="::1"):
        entry = record(system, "test.payload", before=before, after=after, object_type="t", object_id=text[:64], object_repr=text)
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.hash == entry_hash(_fields_of(stored)) == entry.hash
    result = verify_chain()
    assert result.ok, result


@pytest.mark.django_db
def test_record_many_chains_like_record_one_by_one(city):
    """A batch of entries continues the chain exactly as single entries would: verification passes, the
    head names the last entry, and an edited batch entry is caught."""
    from digigov.core.audit.actions import record_many

    system = system_account()
    record(system, "test.single", city.bureau, after={"n": 0})
    entries = record_many(system, "test.batch", [(d, None, {"name": d.name}) for d in (city.bureau, city.other_bureau, city.gov)])
    assert [e.seq for e in entries] == [entries[0].seq, entries[0].seq + 1, entries[0].seq + 2]
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (entries[-1].seq, entries[-1].hash)
    assert verify_chain().ok
    assert record_many(system, "test.batch", []) == []
    AuditEntry.objects.filter(seq=entries[1].seq).update(after_json='{"name":"篡改"}')
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == entries[1].seq
