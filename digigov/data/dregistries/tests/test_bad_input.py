"""Bad input answers a documented 4xx with ``{code, message(中文), detail}``, and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client

from digigov.core.audit.models import AuditEntry
from digigov.data.dregistries.models import Database, Record

from .conftest import BASE

pytestmark = pytest.mark.django_db


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert {"code", "message", "detail"} <= set(body)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # a Chinese message
    return body


def _unchanged(db):
    return Record.objects.filter(database=db).count(), AuditEntry.objects.count()


CREATE = "data/registryname/111/create"


@pytest.mark.parametrize("raw,status,code", [
    ("{not json", 400, "invalid_json"),
    ("[]", 400, "invalid_body"),
    ('{"content": {"ID": "X1"}}', 400, "invalid_body"),                        # missing write
    ('{"write": {"content": "X1"}}', 400, "invalid_body"),                     # content not an object
    ('{"write": {"content": {"ID": "X1", "FirstName": 5}}}', 422, "schema_violation"),  # wrong type
    ('{"write": {"content": {"ID": "X1", "Nickname": "x"}}}', 201, None),      # schema allows extra fields: created
    ('{"write": {"content": {"FirstName": "NoId"}}}', 201, None),              # ID numbered {code}{n}
    ('{"write": {"content": {"ID": "EE123627348834"}}}', 409, "duplicate_id"),  # duplicate ID
    ('{"write": {"content": {"ID": true}}}', 422, "schema_violation"),
])
def test_create_bad_bodies(authority, conformance, raw, status, code):
    before = _unchanged(conformance)
    response = authority.post(CREATE, raw=raw)
    if status == 201:
        assert response.status_code == 200, response.content
        return
    body = _error(response, status)
    assert body["code"] == code
    assert _unchanged(conformance) == before


def test_schema_violation_names_the_field_in_chinese(authority, conformance):
    body = _error(authority.post(CREATE, {"write": {"content": {"ID": "X2", "LastName": ["a"]}}}), 422)
    assert body["detail"] == [{"field": "LastName", "message": "类型应为文本", "keyword": "type"}]


def test_generated_ids_follow_the_number_format(authority, conformance):
    first = authority.post(CREATE, {"write": {"content": {"FirstName": "甲"}}}).json()["content"]["ID"]
    second = authority.post(CREATE, {"write": {"content": {"FirstName": "乙"}}}).json()["content"]["ID"]
    assert (first, second) == ("registryname1", "registryname2")


@pytest.mark.parametrize("path,method", [
    ("data/nosuch/111", "get"), ("data/registryname/999", "get"), ("data/nosuch/1.0/create", "post"),
    ("data/no%20such/1.0/read", "post"), ("database/0", "get"),
])
def test_unknown_registry_is_404(authority, conformance, path, method):
    response = authority.get(path) if method == "get" else authority.post(path, {"query": {"content": {}}})
    assert _error(response, 404)["code"] in ("registry_not_found", "database_not_found")


def test_missing_or_malformed_mediator_header_is_400(authority, conformance):
    before = _unchanged(conformance)
    body = _error(authority.post(CREATE, {"write": {"content": {"ID": "X3"}}}, mediator=False), 400)
    assert body["code"] == "missing_mediator_client"
    body = _error(authority.post(CREATE, {"write": {"content": {"ID": "X3"}}}, mediator=False,
                                 HTTP_INFORMATION_MEDIATOR_CLIENT="just-a-name"), 400)
    assert body["code"] == "invalid_mediator_client"
    assert _unchanged(conformance) == before


def test_no_or_wrong_credentials_are_401_with_a_challenge(conformance):
    client = Client()
    response = client.get(BASE + "data/registryname/111", HTTP_INFORMATION_MEDIATOR_CLIENT="a/b/c/d")
    assert _error(response, 401) and response["WWW-Authenticate"].startswith("Bearer")
    for header in ({"HTTP_X_API_KEY": "dg_" + "x" * 43}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        _error(client.get(BASE + "data/registryname/111", HTTP_INFORMATION_MEDIATOR_CLIENT="a/b/c/d", **header), 401)


def test_the_key_also_works_in_the_specs_authorization_header(authority, conformance):
    client = Client()
    for value in (authority.key, f"Bearer {authority.key}"):
        response = client.get(BASE + "data/registryname/111", HTTP_AUTHORIZATION=value, HTTP_INFORMATION_MEDIATOR_CLIENT="a/b/c/d")
        assert response.status_code == 200, response.content


def test_session_is_not_a_credential(conformance, role_user):
    from digigov.core.testing import logged_in_client

    client = logged_in_client(role_user("data_authority"))
    _error(client.get(BASE + "databases", HTTP_INFORMATION_MEDIATOR_CLIENT="a/b/c/d"), 401)


def test_wrong_method_is_405_json(authority, conformance):
    response = authority.get("data/registryname/111/create")
    assert response.status_code == 405 and response["Allow"] == "POST" and response.json()["message"]


def test_permissions(caller, conformance):
    viewer = caller("auditor")  # registries.view, not registries.govstack
    assert viewer.get("data/registryname/111").status_code == 200
    before = _unchanged(conformance)
    for response in (viewer.post(CREATE, {"write": {"content": {"ID": "X4"}}}),
                     viewer.delete("data/registryname/111/EE123627348834/delete"),
                     viewer.post("database/modify", {"code": "x", "schema": {"type": "object", "properties": {"a": {}}}}),
                     viewer.delete(f"database/{conformance.pk}")):
        assert _error(response, 403)["code"] == "forbidden"
    assert _unchanged(conformance) == before
    nobody = caller(None)
    _error(nobody.get("data/registryname/111"), 403)
    _error(nobody.get("databases"), 403)


def test_scoped_data_admin_writes_only_its_departments_registries(caller, city, conformance):
    admin = caller("data_admin", department=city.bureau)
    _error(admin.post(CREATE, {"write": {"content": {"ID": "X5"}}}), 403)  # the authority's (city-wide) registry
    schema = {"type": "object", "properties": {"ID": {"type": "string"}, "name": {"type": "string"}}}
    assert admin.post("database/modify", {"code": "bureau-reg", "schema": schema}).status_code == 200
    db = Database.objects.get(code="bureau-reg")
    assert db.department == city.bureau
    assert admin.post("data/bureau-reg/1.0/create", {"write": {"content": {"ID": "B1", "name": "x"}}}).status_code == 200


@pytest.mark.parametrize("params,code", [
    ({"page": "0"}, "invalid_parameter"), ({"page": "x"}, "invalid_parameter"), ({"pageSize": "1000"}, "invalid_parameter"),
    ({"ordering": "sideways"}, "invalid_parameter"), ({"filter": "Nope", "search": "x"}, "unknown_field"),
    ({"query.Nope": "x"}, "unknown_field"), ({"page": "100000", "pageSize": "100"}, "invalid_parameter"),
])
def test_list_bad_parameters(authority, conformance, params, code):
    assert _error(authority.get("data/registryname/111", params), 400)["code"] == code


@pytest.mark.parametrize("body,status,code", [
    ({"query": {"content": {"Nope": "x"}}}, 400, "unknown_field"),
    ({"query": {"content": {"FirstName": {"a": 1}}}}, 400, "unsupported_query"),
    ({"query": {}}, 400, "invalid_body"),
    ({}, 400, "invalid_body"),
])
def test_read_bad_queries(authority, conformance, body, status, code):
    assert _error(authority.post("data/registryname/111/read", body), status)["code"] == code


def test_update_errors_write_nothing(authority, conformance):
    before = _unchanged(conformance)
    url = "data/registryname/111/update"
    assert _error(authority.put(url, {"query": {"content": {"FirstName": "Nobody"}}, "write": {"content": {"LastName": "x"}}}), 404)
    assert _error(authority.put(url, {"query": {"content": {"LastName": "Tamm"}}, "write": {"content": {"LastName": "x"}}}), 409)["code"] == "ambiguous_query"
    assert _error(authority.put(url, {"query": {"content": {"ID": "EE123627348834"}}, "write": {"content": {"ID": "EE456627348834"}}}), 409)["code"] == "duplicate_id"
    assert _error(authority.put(url, {"query": {"content": {"ID": "EE123627348834"}}, "write": {"content": {"FirstName": 1}}}), 422)
    assert _error(authority.put(url, {"write": {"content": {"FirstName": "no id"}}}), 400)
    assert _error(authority.put("data/registryname/111/update-entries", {"write": {"content": {"FirstName": "all"}}}), 400)
    assert _error(authority.put("data/registryname/111/update-entries",
                                {"query": {"content": {"LastName": "Tamm"}}, "write": {"content": {"ID": "SAME"}}}), 409)
    # one bad record in a batch: the whole batch is refused
    assert _error(authority.put("data/registryname/111/update-entries",
                                {"query": {"content": {"LastName": "Tamm"}}, "write": {"content": {"FirstName": None}}}), 422)
    assert _unchanged(conformance) == before
    assert Record.objects.filter(database=conformance, content__LastName="Tamm").count() == 3


@pytest.mark.parametrize("path,status", [
    ("data/registryname/111/EE123627348834/read-value/FirstName.xml", 400),
    ("data/registryname/111/EE123627348834/read-value/FirstName", 400),
    ("data/registryname/111/EE123627348834/read-value/Nope.json", 404),
    ("data/registryname/111/NOPE/read-value/FirstName.json", 404),
    ("data/registryname/111/00000000-0000-0000-0000-000000000000/read-value/FirstName.json", 404),
])
def test_read_value_bad_paths(authority, conformance, path, status):
    _error(authority.get(path), status)


@pytest.mark.parametrize("body,status,code", [
    ({"code": "x"}, 400, "invalid_body"),
    ({"code": "x", "schema": {"type": "some object"}}, 422, "invalid_schema"),      # the conformance suite's body
    ({"code": "x", "schema": {"type": "object"}}, 422, "invalid_schema"),           # no properties
    ({"code": "x", "schema": {"type": "object", "properties": {"a": {"type": 5}}}}, 422, "invalid_schema"),
    ({"code": "bad code", "schema": {"type": "object", "properties": {"a": {}}}}, 422, "invalid_code"),
    ({"code": "x", "version": "", "schema": {"type": "object", "properties": {"a": {}}}}, 422, "invalid_version"),
    ({"code": "x", "schema": {"type": "object", "properties": {"a": {}}}, "extra": 1}, 400, "unknown_field"),
    ({"code": "population", "schema": {"type": "object", "properties": {"a": {}}}}, 403, "read_only_registry"),
    ({"code": "x", "schema": {"type": "object", "properties": {"ID": {"type": "string", "personal": True}}}}, 422, "invalid_schema"),
])
def test_database_modify_bad_bodies(authority, body, status, code):
    count = Database.objects.filter(base="").count()
    assert _error(authority.post("database/modify", body), status)["code"] == code
    assert Database.objects.filter(base="").count() == count


def test_schema_change_that_existing_records_break_is_refused(authority, conformance):
    schema = {**conformance.schema, "required": ["ID", "Nickname"]}
    body = _error(authority.post("database/modify", {"code": "registryname", "version": "111", "schema": schema}), 409)
    assert body["code"] == "schema_change_conflict" and body["detail"]["records"]
    conformance.refresh_from_db()
    assert conformance.schema["required"] == ["ID"]


def test_value_index_follows_updates_and_deletes(authority, conformance):
    """Equality queries go through RecordValue: it must follow every write (no stale hits, no misses)."""
    from digigov.data.dregistries.models import RecordValue

    def exists(content):
        return authority.post("data/registryname/111/exists", {"query": {"content": content}}).json()["answer"]["status"]

    rec = Record.objects.get(database=conformance, record_id="EE123627348834")
    assert RecordValue.objects.filter(record=rec).count() == 4
    authority.put("data/registryname/111/update", {"query": {"content": {"ID": "EE123627348834"}}, "write": {"content": {"FirstName": "Johan"}}})
    assert exists({"FirstName": "Johan", "LastName": "Bon"}) and not exists({"FirstName": "John", "LastName": "Bon"})
    assert RecordValue.objects.filter(record=rec).count() == 4
    assert not exists({"FirstName": 5})  # a number never matches text
    authority.delete("data/registryname/111/EE123627348834/delete")
    assert not RecordValue.objects.filter(record_id=rec.pk).exists() and not exists({"FirstName": "Johan"})


@pytest.mark.parametrize("raw,status", [
    ('{"write": {"content": {"ID": "N1", "FirstName": "a\\u0000b"}}}', 400),  # NUL: jsonb would refuse it
    ("[" * 100_000 + "]" * 100_000, 400),                                      # nesting too deep to parse
])
def test_hostile_bodies_are_4xx(authority, conformance, raw, status):
    before = _unchanged(conformance)
    _error(authority.post(CREATE, raw=raw), status)
    assert _unchanged(conformance) == before


def test_oversized_body_is_413(authority, conformance, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"write": {"content": {"ID": "BIG", "FirstName": "x" * 2000}}}
    assert _error(authority.post(CREATE, body), 413)["code"] == "payload_too_large"
    assert not Record.objects.filter(record_id="BIG").exists()


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"$ref": "https://example.com/schema.json"}}},  # never fetched
    {"type": "object", "properties": {"a": {"$ref": "#/definitions/nope"}}},
])
def test_schemas_with_unusable_refs_are_refused(authority, schema):
    assert _error(authority.post("database/modify", {"code": "refs", "schema": schema}), 422)["code"] == "invalid_schema"
    assert not Database.objects.filter(code="refs").exists()


def test_formats_are_enforced(authority):
    schema = {"type": "object", "properties": {"ID": {"type": "string"}, "on": {"type": "string", "format": "date"}}}
    assert authority.post("database/modify", {"code": "dated", "schema": schema}).status_code == 200
    body = _error(authority.post("data/dated/1.0/create", {"write": {"content": {"ID": "D1", "on": "2026-13-45"}}}), 422)
    assert body["detail"][0]["field"] == "on"
    assert authority.post("data/dated/1.0/create", {"write": {"content": {"ID": "D2", "on": "2026-11-27"}}}).status_code == 200
