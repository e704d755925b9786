import pytest

from digigov.core.testing import PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_logs_in_and_sees_portal(page, shot, city):
    make_user("citizen", username="zhangsan")
    page.goto("/about/")
    assert page.locator("h1").inner_text() == "数字政府服务平台"
    assert page.locator("text=未接入").count() > 0  # systems not built yet are shown as not available
    page.goto("/")
    assert "一网通办" in page.locator("h1").inner_text()
    login(page, "zhangsan", PASSWORD)
    assert page.url.endswith("/")
    assert "您好" in page.locator(".portal-hero").inner_text()
    assert page.locator("text=工作台").count() == 0  # a citizen has no workbench
    shot(page, "citizen-portal")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    shot(page, "citizen-portal-mobile")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_wrong_password_shows_chinese_error(page, city):
    make_user("citizen", username="lisi")
    login(page, "lisi", "wrong-password-123")
    assert "用户名或密码错误" in page.content()


def test_workbench_on_a_phone_folds_the_navigation(page, shot, city):
    make_user("leader", username="leader1")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "leader1", PASSWORD)
    page.goto("/workbench/")
    nav = page.locator("aside.side")
    assert not nav.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # tables scroll inside their card
    page.click("label.nav-toggle-label")
    assert nav.is_visible() and nav.locator("text=政务云").is_visible()
    shot(page, "workbench-mobile-nav")
