"""The GovStack Digital Registries public conformance tests, ported scenario by scenario.

Source: github.com/GovStackWorkingGroup/bb-digital-registries, ``test/openAPI/features/*.feature`` with their
step definitions (``features/support/*.js``) and ``test-data.json``. Each test names the feature file and the
scenario it covers; "should match json schema" is checked against the spec's response schema (the OpenAPI
files in ``api/``), "timely manner 15000ms" is not asserted (no times in tests). The suite's paths
(``update-entries``, ``update-or-create``, ``read-value``, ``MyPersonalDataUsage/1.0``) are used as written
there; ``test_spec_path_spellings`` checks the OpenAPI spellings reach the same operations.
"""

from __future__ import annotations

import pytest
from jsonschema import validate

from digigov.data.dregistries.models import Database, Record

pytestmark = pytest.mark.django_db

EXAMPLE = {"type": "object"}
CREATE_SCHEMA = {"type": "object", "properties": {"content": EXAMPLE}}
LIST_SCHEMA = {"type": "object", "required": ["count", "results"], "properties": {
    "count": {"type": "integer"}, "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
    "results": {"type": "array", "items": EXAMPLE}}}
EXISTS_SCHEMA = {"type": "object", "required": ["answer"], "properties": {"answer": {
    "type": "object", "required": ["status", "message"], "properties": {"status": {"type": "boolean"}, "message": {"type": "string"}}}}}
READ_SCHEMA = {"type": "object", "required": ["content"], "properties": {"content": EXAMPLE}}
READ_404_SCHEMA = {"type": "object", "properties": {"detail": {"type": "string", "enum": ["no record found"]}}}
USAGE_SCHEMA = {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "string"}, "readerId": {"type": "string"}, "readerInitials": {"type": "string"},
    "readerInstitutionId": {"type": "string"}, "readerInstitutionName": {"type": "string"},
    "readerApplicationName": {"type": "string"}, "searchDateTime": {"type": "string"},
    "refrences": {"type": "array", "items": {"properties": {"ReferenceID": {"type": "string"}}}}}}}
DB_INFO_SCHEMA = {"type": "object", "required": ["id", "version", "name", "schema"], "properties": {
    "id": {"type": "integer"}, "version": {"type": "string"}, "name": {"type": "string"}, "schema": {"type": "object"},
    "schemaFlags": {"type": "array"}, "isDraft": {"type": "boolean"}, "modifiedAt": {"type": "string"}}}
# helpers.js databasesResponseSchema (additionalProperties: false) — what /databases may answer
DATABASES_SCHEMA = {"type": "object", "additionalProperties": False, "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "code": {"type": "string"},
    "databases": {"type": "array", "items": DB_INFO_SCHEMA}, "group_id": {"type": "integer"},
    "order": {"type": "integer"}, "data_index_increment": {"type": "integer"}}}


def _json_ok(response, status=200):
    assert response.status_code == status, response.content
    assert "application/json" in response["Content-Type"]
    return response.json()


def _content(db: Database, rid: str) -> dict:
    return Record.objects.get(database=db, record_id=rid).content


# --- data_create.feature ---------------------------------------------------------------------------

@pytest.mark.parametrize("rid,first,last,cert", [
    ("EE000000000000", "Smoke", "Test", "RR-0000000000"),  # smoke test type
    ("EE111111111111", "Mari", "Maasikas", "RR-1111111111"),  # Scenario Outline: Valid data
    ("EE222222222222", "Jaan", "Tamm", "RR-2222222222"),
    ("EE333333333333", "Kati", "Karu", "RR-3333333333"),
    ("EE444444444444", "Peeter", "Paan", "RR-4444444444"),
])
def test_data_create_the_user_successfully_creates_a_record(authority, conformance, rid, first, last, cert):
    """data_create.feature: The user successfully creates a record in the database (smoke + outline)."""
    body = {"write": {"content": {"ID": rid, "FirstName": first, "LastName": last, "BirthCertificateID": cert}}}
    data = _json_ok(authority.post("data/registryname/111/create", body))
    validate(data, CREATE_SCHEMA)
    assert data["content"] == body["write"]["content"]
    assert _content(conformance, rid) == body["write"]["content"]


