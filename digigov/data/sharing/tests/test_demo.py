import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS
from digigov.data.sharing.models import ConsumerApp, RequestStatus, ShareRequest, Subscription
from digigov.data.sharing.testing import provider_entry

pytestmark = pytest.mark.django_db


def test_demo_makes_requests_in_every_state(city, pii_keys):
    from digigov.core.org import actions as org_actions

    depts = [city.bureau, city.other_bureau]
    for n in range(3):
        depts.append(org_actions.create_department(city.system, code=f"CITY-D{n}", name=f"示范市第{n}局", kind="committee", division=city.city,
                                                   parent=city.gov))
    for i, d in enumerate(depts):
        for k in range(4):
            provider_entry(d, name=f"{d.name}数据{k}", sharing_type="unconditional" if k == 0 else "conditional")
    ctx = DemoContext(scale=0.2, seed=7, name="sharing")
    DEMO_GENERATORS["sharing"].func(ctx)
    assert ConsumerApp.objects.filter(department__in=depts).count() >= len(depts)
    statuses = set(ShareRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    home = ShareRequest.objects.filter(status=RequestStatus.SUBMITTED, provider=city.bureau)
    assert home.exists() and ShareRequest.objects.filter(requester=city.bureau).exists()
    approved = ShareRequest.objects.filter(status__in=(RequestStatus.APPROVED, RequestStatus.NARROWED))
    assert Subscription.objects.filter(share_request__in=approved).count() == approved.count()
    assert all(r.demand_id for r in ShareRequest.objects.filter(status=RequestStatus.REJECTED))
    for r in ShareRequest.objects.filter(status=RequestStatus.NARROWED):
        assert set(r.approved_fields) <= set(r.fields) and (len(r.approved_fields) < len(r.fields) or r.approved_until < r.period_end)
    # run again: nothing doubled
    n = ShareRequest.objects.count()
    DEMO_GENERATORS["sharing"].func(DemoContext(scale=0.2, seed=7, name="sharing"))
    assert ShareRequest.objects.count() == n
