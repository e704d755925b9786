import pytest

from digigov.core.rbac.system import system_account
from digigov.core.kpi.actions import recompute
from digigov.core.registry import KPI_COMPUTERS
from digigov.infra.cloud import actions, kpis
from digigov.infra.cloud.models import CloudPlatform, CloudStatus, HostedSystem

pytestmark = pytest.mark.django_db


def _check(result, rows_fn):
    drill = rows_fn()
    rows = list(drill.queryset)
    counted = sum(1 for r in rows if drill.counted(r))
    assert result.denominator == len(rows) and result.numerator == counted
    assert result.value == round(100 * counted / len(rows), 2)
    # every breakdown slice drills down to exactly its own rows
    for part in result.by_division:
        d = rows_fn(division=part.key)
        sub = list(d.queryset)
        assert (len(sub), sum(1 for r in sub if d.counted(r))) == (part.denominator, part.numerator), part
    for part in result.by_department:
        d = rows_fn(department=part.key)
        sub = list(d.queryset)
        assert (len(sub), sum(1 for r in sub if d.counted(r))) == (part.denominator, part.numerator), part
    assert sum(p.denominator for p in result.by_division) == result.denominator
    assert sum(p.denominator for p in result.by_department) == result.denominator


def test_k01_equals_direct_count(city, cloud):
    assert "K01" in KPI_COMPUTERS
    result = kpis.compute_k01()
    assert (result.numerator, result.denominator) == (
        CloudPlatform.objects.active().filter(integrated=True).count(), CloudPlatform.objects.active().count())
    _check(result, kpis.k01_rows)
    labels = {p.label for p in result.by_division}
    assert "示范市（市本级）" in labels and "元宝区" in labels
    extra = {p.key: p for p in result.extra}
    assert extra["cloud_rate"].value == kpis.cloud_rate().value


def test_cloud_rate_equals_direct_count_and_excludes_classified_and_exempt(city, cloud):
    result = kpis.cloud_rate()
    eligible = HostedSystem.objects.active().filter(classified=False).exclude(cloud_status=CloudStatus.EXEMPT)
    assert result.denominator == eligible.count() == 4
    assert result.numerator == eligible.filter(cloud_status=CloudStatus.MIGRATED).count() == 2
    assert result.value == 50.0
    _check(result, kpis.cloud_rate_rows)


def test_rows_filters(city, cloud):
    # the bureau's committee group contains the bureau's own platforms and its unit's
    bureau_rows = list(kpis.k01_rows(department=city.bureau.public_id).queryset)
    assert {p.name for p in bureau_rows} == {"市级政务云平台"}
    # a 12-digit county code means its subtree; unknown keys match nothing
    assert {p.name for p in kpis.k01_rows(division=city.county_a.code).queryset} == {"元宝区私有云"}
    assert not list(kpis.k01_rows(division="abc").queryset)
    assert not list(kpis.k01_rows(department="missing").queryset)


def test_recompute_snapshot_matches_compute(city, cloud, city_admin):
    snap = recompute(system_account(), "K01")
    assert snap.value == kpis.compute_k01().value
    assert snap.breakdown["extra_title"]
    actions.set_platform_integrated(city_admin, cloud.edu_room, True)
    assert recompute(system_account(), "K01").value == 100.0
