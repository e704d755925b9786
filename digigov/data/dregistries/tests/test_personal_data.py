"""Personal fields: sealed at rest, masked in answers, clear only with registries.view_clear and a stated
purpose — every clear read audited, and answered by "my personal data usage". The base registries are
published read-only with the same rules."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.db import connection

from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.testing import resident_id
from digigov.data.dregistries import actions
from digigov.data.dregistries.models import Record
from digigov.data.registries.models import EnterpriseRecord, PersonRecord

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "title": "社会组织登记簿",
    "properties": {
        "ID": {"type": "string", "primaryKey": True},
        "orgName": {"type": "string", "title": "组织名称"},
        "contact": {"type": "string", "title": "负责人姓名", "personal": True},
        "contactPhone": {"type": "string", "title": "负责人手机号码", "personal": True},
        "idNumber": {"type": "string", "title": "负责人公民身份号码", "x-personal": True, "x-format": "resident_id"},
    },
    "required": ["ID", "orgName"],
}
PID = resident_id("210602", "19800101")
ROW = {"ID": "SO-1", "orgName": "丹东市志愿者协会", "contact": "王建国", "contactPhone": "13912345678", "idNumber": PID}


@pytest.fixture
def orgs(authority):
    with acting_as(authority.user, channel="api"):
        db, _ = actions.modify_database(authority.user, code="social-orgs", schema=SCHEMA)
    assert authority.post("data/social-orgs/1.0/create", {"write": {"content": ROW}}).status_code == 200
    return db


def test_personal_fields_are_sealed_at_rest(orgs):
    rec = Record.objects.get(database=orgs, record_id="SO-1")
    assert rec.content == {"ID": "SO-1", "orgName": "丹东市志愿者协会"}
    assert set(rec.blinds) == {"contact", "contactPhone", "idNumber"}
    with connection.cursor() as cur:
        cur.execute("SELECT personal, search_text FROM dregistries_record WHERE id = %s", [rec.pk])
        raw, text = cur.fetchone()
    assert "王建国".encode() not in bytes(raw) and b"13912345678" not in bytes(raw)
    assert "王建国" not in text
    # the audit entry of the create names the personal fields, never their values
    entry = AuditEntry.objects.filter(action="dregistries.record.create").latest("seq")
    assert "王建国" not in entry.after_json and "13912345678" not in entry.after_json and "contact" in entry.after_json


def test_masked_by_default_and_queries_match_by_blind_index(authority, orgs):
    data = authority.post("data/social-orgs/1.0/read", {"query": {"content": {"contactPhone": "13912345678"}}}).json()["content"]
    assert data["orgName"] == "丹东市志愿者协会"
    assert data["contact"] != "王建国" and data["contact"].startswith("王")
    assert data["contactPhone"] != "13912345678" and "*" in data["contactPhone"]
    assert data["idNumber"] != PID and "*" in data["idNumber"]
    assert not AuditEntry.objects.filter(action="dregistries.record.read_clear").exists()
    assert authority.post("data/social-orgs/1.0/exists", {"query": {"content": {"contact": "王建国"}}}).json()["answer"]["status"] is True
    assert authority.post("data/social-orgs/1.0/exists", {"query": {"content": {"contact": "李四"}}}).json()["answer"]["status"] is False
    # free-text search never looks into personal fields
    assert authority.get("data/social-orgs/1.0", {"search": "王建国"}).json()["count"] == 0
    assert authority.get("data/social-orgs/1.0", {"search": "志愿者"}).json()["count"] == 1


def test_clear_needs_the_permission_and_a_purpose_and_is_audited(authority, caller, orgs):
    purpose = quote("核查社会组织负责人信息")
    # no purpose: masked, nothing audited
    assert "*" in authority.get("data/social-orgs/1.0/SO-1/readValue/contactPhone.json").json()
    # purpose, but no registries.view_clear: masked
    auditor = caller("auditor")
    assert "*" in auditor.get("data/social-orgs/1.0/SO-1/readValue/contactPhone.json", HTTP_X_PURPOSE=purpose).json()
    assert not AuditEntry.objects.filter(action="dregistries.record.read_clear").exists()
    # permission and purpose: clear, audited with who, which fields, why and through which system
    value = authority.get("data/social-orgs/1.0/SO-1/readValue/contactPhone.json", HTTP_X_PURPOSE=purpose).json()
    assert value == "13912345678"
    entry = AuditEntry.objects.get(action="dregistries.record.read_clear")
    assert entry.actor == authority.user.username and entry.channel == "api"
    assert "核查社会组织负责人信息" in entry.after_json and "eGovStack/GOV/90000009/digitalregistries" in entry.after_json
    listed = authority.get("data/social-orgs/1.0", {"purpose": "核查"}).json()["results"][0]
    assert listed["contact"] == "王建国"
    assert AuditEntry.objects.filter(action="dregistries.record.read_clear").count() == 2


def test_my_personal_data_usage_answers_from_the_audit_log(authority, caller, orgs):
    """Who read the person's data: the clear reads, not the masked ones; by record ID or by a personal value."""
    purpose = quote("办理社会组织年检")
    authority.get("data/social-orgs/1.0/SO-1/readValue/contact.json")  # masked: not a use of personal data
    authority.post("data/social-orgs/1.0/read", {"query": {"content": {"ID": "SO-1"}}}, HTTP_X_PURPOSE=purpose)
    usage = authority.get("data/MyPersonalDataUsage/1.0", {"userID": "SO-1", "DatabaseID": "social-orgs"}).json()
    assert len(usage) == 1
    item = usage[0]
    assert item["readerId"] == authority.user.username
    assert item["readerApplicationName"] == "eGovStack/GOV/90000009/digitalregistries"
    assert item["refrences"] == [{"ReferenceID": "SO-1"}]
    assert item["searchDateTime"].endswith("Z")
    by_id_number = authority.get("data/myPersonalDataUsage", {"userId": PID, "databaseId": "social-orgs"}).json()
    assert by_id_number == usage
    assert authority.get("data/myPersonalDataUsage", {"userId": "SO-404", "databaseId": "social-orgs"}).json() == []
    assert authority.get("data/myPersonalDataUsage", {"userId": "SO-1", "databaseId": "nosuch"}).status_code == 404
    assert caller(None).get("data/myPersonalDataUsage", {"userId": "SO-1", "databaseId": "social-orgs"}).status_code == 403


