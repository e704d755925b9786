"""One-time use grants and 亮证 tokens: the happy paths and every refusal the brief names (forged, expired,
replayed tokens; reused, expired, revoked, foreign grants; an agent without a current authorisation)."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import make_user
from digigov.support.license import grants
from digigov.support.license.models import LicenceStatus, LicenceUse, PresentToken, UseChannel, UseGrant

from .conftest_wallet import *  # noqa: F401,F403
from .conftest_wallet import enterprise_licence

pytestmark = pytest.mark.django_db


# --- 亮证 -------------------------------------------------------------------------------------------

def test_present_then_scan_records_one_use_and_notifies_the_holder(holder, licence, clerk, process):
    made = grants.present(holder, licence)
    assert made.code.startswith("LZ1.") and made.token.expires_at - made.token.created_at == grants.PRESENT_TTL
    use = grants.scan_present(clerk, made.code, process=process)
    assert use.channel == UseChannel.PRESENT and use.licence == licence and use.process == process and use.user == clerk
    assert PresentToken.objects.get(pk=made.token.pk).scanned_by == clerk
    assert InboxMessage.objects.filter(recipient=holder, topic=grants.TOPIC).count() == 1
    assert AuditEntry.objects.filter(action="pii.read", actor=clerk).exists()
    assert AuditEntry.objects.filter(action="license.use", actor=clerk).exists()


def test_a_replayed_token_is_refused(holder, licence, clerk):
    made = grants.present(holder, licence)
    grants.scan_present(clerk, made.code)
    with pytest.raises(Conflict, match="亮证码已使用"):
        grants.scan_present(make_user("window_clerk"), made.code)
    assert LicenceUse.objects.count() == 1


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"),           # MAC changed
    lambda c: c.replace("LZ1.", "LZ1.9", 1),                     # another key version
    lambda c: "LZ1.1." + "a" * 32 + "." + c.rsplit(".", 1)[1],   # a nonce that was never issued
    lambda c: "随便写的",                                            # not a token at all
])
def test_forged_tokens_are_refused_in_chinese(holder, licence, clerk, tamper):
    made = grants.present(holder, licence)
    with pytest.raises(ValidationFailed) as exc:
        grants.scan_present(clerk, tamper(made.code))
    assert "亮证码无效" in exc.value.message
    assert LicenceUse.objects.count() == 0 and PresentToken.objects.get(pk=made.token.pk).scanned_at is None


def test_a_token_moved_to_another_licence_fails_its_mac(holder, licence, ltype, person, clerk):
    from digigov.support.license.testing import make_licence

    other = make_licence(ltype, holder_code=person.id_number, holder_name=person.name)
    made = grants.present(holder, licence)
    PresentToken.objects.filter(pk=made.token.pk).update(licence=other)
    with pytest.raises(ValidationFailed, match="亮证码无效"):
        grants.scan_present(clerk, made.code)


def test_an_expired_token_is_refused(holder, licence, clerk, monkeypatch):
    made = grants.present(holder, licence)
    later = made.token.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(grants.timezone, "now", lambda: later)
    with pytest.raises(ValidationFailed, match="已过期"):
        grants.scan_present(clerk, made.code)


def test_expiry_is_bound_by_the_mac(holder, licence, clerk):
    """Stretching the row's expiry (a DB edit) breaks the MAC rather than extending the token."""
    made = grants.present(holder, licence)
    PresentToken.objects.filter(pk=made.token.pk).update(expires_at=made.token.expires_at + dt.timedelta(hours=1))
    with pytest.raises(ValidationFailed, match="亮证码无效"):
        grants.scan_present(clerk, made.code)


def test_only_the_holder_presents_and_only_a_valid_licence(holder, licence, user_factory):
    stranger = make_user("citizen")
    with pytest.raises(NotFound):
        grants.present(stranger, licence)
    licence.status = LicenceStatus.REVOKED
    licence.save(update_fields=["status"])
    with pytest.raises(Conflict, match="已注销"):
        grants.present(holder, licence)


def test_citizen_cannot_scan(holder, licence):
    made = grants.present(holder, licence)
    with pytest.raises(Forbidden):
        grants.scan_present(holder, made.code)


# --- grants -------------------------------------------------------------------------------------

def test_grant_to_a_window_redeemed_once_by_that_hall_clerk(holder, licence, hall, clerk, process):
    made = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="办理食品经营许可", hours=24)
    assert len(made.code) == 19 and made.code.count("-") == 3
    stored = UseGrant.objects.get()
    assert made.code.replace("-", "") not in stored.token_sm3 and len(stored.token_sm3) == 64
    use = grants.redeem_grant(clerk, made.code.lower().replace("-", " "), process=process)
    assert use.channel == UseChannel.GRANT and use.grant == stored and use.process == process
    stored.refresh_from_db()
    assert stored.used_at is not None
    with pytest.raises(Conflict, match="该授权已使用"):
        grants.redeem_grant(clerk, made.code)
    assert LicenceUse.objects.count() == 1
    assert InboxMessage.objects.filter(recipient=holder).count() == 1


