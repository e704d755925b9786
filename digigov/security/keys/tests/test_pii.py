"""Personal fields encrypted at rest (digigov.core.pii with the key store's cipher)."""

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from digigov.core.accounts import actions as accounts
from digigov.core.accounts.models import NaturalPerson
from digigov.core.pii import blind
from digigov.core.testing import resident_id
from digigov.security.crypto import CryptoError
from digigov.security.keys import api

ADDRESS = "元宝区广济街道兴东社区3号楼2单元501室"


def _raw(pk, *cols):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(cols)} FROM accounts_naturalperson WHERE id = %s", [pk])
        return [bytes(v) if v is not None else None for v in cur.fetchone()]


def test_fields_read_as_text_and_are_stored_sealed(role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    idn = resident_id(seq=41)
    person = accounts.register_person(clerk, id_number=idn, name="张三", division=city.village_a, phone="13912345678", address=ADDRESS)
    fresh = NaturalPerson.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (idn, "13912345678", ADDRESS)
    assert fresh.id_number_masked.startswith(idn[:4]) and "*" in fresh.id_number_masked
    assert list(NaturalPerson.objects.filter(pk=person.pk).values_list("id_number", "phone")) == [(idn, "13912345678")]
    id_ct, phone_ct, addr_ct, bidx = _raw(person.pk, "id_number", "phone", "address", "id_number_bidx")
    for blob, clear in ((id_ct, idn), (phone_ct, "13912345678"), (addr_ct, ADDRESS)):
        assert clear.encode() not in blob and api.blob_version(blob) == 1
    assert len(bidx) == 32 and idn.encode() not in bidx


def test_empty_optional_fields_stay_empty(role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    person = accounts.register_person(clerk, id_number=resident_id(seq=43), name="李四", division=city.village_a)
    assert _raw(person.pk, "phone", "address") == [b"", b""]
    assert NaturalPerson.objects.get(pk=person.pk).phone == ""


def test_blind_lookup_finds_exactly_and_normalises(role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    idn = "11010519491231002X"
    person = accounts.register_person(clerk, id_number=idn, name="王五", division=city.village_a)
    accounts.register_person(clerk, id_number=resident_id(seq=45), name="赵六", division=city.village_a)
    assert list(NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", idn))) == [person]
    assert list(NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", " 11010519491231002x "))) == [person]
    assert list(NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", [idn, "nothing"]))) == [person]
    assert not NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", resident_id(seq=47))).exists()
    assert not NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", "")).exists()


@pytest.mark.parametrize("query", [
    lambda qs, v: qs.filter(id_number=v),
    lambda qs, v: qs.filter(id_number__in=[v]),
    lambda qs, v: qs.filter(id_number__startswith=v[:6]),
    lambda qs, v: qs.filter(address__icontains="兴东"),
    lambda qs, v: qs.exclude(phone=v),
    lambda qs, v: qs.order_by("id_number"),
    lambda qs, v: qs.order_by("-phone"),
])
def test_other_lookups_on_encrypted_fields_are_refused(db, query):
    with pytest.raises(FieldError, match="加密字段"):
        list(query(NaturalPerson.objects.all(), "210602199001011234"))


def test_a_value_copied_into_another_column_does_not_decrypt(role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    person = accounts.register_person(clerk, id_number=resident_id(seq=49), name="孙七", division=city.village_a, phone="13912345678")
    with connection.cursor() as cur:
        cur.execute("UPDATE accounts_naturalperson SET address = phone WHERE id = %s", [person.pk])
    with pytest.raises(CryptoError):
        NaturalPerson.objects.get(pk=person.pk)


def test_duplicate_id_number_is_a_conflict_through_the_blind_index(role_user, city):
    from django.db import IntegrityError, transaction

    from digigov.core.errors import Conflict

    clerk = role_user("window_clerk", division=city.county_a)
    idn = resident_id(seq=51)
    accounts.register_person(clerk, id_number=idn, name="周八", division=city.village_a)
    with pytest.raises(Conflict):
        accounts.register_person(clerk, id_number=idn.lower(), name="周八", division=city.village_a)
    # the database itself refuses a second row with the same number (unique blind index)
    with pytest.raises(IntegrityError), transaction.atomic():
        NaturalPerson.objects.create(id_number=idn, name="重复", gender="M", birth_date=dt.date(1990, 1, 1), division=city.village_a)


def test_lookup_by_id_number_is_an_index_search(role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    idn = resident_id(seq=53)
    accounts.register_person(clerk, id_number=idn, name="吴九", division=city.village_a)
    qs = NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", idn))
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cur.fetchall())
            assert "USING INDEX" in plan and "id_number_bidx" in plan, plan
        elif connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cur.fetchall())
            assert "Index" in plan and "id_number_bidx" in plan, plan


def _dump_database(tmp_path) -> bytes:
    if connection.vendor == "sqlite":
        target = tmp_path / "dump.sqlite3"
        with connection.cursor() as cur:
            cur.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
        args = ["pg_dump", "--data-only", "-h", s.get("HOST") or "localhost", "-U", s.get("USER") or "postgres", "-d", s["NAME"]]
        if s.get("PORT"):
            args += ["-p", str(s["PORT"])]
        return subprocess.run(args, env=env, check=True, capture_output=True).stdout
    pytest.skip(f"no dump for {connection.vendor}")


def test_the_database_file_reveals_no_personal_field(transactional_db, tmp_path):
    from digigov.core.testing import City, make_user

    city = City()
    clerk = make_user("window_clerk", division=city.county_a)
    people = []
    for i in range(30):
        idn = resident_id(birth=f"19{60 + i}0101", seq=100 + i)
        phone = f"139{i:08d}"
        address = f"辽宁省丹东市元宝区兴东社区{i + 1}号楼{i % 6 + 1}单元"
        accounts.register_person(clerk, id_number=idn, name="居民", division=city.village_a, phone=phone, address=address)
        people.append((idn, phone, address))
    person = NaturalPerson.objects.get(blind(NaturalPerson, "id_number", people[0][0]))
    accounts.reveal_person(clerk, person, "窗口核验")  # the audit log of a clear read is in the dump too
    dump = _dump_database(tmp_path)
    assert len(dump) > 10_000
    assert b"accounts_naturalperson" in dump  # the dump is the real thing
    for idn, phone, address in people:
        for value in (idn, phone, address):
            assert value.encode() not in dump, value
        assert idn.encode("utf-16-le") not in dump
    # and what the people look like in clear is still there, through the key store
    assert NaturalPerson.objects.get(blind(NaturalPerson, "id_number", people[5][0])).address == people[5][2]
