"""Writes of the spatial registry: who may write, what is refused (nothing written), what is audited."""

import json

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.spatial import actions, testing
from digigov.data.spatial.models import DivisionBoundary, PointOfInterest, Road, StandardAddress

pytestmark = pytest.mark.django_db

BOWTIE = {"type": "Polygon", "coordinates": [[[124.0, 40.0], [124.1, 40.1], [124.1, 40.0], [124.0, 40.1], [124.0, 40.0]]]}
SWAPPED = {"type": "Polygon", "coordinates": [[[40.0, 124.0], [40.1, 124.0], [40.1, 124.1], [40.0, 124.0]]]}
OPEN_RING = {"type": "Polygon", "coordinates": [[[124.0, 40.0], [124.1, 40.0]]]}
POINT = {"type": "Point", "coordinates": [124.0, 40.0]}
INFINITE = '{"type":"Polygon","coordinates":[[[124,40],[124.1,40],[124.1,Infinity],[124,40]]]}'
OUTSIDE_A = {"type": "Polygon", "coordinates": [[[124.3, 40.0], [124.4, 40.0], [124.4, 40.1], [124.3, 40.1], [124.3, 40.0]]]}
HOLE_CROSSING = {"type": "Polygon", "coordinates": [[[124.0, 40.0], [124.1, 40.0], [124.1, 40.1], [124.0, 40.1], [124.0, 40.0]],
                                                    [[124.05, 40.05], [124.15, 40.05], [124.15, 40.06], [124.05, 40.06], [124.05, 40.05]]]}


def _audit_count():
    return AuditEntry.objects.filter(action__startswith="spatial.").count()


def test_boundary_is_measured_and_audited(city, actors):
    b = actions.set_boundary(actors["nr_admin"], city.county_a, testing.COUNTY_A)
    assert 375 < b.area_km2 < 382  # 0.2° × 0.2° at 40.1°N ≈ 17.0 km × 22.2 km = 378 km²
    assert (b.centroid_lon, b.centroid_lat) == (124.1, 40.1)
    assert (b.min_lon, b.max_lat) == (124.0, 40.2)
    entry = AuditEntry.objects.get(action="spatial.boundary.create")
    assert entry.actor == actors["nr_admin"].username
    actions.set_boundary(actors["authority"], city.county_a, testing.TOWN_A)
    b.refresh_from_db()
    assert b.max_lon == 124.1
    assert AuditEntry.objects.filter(action="spatial.boundary.update").count() == 1


@pytest.mark.parametrize("shape,code", [
    ("", "geometry_required"),
    ("{not json", "invalid_geojson"),
    ({"type": "Polygon"}, "invalid_geojson"),
    (POINT, "not_polygon"),
    (BOWTIE, "self_intersection"),
    (SWAPPED, "coordinate_out_of_range"),
    ({"type": "Polygon", "coordinates": [[[200, 40], [201, 40], [201, 41], [200, 40]]]}, "coordinate_out_of_range"),
    ({"type": "Polygon", "coordinates": [[[124, -95], [124.1, -95], [124.1, -94], [124, -95]]]}, "coordinate_out_of_range"),
    (OPEN_RING, "invalid_coordinates"),
    ({"type": "Polygon", "coordinates": [[["a", "b"], [1, 2]]]}, "invalid_coordinates"),
    (INFINITE, "invalid_coordinates"),
    (HOLE_CROSSING, "self_intersection"),
    ({"type": "Polygon", "coordinates": [[[124, 40], [124.1, 40], [124.2, 40], [124, 40]]]}, "self_intersection"),
    ({"type": "Polygon", "coordinates": []}, "empty_geometry"),
])
def test_bad_boundaries_write_nothing(city, actors, shape, code):
    before = _audit_count()
    with pytest.raises(ValidationFailed) as exc:
        actions.set_boundary(actors["nr_admin"], city.county_a, shape)
    assert exc.value.code == code, exc.value.message
    assert exc.value.detail["field"] == "geometry"
    assert not DivisionBoundary.objects.exists()
    assert _audit_count() == before


def test_a_town_must_lie_inside_its_county(city, actors):
    actions.set_boundary(actors["nr_admin"], city.county_a, testing.COUNTY_A)
    city.town_a.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        actions.set_boundary(actors["nr_admin"], city.town_a, OUTSIDE_A)
    assert exc.value.code == "outside_parent"
    assert DivisionBoundary.objects.count() == 1
    actions.set_boundary(actors["nr_admin"], city.town_a, testing.TOWN_A)
    assert DivisionBoundary.objects.count() == 2


