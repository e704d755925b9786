"""Paying in a real browser, on a desktop and at 390 px: the citizen opens the order, pays at the sandbox
cashier, comes back to 已缴费 with the e-bill, downloads it from 我的缴费 and checks it on the public
票据查验 page (the seal verifies, the payer's name is masked)."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.support.payment.models import OrderStatus, PaymentOrder
from digigov.support.payment.testing import make_order
from digigov.support.seal.testing import make_seal

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_payment_journey(browser, live_server, shot, city, width):
    make_seal(city.bureau)
    citizen = make_user("citizen", username="citizen")
    order = make_order(city.bureau, payer=citizen, amount_cents=2000, subject="居民身份证工本费")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, "citizen", PASSWORD)
    page.goto(f"/pay/orders/{order.public_id}/")
    assert "¥20.00" in page.locator("#order").inner_text() and "待缴费" in page.locator("#order-status").inner_text()
    assert _fits(page)
    shot(page, f"payment-order-{width}")
    page.click("#pay-button")
    page.wait_for_selector("#cashier-pay")
    assert "¥20.00" in page.locator("#cashier").inner_text()
    assert _fits(page)
    page.click("#cashier-pay")
    page.wait_for_url(f"**/pay/orders/{order.public_id}/")
    assert page.locator("#order-status").inner_text() == "已缴费"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and PaymentOrder.objects.count() == 1
    page.wait_for_selector("#bill-number")
    number, check = page.locator("#bill-number").inner_text(), page.locator("#bill-check").inner_text()
    assert _fits(page)
    shot(page, f"payment-paid-{width}")

    page.goto("/my/payments/")
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载电子票据").first.click()
    assert dl.value.suggested_filename.endswith(".pdf")
    assert _fits(page)

    page.goto("/bills/verify/")
    page.fill("#number", number)
    page.fill("#check_code", check)
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#bill-facts")
    facts = page.locator("#bill-facts").inner_text()
    assert "票据真实有效" in facts and "20.00" in facts
    assert page.locator("[data-verify-valid='1']").count() == 1
    assert _fits(page)
    shot(page, f"payment-verify-{width}")
    context.close()
