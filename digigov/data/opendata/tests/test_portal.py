"""Ratings, comments, showcase, developer subscriptions and applications; 有条件开放 gating."""

import datetime

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.opendata.actions import datasets as ds_actions
from digigov.data.opendata.actions import portal
from digigov.data.opendata.models import DatasetRating, OpenDataset
from digigov.data.sharing.actions.apps import create_app
from digigov.data.sharing.models import PolicyVersion, Subscription, SubscriptionSource

from .factories import school_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(role_user):
    return role_user("data_admin")


@pytest.fixture
def ds(city, admin):
    return ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin))[0]


@pytest.fixture
def cds(city, admin):
    return ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin, name="校外培训机构名录", open_type="conditional"))[0]


@pytest.fixture
def dev(role_user):
    return role_user("citizen")


def test_one_rating_per_user_editable(ds, dev, role_user):
    portal.rate(dev, ds, 4)
    portal.rate(role_user("citizen"), ds, 2)
    portal.rate(dev, ds, 5)
    ds.refresh_from_db()
    assert (ds.rating_count, ds.rating_sum, ds.rating) == (2, 7, 3.5)
    assert DatasetRating.objects.filter(dataset=ds).count() == 2
    with pytest.raises(Conflict):
        portal.rate(dev, ds, 5)


@pytest.mark.parametrize("score", [0, 6, "5", True, None, 2.5])
def test_bad_scores(ds, dev, score):
    with pytest.raises(ValidationFailed):
        portal.rate(dev, ds, score)
    ds.refresh_from_db()
    assert ds.rating_count == 0


def test_staff_cannot_rate_and_comment(ds, admin):
    with pytest.raises(Forbidden):
        portal.rate(admin, ds, 3)
    with pytest.raises(Forbidden):
        portal.comment(admin, ds, "好")


def test_comment_moderation(city, ds, dev, role_user):
    with pytest.raises(ValidationFailed):
        portal.comment(dev, ds, " ")
    c = portal.comment(dev, ds, "数据很有用")
    with pytest.raises(Forbidden):
        portal.hide_comment(role_user("dept_admin", department=city.other_bureau), c, reason="广告")
    with pytest.raises(ValidationFailed):
        portal.hide_comment(role_user("dept_admin"), c, reason="")
    portal.hide_comment(role_user("dept_admin"), c, reason="含广告")
    c.refresh_from_db()
    assert c.hidden_at and c.hidden_reason == "含广告"


def test_showcase_review(ds, dev, role_user):
    with pytest.raises(ValidationFailed):
        portal.submit_showcase(dev, ds, title="地图", description="学校地图", url="javascript:alert(1)")
    s = portal.submit_showcase(dev, ds, title="学校地图", description="在地图上查看学校", url="https://example.cn/map")
    reviewer = role_user("dept_admin")
    with pytest.raises(ValidationFailed):
        portal.review_showcase(reviewer, s, decision="rejected", reply="")
    portal.review_showcase(reviewer, s, decision="approved")
    with pytest.raises(Conflict):
        portal.review_showcase(reviewer, s, decision="approved")


def test_unconditional_subscribe_at_once(ds, dev):
    app, _ = create_app(dev, kind="developer", name="学校查询")
    before = PolicyVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    sub = portal.subscribe_public(dev, ds, app)
    assert sub.source == SubscriptionSource.OPEN_PUBLIC and sub.fields == ["xxmc", "szqy", "xsrs"] and sub.clear_fields == []
    assert PolicyVersion.objects.get(pk=1).version == before + 1
    with pytest.raises(Conflict):
        portal.subscribe_public(dev, ds, app)


def test_someone_elses_app_is_refused(ds, dev, role_user):
    other = role_user("citizen")
    app, _ = create_app(other, kind="developer", name="别人的应用")
    with pytest.raises(Forbidden):
        portal.subscribe_public(dev, ds, app)
    assert not Subscription.objects.exists()


def test_conditional_needs_application_then_approval(cds, dev, role_user):
    app, _ = create_app(dev, kind="developer", name="培训查询")
    with pytest.raises(Conflict):
        portal.subscribe_public(dev, cds, app)
    assert not portal.may_download(dev, cds)
    today = timezone.localdate()
    for bad in ({"period_start": today - datetime.timedelta(days=1), "period_end": today},
                {"period_start": today, "period_end": today - datetime.timedelta(days=1)},
                {"period_start": today, "period_end": today + datetime.timedelta(days=2000)},
                {"period_start": "2026-01-01", "period_end": today}):
        with pytest.raises(ValidationFailed):
            portal.apply(dev, cds, app, purpose="家长查询", intended_use="小程序", **bad)
    a = portal.apply(dev, cds, app, purpose="家长查询", intended_use="小程序", period_start=today, period_end=today + datetime.timedelta(days=90))
    with pytest.raises(Conflict):
        portal.apply(dev, cds, app, purpose="家长查询", intended_use="小程序", period_start=today, period_end=today)
    assert not Subscription.objects.exists() and not portal.may_download(dev, cds)
    with pytest.raises(Forbidden):
        portal.decide_application(role_user("citizen"), a, decision="approved")
    portal.decide_application(role_user("dept_admin"), a, decision="approved")
    a.refresh_from_db()
    assert a.subscription.source == SubscriptionSource.OPEN_APPLICATION and a.subscription.valid_until == a.period_end
    assert portal.may_download(dev, cds)
    assert AuditEntry.objects.filter(action="opendata.application.approved").count() == 1


def test_withdrawn_dataset_takes_nothing(ds, dev, admin):
    ds_actions.withdraw_dataset(admin, ds, reason="更正")
    ds = OpenDataset.objects.get(pk=ds.pk)
    with pytest.raises(Conflict):
        portal.rate(dev, ds, 3)
