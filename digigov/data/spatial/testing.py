"""Test helpers (also for the browser journey): the natural-resources bureau, two nested boundaries,
roads and addresses in the small test city (``digigov.core.testing.City``)."""

from __future__ import annotations

from digigov.core.org import actions as org_actions
from digigov.core.org.models import Department, DepartmentKind

from . import actions
from .models import STEWARD_DEPARTMENT_CODE

# the test city's geography: county A is a square, its town the western half; county B its neighbour
COUNTY_A = {"type": "Polygon", "coordinates": [[[124.0, 40.0], [124.2, 40.0], [124.2, 40.2], [124.0, 40.2], [124.0, 40.0]]]}
TOWN_A = {"type": "Polygon", "coordinates": [[[124.0, 40.0], [124.1, 40.0], [124.1, 40.2], [124.0, 40.2], [124.0, 40.0]]]}
COUNTY_B = {"type": "Polygon", "coordinates": [[[124.2, 40.0], [124.4, 40.0], [124.4, 40.2], [124.2, 40.2], [124.2, 40.0]]]}
TOWN_B = {"type": "Polygon", "coordinates": [[[124.2, 40.0], [124.4, 40.0], [124.4, 40.2], [124.2, 40.2], [124.2, 40.0]]]}
CITY = {"type": "Polygon", "coordinates": [[[123.9, 39.9], [124.5, 39.9], [124.5, 40.3], [123.9, 40.3], [123.9, 39.9]]]}


def steward(city) -> Department:
    return Department.objects.filter(code=STEWARD_DEPARTMENT_CODE).first() or org_actions.create_department(
        city.system, code=STEWARD_DEPARTMENT_CODE, name="示范市自然资源局", short_name="自然资源局", kind=DepartmentKind.COMMITTEE,
        division=city.city, parent=city.gov)


def geography(city, actor=None) -> dict:
    """Boundaries for the city, both counties and towns; roads 兴东路 (A) and 永昌路 (B); a few addresses."""
    actor = actor or city.system
    for division, shape in ((city.city, CITY), (city.county_a, COUNTY_A), (city.county_b, COUNTY_B), (city.town_a, TOWN_A),
                            (city.town_b, TOWN_B)):
        division.refresh_from_db()
        actions.set_boundary(actor, division, shape)
    road_a = actions.create_road(actor, division=city.county_a, name="兴东路")
    road_b = actions.create_road(actor, division=city.county_b, name="永昌路")
    out = {"road_a": road_a, "road_b": road_b}
    out["plate"] = actions.create_address(actor, road=road_a, division=city.town_a, house_number=12, lon=124.05, lat=40.1)
    out["room"] = actions.create_address(actor, road=road_a, division=city.town_a, house_number=12, building="3", unit="2", room="502",
                                         lon=124.051, lat=40.101)
    out["room2"] = actions.create_address(actor, road=road_a, division=city.town_a, house_number=12, building="3", unit="2", room="501",
                                          lon=124.051, lat=40.101)
    out["other"] = actions.create_address(actor, road=road_b, division=city.town_b, house_number=8, lon=124.3, lat=40.1)
    return out
