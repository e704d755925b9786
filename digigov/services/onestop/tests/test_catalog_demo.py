"""The catalog's demo generator on the demo city's real departments: every real item lands on its competent
unit, generated items fill up to the scale, every implementing code checks, a second run adds nothing."""

import pytest

from digigov.core.demo import DemoContext
from digigov.core.org import demo as org_demo
from digigov.services.onestop import catalog_data, codes, demo_catalog
from digigov.services.onestop.models import ServiceItem, Topic


@pytest.mark.django_db
def test_demo_catalog_on_the_demo_city():
    org_demo.generate(DemoContext(scale=0.001, seed=7).for_generator("org"))
    ctx = DemoContext(scale=0.01, seed=7).for_generator("onestop.catalog")
    demo_catalog.generate(ctx)
    assert Topic.objects.count() == len(catalog_data.TOPICS) == 15
    real = ServiceItem.objects.filter(name__in=[s.name for s in catalog_data.REAL_ITEMS])
    assert real.count() == len(catalog_data.REAL_ITEMS)  # every competent unit exists in the demo city
    by_name = {i.name: i for i in real.select_related("department")}
    assert by_name["内地居民结婚登记"].department.name == "示范市婚姻登记中心"
    assert by_name["机动车驾驶证期满换证"].department.name == "示范市车辆管理所"
    total = ServiceItem.objects.count()
    assert total == len(catalog_data.REAL_ITEMS) + ctx.n(demo_catalog.GENERATED_FULL, minimum=20)
    assert all(codes.implementing_code_error(c) is None for c in ServiceItem.objects.values_list("code", flat=True))
    assert ServiceItem.objects.filter(high_frequency=True).count() == demo_catalog.HIGH_FREQUENCY
    generated = ServiceItem.objects.exclude(pk__in=real.values("pk"))
    assert generated.filter(materials__isnull=False).distinct().count() == generated.count()
    assert not generated.filter(name__contains="测试").exists()
    demo_catalog.generate(DemoContext(scale=0.01, seed=7).for_generator("onestop.catalog"))
    assert ServiceItem.objects.count() == total
