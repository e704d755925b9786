"""基础数据库 in a real browser, on a desktop and on a 390 px phone: the data authority searches a person
by ID number, opens the record (masked, with its sources and the conflicting address), states a purpose
to see it in clear, and sees the sources and the conflict in clear; the governance page draws its charts."""

import json

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.registries import testing as rt

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reg_city(city):
    reg = rt.sample(city)
    rt.make_task(reg.person, attribute="address")
    rt.make_task(reg.other, kind="pair", days_ago=9)
    make_user("data_authority", username="dataauthority")
    return reg


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_search_reveal_and_governance(browser, live_server, shot, reg_city, width):
    reg = reg_city
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "dataauthority", PASSWORD)

    # 1. search by ID number: one masked row
    page.goto("/workbench/data/registries/")
    page.fill("input[name=q]", reg.person.id_number)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    results = page.locator("#person-results tbody tr")
    assert results.count() == 1
    row = results.first.inner_text()
    assert "李**" in row and reg.person.id_number not in row
    assert _fits(page)
    shot(page, f"registries-search-{width}")

    # 2. the record: masked values, sources, the conflicting address from 民政局
    results.first.locator("a").click()
    page.wait_for_load_state("networkidle")
    address = page.locator('#attributes td[data-attr="address"]').inner_text()
    assert address == "辽宁省示范市元宝区****"
    attributes = page.locator("#attributes").inner_text()
    assert "公安局" in attributes and "民政局" in attributes and rt.OTHER_ADDRESS not in attributes
    assert "民政局人口数据" in page.locator("#history").inner_text()

    # 3. reveal: a missing purpose is refused in Chinese, then a stated one shows clear values
    page.click("#reveal button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errorlist").count() > 0
    assert rt.ADDRESS not in page.content()
    page.select_option("select[name=purpose]", "verification")
    page.fill("input[name=purpose_note]", "核对户籍地址")
    page.click("#reveal button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator('#attributes td[data-attr="address"]').inner_text() == rt.ADDRESS
    assert rt.OTHER_ADDRESS in page.locator("#attributes").inner_text()  # the conflict, in clear
    assert "本次查看已记入审计日志" in page.content() and page.locator("#reveal").count() == 0
    assert _fits(page)
    shot(page, f"registries-person-clear-{width}")

    # 4. the governance page draws every chart
    page.goto("/workbench/data/registries/governance/")
    ids = page.locator("[data-chart]").evaluate_all("els => els.map(e => e.getAttribute('data-chart'))")
    assert {"chart-conflicts", "chart-backlog"} <= set(ids)
    for chart_id in ids:
        page.wait_for_selector(f'[data-chart="{chart_id}"][data-rendered="1"] canvas')
    backlog = json.loads(page.locator("script#chart-backlog").text_content())
    assert sum(sum(s["data"]) for s in backlog["series"]) == 2
    assert _fits(page)
    shot(page, f"registries-governance-{width}")
    context.close()
