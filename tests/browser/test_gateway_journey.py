"""The gateway seen by its auditor, on a desktop and at 390 px: a department app calls a masked resource
through the running gateway (signed), then the provider's data admin finds the call in 访问记录, checks
the chain (校验通过) and sees it counted in 调用计量."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.gateway import testing as gw
from digigov.data.gateway.server import Gateway, build_app

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_gateway_journey(browser, live_server, shot, city, width):
    admin = make_user("data_admin", department=city.bureau, username="gwadmin")
    entry = gw.make_people_entry(city.bureau, admin)
    app, secret = gw.make_app(city.other_bureau, admin, name="教育局学籍核验系统")
    gw.subscribe(app, entry, admin, fields=["xm", "sfzh", "sqmc"])
    with gw.serve(build_app(Gateway(db_threads=1))) as base:
        status, body, _ = gw.call(base, app.app_key, secret, f"/gw/v1/resources/{entry.code}/rows", {"limit": 5}, purpose="学籍核验")
        assert status == 200 and body["rows"][0]["sfzh"].count("*") == 8
        status, body, _ = gw.call(base, app.app_key, secret, f"/gw/v1/resources/{entry.code}/rows", {"fields": "sjhm"})
        assert status == 403

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, "gwadmin", PASSWORD)
    page.goto("/workbench/data/gateway/")
    table = page.locator("#access-log").inner_text()
    assert "教育局学籍核验系统" in table and "学籍核验" in table and "成功" in table and "信息项未授权" in table
    assert "field_not_approved" not in page.content()
    assert _fits(page)
    shot(page, f"gateway-log-{width}")
    page.click("text=访问记录链校验")
    page.click("#verify-chain")
    page.wait_for_selector("#verify-result")
    assert "校验通过" in page.locator("#verify-result").inner_text()
    assert _fits(page)
    page.click("text=调用计量")
    usage = page.locator("#usage").inner_text()
    assert "教育局学籍核验系统" in usage and "低保对象信息" in usage
    assert _fits(page)
    shot(page, f"gateway-usage-{width}")
    context.close()
