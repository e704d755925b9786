import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.catalog.models import DataDemand
from digigov.data.sharing.actions import apps as app_actions
from digigov.data.sharing.actions import requests as actions
from digigov.data.sharing.models import (AppStatus, PolicyVersion, RequestStatus, ShareRequest, Subscription, SubscriptionSource,
                                         SubscriptionStatus)
from digigov.data.sharing.testing import department_app, provider_entry, request_kwargs

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _state():
    """What a refused action must leave untouched."""
    return (ShareRequest.objects.count(), Subscription.objects.count(), DataDemand.objects.count(), AuditEntry.objects.count(),
            list(ShareRequest.objects.values_list("status", flat=True).order_by("id")),
            list(Subscription.objects.values_list("status", flat=True).order_by("id")),
            PolicyVersion.objects.values_list("version", flat=True).first())


def _file(actors, world, **over):
    kwargs = request_kwargs(world["requester"], world["entry"], world["app"])
    kwargs.update(over)
    return actions.file_request(actors["consumer"], **kwargs)


def _version():
    return PolicyVersion.objects.values_list("version", flat=True).first() or 0


# --- filing ---------------------------------------------------------------------------------------------
def test_file_conditional_request_waits_for_review(actors, world):
    before = AuditEntry.objects.count()
    req = _file(actors, world)
    assert req.status == RequestStatus.SUBMITTED and req.provider == world["provider"] and req.requester == world["requester"]
    assert req.fields == ["xm", "sfzh", "xx"] and req.clear_fields == ["xm"]
    assert not Subscription.objects.exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "sharing.request.file" and entry.object_id == req.public_id and entry.role == "data_admin"


def test_unconditional_entry_without_clear_fields_is_auto_approved(actors, world, city):
    entry = provider_entry(city.other_bureau, sharing_type="unconditional", name="学校名录")
    v = _version()
    req = _file(actors, world, entry=entry, clear_fields=[])
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.approved_fields == ["xm", "sfzh", "xx"] and req.approved_clear_fields == []
    sub = Subscription.objects.get(share_request=req)
    assert sub.source == SubscriptionSource.SHARE_REQUEST and sub.fields == req.fields and sub.clear_fields == []
    assert sub.valid_from == req.period_start and sub.valid_until == req.period_end and sub.status == SubscriptionStatus.ACTIVE
    assert _version() == v + 1
    actions_seen = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:3])
    assert actions_seen == ["sharing.subscription.create", "sharing.request.auto_approve", "sharing.request.file"]


def test_unconditional_entry_asking_clear_fields_goes_to_review(actors, world, city):
    entry = provider_entry(city.other_bureau, sharing_type="unconditional", name="学校名录")
    req = _file(actors, world, entry=entry, clear_fields=["sfzh"])
    assert req.status == RequestStatus.SUBMITTED and not Subscription.objects.exists()


@pytest.mark.parametrize("over,code", [
    ({"fields": []}, "fields_required"),
    ({"fields": ["xm", "nope"]}, "unknown_fields"),
    ({"fields": ["xm", "xm"]}, "duplicate_fields"),
    ({"fields": "xm"}, "invalid_fields"),
    ({"fields": [1, 2]}, "invalid_fields"),
    ({"fields": ["xm"] * 201}, "too_many_fields"),
    ({"clear_fields": ["nj"]}, "clear_not_requested"),
    ({"purpose": "  "}, "purpose_required"),
    ({"purpose": "长" * 501}, "text_too_long"),
    ({"basis": ""}, "basis_required"),
    ({"period_start": TODAY - dt.timedelta(days=1)}, "period_in_past"),
    ({"period_start": TODAY + dt.timedelta(days=400), "period_end": TODAY + dt.timedelta(days=500)}, "period_too_far"),
    ({"period_end": TODAY - dt.timedelta(days=1)}, "period_reversed"),
    ({"period_end": TODAY + dt.timedelta(days=3 * 366 + 1)}, "period_too_long"),
    ({"period_start": "2026-01-01"}, "invalid_date"),
    ({"period_end": None}, "invalid_date"),
    ({"entry": None}, "entry_required"),
    ({"app": None}, "app_required"),
])
def test_file_bad_input_is_422_and_writes_nothing(actors, world, over, code):
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        _file(actors, world, **over)
    assert exc.value.status == 422
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert _state() == snap


def test_file_refuses_entries_that_cannot_be_shared(actors, world, city):
    snap = _state()
    none = provider_entry(city.other_bureau, sharing_type="none", name="不予共享条目")
    with pytest.raises(ValidationFailed) as exc:
        _file(actors, world, entry=none)
    assert exc.value.code == "entry_not_shareable" and "涉及未成年人敏感信息" in exc.value.message  # the entry's own reason
    draft = provider_entry(city.other_bureau, status="draft", name="草稿条目")
    with pytest.raises(ValidationFailed) as exc:
        _file(actors, world, entry=draft)
    assert exc.value.code == "entry_not_published"
    own = provider_entry(city.bureau, name="本单位条目")
    with pytest.raises(ValidationFailed) as exc:
        _file(actors, world, entry=own)
    assert exc.value.code == "same_department"
    assert _state() == snap


