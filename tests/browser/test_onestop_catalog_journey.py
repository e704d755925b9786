"""The portal's first screen → a life-event topic → an item's 办事指南 → the printable guide, on a desktop
and on a phone; axe-core finds no serious or critical violation on the first screen, a topic page and a guide
page at 1280 px and 390 px (also in the large-text 适老化 mode)."""

import pytest

from digigov.core.testing import make_user
from digigov.services.onestop.testing import item_with_process, make_bundle, make_item, make_topic

from .axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog(city, monkeypatch):
    from digigov.services.onestop import views_catalog

    monkeypatch.setattr(views_catalog, "mounted", lambda path: True)  # as with the application slice's pages merged
    birth = make_topic("birth", "出生", keywords="生孩子")
    make_topic("start", "开办", kind="stage")
    online = item_with_process(city, user=make_user("city_admin"), name="出生医学证明补发", topics=[birth], popularity=500,
                               materials=[{"name": "父母双方居民身份证", "form": "original", "shared_source": "household"},
                                          {"name": "出生医学证明遗失情况说明", "form": "original"}],
                               fees=[{"name": "证书工本费", "amount_cents": 1000, "basis": "财税〔2016〕79号"}])
    other = make_item(city.other_bureau, name="生育登记服务", topics=[birth], citywide=True, popularity=300)
    make_bundle(city.bureau, [online, other], name="新生儿出生一件事", topic=birth)
    return online


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    from .test_crawler import banned_pattern  # the crawler's rule: no raw codes or English on a page

    found = banned_pattern().search(page.locator("body").inner_text())
    assert found is None, f"{page.url}: {found.group(0)}"


@pytest.mark.parametrize("width", [1280, 390])
def test_first_screen_topic_guide_print(page, shot, catalog, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    assert "一网通办" in page.locator("h1").inner_text()
    assert page.locator("#onestop-q").is_visible()
    assert page.locator("text=办件进度查询").is_visible()
    _no_sideways_scroll(page)
    assert_accessible(page, f"首页 {width}px")
    shot(page, f"onestop-home-{width}")

    page.click("a[href='/services/topics/birth/']")
    page.wait_for_url("**/services/topics/birth/")
    assert page.locator("h1").inner_text() == "出生"
    assert page.locator("text=新生儿出生一件事").is_visible()
    _no_sideways_scroll(page)
    assert_accessible(page, f"主题页 {width}px")

    page.click("a.name:has-text('出生医学证明补发')")
    page.wait_for_url(f"**/services/items/{catalog.code}/")
    assert page.locator("h1").inner_text() == "出生医学证明补发"
    assert page.locator("a.apply-btn").get_attribute("href") == f"/services/apply/item/{catalog.code}/"
    assert "免提交" in page.locator("table.guide-table").nth(1).inner_text()
    _no_sideways_scroll(page)
    assert_accessible(page, f"办事指南 {width}px")
    shot(page, f"onestop-guide-{width}")

    page.click("text=打印办事指南")
    page.wait_for_url(f"**/services/items/{catalog.code}/print/")
    page.emulate_media(media="print")
    assert not page.locator("text=返回办事指南").is_visible()  # screen-only hints are not printed
    assert page.locator("h1").inner_text() == "出生医学证明补发 办事指南"
    page.emulate_media(media="screen")


def test_large_text_mode_is_accessible_and_bigger(page, catalog):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/")
    before = page.evaluate("parseFloat(getComputedStyle(document.getElementById('portal')).fontSize)")
    page.click("button:has-text('长辈版')")
    page.wait_for_load_state("networkidle")
    after = page.evaluate("parseFloat(getComputedStyle(document.getElementById('portal')).fontSize)")
    assert after > before * 1.2
    _no_sideways_scroll(page)
    assert_accessible(page, "首页（长辈版）")
    page.goto(f"/services/items/{catalog.code}/")
    assert page.locator("#portal.large-text").count() == 1  # the mode follows the visitor (a cookie)
    assert_accessible(page, "办事指南（长辈版）")
    page.click("button:has-text('标准版')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#portal.large-text").count() == 0


def test_browse_bundles_and_about_on_a_phone(page, catalog):
    from digigov.services.onestop.models import Bundle

    page.set_viewport_size({"width": 390, "height": 844})
    bundle = Bundle.objects.get()
    for url in ("/services/", "/services/?audience=person", "/services/?citywide=1", "/services/bundles/", f"/services/bundles/{bundle.code}/",
                "/about/"):
        page.goto(url)
        assert page.locator("#onestop-q").count() == 1, url  # the one search box on every portal page
        _no_sideways_scroll(page)
        assert_accessible(page, url)
    page.goto("/services/?citywide=1")
    assert page.locator("a.name:has-text('生育登记服务')").is_visible()
    assert page.locator("a.name:has-text('出生医学证明补发')").count() == 0