# --- base registries -------------------------------------------------------------------------------

@pytest.fixture
def golden(city):
    person = PersonRecord.objects.create(id_number=PID, name="张三", sex="M", birth_date=dt.date(1980, 1, 1), ethnicity="汉族",
                                         address="辽宁省丹东市振兴区某街1号", phone="13800000001", division=city.village_a)
    firm = EnterpriseRecord.objects.create(uscc="91210600MA0000000X", name="丹东示例科技有限公司", division=city.county_a,
                                           attributes={"legal_representative": "李四", "registered_capital": 100})
    return person, firm


def test_population_is_published_masked_and_read_only(authority, golden):
    person, _ = golden
    data = authority.post("data/population/1.0/read", {"query": {"content": {"id_number": PID}}}).json()["content"]
    assert data["ID"] == person.public_id and data["division"] == person.division.code
    assert data["name"] != "张三" and data["id_number"] != PID and "*" in data["id_number"]
    listed = authority.get("data/population/1.0", {"filter": "name", "search": "张三"}).json()
    assert listed["count"] == 1 and listed["results"][0]["ID"] == person.public_id
    before = AuditEntry.objects.count()
    for response in (authority.post("data/population/1.0/create", {"write": {"content": {"name": "x"}}}),
                     authority.put("data/population/1.0/update", {"query": {"content": {"ID": person.public_id}}, "write": {"content": {"name": "x"}}}),
                     authority.delete(f"data/population/1.0/{person.public_id}/delete"),
                     authority.delete(f"database/{authority.get('databases').json()['databases'][0]['id']}")):
        assert response.status_code == 403 and response.json()["code"] == "read_only_registry", response.content
    assert AuditEntry.objects.count() == before
    person.refresh_from_db()
    assert person.name == "张三"


def test_population_clear_read_is_audited_and_shows_in_usage(authority, golden):
    person, _ = golden
    value = authority.get(f"data/population/1.0/{person.public_id}/readValue/id_number.json", HTTP_X_PURPOSE=quote("户籍核查")).json()
    assert value == PID
    entry = AuditEntry.objects.get(action="registries.read_clear")
    assert entry.object_id == person.public_id
    usage = authority.get("data/myPersonalDataUsage", {"userId": PID, "databaseId": "population"}).json()
    assert [u["id"] for u in usage] == [str(entry.seq)]
    assert usage[0]["refrences"] == [{"ReferenceID": person.public_id}]


def test_legal_persons_registry(authority, golden):
    _, firm = golden
    data = authority.get("data/legal-persons/1.0", {"search": "示例科技"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["uscc"] == "91210600MA0000000X" and row["registered_capital"] == "100"
    assert row["legal_representative"] != "李四"  # a person's name: masked
    info = authority.get("databases").json()["databases"]
    assert {d["name"] for d in info} >= {"人口基础库", "法人基础库"}
    unsupported = authority.get("data/population/1.0", {"filter": "phone", "search": "13800000001"})
    assert unsupported.status_code == 400 and unsupported.json()["code"] == "unsupported_query"
