"""The demo city's geography: towns nest in counties, counties tile the city, addresses scale, POIs sit in their towns."""

import json

import pytest
import shapely
from shapely.geometry import Point, shape

from digigov.core.demo import DemoContext
from digigov.core.org import demo as org_demo
from digigov.core.org.models import Division, DivisionLevel
from digigov.core.registry import DEMO_GENERATORS
from digigov.data.spatial import demo, standardise
from digigov.data.spatial.models import DivisionBoundary, PointOfInterest, StandardAddress

pytestmark = pytest.mark.django_db


def test_tiny_city_geography():
    assert "org" in DEMO_GENERATORS["spatial"].after
    org_demo.generate(DemoContext(scale=0.001, seed=5).for_generator("org"))
    demo.generate(DemoContext(scale=0.001, seed=5).for_generator("spatial"))
    shapes = {b.division_id: shape(json.loads(b.geometry)) for b in DivisionBoundary.objects.all()}
    counties = Division.objects.filter(level=DivisionLevel.COUNTY)
    towns = Division.objects.filter(level=DivisionLevel.TOWN)
    assert set(shapes) >= set(counties.values_list("pk", flat=True)) | set(towns.values_list("pk", flat=True))
    city = Division.objects.get(level=DivisionLevel.CITY)
    union = shapely.union_all([shapes[c.pk] for c in counties])
    assert abs(union.area - shapes[city.pk].area) / shapes[city.pk].area < 0.001
    for t in towns:
        assert shapes[t.pk].difference(shapes[t.parent_id]).area / shapes[t.pk].area < 0.01
    assert 200 <= StandardAddress.objects.count() <= 400
    for p in PointOfInterest.objects.all()[:200]:
        assert shapes[p.division_id].distance(Point(p.lon, p.lat)) < 0.002
    a = StandardAddress.objects.exclude(room="").first()
    m = standardise.match(f"{a.road.name}{a.house_number}号{a.building}-{a.unit}-{a.room}")
    assert m is not None and m.address.road == a.road and m.address.house_number == a.house_number
