"""An OAuth 2 access token of the platform's OpenID provider authenticates like an API key; an expired one
does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user

from .conftest import BASE, MEDIATOR

pytestmark = pytest.mark.django_db


def _token(user, token: str, expires_in: int):
    return get_access_token_model().objects.create(user=user, token=token, scope="openid",
                                                   expires=timezone.now() + dt.timedelta(seconds=expires_in))


def test_bearer_access_token(conformance):
    user = make_user(None, kind="service", password=None)
    RoleAssignment.objects.create(user=user, role="data_authority")
    _token(user, "valid-token-0123456789", 3600)
    _token(user, "old-token-0123456789", -10)
    client = Client()
    ok = client.get(BASE + "data/registryname/111", HTTP_AUTHORIZATION="Bearer valid-token-0123456789",
                    HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
    assert ok.status_code == 200 and ok.json()["count"] == 17
    expired = client.get(BASE + "data/registryname/111", HTTP_AUTHORIZATION="Bearer old-token-0123456789",
                         HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
    assert expired.status_code == 401 and expired.json()["code"] == "invalid_token"
    # a citizen's token: authenticated, but no registries permission
    citizen = make_user("citizen")
    _token(citizen, "citizen-token-0123456789", 3600)
    denied = client.get(BASE + "data/registryname/111", HTTP_AUTHORIZATION="Bearer citizen-token-0123456789",
                        HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
    assert denied.status_code == 403
