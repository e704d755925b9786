"""验章 in a real browser, on a desktop and at 390 px (no login): a signed PDF uploaded on /verify/ shows 验证通过
and 是 for every check; the same PDF with one byte changed shows 验证未通过 with 文件完整性 否; the QR target
of the signing shows the record's checks. The page never scrolls sideways on a phone."""

import pytest

from digigov.core.rbac.system import system_account
from digigov.support.seal import documents, verify
from digigov.support.seal.testing import make_seal
from digigov.support.seal.tests import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_verify_journey(browser, live_server, shot, city, tmp_path, width):
    system = system_account()
    seal = make_seal(city.bureau)
    signed, record = documents.sign_pdf(system, seal, samples.make_pdf(), document_name="通知.pdf", reason="公开发文")
    good = tmp_path / "通知.pdf"
    good.write_bytes(signed)
    tampered = bytearray(signed)
    tampered[300] ^= 1
    bad = tmp_path / "通知-改.pdf"
    bad.write_bytes(bytes(tampered))

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto("/verify/")
        page.set_input_files("input[name=file]", str(good))
        page.click("button:has-text('开始验证')")
        page.wait_for_selector(".verify-result")
        assert page.locator(".verify-result h2").inner_text().strip() == "验证通过"
        checks = page.locator(".verify-checks li")
        assert checks.count() == len(verify.LABELS)
        for i in range(checks.count()):
            assert checks.nth(i).locator("strong.badge").inner_text().strip() == "是"
        assert seal.name in page.content() and "公开发文" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"verify-ok-{width}")

        page.goto("/verify/")
        page.set_input_files("input[name=file]", str(bad))
        page.click("button:has-text('开始验证')")
        page.wait_for_selector(".verify-result")
        assert page.locator(".verify-result h2").inner_text().strip() == "验证未通过"
        integrity = page.locator("li[data-check='文件完整性']")
        assert integrity.locator("strong.badge").inner_text().strip() == "否"
        assert "修改" in integrity.inner_text()
        assert page.locator("li[data-ok='0']").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"verify-tampered-{width}")

        page.goto(f"/verify/s/{record.token}/")
        assert page.locator(".verify-result h2").inner_text().strip() == "验证通过"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
