import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS, demo_order
from digigov.core.testing import make_user
from digigov.data.aggregation import kpis
from digigov.data.aggregation.demo import REAL_CITY_RECORDS, generate
from digigov.data.aggregation.models import Batch, JobState, QuarantineRow
from digigov.data.aggregation.pipeline import target
from digigov.data.aggregation.testing import make_entry
from digigov.data.catalog.models import DataDemand, MountedResource

pytestmark = pytest.mark.django_db


def _run(scale, seed=7):
    ctx = DemoContext(scale=scale, seed=seed).for_generator("aggregation")
    generate(ctx)
    return ctx


def _catalog(city, n=20):
    filer = make_user("data_admin", department=city.other_bureau)
    entries = [make_entry(city.bureau if i % 2 else city.county_bureau) for i in range(n)]
    for e in entries:
        DataDemand.objects.create(requester=city.other_bureau, provider=e.department, entry=e, title=f"需要{e.name}", purpose="办事",
                                  filed_by=filer)
    return entries


def test_registered_in_order():
    names = [g.name for g in demo_order()]
    assert names.index("aggregation") > names.index(DEMO_GENERATORS["aggregation"].after[0])


def test_empty_catalog_is_skipped(city):
    ctx = _run(0.001)
    assert ctx.rows == 0 and not Batch.objects.exists()


def test_rows_scale_and_k05_starts_near_sixty_percent(city):
    entries = _catalog(city)
    scale = 0.0005
    ctx = _run(scale)
    expected = round(REAL_CITY_RECORDS * scale)
    assert ctx.rows == expected == sum(Batch.objects.values_list("rows", flat=True))
    aggregated = set(Batch.objects.values_list("entry_id", flat=True))
    assert len(aggregated) == 12  # 60% of 20
    value = kpis.compute_k05().value
    assert 55 <= value <= 65
    for e in entries:
        if e.pk in aggregated:
            mount = MountedResource.objects.get(entry=e, kind="table")
            assert mount.record_count == target.count_rows(mount.table_name) > 0
    assert QuarantineRow.objects.exists()
    assert Batch.objects.filter(job__state=JobState.SUCCEEDED).count() == Batch.objects.count()
    assert Batch.objects.exclude(job__rows_bad=0).exists()
