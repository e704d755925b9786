"""Forms in a real browser, on a desktop and on a 390 px phone: the designer loads the vendored form-js editor,
the designer's preview is rendered by the server, conditional fields and repeating groups work in the page,
and a trial submission with a mistake shows the field's error in Chinese."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.support.forms.testing import published_form

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def forms_city(city):
    designer = make_user("dept_admin", username="deptadmin", department=city.bureau)
    published_form(designer, department=city.bureau)
    return city


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_design_preview_and_trial(browser, live_server, forms_city, viewport):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "deptadmin", PASSWORD)

    # the designer: form-js draws its editor (palette and canvas) from the locally served bundle
    page.goto("/workbench/support/forms/sample-form/design/")
    page.wait_for_selector("#form-designer[data-loaded='1'] .fjs-form-editor")
    assert page.locator("#form-designer .fjs-editor-container, #form-designer .fjs-form-container").count() > 0
    assert page.locator("#form-designer").get_by_text("单行文本").count() > 0  # the palette speaks Chinese

    # preview: the editor's document rendered by the server renderer
    page.click("#designer-preview")
    pane = page.locator("#designer-preview-pane")
    pane.locator("legend", has_text="申请人").wait_for()
    agent = pane.locator(".dg-field[data-path='agent_name']")
    assert agent.is_hidden()
    pane.get_by_label("代理", exact=True).check()
    agent.wait_for(state="visible")  # the condition, evaluated in the page from the server's parse tree

    # trial submission on the version's page: a mistake answers in Chinese at the field
    page.goto("/workbench/support/forms/sample-form/v/1/")
    page.fill("input[name='f-applicant_name']", "张三")
    page.fill("input[name='f-applicant_id_number']", "210602199001010011")
    page.get_by_label("代理", exact=True).check()
    page.locator(".dg-field[data-path='agent_name']").wait_for(state="visible")
    page.locator(".dg-repeat [data-repeat-add]").click()
    assert page.locator(".dg-repeat-item").count() == 2
    assert page.locator("input[name='f-members.1.name']").count() == 1
    page.locator(".dg-repeat-item").nth(0).locator("[data-repeat-remove]").click()
    assert page.locator("input[name='f-members.0.name']").count() == 1
    page.fill("input[name='f-members.0.name']", "李四")
    page.click("main button[type=submit]:has-text('试填校验')")
    page.wait_for_load_state("domcontentloaded")
    id_error = page.locator("#f-applicant_id_number-err")
    assert "校验码" in id_error.inner_text() or "身份" in id_error.inner_text()
    assert page.locator("#f-agent_name-err").inner_text() == "必填"
    assert page.locator("input[name='f-applicant_id_number']").get_attribute("aria-invalid") == "true"
    assert page.locator("input[name='f-members.0.name']").input_value() == "李四"
    width = page.evaluate(PHONE_WIDTH)
    assert width[0] <= width[1], f"page wider than the screen: {width}"
    assert not errors, errors
    context.close()
