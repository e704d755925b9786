"""平台级联 in a real browser, on a desktop and on a 390 px phone. The 营商局 data admin registers a peer
platform (here the city's own gateway on loopback, so the journey needs one instance), copies the
credential shown once, records it as the one the peer issued us, offers one of the bureau's entries,
synchronises the peer's catalog and finds the mirrored entry; every page fits the phone."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.federation.models import FederationPeer, MirroredEntry
from digigov.data.gateway import testing as gw
from digigov.data.gateway.server import Gateway, build_app

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_federation_journey(browser, live_server, shot, city, width):
    admin = make_user("data_admin", department=city.bureau, username="fedadmin")
    entry = gw.make_people_entry(city.bureau, admin, rows=5)
    with gw.serve(build_app(Gateway(db_threads=1, refresh_every=0.1))) as base:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, "fedadmin", PASSWORD)
        page.goto("/workbench/data/federation/")
        assert "尚未登记级联平台" in page.locator("#peers").inner_text()
        assert _fits(page)
        page.click("main a:has-text('登记级联平台')")
        page.fill("input[name=code]", "LOOP")
        page.fill("input[name=name]", "回环测试平台")
        page.select_option("select[name=level]", "province")
        page.fill("input[name=gateway_url]", base + "/")
        page.select_option("select[name=department]", label=city.bureau.name)
        assert _fits(page)
        page.click("main button[type=submit]:has-text('登记')")
        secret = page.locator("[data-testid=secret]").inner_text()
        key = page.locator("main dd code").first.inner_text()
        assert len(secret) > 30 and key
        assert _fits(page)
        page.click("main a:has-text('我已保存')")
        assert "未登记" in page.locator("#credential").inner_text()
        assert page.locator("#sync-now").count() == 0  # no credential yet: no sync button

        page.click("main a:has-text('修改')")
        page.fill("input[name=remote_app_key]", key)
        page.fill("input[name=remote_secret]", secret)
        page.click("main button[type=submit]:has-text('保存')")
        assert "已登记" in page.locator("#credential").inner_text()

        page.click("#offer-entry")
        assert _fits(page)
        page.click(f"#entries a:has-text('{entry.name}')")
        page.uncheck("input[name=fields][value=sjhm]")
        page.check("input[name=clear_fields][value=xm]")
        assert _fits(page)
        page.click("main button[type=submit]:has-text('提供')")
        assert entry.name in page.locator("#offers").inner_text()

        page.click("#sync-now")
        page.wait_for_selector("#mirrors a")
        body = page.locator("main").inner_text()
        assert "目录同步完成：对方提供 1 条，新增 1 条" in body
        assert entry.name in page.locator("#mirrors").inner_text() and "同步成功" in page.locator("#sync-runs").inner_text()
        assert "ok" not in page.locator("#sync-runs").inner_text().split()
        assert _fits(page)
        shot(page, f"federation-peer-{width}")
        mirror = MirroredEntry.objects.get(peer=FederationPeer.objects.get(code="LOOP"))
        assert [i.field_name for i in mirror.entry.items.order_by("seq")] == ["xm", "sfzh", "nl", "sqmc", "hdje"]
        context.close()
