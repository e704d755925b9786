"""The e-licence wallet in a real browser, on a desktop and at 390 px: the citizen opens 我的证照, shows the
亮证 QR, grants one use of a licence to the county's service hall and reads the code; the window clerk
redeems it and sees the licence; the citizen then finds the use in the 用证记录."""

import re

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.support.license.testing import make_licence, quick_type
from digigov.support.window.models import ServiceHall
from digigov.support.window.testing import make_person

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_wallet_journey(browser, live_server, shot, city, width):
    hall = ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a, counters=6)
    make_user("window_clerk", username="clerk", division=city.county_a)
    person = make_person(city.county_a, name="陈静")
    citizen = make_user("citizen", username="citizen")
    citizen.person = person
    citizen.save(update_fields=["person"])
    licence = make_licence(quick_type(city.bureau, name="食品经营许可证"), holder_code=person.id_number, holder_name="陈静")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)

    login(page, "citizen", PASSWORD)
    page.goto("/my/licences/")
    card = page.locator(f"[data-licence='{licence.public_id}']")
    assert "食品经营许可证" in card.inner_text() and licence.number not in card.inner_text()
    assert _fits(page)
    card.get_by_role("link", name="食品经营许可证").click()
    page.click("#present-btn")
    page.wait_for_selector("#present-panel svg")
    assert "只能扫一次" in page.locator("#present-panel").inner_text()

    page.select_option("#grantee_kind", "window")
    page.select_option("#hall", hall.public_id)
    page.fill("#purpose", "办理食品经营许可变更")
    page.click("#grant-btn")
    code = page.locator("#grant-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert _fits(page)
    shot(page, f"wallet-grant-{width}")

    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    staff = staff_context.new_page()  # its own cookies: the citizen stays signed in on ``page``
    staff.set_default_timeout(15000)
    login(staff, "clerk", PASSWORD)
    staff.goto("/workbench/support/licence-use/")
    staff.fill("#code", code)
    staff.click("#redeem-form button[type=submit]")
    staff.wait_for_selector("#use-ok")
    assert licence.number in staff.locator("#licence-fields").inner_text()
    staff_context.close()

    page.goto("/my/licences/uses/")
    log = page.locator("#all-uses-log").inner_text()
    assert "持证人授权" in log and "办理食品经营许可变更" in log
    assert _fits(page)
    context.close()
