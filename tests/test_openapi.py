"""Every operation of the REST API documents its response in /api/v1/openapi.json, with typed fields.

Walks the generated schema, so a new operation is checked the moment it exists.
"""

import pytest
from ninja import Schema

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1/"
# response fields that are JSON by design: an audit entry's before/after diff of any record type,
# and a KPI's breakdown (parts keyed by what each registered indicator breaks down by)
OPEN_JSON_FIELDS = {"EntryOut.before", "EntryOut.after", "KpiOut.breakdown",
                    # a form's answers and its form-js document / JSON Schema: their shape is the form version's own schema
                    "PrefillOut.data", "ValidateOut.data", "ApplicationOut.data", "VersionOut.ui", "VersionOut.validation_schema"}
METHODS = {"get", "post", "put", "patch", "delete"}
PAGE_FIELDS = {"count", "page", "page_size", "has_next", "items"}


@pytest.fixture
def spec(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    return resp.json()


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations(spec: dict, prefix: str):
    for path, ops in spec["paths"].items():
        if path.startswith(prefix):
            for method, op in ops.items():
                if method in METHODS:
                    yield f"{method.upper()} {path}", op


def _success_schemas(op: dict) -> list[dict]:
    return [resp.get("content", {}).get("application/json", {}).get("schema", {})
            for status, resp in op["responses"].items() if str(status).startswith("2")]


def _is_paginated(op: dict) -> bool:
    return any(p.get("in") == "query" and p.get("name") == "page" for p in op.get("parameters", []))


def undocumented_operations(spec: dict, prefix: str) -> list[str]:
    """Operations under ``prefix`` whose success response has no usable JSON schema, and list operations
    whose ``items`` do not name their item schema."""
    problems = []
    for name, op in _operations(spec, prefix):
        schemas = _success_schemas(op)
        if not schemas:
            problems.append(f"{name}: no 2xx response")
        for schema in schemas:
            if not ("$ref" in schema or "properties" in schema or "items" in schema):
                problems.append(f"{name}: 2xx response schema is empty or untyped: {schema}")
                continue
            resolved = _resolve(spec, schema)
            if not (resolved.get("properties") or resolved.get("items")):
                problems.append(f"{name}: 2xx response schema has no fields: {resolved}")
                continue
            props = resolved.get("properties", {})
            if _is_paginated(op) and not PAGE_FIELDS <= set(props):
                problems.append(f"{name}: takes `page` but its response is not a Page: {sorted(props)}")
            if "items" in props and "$ref" not in props["items"].get("items", {}):
                problems.append(f"{name}: `items` does not name its item schema: {props['items']}")
    return problems


def _reachable(spec: dict, schema: dict, seen: set[str]) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if ref:
            key = ref.rsplit("/", 1)[-1]
            if key not in seen:
                seen.add(key)
                _reachable(spec, spec["components"]["schemas"][key], seen)
        for value in schema.values():
            _reachable(spec, value, seen)
    elif isinstance(schema, list):
        for value in schema:
            _reachable(spec, value, seen)


def untyped_fields(spec: dict, prefix: str) -> list[str]:
    """Fields of the response schemas under ``prefix`` whose JSON type is left open (``Any``, bare ``dict``)."""
    names: set[str] = set()
    for _, op in _operations(spec, prefix):
        for schema in _success_schemas(op):
            _reachable(spec, schema, names)
    problems = []
    for key in sorted(names):
        component = spec["components"]["schemas"][key]
        for field, prop in component.get("properties", {}).items():
            options = prop.get("anyOf", [prop])
            if not all(o.get("type") or "$ref" in o for o in options):
                problems.append(f"{key}.{field}: {prop}")
            if any(o.get("type") == "object" and "properties" not in o for o in options):
                problems.append(f"{key}.{field}: object without properties: {prop}")
            if any(o.get("type") == "array" and not o.get("items") for o in options):
                problems.append(f"{key}.{field}: array without item type: {prop}")
    return problems


def test_every_operation_documents_its_response(spec):
    ops = dict(_operations(spec, PREFIX))
    assert len(ops) >= 19 + 17, sorted(ops)  # 13 cloud + 6 network + the core operations today
    assert undocumented_operations(spec, PREFIX) == []


def test_list_operations_expose_typed_items(spec):
    lists = {name: op for name, op in _operations(spec, PREFIX) if _is_paginated(op)}
    assert set(lists) >= {"GET /api/v1/infra/cloud/platforms", "GET /api/v1/infra/cloud/systems",
                          "GET /api/v1/infra/cloud/requests", "GET /api/v1/infra/network/access-points"}
    for name in [*lists, "GET /api/v1/infra/cloud/pools"]:
        op = dict(_operations(spec, PREFIX))[name]
        (schema,) = _success_schemas(op)
        items = _resolve(spec, schema)["properties"]["items"]
        assert items["type"] == "array" and "$ref" in items["items"], (name, items)


def test_response_fields_are_typed(spec):
    problems = [p for p in untyped_fields(spec, PREFIX) if p.split(":")[0] not in OPEN_JSON_FIELDS]
    assert problems == []


def test_created_and_replayed_request_are_both_documented(spec):
    responses = spec["paths"]["/api/v1/infra/cloud/requests"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
    created = spec["paths"]["/api/v1/infra/network/access-points"]["post"]["responses"]
    assert created["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AccessPointOut"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_names_do_not_shadow_each_other():
    """ninja keys OpenAPI components by class name and silently keeps the last one: names must be unique."""
    project = [c for c in _subclasses(Schema) if c.__module__.startswith("digigov.") and ".tests" not in c.__module__]
    assert len(project) > 20
    clashes = sorted({f"{c.__module__}.{c.__name__} vs {o.__module__}.{o.__name__}"
                      for c in project for o in project if o is not c and o.__name__ == c.__name__})
    assert clashes == []


ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
# operations anyone may call without logging in (``digigov.core.api.public``): they answer neither 401 nor 403
PUBLIC_OPERATIONS = {"POST /api/v1/verify/", "GET /api/v1/verify/{token}",
                     "GET /api/v1/services/items/", "GET /api/v1/services/items/{code}", "GET /api/v1/services/topics/",
                     "GET /api/v1/services/search", "GET /api/v1/services/suggest"}


def test_every_operation_documents_the_errors_it_can_answer(spec):
    """401/403/429 everywhere; 400/422 where there is input; 404 where the path names an object (or the
    body does, as declared); 413 with a body; 409 for writes only — each with the one error body."""
    assert spec["components"]["schemas"]["ErrorBody"]["required"] == ["code", "message"]
    for name, op in _operations(spec, PREFIX):
        method, path = name.split(" ", 1)
        responses = op["responses"]
        errors = {int(s) for s in responses if str(s)[0] == "4"}
        for status in errors:
            assert responses[str(status)]["content"]["application/json"]["schema"] == ERROR_REF, (name, status)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in responses[str(status)]["description"]), (name, status)
        public = name in PUBLIC_OPERATIONS
        assert ({429} <= errors and not {401, 403} & errors) if public else {401, 403, 429} <= errors, name
        has_input = bool(op.get("parameters")) or "requestBody" in op
        assert ({400, 422} <= errors) == has_input, name
        assert (413 in errors) == ("requestBody" in op), name
        if "{" in path:
            assert 404 in errors, name
        if method == "GET":
            assert 409 not in errors and 404 not in errors - ({404} if "{" in path else set()), name
    paths = spec["paths"]
    # bodies that name objects answer 404 for a missing one; a read through POST cannot conflict
    assert "404" in paths["/api/v1/accounts/persons"]["post"]["responses"]
    assert "409" in paths["/api/v1/accounts/persons"]["post"]["responses"]
    assert "409" not in paths["/api/v1/accounts/persons/{public_id}/reveal"]["post"]["responses"]
    assert "404" not in paths["/api/v1/infra/network/access-points"]["post"]["responses"]
    assert set(paths["/api/v1/me"]["get"]["responses"]) == {"200", "401", "403", "429"}


def _strings(schema: dict):
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string" and "enum" not in option and "format" not in option:
            yield option


def test_text_inputs_declare_that_nul_is_refused(spec):
    """The middleware answers 400 to a NUL in the URL and input schemas refuse one in the body: the
    spec says so with a pattern, so no client (or fuzzer) is told NUL is acceptable."""
    import re

    checked = 0
    for name, op in _operations(spec, PREFIX):
        schemas = [p["schema"] for p in op.get("parameters", [])]
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body:
            for prop in _resolve(spec, body).get("properties", {}).values():
                schemas.append(prop)
                if prop.get("type") == "array" and "$ref" in prop.get("items", {}):
                    schemas.extend(_resolve(spec, prop["items"]).get("properties", {}).values())
        for schema in schemas:
            for option in _strings(schema):
                assert "pattern" in option, (name, schema)
                assert re.search(option["pattern"], "a\x00b") is None, (name, option)
                checked += 1
    assert checked > 40


def _strict_inputs():
    from digigov.core.api import StrictSchema

    return [c for c in _subclasses(StrictSchema) if c.__module__.startswith("digigov.") and ".tests" not in c.__module__]


def test_integers_and_booleans_in_bodies_take_only_their_json_type():
    from pydantic import ValidationError

    wrong = {"integer": [True, "5", 5.5], "number": [True, "1.5"], "boolean": [1, "true", "yes"]}
    checked = 0
    for cls in _strict_inputs():
        for field, prop in cls.model_json_schema()["properties"].items():
            declared = {o.get("type") for o in prop.get("anyOf", [prop])}
            for kind in declared & set(wrong):
                for value in wrong[kind]:
                    if {bool: "boolean", str: "string", float: "number", int: "integer"}[type(value)] in declared:
                        continue  # e.g. a decimal also documented as a numeric string
                    with pytest.raises(ValidationError) as exc:
                        cls.model_validate({field: value})
                    assert any(e["loc"][:1] == (field,) for e in exc.value.errors()), (cls, field, value)  # a union names its arm after the field
                    checked += 1
    assert checked >= 20


def test_boolean_for_an_integer_is_refused_over_http(city):
    import json

    from django.test import Client

    from digigov.core.testing import make_user

    client = Client()
    client.force_login(make_user("city_admin"))
    for value in (True, "100"):
        response = client.post("/api/v1/infra/network/access-points", content_type="application/json",
                               data=json.dumps({"division": city.village_a.code, "bandwidth_mbps": value}))
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"][-1] == "bandwidth_mbps"


def test_published_text_pattern_is_what_the_server_enforces():
    """schemathesis found padded text refused with a length error the schema did not predict (the
    input was stripped before its length was checked): now each text field publishes a pattern, and the
    pattern and the validation agree on every sample."""
    import re

    from pydantic import ValidationError

    samples = ["甲", "a b", " a", "a ", "\u3000甲", "甲\u2028", "\x1fa", "a\x00b", "a\ufeff", "\ufeffa"]
    checked = 0
    for cls in _strict_inputs():
        schema = cls.model_json_schema()
        for field, prop in schema["properties"].items():
            for option in _strings(prop):
                if "maxLength" in option or "minLength" in option or option.get("pattern", "").startswith("^\\d"):
                    continue  # lengths and fixed formats are checked with real values elsewhere
                assert "pattern" in option, (cls, field)
                for value in samples:
                    published = re.fullmatch(option["pattern"], value) is not None
                    try:
                        cls.model_validate({field: value})
                        accepted = True
                    except ValidationError as exc:
                        accepted = not any(e["loc"] in ((field,), ()) for e in exc.errors())  # () : the NUL filter
                    assert accepted == published, (cls.__name__, field, value, accepted, published)
                    checked += 1
    assert checked >= 50


def test_numbers_and_times_are_not_read_from_other_shapes(city):
    from django.test import Client
    from pydantic import ValidationError

    from digigov.core.api import DECIMAL_TEXT
    from digigov.infra.cloud.api import RequestIn, SamplesIn

    storage = RequestIn.model_json_schema()["properties"]["storage_tb"]["anyOf"]
    assert {"type": "string", "pattern": DECIMAL_TEXT} in storage
    base = {"department": "d", "purpose": "new", "reason": "扩容"}
    assert RequestIn.model_validate({**base, "storage_tb": "1.5"}).storage_tb == 1.5
    for value in ("f", "1e3", " 1", "NaN"):
        with pytest.raises(ValidationError):
            RequestIn.model_validate({**base, "storage_tb": value})
    for value in (1700000000, "1700000000"):  # pydantic would read a Unix time
        with pytest.raises(ValidationError):
            SamplesIn.model_validate({"samples": [{"at": value, "cpu_pct": 1, "mem_pct": 1, "storage_pct": 1}]})
    from digigov.core.testing import make_user

    client = Client()
    client.force_login(make_user("auditor"))
    response = client.get("/api/v1/audit/entries?since=-3047370174")
    assert response.status_code == 422, response.content
    assert client.get("/api/v1/audit/entries?since=2026-01-01T00:00:00%2B08:00").status_code == 200
