"""The federation protocol on one instance that is its own peer (its gateway on loopback): the catalog
offer, synchronisation into mirrored entries, a local consumer's call proxied to the peer's gateway and
signed with the peer credential (both grants enforced, both calls logged), withdrawal, bad credentials.
``test_loopback.py`` does the same between two separate instances."""


import pytest

from digigov.core.testing import make_user
from digigov.data.catalog.models import CatalogEntry, EntryStatus
from digigov.data.federation import actions
from digigov.data.federation.models import MirroredEntry, MirrorStatus, SyncRun
from digigov.data.gateway import testing as gw
from digigov.data.gateway.server import Gateway, build_app
from digigov.data.sharing.actions.requests import set_subscription_status
from digigov.data.sharing.models import AccessRecord, Subscription, SubscriptionStatus

OFFERED = ["xm", "sfzh", "nl", "sqmc"]


@pytest.fixture
def live(transactional_db, city):
    from .conftest import World

    w = World()
    w.city = city
    w.provider_admin = make_user("data_admin", department=city.other_bureau)
    w.liaison_admin = make_user("data_admin", department=city.bureau)
    w.entry = gw.make_people_entry(city.other_bureau, w.provider_admin, rows=30, sharing_type="conditional")
    w.gateway = Gateway(db_threads=2, refresh_every=0.1)
    with gw.serve(build_app(w.gateway)) as base:
        w.base = base
        w.peer, w.peer_key, w.peer_secret = actions.register_peer(
            w.liaison_admin, code="LOOP", name="回环平台", gateway_url=base + "/", department=city.bureau)
        # the peer is this instance: the credential it issued us is the one we issued it
        actions.update_peer(w.liaison_admin, w.peer, remote_app_key=w.peer_key, remote_secret=w.peer_secret)
        w.peer.refresh_from_db()
        w.offer = actions.offer_entry(w.provider_admin, w.peer, w.entry, fields=OFFERED, clear_fields=["xm"], purpose="省级汇聚")
        yield w


def sync(w):
    gw.wait_for_policy(w.gateway)
    return actions.sync_peer(w.liaison_admin, w.peer)


def test_catalog_offer_lists_exactly_the_granted_items(live):
    gw.wait_for_policy(live.gateway)
    status, body, _ = gw.call(live.base, live.peer_key, live.peer_secret, "/gw/v1/federation/catalog", {"limit": 10})
    assert status == 200 and body["protocol"] == "digigov-federation/1" and body["next"] is None
    [offer] = body["entries"]
    assert offer["code"] == live.entry.code and offer["path"] == f"/gw/v1/resources/{live.entry.code}/rows"
    assert [f["field_name"] for f in offer["fields"]] == OFFERED
    assert {f["field_name"]: f["clear"] for f in offer["fields"]} == {"xm": True, "sfzh": False, "nl": False, "sqmc": False}
    assert AccessRecord.objects.filter(app_id=live.peer.inbound_app_id, path="/gw/v1/federation/catalog", status=200).count() == 1


def test_catalog_route_refusals(live):
    gw.wait_for_policy(live.gateway)
    status, body, _ = gw.call(live.base, live.peer_key, live.peer_secret, "/gw/v1/federation/catalog", sign=False)
    assert status == 401
    status, body, _ = gw.call(live.base, live.peer_key, "wrong-secret", "/gw/v1/federation/catalog")
    assert (status, body["code"]) == (401, "bad_signature")
    for params in ({"limit": "0"}, {"limit": "abc"}, {"after": "'; DROP TABLE x"}, {"sort": "code"}):
        status, body, _ = gw.call(live.base, live.peer_key, live.peer_secret, "/gw/v1/federation/catalog", params)
        assert (status, body["code"]) == (400, "bad_query"), params
    dept_app, dept_secret = gw.make_app(live.city.county_bureau, live.provider_admin)
    gw.wait_for_policy(live.gateway)
    status, body, _ = gw.call(live.base, dept_app.app_key, dept_secret, "/gw/v1/federation/catalog")
    assert (status, body["code"]) == (404, "not_a_peer")