def test_file_refuses_apps_not_of_the_requester(actors, world, city):
    other_app = department_app(actors["provider"], city.other_bureau, "教育局系统")
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        _file(actors, world, app=other_app)
    assert exc.value.code == "app_not_own"
    app_actions.set_app_status(actors["consumer"], world["app"], AppStatus.SUSPENDED, reason="停用")
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        _file(actors, world)
    assert exc.value.code == "app_inactive"
    assert _state() == snap


def test_resubmission_is_refused_once_open(actors, world):
    _file(actors, world)
    snap = _state()
    with pytest.raises(Conflict) as exc:
        _file(actors, world)
    assert exc.value.code == "request_exists" and exc.value.status == 409
    assert _state() == snap


def test_database_refuses_a_second_open_request(actors, world):
    from django.db import IntegrityError, transaction

    req = _file(actors, world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareRequest.objects.create(requester=req.requester, provider=req.provider, entry=req.entry, app=req.app, fields=["xm"],
                                    purpose="x", basis="y", period_start=TODAY, period_end=TODAY, filed_by=req.filed_by)


def test_filing_needs_the_requesting_departments_grant(actors, world, city):
    snap = _state()
    for who in ("provider", "outsider", "leader"):
        with pytest.raises(Forbidden):
            actions.file_request(actors[who], **request_kwargs(world["requester"], world["entry"], world["app"]))
    assert _state() == snap


# --- decisions ------------------------------------------------------------------------------------------
def test_approve_creates_subscription_and_bumps_policy(actors, world):
    req = _file(actors, world)
    v = _version()
    req = actions.decide_request(actors["provider"], req, "approve", reply="同意")
    assert req.status == RequestStatus.APPROVED and req.decided_by == actors["provider"] and req.decided_at
    sub = Subscription.objects.get(share_request=req)
    assert sub.app == world["app"] and sub.entry == world["entry"] and sub.fields == ["xm", "sfzh", "xx"] and sub.clear_fields == ["xm"]
    assert sub.valid_until == req.period_end and sub.created_by == actors["provider"]
    assert _version() == v + 1
    assert list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "sharing.subscription.create", "sharing.request.approve"]


def test_narrow_grants_the_subset(actors, world):
    req = _file(actors, world)
    until = req.period_end - dt.timedelta(days=100)
    req = actions.decide_request(actors["provider_data"], req, "narrow", fields=["xm", "xx"], clear_fields=[], until=until, reply="最小必要")
    assert req.status == RequestStatus.NARROWED and req.approved_fields == ["xm", "xx"] and req.approved_clear_fields == []
    sub = Subscription.objects.get(share_request=req)
    assert sub.fields == ["xm", "xx"] and sub.clear_fields == [] and sub.valid_until == until


@pytest.mark.parametrize("kwargs,code", [
    ({"fields": ["xm", "sfzh", "xx"], "clear_fields": ["xm"]}, "not_narrowed"),
    ({"fields": ["xm", "nj"]}, "fields_not_requested"),
    ({"fields": []}, "fields_required"),
    ({"fields": ["xx"], "clear_fields": ["sfzh"]}, "clear_not_requested"),
    ({"fields": ["xx"], "clear_fields": ["xm"]}, "clear_not_approved"),
    ({"fields": ["xm"], "until": TODAY + dt.timedelta(days=5000)}, "until_out_of_period"),
    ({"fields": ["xm"], "until": TODAY - dt.timedelta(days=1)}, "until_out_of_period"),
    ({"fields": ["xm"], "until": "2027-01-01"}, "invalid_date"),
    ({"fields": "xm"}, "invalid_fields"),
])
def test_narrow_must_really_narrow(actors, world, kwargs, code):
    req = _file(actors, world)
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.decide_request(actors["provider"], req, "narrow", **kwargs)
    assert exc.value.code == code and exc.value.status == 422
    assert _state() == snap


def test_reject_needs_a_reason_and_feeds_the_demand_catalog(actors, world):
    req = _file(actors, world)
    snap = _state()
    with pytest.raises(ValidationFailed):
        actions.decide_request(actors["provider"], req, "reject", reply="  ")
    assert _state() == snap
    req = actions.decide_request(actors["provider"], req, "reject", reply="依据不足")
    assert req.status == RequestStatus.REJECTED and req.reply == "依据不足" and not Subscription.objects.exists()
    demand = DataDemand.objects.get(pk=req.demand_id)
    assert demand.requester == world["requester"] and demand.provider == world["provider"] and demand.entry == world["entry"]
    assert demand.items == "学生姓名、公民身份号码、就读学校" and demand.status == "open"
    assert AuditEntry.objects.filter(action="sharing.demand.file", object_id=demand.public_id).exists()


