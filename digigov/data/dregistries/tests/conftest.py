"""Fixtures for the GovStack Digital Registries tests: machine clients with API keys, and the conformance
registry (``registryname`` / ``111``) the public GovStack test suite runs against, filled with its test data."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from digigov.core.accounts import actions as account_actions
from digigov.core.context import acting_as
from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user

from digigov.data.dregistries import actions

MEDIATOR = "eGovStack/GOV/90000009/digitalregistries"
BASE = "/govstack/digital-registries/"

# the public conformance tests' registry: test/openAPI/features + test-data.json of bb-digital-registries
CONFORMANCE_SCHEMA = {
    "type": "object",
    "properties": {
        "ID": {"type": "string", "primaryKey": True, "description": "Citizen's identifier"},
        "FirstName": {"type": "string"},
        "LastName": {"type": "string"},
        "BirthCertificateID": {"type": "string"},
    },
    "required": ["ID"],
}
CONFORMANCE_ROWS = [
    ("EE123627348834", "John", "Bon", "RR-3334537999"),
    ("EE456627348834", "Alice", "Hendrix", "RR-1114537999"),
    ("EE789627348834", "Jack", "King", "RR-4444537999"),
    ("EE987627348834", "Bob", "Small", "RR-5555537999"),
    ("EE654627348834", "Eva", "Sorenz", "RR-7777537999"),
    ("EE6546273487865", "Emma", "Smith", "EE6546273487865"),
    ("EE378129127223", "Billy", "Johnson", "RR-1112223331"),
    ("EE378627348834", "John Helmut", "Smith Carry", "RR-1234567889"),
    ("EE3784545277266", "Philip", "Red", "RR-30045370099"),
    ("EE1112223331", "Billy", "Johnson", "RR-1112223331"),
    ("EE34462734834865", "Alex", "Green", "RR-441124937"),
    ("EE61287673487865", "Alise", "Black", "RR-49075937"),
    ("EE6534523487865", "Zyra", "Blue", "RR-24523937"),
    ("EE378627348855", "Casandra", "Tamm", "RR-0001"),
    ("RR378627348834", "Olga", "Tamm", "RR-0002"),
    ("DD378627348834", "Alina", "Tamm", "RR-0003"),
    ("EE0000000001", "Olga", "Kask", "RR-0004"),
]


class Caller:
    """A machine client: every request carries its API key and, unless told otherwise, the mediator header."""

    def __init__(self, key: str, user):
        self.key, self.user, self.client = key, user, Client()

    def _headers(self, mediator=True, **extra):
        headers = {"HTTP_X_API_KEY": self.key, **extra}
        if mediator:
            headers["HTTP_INFORMATION_MEDIATOR_CLIENT"] = MEDIATOR
        return headers

    def get(self, path, params=None, mediator=True, **extra):
        return self.client.get(BASE + path, params or {}, **self._headers(mediator, **extra))

    def send(self, method, path, body=None, mediator=True, raw=None, **extra):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(BASE + path, data=data, content_type="application/json",
                                            **self._headers(mediator, **extra))

    def post(self, path, body=None, **kw):
        return self.send("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.send("put", path, body, **kw)

    def delete(self, path, **kw):
        return self.client.delete(BASE + path, **self._headers(kw.pop("mediator", True), **kw))


@pytest.fixture
def caller(city):
    """caller("data_authority") → a service account holding that role (city-wide unless scoped), with an API key."""
    admin = make_user("city_admin")

    def make(role=None, **scope):
        service = make_user(None, kind="service", password=None)
        if role:
            RoleAssignment.objects.create(user=service, role=role, **scope)
        _, key = account_actions.create_api_client(admin, name=f"对接系统{service.pk}", user=service)
        return Caller(key, service)

    return make


@pytest.fixture
def authority(caller):
    return caller("data_authority")


@pytest.fixture
def conformance(authority):
    """The conformance suite's registry with its records (created through the actions, as the API would)."""
    user = authority.user
    with acting_as(user, channel="api"):
        db, _ = actions.modify_database(user, code="registryname", version="111", schema=CONFORMANCE_SCHEMA)
        empty, _ = actions.modify_database(user, code="registryempty", version="111", schema=CONFORMANCE_SCHEMA)
        for rid, first, last, cert in CONFORMANCE_ROWS:
            actions.create_record(user, db, {"ID": rid, "FirstName": first, "LastName": last, "BirthCertificateID": cert})
    return db