def test_only_the_natural_resources_bureau_or_the_authority_may_edit(city, actors):
    for who in ("other_admin", "dept_admin"):
        with pytest.raises(Forbidden):
            actions.set_boundary(actors[who], city.county_a, testing.COUNTY_A)
        with pytest.raises(Forbidden):
            actions.create_road(actors[who], division=city.county_a, name="兴东路")
    assert not DivisionBoundary.objects.exists() and not Road.objects.exists()
    actions.create_road(actors["nr_admin"], division=city.county_a, name="兴东路")


def test_address_gets_code_and_standard_text(city, geo):
    a = geo["room"]
    assert a.full_text == "示范市元宝区广济街道兴东路12号3栋2单元502室"
    assert a.code.startswith("210602001") and len(a.code) == 18
    assert geo["plate"].full_text == "示范市元宝区广济街道兴东路12号"
    assert AuditEntry.objects.filter(action="spatial.address.create").count() == 4


@pytest.mark.parametrize("overrides,code", [
    ({"house_number": 0}, "invalid_house_number"),
    ({"house_number": "12a"}, "invalid_house_number"),
    ({"house_number": True}, "invalid_house_number"),
    ({"house_number": 100000}, "invalid_house_number"),
    ({"building": "三号楼"}, "invalid_part"),
    ({"building": "", "unit": "", "room": "502"}, "incomplete_parts"),
    ({"lon": 300}, "coordinate_out_of_range"),
    ({"lat": "北纬40"}, "invalid_coordinate"),
    ({"lat": float("nan")}, "coordinate_out_of_range"),
    ({"lon": 124.3}, "point_outside_division"),
    ({"division": "town_b"}, "road_elsewhere"),
    ({"division": "county_a"}, "address_not_town"),
])
def test_bad_addresses_write_nothing(city, actors, geo, overrides, code):
    kwargs = dict(road=geo["road_a"], division=city.town_a, house_number=20, building="1", unit="1", room="101", lon=124.05, lat=40.05)
    if "division" in overrides:
        overrides["division"] = getattr(city, overrides["division"])
    kwargs.update(overrides)
    before = (StandardAddress.objects.count(), _audit_count())
    with pytest.raises(ValidationFailed) as exc:
        actions.create_address(actors["nr_admin"], **kwargs)
    assert exc.value.code == code, exc.value.message
    assert (StandardAddress.objects.count(), _audit_count()) == before


def test_duplicate_address_conflicts(city, actors, geo):
    with pytest.raises(Conflict):
        actions.create_address(actors["nr_admin"], road=geo["road_a"], division=city.town_a, house_number="１２", lon=124.05, lat=40.1)
    assert StandardAddress.objects.count() == 4


def test_duplicate_road_conflicts_and_full_width_is_normalised(city, actors, geo):
    with pytest.raises(Conflict):
        actions.create_road(actors["nr_admin"], division=city.county_a, name=" 兴东路 ")
    road = actions.create_road(actors["nr_admin"], division=city.county_b, name="兴东路")  # same name, other county: fine
    assert road.division == city.county_b
    with pytest.raises(ValidationFailed):
        actions.create_road(actors["nr_admin"], division=city.town_a, name="新路")


def test_poi_create_and_move(city, actors, geo):
    poi = actions.create_poi(actors["nr_admin"], name="广济小学", category="school", division=city.town_a, lon=124.05, lat=40.1,
                             address=geo["plate"])
    assert poi.address == geo["plate"]
    actions.move_poi(actors["nr_admin"], poi, lon=124.06, lat=40.11)
    poi.refresh_from_db()
    assert (poi.lon, poi.lat) == (124.06, 40.11)
    with pytest.raises(ValidationFailed):
        actions.move_poi(actors["nr_admin"], poi, lon=124.35, lat=40.1)  # into the other county
    with pytest.raises(ValidationFailed) as exc:
        actions.create_poi(actors["nr_admin"], name="某处", category="casino", division=city.town_a, lon=124.05, lat=40.1)
    assert exc.value.code == "invalid_category"
    with pytest.raises(Forbidden):
        actions.create_poi(actors["other_admin"], name="某校", category="school", division=city.town_a, lon=124.05, lat=40.1)
    assert PointOfInterest.objects.count() == 1
    poi.refresh_from_db()
    assert (poi.lon, poi.lat) == (124.06, 40.11)
    assert json.loads(DivisionBoundary.objects.get(division=city.town_a).geometry)["type"] == "Polygon"
