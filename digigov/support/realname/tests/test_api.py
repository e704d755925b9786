import re

import pytest

from digigov.core.notify.testing import last_message_to
from digigov.core.testing import logged_in_client

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def test_levels(citizen):
    r = logged_in_client(citizen).get("/api/v1/realname/levels")
    assert r.status_code == 200
    assert r.json() == {"account_level": 1, "account_level_label": "一级实名（口令）", "session_level": 1, "session_level_label": "一级实名（口令）"}


def test_operation_needing_level_2_answers_403_until_the_session_steps_up(citizen):
    client = logged_in_client(citizen)
    r = client.get("/api/v1/realname/verifications")
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "realname_level_required"
    assert "二级实名" in body["message"] and "一级实名" in body["message"]
    assert body["detail"] == {"required_level": 2, "session_level": 1, "verify_url": "/realname/verify/?level=2"}
    client.post("/realname/verify/send/", {"channel": "sms", "level": "2"})
    code = re.search(r"验证码为 (\d{6})", last_message_to(PHONE)["text"]).group(1)
    client.post("/realname/verify/code/", {"channel": "sms", "code": code, "level": "2"})
    r = client.get("/api/v1/realname/verifications")
    assert r.status_code == 200
    assert [(v["level"], v["method"], v["method_label"], v["destination"]) for v in r.json()] == [(2, "sms", "短信验证码", "139****5678")]


def test_anonymous_is_401(client):
    assert client.get("/api/v1/realname/verifications").status_code == 401


def test_openapi_documents_the_403(client):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/realname/verifications"]["get"]
    assert "403" in op["responses"]