def test_decisions_only_by_the_provider_and_only_once(actors, world):
    req = _file(actors, world)
    snap = _state()
    for who in ("consumer", "consumer_dept", "outsider", "leader"):
        with pytest.raises(Forbidden):
            actions.decide_request(actors[who], req, "approve")
    with pytest.raises(ValidationFailed) as exc:
        actions.decide_request(actors["provider"], req, "maybe")
    assert exc.value.code == "invalid_decision"
    assert _state() == snap
    actions.decide_request(actors["provider"], req, "approve")
    snap = _state()
    with pytest.raises(Conflict) as exc:
        actions.decide_request(actors["provider"], req, "reject", reply="改主意")
    assert exc.value.code == "request_not_open"
    assert _state() == snap


def test_a_second_request_after_approval_is_refused(actors, world):
    actions.decide_request(actors["provider"], _file(actors, world), "approve")
    snap = _state()
    with pytest.raises(Conflict) as exc:
        _file(actors, world)
    assert exc.value.code == "subscription_exists"
    assert _state() == snap


def test_approval_refused_when_entry_no_longer_shareable(actors, world):
    req = _file(actors, world)
    world["entry"].sharing_type = "none"
    world["entry"].save()
    snap = _state()
    with pytest.raises(Conflict) as exc:
        actions.decide_request(actors["provider"], req, "approve")
    assert exc.value.code == "entry_not_shareable"
    assert _state() == snap


# --- withdraw -------------------------------------------------------------------------------------------
def test_withdraw_by_requester_only_while_open(actors, world):
    req = _file(actors, world)
    with pytest.raises(Forbidden):
        actions.withdraw_request(actors["provider"], req)
    req = actions.withdraw_request(actors["consumer_dept"], req, "业务调整")
    assert req.status == RequestStatus.WITHDRAWN
    assert AuditEntry.objects.order_by("-seq").first().action == "sharing.request.withdraw"
    snap = _state()
    with pytest.raises(Conflict):
        actions.withdraw_request(actors["consumer"], req)
    assert _state() == snap
    # a withdrawn request no longer blocks a new one
    assert _file(actors, world).status == RequestStatus.SUBMITTED


# --- subscriptions --------------------------------------------------------------------------------------
def test_provider_suspends_resumes_and_revokes(actors, world):
    req = actions.decide_request(actors["provider"], _file(actors, world), "approve")
    sub = Subscription.objects.get(share_request=req)
    v = _version()
    snap = _state()
    with pytest.raises(Forbidden):
        actions.set_subscription_status(actors["consumer"], sub, SubscriptionStatus.SUSPENDED, reason="x")
    with pytest.raises(ValidationFailed):
        actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.SUSPENDED, reason="")
    with pytest.raises(ValidationFailed):
        actions.set_subscription_status(actors["provider"], sub, "paused", reason="x")
    with pytest.raises(Conflict):
        actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.ACTIVE)
    assert _state() == snap
    sub = actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.SUSPENDED, reason="核查使用情况")
    assert sub.status == SubscriptionStatus.SUSPENDED and _version() == v + 1
    sub = actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.ACTIVE)
    sub = actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.REVOKED, reason="超范围使用")
    assert sub.status == SubscriptionStatus.REVOKED and _version() == v + 3
    assert list(AuditEntry.objects.filter(object_id=sub.public_id).order_by("seq").values_list("action", flat=True)) == [
        "sharing.subscription.create", "sharing.subscription.suspended", "sharing.subscription.active", "sharing.subscription.revoked"]
    with pytest.raises(Conflict):
        actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.ACTIVE)


# --- unmet demands --------------------------------------------------------------------------------------
def test_unmet_demand_goes_to_the_demand_catalog(actors, world, city):
    d = actions.file_unmet_demand(actors["consumer"], requester=city.bureau, provider=city.other_bureau, title="校车运行轨迹",
                                  items="车牌号、GPS轨迹", purpose="校车安全监管")
    assert d.entry is None and d.requester == city.bureau and d.provider == city.other_bureau and d.filed_by == actors["consumer"]
    assert AuditEntry.objects.order_by("-seq").first().action == "sharing.demand.file"


@pytest.mark.parametrize("over,code", [
    ({"title": ""}, None), ({"items": ""}, None), ({"purpose": "长" * 501}, "text_too_long"), ({"provider": None}, "department_required"),
])
def test_unmet_demand_bad_input(actors, city, over, code):
    kwargs = {"requester": city.bureau, "provider": city.other_bureau, "title": "校车运行轨迹", "items": "车牌号", "purpose": "监管"} | over
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.file_unmet_demand(actors["consumer"], **kwargs)
    assert code is None or exc.value.code == code
    assert _state() == snap


def test_unmet_demand_to_oneself_or_by_others_refused(actors, city):
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.file_unmet_demand(actors["consumer"], requester=city.bureau, provider=city.bureau, title="t", items="i", purpose="p")
    assert exc.value.code == "same_department"
    with pytest.raises(Forbidden):
        actions.file_unmet_demand(actors["provider"], requester=city.bureau, provider=city.other_bureau, title="t", items="i", purpose="p")
    assert _state() == snap
