"""The portal search in a real browser, on a desktop and at 390 px (no login): typing pinyin in the box shows
suggestions under it (htmx) and one opens the item's guide address; a colloquial question with a typo lists
the right item with the reason (纠错, 同义词); 没找到？ hints for nonsense; nothing scrolls sideways."""

import pytest

from digigov.services.onestop import search
from digigov.services.onestop.testing_search import make_search_catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_search_journey(browser, live_server, shot, city, width):
    make_search_catalog(city.gov)
    search.index_all()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto("/services/search/")
        box = page.locator("#onestop-q")
        box.press_sequentially("sbk", delay=60)
        page.wait_for_selector("#onestop-suggest li a")
        first = page.locator("#onestop-suggest li a").first
        assert "社会保障卡" in first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"search-suggest-{width}")

        box.fill("社宝卡丢了怎么办")
        box.press("Enter")
        page.wait_for_selector(".search-results li")
        results = page.locator(".search-results li .result-name")
        top5 = [results.nth(i).inner_text() for i in range(min(5, results.count()))]
        assert "社会保障卡挂失与补换" in top5
        assert "纠错：社宝卡→社保卡" in page.locator(".understood").inner_text()
        assert "同义词：社保卡→社会保障卡" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"search-results-{width}")

        page.select_option("select[name=audience]", "enterprise")
        page.click("button:has-text('筛选')")
        page.wait_for_load_state("networkidle")
        assert "audience=enterprise" in page.url

        page.goto("/services/search/?q=火星移民")
        assert "没找到？" in page.content() and "12345" in page.content()
    finally:
        context.close()
