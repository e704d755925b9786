import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from digigov.core.testing import logged_in_client
from digigov.support.identity import actions

REDIRECT = "https://rp.example.cn/callback"
ALL_SCOPES = ["openid", "profile", "realname", "phone", "enterprise"]


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Flow:
    """Drives the authorization code flow through Django's test client, as a relying party would."""

    def __init__(self, app, secret):
        self.app, self.secret = app, secret

    def authorize_params(self, *, scope="openid profile", challenge=None, method="S256", redirect_uri=REDIRECT, nonce="n-0S6", state="st-1"):
        params = {"response_type": "code", "client_id": self.app.client_id, "redirect_uri": redirect_uri, "scope": scope,
                  "state": state, "nonce": nonce}
        if challenge is not None:
            params["code_challenge"] = challenge
        if method is not None:
            params["code_challenge_method"] = method
        return params

    def consent(self, client, *, scope="openid profile", legal_person=None, allow=True, **kw):
        """GET the consent page, POST the answer; returns (verifier, redirect response)."""
        verifier, challenge = pkce_pair()
        params = self.authorize_params(scope=scope, challenge=challenge, **kw)
        page = client.get("/oidc/authorize/", params)
        assert page.status_code == 200, page.content.decode()[:500]
        data = {k: v for k, v in params.items()}
        if allow:
            data["allow"] = "on"
        if legal_person is not None:
            data["legal_person"] = legal_person
        return verifier, client.post("/oidc/authorize/", data)

    def code(self, client, **kw):
        verifier, response = self.consent(client, **kw)
        assert response.status_code == 302, response.content.decode()[:500]
        query = parse_qs(urlsplit(response["Location"]).query)
        assert "code" in query, response["Location"]
        return verifier, query["code"][0]

    def token(self, client, data, secret=None):
        auth = base64.b64encode(f"{self.app.client_id}:{secret or self.secret}".encode()).decode()
        return client.post("/oidc/token/", data, HTTP_AUTHORIZATION=f"Basic {auth}")

    def exchange(self, client, code, verifier, redirect_uri=REDIRECT, secret=None):
        return self.token(client, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                   "code_verifier": verifier}, secret=secret)


@pytest.fixture
def rp(city):
    app, secret = actions.create_client(city.system, name="辽事通", redirect_uris=[REDIRECT], scopes=ALL_SCOPES,
                                        post_logout_redirect_uris=["https://rp.example.cn/bye"])
    return Flow(app, secret)


@pytest.fixture
def citizen(city):
    from digigov.core.accounts.actions import register_person
    from digigov.core.testing import make_user, resident_id

    person = register_person(city.system, id_number=resident_id("210602", "19800101", 12), name="张三", division=city.village_a,
                             phone="13812345678")
    user = make_user("citizen", username="zhangsan")
    user.person = person
    user.display_name = "张三"
    user.realname_level = 2
    user.save()
    return user


@pytest.fixture
def citizen_client(citizen):
    return logged_in_client(citizen)