def test_grant_to_another_county_window_is_foreign(holder, licence, hall, city):
    other_clerk = make_user("window_clerk", division=city.county_b)
    made = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="测试", hours=1)
    with pytest.raises(Forbidden, match="不是给您的"):
        grants.redeem_grant(other_clerk, made.code)
    assert UseGrant.objects.get().used_at is None


def test_grant_to_a_department(holder, licence, city):
    made = grants.grant_use(holder, licence, grantee_kind="department", department=city.bureau, purpose="年检", hours=4)
    with pytest.raises(Forbidden):
        grants.redeem_grant(make_user("approver", department=city.other_bureau), made.code)
    use = grants.redeem_grant(make_user("approver", department=city.bureau), made.code)
    assert use.department == city.bureau


def test_grant_to_an_item_sets_the_use_s_item(holder, licence, city, make_process):
    item = make_process(key="edu_item", name="教师资格认定", department=city.other_bureau)
    made = grants.grant_use(holder, licence, grantee_kind="service", process=item, purpose="认定", hours=4)
    with pytest.raises(Forbidden):
        grants.redeem_grant(make_user("approver", department=city.bureau), made.code)
    use = grants.redeem_grant(make_user("approver", department=city.other_bureau), made.code)
    assert use.process == item


def test_expired_and_revoked_grants_are_refused(holder, licence, hall, clerk):
    a = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="a", hours=1)
    UseGrant.objects.filter(pk=a.grant.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict, match="已过期"):
        grants.redeem_grant(clerk, a.code)
    b = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="b", hours=1)
    grants.revoke_grant(holder, b.grant)
    with pytest.raises(Conflict, match="已撤销"):
        grants.redeem_grant(clerk, b.code)
    with pytest.raises(Conflict):
        grants.revoke_grant(holder, UseGrant.objects.get(pk=b.grant.pk))
    assert LicenceUse.objects.count() == 0


def test_forged_grant_codes(clerk):
    with pytest.raises(ValidationFailed, match="格式不正确"):
        grants.redeem_grant(clerk, "1234")
    with pytest.raises(ValidationFailed, match="授权码无效"):
        grants.redeem_grant(clerk, "ABCD-EFGH-JKMN-PQRS")


@pytest.mark.parametrize("hours", [0, 169, "x", None])
def test_grant_validity_is_at_most_seven_days(holder, licence, hall, hours):
    with pytest.raises(ValidationFailed):
        grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="x", hours=hours)
    assert UseGrant.objects.count() == 0


def test_grant_needs_its_grantee_and_a_purpose(holder, licence, hall):
    with pytest.raises(ValidationFailed, match="窗口"):
        grants.grant_use(holder, licence, grantee_kind="window", purpose="x", hours=1)
    with pytest.raises(ValidationFailed, match="用途"):
        grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="  ", hours=1)
    with pytest.raises(ValidationFailed):
        grants.grant_use(holder, licence, grantee_kind="nobody", hall=hall, purpose="x", hours=1)


def test_agent_holds_enterprise_licences_only_while_authorised(city, hall, clerk):
    from digigov.core.accounts.models import AgentAuthorization

    lp, lic = enterprise_licence(city)
    agent = make_user("enterprise_agent")
    with pytest.raises(NotFound):
        grants.grant_use(agent, lic, grantee_kind="window", hall=hall, purpose="x", hours=1)
    auth = AgentAuthorization.objects.create(legal_person=lp, agent=agent, valid_from=timezone.localdate() - dt.timedelta(days=10))
    agent = type(agent).objects.get(pk=agent.pk)  # a new request
    made = grants.grant_use(agent, lic, grantee_kind="window", hall=hall, purpose="企业年报", hours=1)
    grants.redeem_grant(clerk, made.code)
    assert InboxMessage.objects.filter(recipient=agent).count() == 1
    auth.valid_until = timezone.localdate() - dt.timedelta(days=1)
    auth.save(update_fields=["valid_until"])
    agent = type(agent).objects.get(pk=agent.pk)
    with pytest.raises(NotFound):
        grants.present(agent, lic)


def test_a_division_scoped_clerk_s_use_counts_for_the_item_s_department(holder, licence, clerk, process, city):
    """The window clerk has no department grant: the use is placed with the item's department (the KPI and
    the holder's log name who used it)."""
    use = grants.scan_present(clerk, grants.present(holder, licence).code, process=process)
    assert use.department == city.bureau
    unplaced = grants.scan_present(clerk, grants.present(holder, licence).code)
    assert unplaced.department is None