# --- data_delete.feature ---------------------------------------------------------------------------

@pytest.mark.parametrize("rid", ["EE378627348834", "EE378627348855", "RR378627348834", "DD378627348834"])
def test_data_delete_successfully_deletes_a_record(authority, conformance, rid):
    """data_delete.feature: Successfully deletes a record from the database (smoke + outline): 204."""
    response = authority.delete(f"data/registryname/111/{rid}/delete")
    assert response.status_code == 204, response.content
    assert not Record.objects.filter(database=conformance, record_id=rid).exists()
    assert authority.delete(f"data/registryname/111/{rid}/delete").status_code == 404  # gone


# --- data_exist.feature ----------------------------------------------------------------------------

def test_data_exists_record_exists(authority, conformance):
    """data_exist.feature: Successfully receives a message that the record exists in database (smoke)."""
    body = {"query": {"content": {"ID": "EE123627348834", "FirstName": "John", "LastName": "Bon", "BirthCertificateID": "RR-3334537999"}}}
    data = _json_ok(authority.post("data/registryname/111/exists", body))
    validate(data, EXISTS_SCHEMA)
    assert data["answer"]["status"] is True


@pytest.mark.parametrize("first", ["Mike", "Thomas", "Brook", "Alice"])
def test_data_exists_record_does_not_exist(authority, conformance, first):
    """data_exist.feature: Successfully receives a message that the record not exists in database (outline)."""
    body = {"query": {"content": {"ID": "EE456627348844", "FirstName": first, "LastName": "Helmut", "BirthCertificateID": "RR-1234567889"}}}
    data = _json_ok(authority.post("data/registryname/111/exists", body))
    validate(data, EXISTS_SCHEMA)
    assert data["answer"]["status"] is False


# --- data_list.feature -----------------------------------------------------------------------------

def test_data_list_smoke(authority, conformance):
    """data_list.feature: Successfully obtains database users information smoke type test."""
    data = _json_ok(authority.get("data/registryname/111"))
    validate(data, LIST_SCHEMA)
    assert data["count"] == Record.objects.filter(database=conformance).count()
    assert len(data["results"]) == min(10, data["count"])  # results array length consistent with count (first page)


@pytest.mark.parametrize("filter_field,search,ordering", [
    ("FirstName", "John", "ascending"), ("FirstName", "Alice", "descending"),
    ("FirstName", "Jack", "ascending"), ("FirstName", "Bob", "descending"),
])
def test_data_list_filtered(authority, conformance, filter_field, search, ordering):
    """data_list.feature: Successfully obtains database users information (outline: search/filter/ordering)."""
    data = _json_ok(authority.get("data/registryname/111", {"search": search, "filter": filter_field, "ordering": ordering}))
    validate(data, LIST_SCHEMA)
    assert data["results"] and all(r["FirstName"] == search for r in data["results"])
    assert len(data["results"]) == data["count"]


def test_data_list_empty(authority, conformance):
    """data_list.feature: Receive an empty list from the database."""
    data = _json_ok(authority.get("data/registryempty/111"))
    validate(data, LIST_SCHEMA)
    assert data["results"] == [] and data["count"] == 0 and data["next"] is None


def test_data_list_pagination_and_ordering(authority, conformance):
    """data_list: page/pageSize with next/previous links; descending order reverses; query.<field> filters."""
    first = _json_ok(authority.get("data/registryname/111", {"pageSize": 5}))
    second = _json_ok(authority.get("data/registryname/111", {"pageSize": 5, "page": 2}))
    assert first["previous"] is None and "page=2" in first["next"] and "page=1" in second["previous"]
    assert {r["ID"] for r in first["results"]}.isdisjoint({r["ID"] for r in second["results"]})
    down = _json_ok(authority.get("data/registryname/111", {"pageSize": 5, "ordering": "descending"}))
    assert down["results"][0]["ID"] == "EE0000000001"
    by_field = _json_ok(authority.get("data/registryname/111", {"query.LastName": "Tamm"}))
    assert by_field["count"] == 3
    free = _json_ok(authority.get("data/registryname/111", {"search": "johns"}))
    assert {r["ID"] for r in free["results"]} == {"EE378129127223", "EE1112223331"}


