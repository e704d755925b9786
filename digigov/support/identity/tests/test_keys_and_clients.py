"""Signing keys (sealed by the key store, rotated with a grace period, audited) and client registration
(workbench pages, the oidc_client command, secrets stored hashed and shown once)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import Application

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client
from digigov.support.identity import actions, signing
from digigov.support.identity.models import ClientProfile, KeyStatus, SigningKey

from .conftest import REDIRECT


def _keys():
    return KeySet.import_key_set(Client().get("/oidc/jwks/").json())


def test_private_key_is_stored_sealed_by_the_key_store(db):
    from digigov.security.keys import api as keys

    row = signing.active_key()
    blob = bytes(row.private_sealed)
    assert b"PRIVATE KEY" not in blob and b"-----" not in blob
    assert keys.unseal(signing.PURPOSE, blob, aad=signing.aad(row.kid)).startswith(b"-----BEGIN PRIVATE KEY-----")
    other = SigningKey(kid="someone-else")
    with pytest.raises(Exception):  # bound to its own row: a blob moved to another kid does not open
        keys.unseal(signing.PURPOSE, blob, aad=signing.aad(other.kid))
    assert AuditEntry.objects.filter(action="identity.key.create", actor="system").count() == 1
    assert Client().get("/oidc/jwks/").json()["keys"][0]["kid"] == row.kid
    assert "d" not in Client().get("/oidc/jwks/").json()["keys"][0]  # the public half only


def test_rotation_keeps_old_tokens_verifiable_and_signs_new_ones_with_the_new_kid(rp, citizen_client, city):
    verifier, code = rp.code(citizen_client)
    old_token = rp.exchange(Client(), code, verifier).json()["id_token"]
    old_kid = SigningKey.objects.get(status=KeyStatus.ACTIVE).kid
    out = StringIO()
    call_command("oidc_keys", "rotate", stdout=out)
    new = SigningKey.objects.get(status=KeyStatus.ACTIVE)
    assert new.kid != old_kid and new.kid in out.getvalue()
    assert SigningKey.objects.get(kid=old_kid).status == KeyStatus.RETIRED
    published = [k["kid"] for k in Client().get("/oidc/jwks/").json()["keys"]]
    assert published == [new.kid, old_kid]
    assert jwt.decode(old_token, _keys(), algorithms=["RS256"]).header["kid"] == old_kid
    verifier, code = rp.code(citizen_client)
    new_token = rp.exchange(Client(), code, verifier).json()["id_token"]
    assert jwt.decode(new_token, _keys(), algorithms=["RS256"]).header["kid"] == new.kid
    entry = AuditEntry.objects.get(action="identity.key.rotate")
    assert entry.actor == "system" and old_kid in entry.before_json and new.kid in entry.after_json


def test_keys_past_their_grace_period_leave_the_jwks(db):
    import datetime as dt

    from django.utils import timezone

    from digigov.support.identity.models import RETIRED_GRACE

    first = signing.active_key()
    actions.rotate_signing_key(actions_system())
    SigningKey.objects.filter(pk=first.pk).update(retired_at=timezone.now() - RETIRED_GRACE - dt.timedelta(minutes=1))
    assert first.kid not in [k["kid"] for k in Client().get("/oidc/jwks/").json()["keys"]]


def actions_system():
    from digigov.core.rbac.system import system_account

    return system_account()


def test_workbench_rotation_by_the_security_officer_only(role_user):
    officer = logged_in_client(role_user("security_officer"))
    page = officer.get("/workbench/support/identity/").content.decode()
    assert "轮换签名密钥" in page and "登记接入应用" not in page
    response = officer.post("/workbench/support/identity/keys/rotate/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="identity.key.rotate", role="security_officer").count() == 1
    auditor = logged_in_client(role_user("auditor"))
    page = auditor.get("/workbench/support/identity/").content.decode()
    assert "轮换签名密钥" not in page
    assert auditor.post("/workbench/support/identity/keys/rotate/").status_code == 403
    assert logged_in_client(role_user("dept_admin")).get("/workbench/support/identity/").status_code == 403


def test_city_admin_registers_a_client_and_sees_the_secret_once(role_user):
    admin = logged_in_client(role_user("city_admin"))
    response = admin.post("/workbench/support/identity/clients/new/", {
        "name": "辽事通", "audience": "public", "confidential": "1", "redirect_uris": "https://app.example.cn/cb\nhttps://app.example.cn/cb2",
        "post_logout_redirect_uris": "", "scopes": ["openid", "profile", "realname"]})
    assert response.status_code == 302
    app = Application.objects.get(name="辽事通")
    page = admin.get(response["Location"]).content.decode()
    start = page.index("<code style=\"word-break:break-all\">") + len("<code style=\"word-break:break-all\">")
    secret = page[start:page.index("</code>", start)]
    assert len(secret) > 30 and app.client_secret != secret and app.client_secret.startswith(("pbkdf2", "argon2", "md5"))
    from django.contrib.auth.hashers import check_password

    assert check_password(secret, app.client_secret)
    assert secret not in admin.get(response["Location"]).content.decode()  # once only
    assert app.redirect_uris.split() == ["https://app.example.cn/cb", "https://app.example.cn/cb2"]
    assert ClientProfile.objects.get(application=app).scopes == ["openid", "profile", "realname"]
    entry = AuditEntry.objects.get(action="identity.client.create")
    assert entry.role == "city_admin" and secret not in entry.after_json


@pytest.mark.parametrize("uris, message", [
    ("http://app.example.cn/cb", "须使用 https"),
    ("app.example.cn/cb", "不是完整的网址"),
    ("https://app.example.cn/*", "通配符"),
    ("https://app.example.cn/cb#x", "片段"),
    ("", "这个字段是必填项"),
])
def test_client_form_shows_chinese_field_errors(role_user, uris, message):
    admin = logged_in_client(role_user("city_admin"))
    response = admin.post("/workbench/support/identity/clients/new/", {
        "name": "应用", "audience": "public", "confidential": "1", "redirect_uris": uris, "scopes": ["openid"]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_only_the_city_admin_registers_clients(role_user):
    assert logged_in_client(role_user("security_officer")).get("/workbench/support/identity/clients/new/").status_code == 403
    with pytest.raises(Exception):
        actions.create_client(role_user("security_officer"), name="x", redirect_uris=[REDIRECT])


def test_oidc_client_command_prints_one_json_object(db):
    out = StringIO()
    call_command("oidc_client", "create", "--name", "辽事通", "--redirect-uri", "https://app.example.cn/cb", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"client_id", "client_secret"}
    app = Application.objects.get(client_id=data["client_id"])
    assert app.client_type == Application.CLIENT_CONFIDENTIAL and app.client_secret != data["client_secret"]
    assert AuditEntry.objects.get(action="identity.client.create").actor == "system"


def test_oidc_client_command_public_client_has_no_secret(db):
    out = StringIO()
    call_command("oidc_client", "create", "--name", "移动端", "--redirect-uri", "http://127.0.0.1:9000/cb", "--public", stdout=out)
    data = json.loads(out.getvalue())
    assert data["client_secret"] is None
    assert Application.objects.get(client_id=data["client_id"]).client_type == Application.CLIENT_PUBLIC


def test_oidc_client_command_refuses_bad_input_clearly(db):
    with pytest.raises(CommandError, match="https"):
        call_command("oidc_client", "create", "--name", "x", "--redirect-uri", "http://app.example.cn/cb", stdout=StringIO())
    call_command("oidc_client", "create", "--name", "重名", "--redirect-uri", "https://a.example.cn/cb", stdout=StringIO())
    with pytest.raises(CommandError, match="同名"):
        call_command("oidc_client", "create", "--name", "重名", "--redirect-uri", "https://a.example.cn/cb", stdout=StringIO())


def test_public_client_completes_the_flow_without_a_secret(city, citizen_client):
    app, secret = actions.create_client(city.system, name="浏览器应用", redirect_uris=[REDIRECT], public=True)
    assert secret is None
    from .conftest import Flow

    flow = Flow(app, None)
    verifier, code = flow.code(citizen_client)
    response = Client().post("/oidc/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                              "code_verifier": verifier, "client_id": app.client_id})
    assert response.status_code == 200, response.content
