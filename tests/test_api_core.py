"""The API's contract: one error body, strict inputs, CSRF for sessions, API keys for machines, pagination."""

import json
import re

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


def service_key(admin, roles=("auditor",), name="对接系统"):
    """A service account holding ``roles`` (unscoped) and an API key acting for it."""
    from digigov.core.rbac.models import RoleAssignment

    service = make_user(None, kind="service", password=None)
    for role in roles:
        RoleAssignment.objects.create(user=service, role=role)
    _, key = account_actions.create_api_client(admin, name=name, user=service)
    return key


def write_operations(client) -> list[tuple[str, str]]:
    """Every write operation in the published schema (new operations are covered the moment they exist),
    with a path that names no existing object. Public operations (no 401 documented: 验章 takes an upload from
    anyone and acts for nobody) need neither a key nor a CSRF token and are left out, and so are operations
    whose documented security is another scheme (the signed calling-app requests of data sharing, which take
    neither an API key nor a session)."""
    spec = client.get("/api/v1/openapi.json").json()
    ops = []
    for path, methods in spec["paths"].items():
        for method in methods:
            schemes = {name for option in methods[method].get("security", [{"ApiKeyAuth": []}]) for name in option}
            if method in ("post", "put", "patch", "delete") and "401" in methods[method]["responses"] and "ApiKeyAuth" in schemes:
                ops.append((method, re.sub(r"\{[^}]+\}", "nosuchobject000000000", path)))
    return ops


def send(client, method, url, payload=None, **extra):
    return getattr(client, method)(url, data=json.dumps(payload or {}), content_type="application/json", **extra)


def test_api_keys_can_write_with_csrf_enforced(city, admin):
    from digigov.core.rbac.models import PUBLIC_ROLES, STAFF_ROLES

    client = Client(enforce_csrf_checks=True)
    # every role, the applicant's included (applying online is the public's own permission, no staff role has it)
    key = service_key(admin, roles=sorted(STAFF_ROLES | PUBLIC_ROLES))
    ops = write_operations(client)
    assert len(ops) >= 15, ops
    for method, url in ops:
        response = send(client, method, url, HTTP_X_API_KEY=key)
        # past authentication and the permission gate: the empty body or the unknown object is what is refused
        assert response.status_code in (404, 409, 422), (method, url, response.status_code, response.content)
        assert error_body(response)["code"] != "csrf_failed"
    # and a real write lands, attributed to the service account
    payload = {"id_number": resident_id("210602", "19810101"), "name": "周八", "division_code": city.village_a.code}
    response = post(client, "/api/v1/accounts/persons", payload, HTTP_X_API_KEY=key)
    assert response.status_code == 201, response.content
    assert AuditEntry.objects.get(action="accounts.person.register").channel == "api"


def test_invalid_api_key_is_401_on_every_write(city, admin, settings):
    # one wrong key per write operation: more operations than the per-address lockout tolerates (its own test below)
    settings.DIGIGOV_API_KEY_MAX_FAILURES = 0
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)  # even alongside a session: a presented key is final
    for method, url in write_operations(client):
        response = send(client, method, url, HTTP_X_API_KEY="dg_" + "x" * 43)
        assert response.status_code == 401, (method, url, response.content)
        assert error_body(response)["code"] == "invalid_api_key"


