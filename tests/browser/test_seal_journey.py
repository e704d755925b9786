"""The seal registry in a real browser, on a desktop and on a 390 px phone: a unit's administrator applies for
the unit's 公章, the city admin approves it from the queue, and the seal page shows the drawn seal."""

import pytest

from digigov.core.testing import PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_apply_approve_and_see_the_seal(browser, live_server, city, viewport):
    make_user("dept_admin", username="deptadmin", department=city.bureau)
    make_user("city_admin", username="cityadmin")

    def session(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, username, PASSWORD)
        return page

    dept = session("deptadmin")
    dept.goto("/workbench/support/seals/apply/")
    dept.select_option("select[name=seal_type]", "1")
    dept.fill("input[name=name]", city.bureau.name)
    dept.fill("textarea[name=reason]", "启用电子公章")
    dept.click("main button[type=submit]")
    dept.wait_for_url("**/applications/*/")
    assert "待审批" in dept.locator("main").inner_text()
    assert dept.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1

    boss = session("cityadmin")
    boss.goto("/workbench/support/seals/applications/")
    boss.click(f"main tr:has-text('{city.bureau.name}') a")
    boss.check("input[name=decision][value=approve]")
    boss.fill("textarea[name=opinion]", "同意")
    boss.click("main form button[type=submit] >> text=提交审批")
    boss.wait_for_selector("text=已批准并制作")
    boss.locator("main tr:has(th:text-is('制作的印章')) a").click()
    image = boss.locator("img.seal-image")
    image.wait_for()
    assert boss.evaluate("img => img.complete && img.naturalWidth > 100", image.element_handle())
    assert image.bounding_box()["width"] <= viewport["width"]
    assert "公章" in boss.locator("main").inner_text()
