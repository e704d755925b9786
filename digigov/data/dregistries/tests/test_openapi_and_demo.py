"""The mount's OpenAPI document is a valid OpenAPI 3.0 document that covers every operation of the spec;
the demo generator defines a registry through the actions and fills it."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator

from digigov.core.demo import DemoContext
from digigov.data.dregistries import demo
from digigov.data.dregistries.models import Database, Record

pytestmark = pytest.mark.django_db

SPEC_OPERATIONS = {  # api/GovStack_Digital_registries_BB_{Data,Database}_API_template-1.3.0.yaml
    ("get", "/data/{registryName}/{versionNumber}"), ("post", "/data/{registryName}/{versionNumber}/create"),
    ("post", "/data/{registryName}/{versionNumber}/exists"), ("post", "/data/{registryName}/{versionNumber}/read"),
    ("put", "/data/{registryName}/{versionNumber}/update"), ("put", "/data/{registryName}/{versionNumber}/updateEntries"),
    ("post", "/data/{registryName}/{versionNumber}/updateOrCreate"), ("delete", "/data/{registryName}/{versionNumber}/{ID}/delete"),
    ("get", "/data/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}"), ("get", "/data/myPersonalDataUsage"),
    ("get", "/database/{id}"), ("delete", "/database/{id}"), ("post", "/database/modify"), ("get", "/databases"),
}


def test_openapi_document_is_valid_and_complete(client):
    from schemathesis.specs.openapi.definitions import OPENAPI_30

    response = client.get("/govstack/digital-registries/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    errors = sorted(Draft4Validator(OPENAPI_30).iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors[:5]]
    operations = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert operations == SPEC_OPERATIONS
    assert doc["info"]["version"] == "1.3.0"
    for (method, path) in operations:
        op = doc["paths"][path][method]
        assert any(p.get("$ref", "").endswith("Information-Mediator-Client") for p in op["parameters"])
        assert any(code.startswith("2") for code in op["responses"]) and "401" in op["responses"]


def test_every_documented_path_resolves(authority, conformance):
    """Each documented operation, called with the conformance registry, answers something other than a 5xx or a
    Django 404 page (the routes exist for the documented paths)."""
    from digigov.data.dregistries.openapi import document

    for path, ops in document()["paths"].items():
        url = (path.replace("{registryName}", "registryname").replace("{versionNumber}", "111")
               .replace("{ID}", "EE123627348834").replace("{uuid}", "EE123627348834").replace("{field}", "FirstName")
               .replace("{ext}", "json").replace("{id}", str(conformance.pk)).lstrip("/"))
        for method in ops:
            response = authority.get(url) if method == "get" else authority.send(method, url, {})
            assert response.status_code < 500 and response["Content-Type"].startswith("application/json") or response.status_code == 204, (method, url)


def test_demo_defines_a_registry_with_records(city):
    ctx = DemoContext(scale=0.01, seed=7, name="dregistries")
    demo.generate(ctx)
    db = Database.objects.get(code=demo.CODE)
    assert db.personal_fields == ["director", "directorPhone"]
    assert Record.objects.filter(database=db).count() == 8
    rec = Record.objects.filter(database=db).first()
    assert "director" not in rec.content and rec.personal
    demo.generate(ctx)  # idempotent
    assert Record.objects.filter(database=db).count() == 8
