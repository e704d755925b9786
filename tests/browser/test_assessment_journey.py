"""The security officer opens the 密评 self-check from the workbench navigation, reads each control's
live evidence, and sees the log-integrity control change once the audit chain has been verified; on a
desktop and on a 390 px phone."""

import pytest

from digigov.core.audit.actions import start_verification
from digigov.core.context import acting_as
from digigov.core.testing import PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_officer_reads_the_self_check(page, shot, city, viewport, settings, tmp_path):
    officer = make_user("security_officer", username="officer")
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    login(page, "officer", PASSWORD)
    page.goto("/workbench/")
    if width < 600:
        page.click(".nav-toggle-label")
    page.click("aside.side >> text=密码应用安全性评估")
    page.wait_for_load_state("networkidle")
    table = page.locator("#assessment")
    log_row = table.locator("[data-control='device.log_integrity']")
    assert "不符合" in log_row.inner_text() and "尚未做过完整性校验" in log_row.inner_text()
    text = table.inner_text()
    for words in ("通信数据机密性与完整性", "身份鉴别（管理员登录）", "密钥生成、存储与轮换"):
        assert words in text
    main = page.locator("main").inner_text()
    assert not any(code in main for code in ("not_met", "partial", "mgmt.keys", "None"))  # Chinese words only
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"assessment-{width}")

    with acting_as(officer):
        start_verification(officer)  # runs inline under tests (Huey immediate)
    page.reload()
    row = page.locator("#assessment [data-control='device.log_integrity']").inner_text()
    assert "通过" in row and "不符合" not in row
