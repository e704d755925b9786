"""Theme and special databases: each library a category with published, aggregated datasets; the page lists them."""

import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS
from digigov.core.testing import logged_in_client
from digigov.data.aggregation.models import Batch
from digigov.data.catalog.models import CatalogEntry, EntryStatus, MountedResource
from digigov.data.themes import demo

pytestmark = pytest.mark.django_db


def test_libraries_are_catalogued_and_aggregated(city, role_user):
    assert "catalog" in DEMO_GENERATORS["themes"].after
    demo.generate(DemoContext(scale=0.001, seed=3).for_generator("themes"))
    entries = CatalogEntry.objects.filter(category__code__regex=r"^Z[TX]0[1-4]$")
    assert entries.count() == len(demo.DATASETS)
    assert set(entries.values_list("category__name", flat=True)) == {"投资", "交通", "旅游", "能源", "经济运行监测", "政务服务", "社会管理", "营商环境"}
    assert set(entries.values_list("status", flat=True)) == {EntryStatus.PUBLISHED}
    for e in entries:
        mount = MountedResource.objects.get(entry=e, kind="table")
        assert mount.record_count > 0, e.name
        assert Batch.objects.filter(entry=e).exists()
    html = logged_in_client(role_user("dept_admin")).get("/workbench/data/themes/").content.decode()
    assert "主题库" in html and "专题库" in html and "12345热线工单" in html
    first = entries.order_by("code").first()
    assert f"/entries/{first.public_id}/" in html
    demo.generate(DemoContext(scale=0.001, seed=3).for_generator("themes"))  # rerun: nothing doubled
    assert CatalogEntry.objects.filter(category__code__regex=r"^Z[TX]0[1-4]$").count() == len(demo.DATASETS)
