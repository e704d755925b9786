"""An enterprise's authorised agent logs in as themselves and picks the enterprise they act for; the tokens
carry the delegation, and a voided authorisation stops working at token and userinfo time. Who may sign in
where: persons into 公众应用, staff into 政务内部应用, service accounts nowhere."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from digigov.core.accounts import actions as account_actions
from digigov.core.accounts.models import UserKind
from digigov.core.testing import logged_in_client, make_user, uscc
from digigov.support.identity import actions
from digigov.support.identity.models import Audience, Delegation

from .conftest import REDIRECT


@pytest.fixture
def agency(city, citizen):
    today = timezone.localdate()
    lp = account_actions.register_legal_person(city.system, uscc=uscc(seed=7), name="示范市青松科技有限公司", division=city.county_a)
    other = account_actions.register_legal_person(city.system, uscc=uscc(seed=8), name="示范市白桦商贸有限公司", division=city.county_a)
    auth = account_actions.authorize_agent(city.system, legal_person=lp, agent=citizen, valid_from=today - dt.timedelta(days=1),
                                           scope="税务、社保事项")
    citizen.__dict__.pop("_digigov_grants", None)
    return lp, other, auth


def _id_claims(body):
    keys = KeySet.import_key_set(Client().get("/oidc/jwks/").json())
    return jwt.decode(body["id_token"], keys, algorithms=["RS256"]).claims


def test_agent_picks_the_enterprise_and_the_tokens_carry_it(rp, citizen, citizen_client, agency):
    lp, _other, auth = agency
    page = citizen_client.get("/oidc/authorize/", rp.authorize_params(scope="openid profile enterprise", challenge="a" * 43))
    text = page.content.decode()
    assert "以哪家企业的经办人身份登录" in text and lp.name in text and "白桦" not in text
    verifier, code = rp.code(citizen_client, scope="openid profile enterprise", legal_person=lp.public_id)
    body = rp.exchange(Client(), code, verifier).json()
    claims = _id_claims(body)
    assert claims["sub"] == citizen.public_id  # the agent logs in as themselves
    assert claims["legal_person"]["uscc"] == lp.uscc and claims["legal_person"]["name"] == lp.name
    assert claims["legal_person"]["authorization_scope"] == "税务、社保事项"
    assert claims["act"] == {"sub": citizen.public_id}
    info = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").json()
    assert info["legal_person"]["uscc"] == lp.uscc
    delegation = Delegation.objects.get()
    assert delegation.authorization == auth and delegation.access_token is not None and delegation.refresh_token is not None
    # refreshing keeps the delegation on the new tokens
    refreshed = rp.token(Client(), {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}).json()
    assert _id_claims(refreshed)["legal_person"]["uscc"] == lp.uscc
    info = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {refreshed['access_token']}").json()
    assert info["legal_person"]["uscc"] == lp.uscc


def test_agent_must_pick_an_enterprise_they_act_for(rp, citizen_client, agency):
    _lp, other, _auth = agency
    _verifier, response = rp.consent(citizen_client, scope="openid enterprise", legal_person=other.public_id)
    assert response.status_code == 400
    assert "请选择您获授权代办的企业" in response.content.decode()
    _verifier, response = rp.consent(citizen_client, scope="openid enterprise", legal_person="")
    assert response.status_code == 400
    assert not Delegation.objects.exists()


def test_voided_authorisation_stops_userinfo_refresh_and_code_exchange(rp, city, citizen_client, agency):
    lp, _other, auth = agency
    verifier, code = rp.code(citizen_client, scope="openid enterprise", legal_person=lp.public_id)
    body = rp.exchange(Client(), code, verifier).json()
    verifier2, code2 = rp.code(citizen_client, scope="openid enterprise", legal_person=lp.public_id)
    account_actions.void(city.system, auth, "经办人离职", "accounts.agent.manage")
    info = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert info.status_code == 401 and "invalid_token" in info["WWW-Authenticate"]
    refresh = rp.token(Client(), {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    exchange = rp.exchange(Client(), code2, verifier2)
    assert exchange.status_code == 400 and exchange.json()["error"] == "invalid_grant"


def test_person_without_agency_gets_only_personal_claims(rp, citizen_client):
    page = citizen_client.get("/oidc/authorize/", rp.authorize_params(scope="openid enterprise", challenge="a" * 43))
    assert "没有代办企业的有效授权" in page.content.decode()
    verifier, code = rp.code(citizen_client, scope="openid enterprise")
    assert "legal_person" not in _id_claims(rp.exchange(Client(), code, verifier).json())


def _refused(response):
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(REDIRECT) and query["error"] == ["access_denied"]


def test_staff_may_not_use_a_public_app_but_may_use_an_internal_one(rp, city):
    staff = logged_in_client(make_user("window_clerk", department=city.bureau))
    _refused(staff.get("/oidc/authorize/", rp.authorize_params(challenge="a" * 43)))
    app, secret = actions.create_client(city.system, name="辽政通", redirect_uris=[REDIRECT], audience=Audience.INTERNAL)
    from .conftest import Flow

    internal = Flow(app, secret)
    verifier, code = internal.code(staff)
    assert internal.exchange(Client(), code, verifier).status_code == 200


def test_citizen_may_not_use_an_internal_app(city, citizen_client):
    app, secret = actions.create_client(city.system, name="辽政通", redirect_uris=[REDIRECT], audience=Audience.INTERNAL)
    from .conftest import Flow

    _refused(citizen_client.get("/oidc/authorize/", Flow(app, secret).authorize_params(challenge="a" * 43)))


def test_service_accounts_never_sign_in(rp, db):
    service = logged_in_client(make_user(None, kind=UserKind.SERVICE))
    _refused(service.get("/oidc/authorize/", rp.authorize_params(challenge="a" * 43)))
    verifier, challenge = "v" * 50, "a" * 43
    data = rp.authorize_params(challenge=challenge)
    data["allow"] = "on"
    _refused(service.post("/oidc/authorize/", data))


def test_staff_with_an_authenticator_in_an_unverified_session_must_log_in_again(city):
    """The staff TOTP rule holds at the OIDC door too: a session that never gave a code is logged out."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    app, secret = actions.create_client(city.system, name="辽政通", redirect_uris=[REDIRECT], audience=Audience.INTERNAL)
    from .conftest import Flow

    staff = make_user("window_clerk", department=city.bureau)
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    client = logged_in_client(staff)
    response = client.get("/oidc/authorize/", Flow(app, secret).authorize_params(challenge="a" * 43))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
