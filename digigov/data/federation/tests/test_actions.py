"""Registering a peer and offering it entries: permissions, bad input (nothing written), the audit trail."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, DigiGovError, Forbidden, ValidationFailed
from digigov.core.testing import make_user
from digigov.data.catalog import testing as catalog_testing
from digigov.data.federation import actions
from digigov.data.federation.models import FederationPeer, PeerStatus
from digigov.data.sharing.models import AppKind, ConsumerApp, Subscription, SubscriptionSource

GOOD = dict(code="LNPROV", name="省政务数据共享交换平台", gateway_url="https://gw.province.example/", level="province")


def _register(w, **over):
    return actions.register_peer(w.liaison_admin, department=w.city.bureau, **{**GOOD, **over})


def test_register_issues_the_peer_app_once_and_audits_without_secrets(world):
    peer, key, secret = _register(world, remote_app_key="abcDEF123", remote_secret="s3cret-from-province")
    assert peer.inbound_app.kind == AppKind.PEER and peer.inbound_app.app_key == key and peer.inbound_app.secret == secret
    assert peer.gateway_url == "https://gw.province.example" and peer.has_credential
    entry = AuditEntry.objects.get(action="federation.peer.register")
    text = str(entry.after)
    assert "s3cret-from-province" not in text and secret not in text and entry.after["inbound_app"] == key


@pytest.mark.parametrize("over, code", [
    ({"code": "x"}, "invalid_code"),
    ({"code": "1ABC"}, "invalid_code"),
    ({"code": "LN PROV"}, "invalid_code"),
    ({"name": ""}, "name_required"),
    ({"level": "galaxy"}, "invalid_level"),
    ({"gateway_url": "ftp://gw.example/"}, "invalid_endpoint"),
    ({"gateway_url": "https://user:pw@gw.example/"}, "endpoint_credentials"),
    ({"gateway_url": "not a url"}, "invalid_endpoint"),
    ({"remote_app_key": "abc"}, "credential_incomplete"),
    ({"remote_secret": "abc"}, "credential_incomplete"),
    ({"remote_app_key": "ab-c", "remote_secret": "x"}, "invalid_app_key"),
])
def test_register_refuses_bad_input_and_writes_nothing(world, over, code):
    with pytest.raises(ValidationFailed) as exc:
        _register(world, **over)
    assert exc.value.code == code and exc.value.message
    assert not FederationPeer.objects.exists() and not ConsumerApp.objects.exists() and not AuditEntry.objects.filter(
        action__startswith="federation.").exists()


def test_register_needs_the_liaison_departments_admin_and_a_free_code(world):
    with pytest.raises(Forbidden):
        actions.register_peer(world.provider_admin, department=world.city.bureau, **GOOD)  # admin of another department
    _register(world)
    with pytest.raises(Conflict) as exc:
        _register(world, name="另一个")
    assert exc.value.code == "peer_exists" and FederationPeer.objects.count() == 1 and ConsumerApp.objects.count() == 1


def test_update_replaces_both_halves_of_the_credential_or_neither(world):
    peer, _, _ = _register(world)
    with pytest.raises(ValidationFailed):
        actions.update_peer(world.liaison_admin, peer, remote_app_key="abc", remote_secret="")
    peer.refresh_from_db()
    assert not peer.has_credential
    actions.update_peer(world.liaison_admin, peer, remote_app_key="abc123", remote_secret="new-secret")
    peer.refresh_from_db()
    assert peer.remote_app_key == "abc123" and peer.remote_secret == "new-secret"
    assert "new-secret" not in str(AuditEntry.objects.get(action="federation.peer.update").after)


def test_suspending_a_peer_suspends_its_app(world):
    peer, _, _ = _register(world)
    with pytest.raises(ValidationFailed):
        actions.set_peer_status(world.liaison_admin, peer, PeerStatus.SUSPENDED)  # a reason is required
    actions.set_peer_status(world.liaison_admin, peer, PeerStatus.SUSPENDED, reason="对方平台升级")
    peer.refresh_from_db()
    peer.inbound_app.refresh_from_db()
    assert peer.status == "suspended" and peer.inbound_app.status == "suspended"
    with pytest.raises(Conflict):
        actions.offer_entry(world.provider_admin, peer, world.entry, fields=["xm"], purpose="x")
    actions.set_peer_status(world.liaison_admin, peer, PeerStatus.ACTIVE)
    peer.inbound_app.refresh_from_db()
    assert peer.inbound_app.status == "active"


def test_offer_is_a_peer_grant_of_the_providers_own_entry(world):
    peer, _, _ = _register(world)
    sub = actions.offer_entry(world.provider_admin, peer, world.entry, fields=["xm", "sfzh", "nl"], clear_fields=["xm"], purpose="省级汇聚")
    assert sub.app == peer.inbound_app and sub.source == SubscriptionSource.PEER and sub.fields == ["xm", "sfzh", "nl"]
    assert AuditEntry.objects.filter(action="federation.offer").count() == 1
    with pytest.raises(Forbidden):  # another department's admin cannot offer this entry
        actions.offer_entry(world.liaison_admin, peer, world.entry, fields=["xm"], purpose="x")


@pytest.mark.parametrize("kw, code", [
    (dict(fields=[]), "fields_required"),
    (dict(fields=["xm", "nope"]), "unknown_fields"),
    (dict(fields=["xm", "hcxs"]), "core_fields"),
    (dict(fields=["xm", "xm"]), "duplicate_fields"),
    (dict(fields="xm"), "invalid_fields"),
    (dict(fields=["xm"], clear_fields=["sfzh"]), "clear_not_in_fields"),
    (dict(fields=["xm"], purpose=""), "purpose_required"),
])
def test_offer_refuses_bad_input_and_writes_nothing(world, kw, code):
    peer, _, _ = _register(world)
    before = Subscription.objects.count()
    args = {"purpose": "省级汇聚", "clear_fields": (), **kw}
    with pytest.raises(DigiGovError) as exc:
        actions.offer_entry(world.provider_admin, peer, world.entry, **args)
    assert exc.value.code == code
    assert Subscription.objects.count() == before and not AuditEntry.objects.filter(action="federation.offer").exists()


def test_offer_refuses_unshareable_entries_and_duplicates(world):
    peer, _, _ = _register(world)
    closed = catalog_testing.make_entry(world.city.other_bureau, [dict(name="姓名", field_name="xm")], sharing_type="none",
                                        sharing_basis="涉及国家秘密")
    with pytest.raises(ValidationFailed) as exc:
        actions.offer_entry(world.provider_admin, peer, closed, fields=["xm"], purpose="x")
    assert exc.value.code == "entry_not_shareable"
    actions.offer_entry(world.provider_admin, peer, world.entry, fields=["xm"], purpose="x")
    with pytest.raises(Conflict) as exc:
        actions.offer_entry(world.provider_admin, peer, world.entry, fields=["xm", "nl"], purpose="x")
    assert exc.value.code == "already_offered"


def test_a_citizen_can_do_nothing(world):
    citizen = make_user("citizen")
    with pytest.raises(Forbidden):
        actions.register_peer(citizen, department=world.city.bureau, **GOOD)
