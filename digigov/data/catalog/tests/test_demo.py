"""The demo catalog: the real city's figures at every scale, deterministic per seed, indexed."""

import pytest

from digigov.core.demo import DemoContext
from digigov.core.org import demo as org_demo
from digigov.core.registry import DEMO_GENERATORS
from digigov.data.catalog import demo, kpis
from digigov.data.catalog.models import (
    CatalogEntry, CodeList, DataDemand, DataItem, EntryRevision, EntryStatus, MountedResource, MountKind, ResponsibilityItem,
)
from digigov.data.catalog.search import search_entries
from digigov.data.catalog.tables import target_table_name

pytestmark = pytest.mark.django_db


def _run(seed=7, scale=0.01):
    org_demo.generate(DemoContext(scale=scale, seed=seed).for_generator("org"))
    demo.generate(DemoContext(scale=scale, seed=seed).for_generator("catalog"))


def _fingerprint():
    return (list(CatalogEntry.objects.order_by("pk").values_list("pk", "code", "name", "department__code", "category__code", "status",
                                                                 "level", "personal", "sharing_type", "open_type", "public_id")),
            list(DataItem.objects.order_by("entry_id", "seq").values_list("entry_id", "name", "field_name", "personal")),
            list(MountedResource.objects.order_by("entry_id").values_list("entry_id", "kind", "table_name")),
            ResponsibilityItem.objects.count(), list(DataDemand.objects.order_by("public_id").values_list("public_id", "title", "status")))


def test_registered_after_org_and_accounts():
    assert DEMO_GENERATORS["catalog"].after == ("org", "accounts")


def test_full_catalog_at_any_scale(user_factory):
    _run(scale=0.01)
    assert CatalogEntry.objects.count() == 4668
    assert CatalogEntry.objects.values("department").distinct().count() == 38
    mounts = MountedResource.objects.filter(voided_at__isnull=True)
    assert mounts.count() == 1962
    tables = mounts.filter(kind=MountKind.TABLE)
    assert tables.count() == 1279 and mounts.filter(kind=MountKind.API).count() == 683
    assert all(m.table_name == target_table_name(m.entry_id) for m in tables)
    assert not mounts.exclude(entry__status=EntryStatus.PUBLISHED).exists()
    published = CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED).count()
    assert 0.8 <= published / 4668 <= 0.9
    assert EntryRevision.objects.count() >= published
    assert DataItem.objects.filter(field_name="gmsfhm", personal=2).exists()
    assert CodeList.objects.get(code="GB/T 3304-1991").values.count() == 58
    assert 65 <= kpis.compute_k04().value <= 75
    assert 200 <= DataDemand.objects.count() <= 500
    assert CatalogEntry.objects.values("code").distinct().count() == 4668
    rows, _ = search_entries(user_factory("city_admin"), "人口")
    assert rows and all("人口" in e.name for e in rows[:3])


@pytest.mark.slow
def test_deterministic_per_seed(django_db_reset_sequences):
    _run(seed=3)
    first = _fingerprint()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    _run(seed=3)
    assert _fingerprint() == first