def test_sync_mirror_call_withdraw(live):
    run = sync(live)
    assert (run.status, run.offered, run.created, run.updated, run.withdrawn) == ("ok", 1, 1, 0, 0), run.message
    mirror = MirroredEntry.objects.select_related("entry", "mount").get()
    local = mirror.entry
    assert local.code == f"LOOP-{live.entry.code}" and local.status == EntryStatus.PUBLISHED and local.department == live.city.bureau
    assert [i.field_name for i in local.items.order_by("seq")] == OFFERED
    assert mirror.mount.endpoint == f"{live.base}/gw/v1/resources/{live.entry.code}/rows"
    assert "回环平台" in local.abstract

    # a department of this platform is granted the mirror (the liaison department's decision) and calls it
    consumer, consumer_secret = gw.make_app(live.city.county_bureau, live.provider_admin)
    gw.subscribe(consumer, local, live.liaison_admin, fields=["xm", "sfzh", "nl"], clear_fields=["xm", "sfzh"])
    gw.wait_for_policy(live.gateway)
    path = f"/gw/v1/apis/{local.code}/{mirror.mount.public_id}"
    status, body, _ = gw.call(live.base, consumer.app_key, consumer_secret, path, {"limit": "10"}, purpose="核对低保对象")
    assert status == 200, body
    assert body["fields"] == ["xm", "sfzh", "nl"] and len(body["rows"]) == 10 and body["next"]
    row = body["rows"][0]
    assert set(row) == {"xm", "sfzh", "nl"} and row["xm"] == "张1"
    assert "*" in row["sfzh"]  # the peer's grant gives the ID masked: a local clear grant cannot undo that
    status, body2, _ = gw.call(live.base, consumer.app_key, consumer_secret, path, {"limit": "10", "after": body["next"]})
    assert status == 200 and body2["rows"][0]["xm"] == "张11"  # the peer's keyset cursor passes through

    # both hops are in the access log: the consumer's call of the mirror, the peer's call of the entry
    assert AccessRecord.objects.filter(app_id=consumer.pk, entry_id=local.pk, status=200).count() == 2
    upstream = AccessRecord.objects.filter(app_id=live.peer.inbound_app_id, entry_id=live.entry.pk, status=200)
    assert upstream.count() == 2 and upstream.first().purpose.startswith("级联调用")

    # nothing changed: a second sync touches nothing
    run = sync(live)
    assert (run.status, run.created, run.updated, run.withdrawn) == ("ok", 0, 0, 0)

    # the provider revokes the offer: the next sync withdraws the mirror and suspends the local grant
    set_subscription_status(live.provider_admin, live.offer, SubscriptionStatus.REVOKED, reason="停止向省级提供")
    run = sync(live)
    assert (run.status, run.offered, run.withdrawn) == ("ok", 0, 1)
    mirror.refresh_from_db()
    assert mirror.status == MirrorStatus.WITHDRAWN and CatalogEntry.objects.get(pk=local.pk).status == EntryStatus.WITHDRAWN
    assert Subscription.objects.get(app=consumer).status == SubscriptionStatus.SUSPENDED
    gw.wait_for_policy(live.gateway)
    status, body, _ = gw.call(live.base, consumer.app_key, consumer_secret, path)
    assert status == 404


def test_offer_narrowed_upstream_is_enforced_upstream(live):
    """A local grant wider than the peer's offer gets only what the peer gives: the upstream answers 403
    for an item it did not offer, and the consumer sees an upstream error, never the item."""
    run = sync(live)
    mirror = MirroredEntry.objects.select_related("entry", "mount").get()
    set_subscription_status(live.provider_admin, live.offer, SubscriptionStatus.REVOKED, reason="收窄")
    actions.offer_entry(live.provider_admin, live.peer, live.entry, fields=["xm"], purpose="只提供姓名")
    consumer, secret = gw.make_app(live.city.county_bureau, live.provider_admin)
    gw.subscribe(consumer, mirror.entry, live.liaison_admin, fields=OFFERED)
    gw.wait_for_policy(live.gateway)
    status, body, _ = gw.call(live.base, consumer.app_key, secret, f"/gw/v1/apis/{mirror.entry.code}/{mirror.mount.public_id}")
    assert status == 200 and set(body["rows"][0]) == {"xm", "sfzh", "nl", "sqmc"}
    assert all(not r["sfzh"] and not r["nl"] for r in body["rows"])  # the peer sent only the name
    assert run.status == "ok"
    run = sync(live)  # after the sync the mirror has one item
    assert run.updated == 1 and [i.field_name for i in mirror.entry.items.all()] == ["xm"]


def test_a_wrong_credential_is_a_failed_run_and_changes_nothing(live):
    actions.update_peer(live.liaison_admin, live.peer, remote_app_key=live.peer_key, remote_secret="not-the-secret")
    live.peer.refresh_from_db()
    run = sync(live)
    assert run.status == "failed" and "签名" in run.message and not MirroredEntry.objects.exists()
    live.peer.refresh_from_db()
    assert live.peer.last_sync_status == "failed" and SyncRun.objects.count() == 1


def test_an_unreachable_peer_is_a_failed_run(live):
    actions.update_peer(live.liaison_admin, live.peer, gateway_url=f"http://127.0.0.1:{gw.free_port()}/")
    live.peer.refresh_from_db()
    run = sync(live)
    assert run.status == "failed" and "无法连接" in run.message
