"""The API's contract: one error body, strict inputs, CSRF for sessions, API keys for machines, pagination."""

import json

import pytest
from django.test import Client

from digigov.core.accounts import actions as account_actions
from digigov.core.accounts.models import NaturalPerson
from digigov.core.audit.models import AuditEntry
from digigov.core.testing import make_user, resident_id


def error_body(response):
    body = response.json()
    assert set(body) == {"code", "message", "detail"}, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), "message must be Chinese"
    return body


@pytest.fixture
def clerk(city):
    # a service-hall clerk: reach is a division subtree (people have no department)
    return make_user("window_clerk", division=city.county_a)


@pytest.fixture
def admin(city):
    return make_user("city_admin")


def post(client, url, payload, **extra):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/accounts/persons" in paths and "/api/v1/kpi/" in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_create_person_and_masked_output(city, admin):
    client = Client()
    client.force_login(admin)
    number = resident_id("210602", "19850315")
    response = post(client, "/api/v1/accounts/persons", {"id_number": number, "name": "王小明", "division_code": city.village_a.code})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert number not in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.person.register", object_id=body["public_id"]).exists()


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"id_number": "BADCHECK", "name": "甲", "division_code": "210602001001"}, 422, "invalid_resident_id"),
        ({"id_number": "2106021985031500", "name": "甲", "division_code": "210602001001"}, 422, "validation_error"),
        ({"id_number": None, "name": "甲", "division_code": "210602001001"}, 422, "validation_error"),
        ({"name": "甲", "division_code": "210602001001"}, 422, "validation_error"),
        ({"id_number": "VALID", "name": "甲" * 33, "division_code": "210602001001"}, 422, "validation_error"),
        ({"id_number": "VALID", "name": "甲", "division_code": "210602001001", "is_admin": True}, 422, "validation_error"),
        ({"id_number": "VALID", "name": "甲", "division_code": "999999999999"}, 404, "not_found"),
    ],
)
def test_bad_person_inputs_get_4xx_and_write_nothing(city, admin, payload, status, code):
    client = Client()
    client.force_login(admin)
    if payload.get("id_number") == "VALID":
        payload["id_number"] = resident_id("210602", "19900101")
    if payload.get("id_number") == "BADCHECK":
        valid = resident_id("210602", "19850315")
        payload["id_number"] = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    before = AuditEntry.objects.count()
    response = post(client, "/api/v1/accounts/persons", payload)
    assert response.status_code == status, response.content
    assert error_body(response)["code"] == code
    assert NaturalPerson.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_duplicate_is_conflict(city, admin):
    client = Client()
    client.force_login(admin)
    payload = {"id_number": resident_id("210602", "19700101"), "name": "李四", "division_code": city.village_a.code}
    assert post(client, "/api/v1/accounts/persons", payload).status_code == 201
    response = post(client, "/api/v1/accounts/persons", payload)
    assert response.status_code == 409 and error_body(response)["code"] == "person_exists"


