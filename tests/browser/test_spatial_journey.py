"""空间地理基础库 in a real browser, on a desktop and on a 390 px phone: a department admin opens the map,
the city's counties are drawn by ECharts from the registered GeoJSON, a click on a county drills down to
its towns, and an address written as 3-2-502 without 省/市 is found and highlighted."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.spatial import testing

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def geo_city(city):
    nr = testing.steward(city)
    authority = make_user("data_authority")
    testing.geography(city, authority)
    make_user("dept_admin", department=nr, username="mapreader")
    return city


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _drawn(page) -> int:
    """How many regions the rendered ECharts geo component draws (0 until the chart has rendered)."""
    return page.evaluate("""() => {
        const el = document.getElementById('spatial-map');
        const chart = el && window.echarts && echarts.getInstanceByDom(el);
        if (!chart || el.dataset.rendered !== '1') return 0;
        const geo = (chart.getOption().geo || [])[0];
        const map = geo && echarts.getMap(geo.map);
        return map ? map.geoJSON.features.length : 0;
    }""")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_map_drill_and_address_search(browser, live_server, shot, geo_city, width):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "mapreader", PASSWORD)

    # 1. the city: two counties drawn on the map and listed with drill links
    page.goto("/workbench/data/spatial/")
    page.wait_for_function("() => document.getElementById('spatial-map').dataset.rendered === '1'")
    assert page.locator("#spatial-map canvas").count() >= 1
    assert _drawn(page) == 2
    assert "元宝区" in page.locator("#region-table").inner_text()
    assert _fits(page)
    shot(page, f"spatial-city-{width}")

    # 2. drill into 元宝区 (the table link: the same URL the map's click follows)
    page.locator("#region-table a", has_text="元宝区").click()
    page.wait_for_url("**division=210602000000")
    assert "元宝区" in page.locator("#map-crumbs").inner_text()
    page.wait_for_function("() => document.getElementById('spatial-map').dataset.rendered === '1'")
    assert _drawn(page) == 1
    assert "广济街道" in page.locator("#region-table").inner_text()

    # 3. an address without 省/市, in 3-2-502 form, is standardised and shown
    page.fill("#q", "兴东路12号3-2-502")
    page.click("#address-search button[type=submit]")
    page.wait_for_load_state("networkidle")
    result = page.locator("#match-result").inner_text()
    assert "示范市元宝区广济街道兴东路12号3栋2单元502室" in result and "匹配度" in result
    assert _fits(page)
    shot(page, f"spatial-match-{width}")
    context.close()
    assert errors == [], errors
