import pytest

pytestmark = pytest.mark.django_db


def test_list_smoke(authority, conformance):
    r = authority.get("data/registryname/111")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 17