# --- data_my_personal_data_usage.feature -----------------------------------------------------------

@pytest.mark.parametrize("user_id", ["EE378129277266", "EE378129127223", "EE334569121212", "EE390029120500"])
def test_my_personal_data_usage_lists_reads(authority, caller, user_id):
    """data_my_personal_data_usage.feature: The user gets a list of all records that have read his personal
    data (smoke + outline; "MCTS" registry, unknown persons give an empty list)."""
    from digigov.core.context import acting_as
    from digigov.data.dregistries import actions

    with acting_as(authority.user, channel="api"):
        actions.modify_database(authority.user, code="MCTS", version="1.0", schema={
            "type": "object", "properties": {"ID": {"type": "string"}, "name": {"type": "string", "personal": True}}})
    data = _json_ok(authority.get("data/MyPersonalDataUsage/1.0", {"userID": user_id, "DatabaseID": "MCTS"}))
    validate(data, USAGE_SCHEMA)
    assert data == []


@pytest.mark.parametrize("params", [{"userID": "...", "DatabaseID": "MCTS"}, {"userID": "EE378129277266", "DatabaseID": "..."}])
def test_my_personal_data_usage_invalid_parameters(authority, params):
    """data_my_personal_data_usage.feature: not able to get the list because of the invalid userID / DatabaseID: 400."""
    response = authority.get("data/MyPersonalDataUsage/1.0", params)
    assert response.status_code == 400
    assert response.json()["message"]


# --- data_read.feature -----------------------------------------------------------------------------

def test_data_read_smoke(authority, conformance):
    """data_read.feature: User obtains a searched record from the database smoke type test."""
    data = _json_ok(authority.post("data/registryname/111/read", {"query": {"content": {"FirstName": "John Helmut"}}}))
    validate(data, READ_SCHEMA)
    assert data["content"]["ID"] == "EE378627348834"


@pytest.mark.parametrize("field,value", [
    ("ID", "EE378129127223"), ("FirstName", "Eva"), ("LastName", "Smith"), ("BirthCertificateID", "EE6546273487865"),
])
def test_data_read_by_one_parameter(authority, conformance, field, value):
    """data_read.feature: User obtains a searched record from the database (outline)."""
    data = _json_ok(authority.post("data/registryname/111/read", {"query": {"content": {field: value}}}))
    validate(data, READ_SCHEMA)
    assert data["content"][field] == value


def test_data_read_all_parameters(authority, conformance):
    """data_read.feature: The user gets a searched record from the database when he specifies all parameters."""
    query = {"FirstName": "Billy", "LastName": "Johnson", "ID": "EE378129127223", "BirthCertificateID": "RR-1112223331"}
    data = _json_ok(authority.post("data/registryname/111/read", {"query": {"content": query}}))
    assert data["content"] == query


def test_data_read_not_found(authority, conformance):
    """data_read.feature: Receives a message that the record not found in the database: 404 "no record found"."""
    data = _json_ok(authority.post("data/registryname/111/read", {"query": {"content": {"FirstName": "NotExist"}}}), 404)
    validate(data, READ_404_SCHEMA)
    assert data["detail"] == "no record found" and data["message"]


# --- data_read_value.feature -----------------------------------------------------------------------

def test_data_read_value(authority, conformance):
    """data_read_value.feature: The user gets the first name of the searched user from the database (by uuid)."""
    rec = Record.objects.get(database=conformance, record_id="EE123627348834")
    response = authority.get(f"data/registryname/111/{rec.uuid}/read-value/FirstName.json")
    data = _json_ok(response)
    validate(data, {"type": "string"})
    assert data == "John"
    assert _json_ok(authority.get("data/registryname/111/EE123627348834/readValue/LastName.json")) == "Bon"


# --- data_update.feature ---------------------------------------------------------------------------

