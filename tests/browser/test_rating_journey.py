"""好差评 in a real browser, on a desktop and at 390 px: the citizen opens the rating page of their finished
application, taps 不满意 (the good reasons give way to the poor ones), ticks a reason and submits; the
department administrator finds the ticket in the rectification queue and replies; the citizen then reads the
department's answer in 我的评价."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.services.onestop.models import ApplicationStatus, Rating, RectificationStatus
from digigov.services.onestop.testing import item_with_process
from digigov.services.onestop.tests.ratings_fixtures import make_application

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_rating_journey(browser, live_server, shot, city, width):
    admin = make_user("city_admin", username="cityadmin")
    make_user("dept_admin", username="deptadmin", department=city.bureau)
    citizen = make_user("citizen", username="citizen")
    item = item_with_process(city, user=admin, name="个体工商户设立登记")
    app = make_application(item, citizen, status=ApplicationStatus.DONE)

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "citizen", PASSWORD)
    page.goto(f"/services/rate/{app.public_id}/")
    assert page.locator(".rate-levels label").count() == 5
    assert page.locator(".poor-reasons").is_visible() and page.locator(".good-reasons").is_visible()
    page.click("label[data-level='2']")
    assert page.locator(".poor-reasons").is_visible() and not page.locator(".good-reasons").is_visible()
    assert _fits(page)
    page.click("#rate-submit")  # no reason ticked: refused, nothing written
    page.wait_for_selector("#rate-error")
    assert "至少选择一项原因" in page.locator("#rate-error").inner_text() and not Rating.objects.exists()
    page.click("label[data-level='2']")
    page.check("input[name=reasons][value=P04]")
    page.fill("#comment", "等了很久")
    shot(page, f"rating-rate-{width}")
    page.click("#rate-submit")
    page.wait_for_selector("#my-ratings")
    assert "待整改" in page.locator("#my-ratings").inner_text()
    rect = Rating.objects.get().rectification

    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(15000)
    login(staff, "deptadmin", PASSWORD)
    staff.goto("/workbench/services/ratings/rectifications/")
    row = staff.locator(f"[data-rect='{rect.public_id}']")
    assert "超过承诺时限未办结" in row.inner_text()
    row.get_by_role("link", name="办理").click()
    staff.fill("#reply", "已压缩审批环节，向申请人致歉")
    staff.click("#reply-form button[type=submit]")
    staff.wait_for_selector("#rect-reply")
    assert "已整改待回访" in staff.locator("#rect-status").inner_text()
    assert _fits(staff)
    shot(staff, f"rating-reply-{width}")
    staff_context.close()
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.REPLIED

    page.goto("/my/ratings/")
    assert "已压缩审批环节" in page.locator("#my-ratings").inner_text()
    assert _fits(page)
    context.close()
