import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS
from digigov.infra.cloud import actions, kpis
from digigov.infra.cloud.demo import generate
from digigov.infra.cloud.models import (
    Allocation,
    CloudPlatform,
    HostedSystem,
    Quota,
    RequestStatus,
    ResourcePool,
    ResourceRequest,
    UtilisationSample,
)

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 1, 0, 0))


def _run(scale=1.0, seed=7):
    ctx = DemoContext(scale=scale, seed=seed).for_generator("infra.cloud")
    ctx.shared["now"] = NOW
    generate(ctx)
    return ctx


def test_registered_after_org():
    assert DEMO_GENERATORS["infra.cloud"].after == ("org",)


def test_full_scale_matches_the_plan(city):
    _run(scale=1.0)
    pool = ResourcePool.objects.get()
    assert (pool.vcpu_total, pool.memory_gb_total, pool.storage_tb_total) == (5844, 20435, Decimal("491.00"))
    assert CloudPlatform.objects.count() == 20
    assert kpis.compute_k01().value == 70.0
    rate = kpis.cloud_rate()
    assert rate.numerator == 25 and abs(rate.value - 60) < 1.5
    used = actions.pool_usage(pool)
    assert 0.65 <= used.vcpu / pool.vcpu_total <= 0.70 and 0.65 <= used.memory_gb / pool.memory_gb_total <= 0.70
    assert 0.65 <= float(used.storage_tb / pool.storage_tb_total) <= 0.70
    samples = UtilisationSample.objects.filter(pool=pool)
    assert samples.count() == 30 * 24
    avg = sum(samples.values_list("cpu_pct", flat=True)) / samples.count()
    assert 66 <= avg <= 74
    assert samples.order_by("-at").first().at < NOW


def test_pending_requests_can_be_approved_within_pool_and_quota(city, user_factory):
    _run(scale=0.2)
    pending = list(ResourceRequest.objects.filter(status=RequestStatus.SUBMITTED))
    assert len(pending) >= 2
    # quotas cover what departments hold
    for q in Quota.objects.all():
        held = actions.department_usage(q.department, q.pool)
        assert held.vcpu <= q.vcpu and held.memory_gb <= q.memory_gb and held.storage_tb <= q.storage_tb
    admin = user_factory("city_admin")
    before = kpis.cloud_rate().numerator
    for req in pending:
        actions.approve_request(admin, req)
    assert kpis.cloud_rate().numerator > before
    assert Allocation.objects.filter(request__in=pending).count() == len(pending)


def test_small_scale_keeps_a_handful_and_is_deterministic(city):
    def fingerprint():
        return (
            list(CloudPlatform.objects.order_by("public_id").values_list("public_id", "name", "integrated", "department_id")),
            list(HostedSystem.objects.order_by("public_id").values_list("public_id", "name", "cloud_status", "department_id")),
            list(Allocation.objects.order_by("public_id").values_list("public_id", "vcpu", "memory_gb", "storage_tb")),
            list(UtilisationSample.objects.order_by("at").values_list("at", "cpu_pct")),
        )

    with transaction.atomic():
        _run(scale=0.01, seed=3)
        first = fingerprint()
        transaction.set_rollback(True)
    _run(scale=0.01, seed=3)
    assert fingerprint() == first
    assert len(first[0]) >= 3 and len(first[1]) >= 5
    assert HostedSystem.objects.filter(classified=True).exists()


def test_runs_without_org_data(db):
    _run(scale=0.05)
    assert not ResourcePool.objects.exists()
