"""The authorization code flow end to end through Django's test client: discovery, login redirect, consent,
code + PKCE exchange, id_token verified against the JWKS, userinfo, refresh rotation, login events."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet

from digigov.core.accounts.models import LoginChannel, LoginEvent
from digigov.core.audit.models import AuditEntry

from .conftest import REDIRECT


def jwks(client):
    return KeySet.import_key_set(client.get("/oidc/jwks/").json())


def verify(client, id_token):
    return jwt.decode(id_token, jwks(client), algorithms=["RS256"])


def test_discovery_names_the_site_url_as_issuer(db, client):
    doc = client.get("/.well-known/openid-configuration").json()
    site = settings.DIGIGOV_SITE_URL
    assert doc["issuer"] == site
    assert doc["authorization_endpoint"] == f"{site}/oidc/authorize/"
    assert doc["token_endpoint"] == f"{site}/oidc/token/"
    assert doc["userinfo_endpoint"] == f"{site}/oidc/userinfo/"
    assert doc["jwks_uri"] == f"{site}/oidc/jwks/"
    assert doc["end_session_endpoint"] == f"{site}/oidc/logout/"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["response_types_supported"] == ["code"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "legal_person" in doc["claims_supported"]


def test_anonymous_user_is_sent_to_the_one_login_page_and_back(rp, citizen):
    client = Client()
    params = rp.authorize_params(challenge="x" * 43)
    response = client.get("/oidc/authorize/", params)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith("/accounts/login/?next=")
    next_url = parse_qs(urlsplit(login).query)["next"][0]
    assert next_url.startswith("/oidc/authorize/")
    page = client.post("/accounts/login/", {"username": "zhangsan", "password": "Test-Passw0rd!2026", "next": next_url})
    assert page.status_code == 302 and page["Location"] == next_url
    consent = client.get(next_url)
    assert consent.status_code == 200
    assert "申请使用您的统一身份账户登录" in consent.content.decode()
    # the login for a client is counted when the client is granted it, with its name (not twice)
    assert not LoginEvent.objects.filter(user=citizen).exists()


def test_full_flow_id_token_userinfo_and_login_event(rp, citizen, citizen_client):
    verifier, code = rp.code(citizen_client, scope="openid profile realname phone")
    response = rp.exchange(Client(), code, verifier)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["refresh_token"]
    token = verify(Client(), body["id_token"])
    claims = token.claims
    assert token.header["kid"] == Client().get("/oidc/jwks/").json()["keys"][0]["kid"]
    assert claims["iss"] == settings.DIGIGOV_SITE_URL
    assert claims["aud"] == rp.app.client_id
    assert claims["nonce"] == "n-0S6"
    assert claims["sub"] == citizen.public_id
    assert claims["name"] == "张三"
    assert claims["realname_level"] == 2
    assert claims["id_number_masked"].startswith("2106") and claims["id_number_masked"].count("*") == 10
    assert claims["phone_number_masked"] != "13812345678" and claims["phone_number_masked"].endswith("5678")
    info = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert info.status_code == 200
    assert info.json()["sub"] == citizen.public_id and info.json()["name"] == "张三"
    assert LoginEvent.objects.filter(user=citizen, channel=LoginChannel.CLIENT, client="辽事通").count() == 1
    consent = AuditEntry.objects.get(action="identity.consent")
    assert consent.actor == "zhangsan"


def test_scopes_limit_the_claims(rp, citizen_client):
    verifier, code = rp.code(citizen_client, scope="openid")
    body = rp.exchange(Client(), code, verifier).json()
    claims = verify(Client(), body["id_token"]).claims
    assert "name" not in claims and "id_number_masked" not in claims and "phone_number_masked" not in claims


def test_refresh_rotates_and_a_replayed_refresh_token_is_refused(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    first = rp.exchange(Client(), code, verifier).json()
    second = rp.token(Client(), {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.content
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    replay = rp.token(Client(), {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_tokens_are_stored_only_as_digests(rp, citizen_client):
    from oauth2_provider.models import AccessToken, RefreshToken

    verifier, code = rp.code(citizen_client)
    body = rp.exchange(Client(), code, verifier).json()
    assert not AccessToken.objects.filter(token=body["access_token"]).exists()
    assert not RefreshToken.objects.filter(token=body["refresh_token"]).exists()
    assert AccessToken.objects.count() == 1


def test_denied_consent_returns_access_denied_to_the_client(rp, citizen_client):
    _verifier, response = rp.consent(citizen_client, allow=False)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(REDIRECT) and query["error"] == ["access_denied"] and query["state"] == ["st-1"]


def test_consent_page_allows_the_form_to_return_to_the_client_only(rp, citizen_client):
    page = citizen_client.get("/oidc/authorize/", rp.authorize_params(challenge="y" * 43))
    assert "form-action 'self' https://rp.example.cn;" in page["Content-Security-Policy"]


def test_revoked_access_token_no_longer_reads_userinfo(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    body = rp.exchange(Client(), code, verifier).json()
    import base64

    auth = base64.b64encode(f"{rp.app.client_id}:{rp.secret}".encode()).decode()
    revoked = Client().post("/oidc/revoke/", {"token": body["access_token"], "token_type_hint": "access_token"},
                            HTTP_AUTHORIZATION=f"Basic {auth}")
    assert revoked.status_code == 200
    assert Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").status_code == 401
