"""The data migration that encrypts the existing clear-text people (accounts 0005)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from digigov.core.accounts.models import NaturalPerson
from digigov.core.pii import blind
from digigov.core.testing import City, resident_id
from digigov.security.keys import api

BEFORE = ("accounts", "0004_realname_level_login_events")
AFTER = ("accounts", "0005_encrypt_personal_fields")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor


@pytest.fixture
def at_plaintext_schema(transactional_db):
    city = City()
    executor = _migrate(BEFORE)
    yield executor.loader.project_state([BEFORE]).apps, city
    # every app back to its latest migration, not only accounts: going back to accounts 0004 also unapplied
    # the apps that depend on accounts (workflow, notify …), and a later live-server test in this worker found
    # their tables missing
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_migration_encrypts_existing_rows_in_batches_and_drops_the_clear_columns(at_plaintext_schema, monkeypatch):
    import importlib

    old_apps, city = at_plaintext_schema
    Person = old_apps.get_model("accounts", "NaturalPerson")
    clear = [(resident_id(birth=f"19{50 + i % 40}0101", seq=200 + i), f"138{i:08d}" if i % 3 else "", f"兴东社区{i}号" if i % 4 else "")
             for i in range(23)]
    Person.objects.bulk_create([Person(id_number=idn, phone=phone, address=addr, name="居民", gender="M", birth_date=dt.date(1980, 1, 1),
                                       division_id=city.village_a.pk, public_id=f"mig{i:013d}") for i, (idn, phone, addr) in enumerate(clear)])
    module = importlib.import_module("digigov.core.accounts.migrations.0005_encrypt_personal_fields")
    monkeypatch.setattr(module, "BATCH", 5)  # several keyset batches
    _migrate(AFTER)

    with connection.cursor() as cur:
        columns = [c.name for c in connection.introspection.get_table_description(cur, "accounts_naturalperson")]
        cur.execute("SELECT id_number, phone, address, id_number_bidx FROM accounts_naturalperson")
        raw = [tuple(bytes(v) if v is not None else None for v in row) for row in cur.fetchall()]
    assert not {"id_number_ct", "phone_ct", "address_ct"} & set(columns)
    assert len(raw) == len(clear)
    blobs = b"".join(b for row in raw for b in row if b)
    for idn, phone, addr in clear:
        for value in (idn, phone, addr):
            assert not value or value.encode() not in blobs
    api.reset_caches()  # read back through the stored (wrapped) keys, not this process's cache
    for idn, phone, addr in clear:
        p = NaturalPerson.objects.get(blind(NaturalPerson, "id_number", idn))
        assert (p.id_number, p.phone, p.address) == (idn, phone, addr)


def test_migration_backwards_restores_clear_text(at_plaintext_schema):
    old_apps, city = at_plaintext_schema
    Person = old_apps.get_model("accounts", "NaturalPerson")
    Person.objects.create(id_number=resident_id(seq=301), phone="13900000001", address="兴东社区1号", name="居民", gender="M",
                          birth_date=dt.date(1980, 1, 1), division_id=city.village_a.pk, public_id="mig0000000000301")
    _migrate(AFTER)
    _migrate(BEFORE)
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone, address FROM accounts_naturalperson")
        assert cur.fetchall() == [(resident_id(seq=301), "13900000001", "兴东社区1号")]
