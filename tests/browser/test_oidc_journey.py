"""Single sign-on with a real relying party: a tiny WSGI app in this process, on a loopback port, logs users
in through DigiGov with authlib's standard OAuth 2.0 client (authorization code + PKCE S256, endpoints from
the discovery document) and verifies the id_token against the JWKS with joserfc — no DigiGov code in it.
The browser goes: the app → DigiGov's login page → the consent page (an agent picks the enterprise) → the
app's callback → userinfo, on a desktop and on a 390 px phone; RP-initiated logout ends the DigiGov session."""

from __future__ import annotations

import datetime as dt
import html
import json
import secrets
import threading
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from digigov.core.testing import PASSWORD, make_user, resident_id, uscc

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class RelyingParty:
    """A third-party app ("辽事通") that knows DigiGov only by its issuer URL and its client credentials."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.client_id = self.client_secret = None
        self.pending: dict[str, dict] = {}
        self.sessions: list[dict] = []
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.metadata = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()
        assert self.metadata["issuer"] == self.issuer
        self.thread.start()

    def stop(self):
        self.server.shutdown()

    def oauth(self, **kw) -> OAuth2Session:
        return OAuth2Session(self.client_id, self.client_secret, scope="openid profile realname enterprise",
                             redirect_uri=f"{self.url}/callback", code_challenge_method="S256", **kw)

    def app(self, environ, start_response):
        path, query = environ["PATH_INFO"], parse_qs(environ.get("QUERY_STRING", ""))
        try:
            if path == "/login":
                verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
                uri, state = self.oauth().create_authorization_url(self.metadata["authorization_endpoint"], code_verifier=verifier,
                                                                   nonce=nonce)
                self.pending[state] = {"verifier": verifier, "nonce": nonce}
                return self._redirect(start_response, uri)
            if path == "/callback":
                return self._callback(environ, query, start_response)
            if path == "/logout":
                last = self.sessions[-1]
                uri = self.metadata["end_session_endpoint"] + "?" + urlencode({
                    "id_token_hint": last["id_token"], "post_logout_redirect_uri": f"{self.url}/bye", "state": "bye-1"})
                return self._redirect(start_response, uri)
            if path == "/bye":
                return self._page(start_response, f"<h1>已退出</h1><p id=state>{html.escape(query.get('state', [''])[0])}</p>")
        except Exception as exc:  # surfaced by the test, not swallowed by the server thread
            self.errors.append(repr(exc))
            return self._page(start_response, f"<h1>error</h1><pre>{html.escape(repr(exc))}</pre>", "500 Error")
        return self._page(start_response, "not found", "404 Not Found")

    def _callback(self, environ, query, start_response):
        if "error" in query:
            return self._page(start_response, f"<h1 id=error>{html.escape(query['error'][0])}</h1>")
        state = query["state"][0]
        pending = self.pending.pop(state)
        response_url = f"{self.url}/callback?{environ['QUERY_STRING']}"
        token = self.oauth(state=state).fetch_token(self.metadata["token_endpoint"], authorization_response=response_url,
                                                     code_verifier=pending["verifier"])
        keys = KeySet.import_key_set(requests.get(self.metadata["jwks_uri"], timeout=10).json())
        id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
        JWTClaimsRegistry(iss={"essential": True, "value": self.issuer}, aud={"essential": True, "value": self.client_id},
                          nonce={"essential": True, "value": pending["nonce"]}, sub={"essential": True}).validate(id_token.claims)
        userinfo = requests.get(self.metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"},
                                timeout=10)
        userinfo.raise_for_status()
        info = userinfo.json()
        self.sessions.append({"id_token": token["id_token"], "claims": id_token.claims, "header": id_token.header, "userinfo": info})
        enterprise = info.get("legal_person", {}).get("name", "")
        return self._page(start_response, f"<h1 id=welcome>欢迎，{html.escape(info.get('name', ''))}</h1>"
                                          f"<p id=enterprise>{html.escape(enterprise)}</p>")

    @staticmethod
    def _redirect(start_response, uri):
        start_response("302 Found", [("Location", uri)])
        return [b""]

    @staticmethod
    def _page(start_response, body, status="200 OK"):
        start_response(status, [("Content-Type", "text/html; charset=utf-8")])
        return [f"<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>{body}".encode()]


@pytest.fixture
def rp(live_server, settings, city):
    from django.utils import timezone

    from digigov.core.accounts import actions as accounts
    from digigov.support.identity import actions

    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": live_server.url}
    settings.DIGIGOV_SITE_URL = live_server.url
    party = RelyingParty(live_server.url)
    app, secret = actions.create_client(city.system, name="辽事通", redirect_uris=[f"{party.url}/callback"],
                                        post_logout_redirect_uris=[f"{party.url}/bye"],
                                        scopes=["openid", "profile", "realname", "enterprise"])
    party.client_id, party.client_secret = app.client_id, secret
    person = accounts.register_person(city.system, id_number=resident_id("210602", "19850305", 21), name="王五", division=city.village_a)
    agent = make_user("citizen", username="wangwu")
    agent.person, agent.display_name, agent.realname_level = person, "王五", 2
    agent.save()
    company = accounts.register_legal_person(city.system, uscc=uscc(seed=11), name="示范市青松科技有限公司", division=city.county_a)
    accounts.authorize_agent(city.system, legal_person=company, agent=agent, valid_from=timezone.localdate() - dt.timedelta(days=1))
    party.start()
    yield party
    party.stop()


def _sign_in_through_the_app(page, rp, shot, name):
    page.goto(f"{rp.url}/login")
    page.wait_for_url("**/accounts/login/**")  # anonymous: DigiGov's one login page, with next= the authorize URL
    page.fill("input[name=username]", "wangwu")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url("**/oidc/authorize/**")
    assert page.locator("h2").inner_text() == "“辽事通”申请使用您的统一身份账户登录"
    assert page.locator("text=实名信息（脱敏身份证号、实名等级）").count() == 1
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    # agreeing without picking the enterprise is refused in Chinese
    page.click("button:has-text('同意并登录')")
    assert page.locator("text=请选择您获授权代办的企业").count() == 1
    page.select_option("select[name=legal_person]", label=page.locator("select[name=legal_person] option", has_text="青松科技").inner_text())
    shot(page, f"oidc-consent-{name}")
    page.click("button:has-text('同意并登录')")
    page.wait_for_url(f"{rp.url}/callback**")
    assert not rp.errors, rp.errors
    assert page.locator("#welcome").inner_text() == "欢迎，王五"
    assert page.locator("#enterprise").inner_text() == "示范市青松科技有限公司"


def test_relying_party_login_consent_and_userinfo_desktop_and_phone(browser, live_server, rp, shot):
    from digigov.core.accounts.models import LoginEvent

    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15000)
        _sign_in_through_the_app(page, rp, shot, name)
        session = rp.sessions[-1]
        assert session["claims"]["legal_person"]["name"] == "示范市青松科技有限公司"
        assert session["claims"]["id_number_masked"].endswith(session["claims"]["id_number_masked"][-4:])
        assert "*" in session["claims"]["id_number_masked"] and session["claims"]["realname_level"] == 2
        assert session["header"]["kid"] in [k["kid"] for k in requests.get(rp.metadata["jwks_uri"], timeout=10).json()["keys"]]
        assert session["userinfo"]["sub"] == session["claims"]["sub"]
        # single sign-on: already signed in to DigiGov, the next login goes straight to the consent page
        page.goto(f"{rp.url}/login")
        page.wait_for_url("**/oidc/authorize/**")
        assert "/accounts/login/" not in page.url
        context.close()
    assert LoginEvent.objects.filter(channel="client", client="辽事通").count() == 2


def test_rp_initiated_logout_ends_the_digigov_session(browser, live_server, rp, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in_through_the_app(page, rp, shot, "logout")
    page.goto(f"{live_server.url}/accounts/password/")
    assert "/accounts/login/" not in page.url  # signed in to DigiGov
    page.goto(f"{rp.url}/logout")
    page.wait_for_url(f"{rp.url}/bye**")
    assert page.locator("#state").inner_text() == "bye-1"
    page.goto(f"{live_server.url}/accounts/password/")
    assert "/accounts/login/" in page.url  # the DigiGov session is over
    context.close()
