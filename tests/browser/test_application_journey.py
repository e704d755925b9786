"""网上申请 in a real browser, on a desktop and at 390 px: the citizen opens an item's 在线办理, starts,
finds the form pre-filled with its source shown, uploads the material, submits, and reads the timeline;
the public progress query shows the masked name."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.services.onestop.models import MaterialForm
from digigov.services.onestop.testing import item_with_process
from digigov.support.window.testing import make_person, pdf_bytes

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_application_journey(browser, live_server, city, width, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    person = make_person(city.county_a, name="陈静", phone="13800138000")
    user = make_user("citizen", username="citizen")
    user.person = person
    user.save(update_fields=["person"])
    item = item_with_process(city, user=city.system, name="网办测试事项", materials=(("申请书", MaterialForm.ORIGINAL),))
    scan = tmp_path / "申请书.pdf"
    scan.write_bytes(pdf_bytes(1))

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, "citizen", PASSWORD)
    page.goto(f"/services/apply/item/{item.code}/")
    assert _fits(page)
    page.click("#start-button")
    page.wait_for_selector("#application-form")
    assert "来源：" in page.locator("#prefill-sources").inner_text()
    assert page.input_value("#f-applicant_name") == "陈静"
    assert _fits(page)
    page.set_input_files("#materials input[type=file]", str(scan))
    page.click("#submit-application")
    page.wait_for_selector("#app-number")
    number = page.inner_text("#app-number")
    assert number.startswith("YW")
    assert "进入环节" in page.inner_text("#timeline")
    assert _fits(page)
    page.goto(f"/services/progress/?number={number}")
    assert page.inner_text("#masked-name") == "陈*"
    assert _fits(page)
    context.close()