@pytest.mark.parametrize("old,new", [
    (("EE3784545277266", "Philip", "Red", "RR-30045370099"), ("EE383838348834", "Elsa", "West", "RR-30045370090")),  # smoke
    (("EE34462734834865", "Alex", "Green", "RR-441124937"), ("EE34462734834865", "Jack", "Black", "RR-1234567880")),
    (("EE61287673487865", "Alise", "Black", "RR-49075937"), ("EE61287673487865", "John", "Redwood", "RR-1234567888")),
    (("EE6534523487865", "Zyra", "Blue", "RR-24523937"), ("EE6534523487865", "Bob", "Rack", "RR-1234567887")),
])
def test_data_update_successfully_updates_a_record(authority, conformance, old, new):
    """data_update.feature: Successfully updates a record in the registry database (smoke + outline)."""
    keys = ("ID", "FirstName", "LastName", "BirthCertificateID")
    body = {"query": {"content": dict(zip(keys, old))}, "write": {"content": dict(zip(keys, new))}}
    response = authority.put("data/registryname/111/update", body)
    assert response.status_code == 200, response.content
    assert _content(conformance, new[0]) == dict(zip(keys, new))
    if old[0] != new[0]:
        assert not Record.objects.filter(database=conformance, record_id=old[0]).exists()


# --- data_update_entries.feature -------------------------------------------------------------------

@pytest.mark.parametrize("first,updated", [("Alina", "Jack"), ("Casandra", "Tamara"), ("Olga", "Alice")])
def test_data_update_entries_by_first_name(authority, conformance, first, updated):
    """data_update_entries.feature: Successfully updates multiple records in the database by first name (smoke + outline)."""
    before = Record.objects.filter(database=conformance, content__FirstName=first).count()
    response = authority.put("data/registryname/111/update-entries",
                             {"query": {"content": {"FirstName": first}}, "write": {"content": {"FirstName": updated}}})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == before
    assert not Record.objects.filter(database=conformance, content__FirstName=first).exists()


def test_data_update_entries_all_fields(authority, conformance):
    """data_update_entries.feature: Successfully updates multiple records in the database (all four fields)."""
    body = {"query": {"content": {"ID": "EE1112223331", "FirstName": "Billy", "LastName": "Johnson", "BirthCertificateID": "RR-1112223331"}},
            "write": {"content": {"ID": "EE1112223331", "FirstName": "Bob", "LastName": "Son", "BirthCertificateID": "RR-1112223331"}}}
    assert authority.put("data/registryname/111/update-entries", body).status_code == 200
    assert _content(conformance, "EE1112223331")["LastName"] == "Son"


# --- data_update_or_create.feature -----------------------------------------------------------------

@pytest.mark.parametrize("row", [("EE123456789012", "John", "Smith", "RR-1234567890"), ("EE098765432109", "Ana", "Adams", "RR-0987654321")])
def test_data_update_or_create_creates(authority, conformance, row):
    """data_update_or_create.feature: The record is successfully created in the database smoke type test."""
    content = dict(zip(("ID", "FirstName", "LastName", "BirthCertificateID"), row))
    data = _json_ok(authority.post("data/registryname/111/update-or-create", {"query": {"content": content}, "write": {"content": content}}))
    validate(data, READ_SCHEMA)
    assert data["content"] == content and _content(conformance, row[0]) == content


@pytest.mark.parametrize("old,new", [
    (("EE123456789012", "John", "Smith", "RR-1234567890"), ("EE123456789012", "Jack", "Sparrow", "RR-1234567890")),
    (("EE098765432109", "Ana", "Adams", "RR-0987654321"), ("EE098765432109", "Emma", "Brown", "RR-0987654321")),
])
def test_data_update_or_create_updates(authority, conformance, old, new):
    """data_update_or_create.feature: The existing record is successfully updated in the database."""
    keys = ("ID", "FirstName", "LastName", "BirthCertificateID")
    authority.post("data/registryname/111/update-or-create", {"query": {"content": dict(zip(keys, old))}, "write": {"content": dict(zip(keys, old))}})
    count = Record.objects.filter(database=conformance).count()
    data = _json_ok(authority.post("data/registryname/111/update-or-create",
                                   {"query": {"content": dict(zip(keys, old))}, "write": {"content": dict(zip(keys, new))}}))
    assert data["content"] == dict(zip(keys, new))  # ID, FirstName, LastName, BirthCertificateID properties equal the updated ones
    assert Record.objects.filter(database=conformance).count() == count  # updated, not created


# --- db_delete.feature / db_list.feature / db_modify.feature / db_read.feature ---------------------

