import pytest
from django.core.checks import run_checks

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Forbidden
from digigov.security.crypto import CryptoError
from digigov.security.keys import actions, api
from digigov.security.keys.models import DataKey, KeyState
from digigov.security.keys.store import MasterKeyError


@pytest.fixture
def master(settings, tmp_path):
    """A master key file of this test's own."""
    settings.DIGIGOV_MASTER_KEY = ""
    settings.DIGIGOV_MASTER_KEY_FILE = str(tmp_path / "keys" / "master.key")
    api.reset_caches()
    return tmp_path / "keys" / "master.key"


def test_seal_round_trip_and_master_key_made_once(db, master):
    blob = api.seal("t.pii", "２１０２ 号".encode(), b"row:1")
    assert api.unseal("t.pii", blob, b"row:1") == "２１０２ 号".encode()
    assert master.exists() and oct(master.stat().st_mode & 0o777) == "0o600"
    row = DataKey.objects.get(purpose="t.pii")
    assert row.version == 1 and row.state == KeyState.ACTIVE
    # the database holds the key only wrapped: neither the key nor the master key appears in it
    assert bytes(row.wrapped) != api.key("t.pii", 1) and bytes.fromhex(master.read_text().strip()) not in bytes(row.wrapped)
    assert AuditEntry.objects.filter(action="keys.create", object_id=str(row.pk)).count() == 1


@pytest.mark.parametrize("tamper", [
    lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # tag
    lambda b: b[:10] + bytes([b[10] ^ 1]) + b[11:],  # ciphertext/nonce
    lambda b: b[:5],  # truncated
    lambda b: b"\x02" + b[1:],  # unknown format
])
def test_tampered_blob_is_refused(db, master, tamper):
    blob = api.seal("t.pii", b"secret")
    with pytest.raises(CryptoError):
        api.unseal("t.pii", tamper(blob))


def test_blob_bound_to_purpose_and_context(db, master):
    blob = api.seal("t.a", b"secret", b"row:1")
    with pytest.raises(CryptoError):
        api.unseal("t.a", blob, b"row:2")
    api.seal("t.b", b"x")  # t.b version 1 exists too
    with pytest.raises(CryptoError):
        api.unseal("t.b", blob, b"row:1")


def test_rotation_keeps_old_data_readable_and_is_audited(db, master, role_user):
    officer = role_user("security_officer")
    old = api.seal("t.pii", b"before")
    row = actions.rotate_key(officer, "t.pii")
    assert row.version == 2 and DataKey.objects.get(purpose="t.pii", version=1).state == KeyState.RETIRED
    new = api.seal("t.pii", b"after")
    assert api.blob_version(old) == 1 and api.blob_version(new) == 2
    assert api.unseal("t.pii", old) == b"before" and api.unseal("t.pii", new) == b"after"
    entry = AuditEntry.objects.get(action="keys.rotate")
    assert entry.actor_id == officer.pk and entry.after["version"] == 2


@pytest.mark.parametrize("who", ["dept_admin", "city_admin", "auditor", "citizen"])
def test_rotation_needs_keys_manage_and_writes_nothing(db, master, role_user, who):
    api.seal("t.pii", b"x")
    n_audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden):
        actions.rotate_key(role_user(who), "t.pii")
    assert list(DataKey.objects.values_list("version", "state")) == [(1, "active")]
    assert AuditEntry.objects.count() == n_audit


def test_rotating_unknown_purpose_is_a_clear_error(db, master, role_user):
    from digigov.core.errors import NotFound

    with pytest.raises(NotFound):
        actions.rotate_key(role_user("security_officer"), "nothing.here")
    assert not DataKey.objects.exists()


def test_key_made_in_a_rolled_back_transaction_is_not_remembered(transactional_db, master):
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        api.seal("t.pii", b"lost")
        raise Boom
    assert not DataKey.objects.exists()
    blob = api.seal("t.pii", b"kept")  # a new version 1, not the forgotten one
    api.reset_caches()
    assert api.unseal("t.pii", blob) == b"kept"


def test_lost_master_key_refuses_start_and_refuses_new_keys(db, master):
    api.seal("t.pii", b"x")
    master.unlink()
    api.reset_caches()
    errors = run_checks(databases=["default"], tags=["startup"])
    assert [e.id for e in errors] == ["keys.E001"] and "主密钥缺失" in errors[0].msg
    with pytest.raises(MasterKeyError):
        api.seal("t.pii", b"y")
    with pytest.raises(MasterKeyError):
        api.seal("t.other", b"y")  # would be a key under a new master key: refused too
    assert not master.exists()


def test_wrong_master_key_refuses_start(db, master, settings):
    api.seal("t.pii", b"x")
    settings.DIGIGOV_MASTER_KEY = "00" * 16
    api.reset_caches()
    errors = run_checks(databases=["default"], tags=["startup"])
    assert [e.id for e in errors] == ["keys.E001"]
    with pytest.raises(MasterKeyError):
        api.seal("t.new", b"y")
    assert DataKey.objects.count() == 1


@pytest.mark.parametrize("value", ["xyz", "00" * 15, "00" * 17])
def test_malformed_master_key_is_a_clear_error(db, master, settings, value):
    settings.DIGIGOV_MASTER_KEY = value
    with pytest.raises(MasterKeyError, match="主密钥"):
        api.seal("t.pii", b"x")
    assert not DataKey.objects.exists()


def test_every_use_is_counted(db, master):
    blob = api.seal("t.pii", b"x")
    for _ in range(3):
        api.unseal("t.pii", blob)
    assert api.pending_usage()[("t.pii", 1)] == 4
    assert api.flush_usage() == 4
    assert DataKey.objects.get(purpose="t.pii").use_count == 4 and not api.pending_usage()


def test_checks_pass_with_the_right_master_key(db, master):
    api.seal("t.pii", b"x")
    api.reset_caches()
    assert run_checks(databases=["default"], tags=["startup"]) == []


def test_every_purpose_in_use_has_a_chinese_name(city):
    """The key page names purposes in Chinese: each app registers its own (registry.register_key_purpose;
    the identity provider's is checked in its own tests)."""
    from digigov.core.pii import BLIND_INDEX_PURPOSE, DEFAULT_PURPOSE
    from digigov.core.registry import UNREGISTERED_KEY_PURPOSE
    from digigov.security.keys import selectors

    for purpose in (DEFAULT_PURPOSE, BLIND_INDEX_PURPOSE):
        label = selectors.purpose_label(purpose)
        assert label != UNREGISTERED_KEY_PURPOSE and purpose not in label
    assert selectors.purpose_label("no.such.purpose") == UNREGISTERED_KEY_PURPOSE
