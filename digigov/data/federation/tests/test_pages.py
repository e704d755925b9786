"""The workbench pages: the peer list in a constant number of queries, the peer page with what the viewer
may open linked and nothing else, registration showing the credential once (not cached), field errors in
Chinese, and the API's validation answering 4xx."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.federation import actions
from digigov.data.federation.models import FederationPeer


def _peer(w, code="PROV"):
    peer, _, _ = actions.register_peer(w.liaison_admin, code=code, name=f"{code}平台", gateway_url="https://gw.example/", department=w.city.bureau)
    return peer


def test_peer_list_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    client.login(username=world.liaison_admin.username, password=PASSWORD)
    _peer(world, "AA")
    with django_assert_max_num_queries(12) as first:
        assert client.get("/workbench/data/federation/").status_code == 200
    for code in ("BB", "CC", "DD", "EE"):
        _peer(world, code)
    with django_assert_max_num_queries(len(first.captured_queries)):
        body = client.get("/workbench/data/federation/").content.decode()
    assert "EE平台" in body and "从未同步" in body


def test_peer_page_links_only_what_the_viewer_may_open(world, client):
    peer = _peer(world)
    actions.offer_entry(world.provider_admin, peer, world.entry, fields=["xm"], purpose="省级汇聚")
    client.login(username=world.liaison_admin.username, password=PASSWORD)
    body = client.get(f"/workbench/data/federation/peers/{peer.public_id}/").content.decode()
    assert world.entry.name in body and "/workbench/data/sharing/subscriptions/" not in body  # another department's grant
    assert "sync-now" not in body  # no credential recorded yet: no sync button
    client.login(username=world.provider_admin.username, password=PASSWORD)
    body = client.get(f"/workbench/data/federation/peers/{peer.public_id}/").content.decode()
    assert "/workbench/data/sharing/subscriptions/" in body and "暂停" not in body  # its own grant; not a manager of the peer


def test_register_form_shows_the_secret_once_and_field_errors(world, client):
    client.login(username=world.liaison_admin.username, password=PASSWORD)
    data = {"code": "lnprov", "name": "省平台", "level": "province", "gateway_url": "ftp://x", "department": world.city.bureau.pk}
    response = client.post("/workbench/data/federation/peers/new/", data)
    assert response.status_code == 400 and "对方网关地址应为以 http:// 或 https:// 开头的完整网址" in response.content.decode()
    assert not FederationPeer.objects.exists()
    response = client.post("/workbench/data/federation/peers/new/", {**data, "gateway_url": "https://gw.example/"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    peer = FederationPeer.objects.get(code="LNPROV")
    assert peer.inbound_app.secret in response.content.decode()
    assert peer.inbound_app.secret not in client.get(f"/workbench/data/federation/peers/{peer.public_id}/").content.decode()


def test_pages_need_the_permission(world, client):
    peer = _peer(world)
    citizen = make_user("citizen")
    client.force_login(citizen)
    assert client.get("/workbench/data/federation/").status_code == 403
    assert client.post(f"/workbench/data/federation/peers/{peer.public_id}/sync/").status_code == 403


@pytest.mark.parametrize("body, status", [
    ({"code": "x", "name": "a", "gateway_url": "https://gw.example/", "department": "CITY-BDB"}, 422),
    ({"code": "ABC", "name": "a", "gateway_url": "https://gw.example/", "department": "NOPE"}, 404),
    ({"code": "ABC", "name": "a", "gateway_url": "https://gw.example/", "department": "CITY-BDB", "extra": 1}, 422),
])
def test_api_refuses_bad_input(world, client, body, status):
    client.force_login(world.liaison_admin)
    response = client.post("/api/v1/data/federation/peers", body, content_type="application/json", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code in (status, 403), response.content  # 403 only if the session API needs CSRF
    assert not FederationPeer.objects.exists()