def test_malformed_json_and_wrong_types(city, admin):
    client = Client()
    client.force_login(admin)
    response = client.post("/api/v1/accounts/persons", data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    error_body(response)
    response = client.get("/api/v1/accounts/persons?page=abc")
    assert response.status_code == 422 and error_body(response)["code"] == "validation_error"
    response = client.get("/api/v1/accounts/persons?page=0")
    assert response.status_code == 422 and error_body(response)["code"] == "bad_page"
    response = client.get("/api/v1/accounts/persons?page_size=100000")
    assert response.status_code == 422 and error_body(response)["code"] == "bad_page_size"


def test_oversized_body_is_413(city, admin, settings):
    client = Client()
    client.force_login(admin)
    big = {"id_number": "1" * 18, "name": "甲", "division_code": "210602001001", "address": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    response = post(client, "/api/v1/accounts/persons", big)
    assert response.status_code == 413
    assert error_body(response)["code"] == "payload_too_large"


def test_session_post_needs_csrf(city, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    payload = {"id_number": resident_id("210602", "19800101"), "name": "赵六", "division_code": city.village_a.code}
    response = post(client, "/api/v1/accounts/persons", payload)
    assert response.status_code in (401, 403)
    error_body(response)
    client.get("/accounts/login/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = post(client, "/api/v1/accounts/persons", payload, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_api_key_authenticates_a_machine(city, admin):
    from digigov.core.rbac.models import RoleAssignment

    service = make_user(None, username="svc_registry", kind="service", password=None)
    RoleAssignment.objects.create(user=service, role="auditor")
    _, key = account_actions.create_api_client(admin, name="审计对接系统", user=service)
    client = Client()
    assert client.get("/api/v1/audit/verify").status_code == 401
    response = client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key[:-2] + "xx").status_code == 401
    # the key grants the service user's roles only
    assert post(client, "/api/v1/accounts/persons", {}, HTTP_X_API_KEY=key).status_code == 403
    me = client.get("/api/v1/me", HTTP_X_API_KEY=key).json()
    assert me["username"] == "svc_registry" and me["roles"] == ["auditor"]


def test_reveal_is_audited_and_scoped(city, clerk):
    person = NaturalPerson.objects.create(id_number=resident_id("210602", "19660606"), name="钱七", gender="M",
                                          birth_date="1966-06-06", phone="13912345678", division=city.village_a)
    client = Client()
    client.force_login(clerk)
    response = post(client, f"/api/v1/accounts/persons/{person.public_id}/reveal", {"purpose": "办理社保业务核验"})
    assert response.status_code == 200
    assert response.json()["id_number"] == person.id_number
    entry = AuditEntry.objects.get(action="pii.read")
    assert entry.actor == clerk.username and entry.role == "window_clerk" and entry.object_id == person.public_id
    # a clerk whose scope is another county's division cannot reach the person
    other = make_user("window_clerk", division=city.county_b)
    client.force_login(other)
    response = post(client, f"/api/v1/accounts/persons/{person.public_id}/reveal", {"purpose": "越权尝试"})
    assert response.status_code == 404
    error_body(response)


def test_pagination_shape(city, admin):
    for i in range(7):
        NaturalPerson.objects.create(id_number=resident_id("210602", "19900101", seq=100 + i), name=f"张{i}", gender="F",
                                     birth_date="1990-01-01", division=city.village_a)
    client = Client()
    client.force_login(make_user("window_clerk", division=city.city))
    body = client.get("/api/v1/accounts/persons?page=2&page_size=3").json()
    assert body["count"] is None  # a registry of millions of people is paged without COUNT(*)
    assert body["page"] == 2 and body["page_size"] == 3 and len(body["items"]) == 3 and body["has_next"] is True
    last = client.get("/api/v1/accounts/persons?page=3&page_size=3").json()
    assert len(last["items"]) == 1 and last["has_next"] is False
    counted = client.get("/api/v1/org/departments?page=1&page_size=2").json()
    assert counted["count"] == 6 and counted["has_next"] is True  # the test city has six departments


def test_kpi_api_reports_not_connected_without_numbers(city):
    client = Client()
    client.force_login(make_user("leader"))
    rows = client.get("/api/v1/kpi/").json()
    assert len(rows) == 14
    for row in rows:
        if row["status"] == "not_connected":
            assert row["value"] is None and row["numerator"] is None
    response = client.get("/api/v1/kpi/K99")
    assert response.status_code == 404 and error_body(response)["code"] == "kpi_not_found"


def test_nul_characters_are_refused_at_the_boundary(city, admin):
    client = Client()
    client.force_login(admin)
    payload = {"id_number": resident_id("210602", "19700101"), "name": "王\x00五", "division_code": city.village_a.code}
    response = post(client, "/api/v1/accounts/persons", payload)
    assert response.status_code == 422 and error_body(response)["code"] == "validation_error"
    assert NaturalPerson.objects.count() == 0
    response = client.get("/api/v1/accounts/persons?name=%00x")
    assert response.status_code == 400 and error_body(response)["code"] == "nul_character"
    response = client.get("/workbench/people/?q=%00")
    assert response.status_code == 400


def test_callers_over_their_rate_get_429_with_the_error_body(city, admin, settings):
    settings.DIGIGOV_API_USER_RATE = "3/m"
    client = Client()
    client.force_login(admin)
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me")
    assert response.status_code == 429 and error_body(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


def test_guessing_api_keys_locks_the_address(city, admin, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DIGIGOV_API_KEY_MAX_FAILURES = 3
    service = make_user(None, username="svc_guess", kind="service", password=None)
    from digigov.core.rbac.models import RoleAssignment

    RoleAssignment.objects.create(user=service, role="auditor")
    _, key = account_actions.create_api_client(admin, name="被猜测的应用", user=service)
    client = Client()
    for i in range(3):
        assert client.get("/api/v1/audit/verify", HTTP_X_API_KEY=f"dg_wrong{i}").status_code == 401
    response = client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key)  # even the right key, from this address, for now
    assert response.status_code == 429 and error_body(response)["code"] == "api_key_locked"
    cache.clear()
    assert client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key).status_code == 200