def test_session_writes_without_csrf_token_are_refused(city, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    before = AuditEntry.objects.count()
    for method, url in write_operations(client):
        response = send(client, method, url)
        assert response.status_code == 403, (method, url, response.content)
        assert error_body(response)["code"] == "csrf_failed"
    assert AuditEntry.objects.count() == before
    anonymous = Client(enforce_csrf_checks=True)
    response = post(anonymous, "/api/v1/accounts/persons", {})
    assert response.status_code == 401 and error_body(response)["code"] == "unauthenticated"


def test_api_clients_act_only_for_service_accounts(city, admin):
    from digigov.core.accounts.models import ApiClient
    from digigov.core.errors import ValidationFailed

    for human in (make_user("city_admin"), make_user(None)):
        with pytest.raises(ValidationFailed) as exc:
            account_actions.create_api_client(admin, name=f"代表{human.username}", user=human)
        assert exc.value.status == 422 and exc.value.code == "api_client_user_not_service"
    assert not ApiClient.objects.exists()
    # a key issued to a staff account before the rule: refused at authentication
    key = service_key(admin, name="旧应用")
    ApiClient.objects.filter(name="旧应用").update(user=make_user("city_admin"))
    response = Client().get("/api/v1/me", HTTP_X_API_KEY=key)
    assert response.status_code == 401 and error_body(response)["code"] == "api_key_not_service"


def test_guessing_api_keys_locks_wrong_keys_not_valid_ones(city, admin, settings):
    from django.core.cache import cache

    settings.DIGIGOV_API_KEY_MAX_FAILURES = 3
    key = service_key(admin, name="被猜测的应用")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(3):
        response = client.get("/api/v1/audit/verify", HTTP_X_API_KEY=f"dg_wrong{i}")
        assert response.status_code == 401 and error_body(response)["code"] == "invalid_api_key"
    cache.clear()  # the count is not in one process's memory: another worker sees it too
    response = client.get("/api/v1/audit/verify", HTTP_X_API_KEY="dg_wrong3")
    assert response.status_code == 429 and error_body(response)["code"] == "api_key_locked"
    # a valid key from the same (shared) address is never refused for someone else's guesses
    assert client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key).status_code == 200
    # another address is not locked
    assert Client(REMOTE_ADDR="198.51.100.7").get("/api/v1/audit/verify", HTTP_X_API_KEY="dg_wrong").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_failure_counter_is_exact_under_concurrent_writers():
    """Threads, each with its own connection to the SQLite test database file (or PostgreSQL), bump one counter:
    no increment is lost and no two callers see the same count."""
    import threading

    from django.db import connections

    from digigov.core import counters

    seen, errors = [], []

    def worker():
        try:
            for _ in range(15):
                seen.append(counters.hit("apikey:192.0.2.1", 900))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(seen) == list(range(1, 121))
    assert counters.count("apikey:192.0.2.1", 900) == 120
    assert counters.count("apikey:192.0.2.2", 900) == 0


def test_failure_counter_window_starts_afresh(db):
    import datetime as dt

    from digigov.core import counters
    from digigov.core.web.models import FailureCounter

    assert [counters.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    FailureCounter.objects.filter(key="k").update(window_start=FailureCounter.objects.get(key="k").window_start - dt.timedelta(seconds=61))
    assert counters.count("k", 60) == 0
    assert counters.hit("other", 60) == 1  # a new window elsewhere clears the passed ones
    assert not FailureCounter.objects.filter(key="k").exists()
    assert counters.hit("k", 60) == 1


@pytest.fixture
def redis_url(tmp_path):
    import shutil
    import socket
    import subprocess
    import time

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(600):  # a loaded machine may take seconds to start it
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait()


def test_failure_counter_uses_redis_when_configured(settings, redis_url):
    import threading

    from digigov.core import counters
    from digigov.core.web.models import FailureCounter

    settings.REDIS_URL = redis_url
    seen, errors = [], []

    def worker():
        try:
            for _ in range(25):
                seen.append(counters.hit("apikey:192.0.2.3", 900))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(seen) == list(range(1, 101))
    assert counters.count("apikey:192.0.2.3", 900) == 100
    assert 0 < counters._redis().ttl("digigov:failures:apikey:192.0.2.3") <= 900
    counters.reset("apikey:192.0.2.3")
    assert counters.count("apikey:192.0.2.3", 900) == 0


def test_strict_integers_take_integral_json_numbers_only():
    """A JSON number with no fraction (5.0) is an integer in JSON Schema and is taken as 5; 5.5, "5" and true
    are refused (the API fuzz sent 1074862.0 for an amount in cents)."""
    import pydantic

    from digigov.core.api import StrictSchema

    class In(StrictSchema):
        n: int

    assert In.model_validate({"n": 5.0}).n == 5 and isinstance(In.model_validate({"n": 5.0}).n, int)
    for bad in (5.5, "5", True):
        with pytest.raises(pydantic.ValidationError):
            In.model_validate({"n": bad})
