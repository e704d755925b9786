"""流程管理 in a real browser, on a desktop and on a 390 px phone: a department admin imports a .bpmn
file (with diagram interchange), opens it in the bpmn-js modeller (the diagram is drawn), publishes it;
a case started on it shows its process with the current task marked in the case diagram."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.support.workflow.models import ProcessVersion, VersionStatus
from digigov.support.workflow.processes import HERE
from digigov.support.workflow.testing import start_case

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hrss(city):
    from digigov.core.org import actions as org_actions
    from digigov.core.org.models import DepartmentKind

    dept = org_actions.create_department(city.system, code="CITY-HRSS", name="示范市人力资源和社会保障局", short_name="人社局",
                                         kind=DepartmentKind.COMMITTEE, division=city.city, parent=city.gov)
    make_user("dept_admin", department=dept, username="wfadmin")
    return dept


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_import_model_publish_and_case_diagram(browser, live_server, shot, city, hrss, width):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "wfadmin", PASSWORD)

    # 1. import the pension process file
    page.goto("/workbench/support/workflow/")
    page.set_input_files("#id_file", str(HERE / "resident_pension_enrolment.bpmn"))
    page.select_option("#id_department", label=hrss.name)
    page.get_by_role("button", name="导入为草稿").click()
    page.wait_for_url("**/workflow/processes/**")
    assert "第 1 版" in page.locator("#version-table").inner_text() and "草稿" in page.locator("#version-table").inner_text()
    assert _fits(page)
    shot(page, f"workflow-process-{width}")

    # 2. the modeller draws it
    page.locator("#version-table a", has_text="流程图").first.click()
    page.wait_for_selector("#bpmn-modeller[data-ready='1']")
    assert page.locator("#bpmn-modeller .djs-element[data-element-id='review']").count() == 1
    shot(page, f"workflow-modeller-{width}")

    # 3. publish it
    page.goto(page.url.split("/versions/")[0] + "/")
    version = ProcessVersion.objects.get(process__key="resident_pension_enrolment")
    page.goto(f"/workbench/support/workflow/processes/{version.process.public_id}/")
    page.once("dialog", lambda d: d.accept())
    page.locator("#version-table button", has_text="发布").click()
    page.wait_for_selector("text=已发布")
    version.refresh_from_db()
    assert version.status == VersionStatus.ACTIVE

    # 4. a case's diagram marks where it stands (the lookup fails without an applicant: the failed task is marked)
    case = start_case(version, actor=city.system, department=hrss)
    page.goto(f"/workbench/support/workflow/cases/{case.public_id}/diagram/")
    page.wait_for_selector("#bpmn-viewer[data-ready='1']")
    marked = page.locator("#bpmn-viewer .djs-element.wf-current, #bpmn-viewer .djs-element.wf-failed")
    assert marked.count() >= 1
    assert "人口基础库核验" in page.locator("#case-position").inner_text()
    assert _fits(page)
    shot(page, f"workflow-case-diagram-{width}")
    assert errors == []
    context.close()
