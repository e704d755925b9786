"""The GeoJSON API: FeatureCollection shapes, drilling, the standardiser endpoint, writes and refusals."""

import json

import pytest

from digigov.core.testing import logged_in_client
from digigov.data.spatial import testing
from digigov.data.spatial.models import DivisionBoundary, StandardAddress

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/spatial"


def _assert_collection(data, geometry_types):
    assert data["type"] == "FeatureCollection"
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] in geometry_types
        assert isinstance(f["geometry"]["coordinates"], list)
        for ring in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "Polygon" else []):
            assert ring[0] == ring[-1]


def test_boundaries_drill_from_city_to_town(city, actors, geo):
    c = logged_in_client(actors["dept_admin"])
    top = c.get(f"{BASE}/boundaries").json()
    _assert_collection(top, {"Polygon", "MultiPolygon"})
    assert [f["properties"]["name"] for f in top["features"]] == ["元宝区", "振兴区"]
    assert all(f["properties"]["has_children"] for f in top["features"])
    county = top["features"][0]
    assert county["id"] == "210602000000" and county["properties"]["level_label"] == "县（区）"
    towns = c.get(f"{BASE}/boundaries", {"parent": county["id"]}).json()
    assert [f["properties"]["name"] for f in towns["features"]] == ["广济街道"]
    one = c.get(f"{BASE}/boundaries/210602001000").json()
    assert one["properties"]["code"] == "210602001000" and one["geometry"]["type"] == "Polygon"
    assert c.get(f"{BASE}/boundaries", {"parent": "999999999999"}).status_code == 422


def test_pois_and_addresses(city, actors, geo):
    from digigov.data.spatial import actions

    actions.create_poi(actors["nr_admin"], name="广济派出所", category="police", division=city.town_a, lon=124.05, lat=40.1,
                       address=geo["plate"])
    c = logged_in_client(actors["dept_admin"])
    pois = c.get(f"{BASE}/pois", {"category": "police"}).json()
    _assert_collection(pois, {"Point"})
    assert pois["features"][0]["properties"] == {"name": "广济派出所", "category": "police", "category_label": "派出所",
                                                 "division": "广济街道", "address": "示范市元宝区广济街道兴东路12号"}
    assert c.get(f"{BASE}/pois", {"category": "bar"}).status_code == 422
    assert c.get(f"{BASE}/pois", {"division": "210603000000"}).json()["features"] == []
    page = c.get(f"{BASE}/addresses", {"q": "兴东路12号3栋"}).json()
    assert page["count"] == 2 and {a["room"] for a in page["items"]} == {"501", "502"}


def test_match_endpoint(city, actors, geo):
    c = logged_in_client(actors["dept_admin"])
    r = c.get(f"{BASE}/addresses/match", {"q": "元宝区兴东路12号3-2-502"}).json()
    assert r["matched"] is True and r["feature"]["properties"]["full_text"] == geo["room"].full_text
    assert r["feature"]["geometry"] == {"type": "Point", "coordinates": [124.051, 40.101]}
    assert r["parsed"]["building"] == "3" and r["score"] >= 70
    r = c.get(f"{BASE}/addresses/match", {"q": "解放路1号"}).json()
    assert r["matched"] is False and r["feature"] is None
    assert c.get(f"{BASE}/addresses/match", {"q": " "}).status_code == 422


def test_put_boundary_validates_and_scopes(city, actors, nr):
    body = {"geometry": testing.COUNTY_A}
    c = logged_in_client(actors["other_admin"])
    r = c.put(f"{BASE}/boundaries/210602000000", json.dumps(body), content_type="application/json")
    assert r.status_code == 403
    c = logged_in_client(actors["nr_admin"])
    bowtie = {"geometry": {"type": "Polygon", "coordinates": [[[124.0, 40.0], [124.1, 40.1], [124.1, 40.0], [124.0, 40.1], [124.0, 40.0]]]}}
    r = c.put(f"{BASE}/boundaries/210602000000", json.dumps(bowtie), content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "self_intersection" and set(r.json()) == {"code", "message", "detail"}
    assert not DivisionBoundary.objects.exists()
    r = c.put(f"{BASE}/boundaries/210602000000", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["properties"]["area_km2"] > 0


def test_post_address(city, actors, geo):
    c = logged_in_client(actors["nr_admin"])
    body = {"road": "兴东路", "county": "210602000000", "division": "210602001000", "house_number": 14, "lon": 124.05, "lat": 40.12}
    r = c.post(f"{BASE}/addresses", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["properties"]["full_text"] == "示范市元宝区广济街道兴东路14号"
    r = c.post(f"{BASE}/addresses", json.dumps({**body, "house_number": 16, "lat": 95}), content_type="application/json")
    assert r.status_code == 422
    r = c.post(f"{BASE}/addresses", json.dumps({**body, "road": "无名路"}), content_type="application/json")
    assert r.status_code == 404
    assert StandardAddress.objects.count() == 5
