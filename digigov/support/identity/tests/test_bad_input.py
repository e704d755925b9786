"""Bad input gets the OAuth 2.0 / OpenID Connect error responses of the specs, nothing else: replayed or
expired codes and PKCE mismatches are ``invalid_grant``, a wrong client secret ``invalid_client`` (401),
an unregistered redirect URI an error page (never a redirect to it), a tampered id_token fails verification."""

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from oauth2_provider.models import Grant

from .conftest import REDIRECT, pkce_pair


def test_replayed_code_is_invalid_grant(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    assert rp.exchange(Client(), code, verifier).status_code == 200
    replay = rp.exchange(Client(), code, verifier)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_expired_code_is_invalid_grant(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    Grant.objects.filter(code=code).update(expires=timezone.now() - dt.timedelta(seconds=1))
    response = rp.exchange(Client(), code, verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_pkce_mismatch_is_invalid_grant(rp, citizen_client):
    _verifier, code = rp.code(citizen_client)
    other, _challenge = pkce_pair()
    response = rp.exchange(Client(), code, other)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_missing_verifier_is_refused(rp, citizen_client):
    _verifier, code = rp.code(citizen_client)
    response = rp.token(Client(), {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert response.status_code == 400 and response.json()["error"] in ("invalid_request", "invalid_grant")


@pytest.mark.parametrize("method", ["plain", None])
def test_plain_or_missing_pkce_method_is_refused_before_consent(rp, citizen_client, method):
    """Only S256: ``plain`` (and no method, which RFC 7636 reads as plain) go back to the client as an error."""
    params = rp.authorize_params(challenge="a" * 43, method=method)
    response = citizen_client.get("/oidc/authorize/", params)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(REDIRECT)
    assert query["error"] == ["invalid_request"]


def test_missing_code_challenge_is_refused(rp, citizen_client):
    response = citizen_client.get("/oidc/authorize/", rp.authorize_params(challenge=None, method=None))
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]


@pytest.mark.parametrize("uri", ["https://evil.example.com/callback", "https://rp.example.cn/callback/../steal", REDIRECT + "x"])
def test_unregistered_redirect_uri_gets_an_error_page_never_a_redirect(rp, citizen_client, uri):
    response = citizen_client.get("/oidc/authorize/", rp.authorize_params(challenge="a" * 43, redirect_uri=uri))
    assert response.status_code == 400
    assert not response.has_header("Location")
    body = response.content.decode()
    assert "回调地址未在该应用登记" in body and "不会跳转" in body
    assert "evil.example.com" not in body


def test_unregistered_redirect_uri_in_a_posted_consent_is_not_followed(rp, citizen_client):
    verifier, challenge = pkce_pair()
    data = rp.authorize_params(challenge=challenge, redirect_uri="https://evil.example.com/cb")
    data["allow"] = "on"
    response = citizen_client.post("/oidc/authorize/", data)
    assert response.status_code == 400 and not response.has_header("Location")
    assert not Grant.objects.exists()


def test_unknown_client_gets_an_error_page(db, citizen_client):
    response = citizen_client.get("/oidc/authorize/", {"response_type": "code", "client_id": "nope", "redirect_uri": REDIRECT,
                                                      "scope": "openid", "code_challenge": "a" * 43, "code_challenge_method": "S256"})
    assert response.status_code == 400 and not response.has_header("Location")
    assert "应用不存在或未在本平台登记" in response.content.decode()


def test_wrong_client_secret_is_invalid_client_401(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    response = rp.exchange(Client(), code, verifier, secret="wrong-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # the code was not spent by the failed attempt
    assert rp.exchange(Client(), code, verifier).status_code == 200


def test_code_of_another_client_is_refused(rp, citizen_client, city):
    from digigov.support.identity import actions

    other, other_secret = actions.create_client(city.system, name="另一应用", redirect_uris=[REDIRECT])
    verifier, code = rp.code(citizen_client)
    auth = base64.b64encode(f"{other.client_id}:{other_secret}".encode()).decode()
    response = Client().post("/oidc/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                              "code_verifier": verifier}, HTTP_AUTHORIZATION=f"Basic {auth}")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def _tamper(token: str, **changes) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, forged, signature])


def test_tampered_id_token_fails_verification_against_the_jwks(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    id_token = rp.exchange(Client(), code, verifier).json()["id_token"]
    keys = KeySet.import_key_set(Client().get("/oidc/jwks/").json())
    assert jwt.decode(id_token, keys, algorithms=["RS256"]).claims["name"] == "张三"
    with pytest.raises(BadSignatureError):
        jwt.decode(_tamper(id_token, name="李四"), keys, algorithms=["RS256"])
    with pytest.raises(BadSignatureError):
        jwt.decode(_tamper(id_token, sub="someone-else"), keys, algorithms=["RS256"])


def test_tampered_id_token_hint_does_not_log_out(rp, citizen_client):
    verifier, code = rp.code(citizen_client)
    id_token = rp.exchange(Client(), code, verifier).json()["id_token"]
    response = citizen_client.get("/oidc/logout/", {"id_token_hint": _tamper(id_token, name="x"),
                                                    "post_logout_redirect_uri": "https://rp.example.cn/bye"})
    assert response.status_code == 400
    assert "登录凭证无效" in response.content.decode()
    assert citizen_client.get("/accounts/password/").status_code == 200  # still signed in


def test_scope_the_client_was_not_registered_for_is_invalid_scope(city, citizen_client):
    from digigov.support.identity import actions

    app, _secret = actions.create_client(city.system, name="只读姓名应用", redirect_uris=[REDIRECT], scopes=["openid", "profile"])
    response = citizen_client.get("/oidc/authorize/", {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT,
                                                      "scope": "openid realname", "code_challenge": "a" * 43,
                                                      "code_challenge_method": "S256", "state": "s"})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_scope"]


def test_bare_token_request_is_a_json_error(db):
    response = Client().post("/oidc/token/", {})
    assert response.status_code in (400, 401)
    assert "error" in response.json()


def test_userinfo_without_or_with_a_bad_token_is_401(db):
    assert Client().get("/oidc/userinfo/").status_code == 401
    response = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert "invalid_token" in response["WWW-Authenticate"]


def test_internal_parameters_sent_by_a_client_are_ignored(rp, citizen_client):
    """oauthlib answers attribute reads from request parameters: a client naming the validator's own
    attributes in the query or body must neither crash the provider nor attach a delegation."""
    from digigov.support.identity.models import Delegation

    verifier, challenge = pkce_pair()
    data = rp.authorize_params(challenge=challenge)
    data["allow"] = "on"
    response = citizen_client.post("/oidc/authorize/?digigov_agent_authorization=1", data)
    assert response.status_code == 302 and "code=" in response["Location"]
    code = parse_qs(urlsplit(response["Location"]).query)["code"][0]
    token = rp.token(Client(), {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
                                "digigov_new_access_token": "x", "refresh_token_instance": "y", "access_token": "z"})
    assert token.status_code == 200, token.content
    assert not Delegation.objects.exists()


def test_prompt_none_never_shows_a_page(rp, citizen_client):
    """OpenID Connect prompt=none: a signed-in user gets consent_required (consent is always asked), an
    anonymous one login_required — both back to the application, never a login or consent page (was a 500)."""
    params = rp.authorize_params(challenge="a" * 43)
    params["prompt"] = "none"
    response = citizen_client.get("/oidc/authorize/", params)
    assert response.status_code == 302 and response["Location"].startswith(REDIRECT)
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["consent_required"]
    response = Client().get("/oidc/authorize/", params)
    assert response.status_code == 302 and response["Location"].startswith(REDIRECT)
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["login_required"] and query["state"] == ["st-1"]
    bad = dict(params, redirect_uri="https://evil.example.com/cb")
    response = Client().get("/oidc/authorize/", bad)
    assert response.status_code == 400 and not response.has_header("Location")
