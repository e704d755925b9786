"""The map page: drill links, the embedded GeoJSON, the search result; hidden from roles without spatial.view."""

import json

import pytest

from digigov.core.testing import logged_in_client, make_user

pytestmark = pytest.mark.django_db
URL = "/workbench/data/spatial/"


def _payload(html: str) -> dict:
    start = html.index('id="spatial-map-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def test_city_view_lists_counties_with_drill_links(city, actors, geo):
    r = logged_in_client(actors["dept_admin"]).get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    data = _payload(html)
    assert [f["properties"]["name"] for f in data["regions"]["features"]] == ["元宝区", "振兴区"]
    assert data["drill"]["元宝区"] == f"{URL}?division=210602000000"
    assert f'href="{URL}?division=210602000000"' in html
    assert "vendor/echarts-6.1.0/echarts.min.js" in html and "spatial/map.js" in html


def test_county_view_draws_its_towns(city, actors, geo):
    html = logged_in_client(actors["dept_admin"]).get(URL, {"division": "210602000000"}).content.decode()
    data = _payload(html)
    assert [f["properties"]["name"] for f in data["regions"]["features"]] == ["广济街道"]
    assert "示范市</a> › <strong>元宝区</strong>" in html


def test_search_highlights_the_match(city, actors, geo):
    html = logged_in_client(actors["dept_admin"]).get(URL, {"q": "兴东路12号3-2-502"}).content.decode()
    assert "示范市元宝区广济街道兴东路12号3栋2单元502室" in html
    data = _payload(html)
    assert data["match"] == {"name": "示范市元宝区广济街道兴东路12号3栋2单元502室", "value": [124.051, 40.101]}
    assert [f["properties"]["name"] for f in data["regions"]["features"]] == ["广济街道"]  # drawn at the match's county
    html = logged_in_client(actors["dept_admin"]).get(URL, {"q": "解放路1号"}).content.decode()
    assert "未找到匹配的标准地址" in html


def test_unknown_division_is_404_and_citizens_are_refused(city, actors, geo):
    assert logged_in_client(actors["dept_admin"]).get(URL, {"division": "000"}).status_code == 404
    r = logged_in_client(make_user("citizen")).get(URL)
    assert r.status_code == 403


def test_empty_registry_page(city, actors):
    html = logged_in_client(actors["dept_admin"]).get(URL).content.decode()
    assert "尚未登记行政区划边界" in html
