import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.registry import KPI_COMPUTERS
from digigov.data.catalog.models import CatalogEntry, EntryStatus, SharingType
from digigov.data.sharing import kpis
from digigov.data.sharing.actions import requests as actions
from digigov.data.sharing.models import Subscription, SubscriptionStatus
from digigov.data.sharing.testing import department_app, provider_entry, request_kwargs

pytestmark = pytest.mark.django_db


def _grant(actors, requester, entry, app):
    req = actions.file_request(actors["consumer"], **request_kwargs(requester, entry, app))
    return Subscription.objects.get(share_request=actions.decide_request(actors["provider"], req, "approve"))


def _orm_count():
    """The formula, recounted independently with plain ORM filters."""
    today = timezone.localdate()
    should = CatalogEntry.objects.filter(voided_at__isnull=True, status=EntryStatus.PUBLISHED).exclude(sharing_type=SharingType.NONE)
    shared = 0
    for e in should:
        subs = Subscription.objects.filter(entry=e, status=SubscriptionStatus.ACTIVE, app__department__isnull=False)
        if any(s.app.department_id != e.department_id and (s.valid_until is None or s.valid_until >= today) for s in subs):
            shared += 1
    return shared, should.count()


def test_k06_counts_cross_department_active_grants(actors, world, city):
    app = world["app"]
    shared = provider_entry(city.other_bureau, name="已共享")
    _grant(actors, city.bureau, shared, app)
    suspended = provider_entry(city.other_bureau, name="授权暂停")
    sub = _grant(actors, city.bureau, suspended, app)
    actions.set_subscription_status(actors["provider"], sub, SubscriptionStatus.SUSPENDED, reason="核查")
    expired = provider_entry(city.other_bureau, name="授权过期")
    sub = _grant(actors, city.bureau, expired, app)
    Subscription.objects.filter(pk=sub.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    # a department reading its own entry is not sharing
    own_app = department_app(actors["provider"], city.other_bureau, "教育局自用系统")
    own = provider_entry(city.other_bureau, name="本部门自用")
    Subscription.objects.create(app=own_app, entry=own, source="share_request", fields=["xm"], purpose="自用",
                                valid_from=timezone.localdate(), created_by=actors["provider"])
    provider_entry(city.other_bureau, sharing_type="none", name="不予共享")   # out of the denominator
    provider_entry(city.other_bureau, status="draft", name="草稿")             # out of the denominator
    provider_entry(city.bureau, name="营商局条目")                             # in the denominator, not shared

    result = kpis.compute_k06()
    # should share: world entry, 已共享, 授权暂停, 授权过期, 本部门自用, 营商局条目 = 6; shared: 已共享 only
    assert (result.numerator, result.denominator) == (1, 6)
    assert (result.numerator, result.denominator) == _orm_count()
    by_dept = {p.label: (p.numerator, p.denominator) for p in result.by_department}
    assert by_dept[city.other_bureau.name] == (1, 5) and by_dept[city.bureau.name] == (0, 1)

    rows = kpis.k06_rows(department=city.other_bureau.public_id)
    listed = list(rows.queryset)
    assert len(listed) == 5 and sum(rows.counted(e) for e in listed) == 1
    assert rows.cells(next(e for e in listed if e.name == "已共享"))[-1] == "已实现"
    assert "K06" in KPI_COMPUTERS and KPI_COMPUTERS["K06"].source_url_name == "sharing:stats"


def test_k06_empty_catalog_has_no_value(db):
    result = kpis.compute_k06()
    assert result.denominator == 0 and result.value is None