def test_db_delete(authority, conformance):
    """db_delete.feature: User successfully deletes the Digital Registries schema: 200 "Success"."""
    data = _json_ok(authority.delete(f"database/{conformance.pk}"))
    assert data == "Success"
    assert not Database.objects.filter(pk=conformance.pk).exists()
    assert not Record.objects.filter(database_id=conformance.pk).exists()


@pytest.mark.parametrize("missing", ["6745", "896756", "234234"])
def test_db_delete_unknown_id(authority, missing):
    """db_delete.feature outline ids name no database here: 404 with the error body (nothing deleted)."""
    assert _json_ok(authority.delete(f"database/{missing}"), 404)["code"] == "database_not_found"
    assert Database.objects.filter(base="").count() == 0


def test_db_list(authority, conformance):
    """db_list.feature: The user receives information about databases."""
    data = _json_ok(authority.get("databases"))
    validate(data, DATABASES_SCHEMA)
    codes = {d["name"]: d for d in data["databases"]}
    assert {"人口基础库", "法人基础库"} <= set(codes)
    assert any(d["id"] == conformance.pk and d["version"] == "111" for d in data["databases"])


def test_db_modify_creates_then_modifies(authority):
    """db_modify.feature: The user successfully creates a database schema (helpers.js databaseModifyBody, with a
    valid JSON schema: the suite's ``"type": "some object"`` is not one, see docs/govstack.md)."""
    body = {"group_name": "Test", "catalog_name": "Mother and Child", "code": "MCR", "schema": {
        "type": "object",
        "properties": {
            "ID": {"type": "string", "triggers": [{"conditions": [{"logic": "==", "value": "", "gate": "&&"}],
                                                  "actions": [{"type": "set-value", "value": "MCTS{indexNoByCode}", "field_id": 1}]}],
                   "primaryKey": True, "readOnly": True, "description": "Registration ID", "example": "MCTS31", "id": 1},
            "Child": {"type": "object", "properties": {"ID": {"type": "string", "description": "Child ID", "example": "ID2", "id": 13}}},
        },
        "incrementIndex": 30, "required": ["ID"]}}
    response = authority.post("database/modify", body)
    data = _json_ok(response)
    assert data == body["schema"]
    db = Database.objects.get(code="MCR", version="1.0")
    assert db.id_field == "ID" and db.catalog_name == "Mother and Child" and response["Location"].endswith(f"/database/{db.pk}")
    body["schema"]["properties"]["Note"] = {"type": "string"}
    assert _json_ok(authority.post("database/modify", body))["properties"]["Note"] == {"type": "string"}
    assert Database.objects.filter(code="MCR").count() == 1


def test_db_read(authority, conformance):
    """db_read.feature: User successfully obtains database information with database schema."""
    data = _json_ok(authority.get(f"database/{conformance.pk}"))
    validate(data, DB_INFO_SCHEMA)
    assert data["schema"] == conformance.schema and data["fieldsUniques"] == [["ID"]]
    assert {"name": "mandatory", "path": "/ID"} in data["schemaFlags"]


@pytest.mark.parametrize("missing", ["8438778473", "3287483474", "8484848484", "abc"])
def test_db_read_unknown_id(authority, missing):
    """db_read.feature outline ids name no database here: 404, never a 500."""
    assert _json_ok(authority.get(f"database/{missing}"), 404)["code"] == "database_not_found"


# --- the spec's own path spellings ----------------------------------------------------------------

def test_spec_path_spellings(authority, conformance):
    """api/*.yaml spells updateEntries, updateOrCreate, readValue and myPersonalDataUsage(userId, databaseId)."""
    assert authority.put("data/registryname/111/updateEntries",
                         {"query": {"content": {"FirstName": "Olga"}}, "write": {"content": {"LastName": "Uus"}}}).json()["count"] == 2
    row = {"ID": "EE999", "FirstName": "Uus"}
    assert authority.post("data/registryname/111/updateOrCreate", {"write": {"content": row}}).json()["content"] == row
    assert authority.get("data/registryname/111/EE999/readValue/FirstName.json").json() == "Uus"
    assert authority.get("data/myPersonalDataUsage", {"userId": "EE999", "databaseId": "registryname"}).json() == []
