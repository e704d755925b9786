"""An auditor reads the audit log in a real browser: filters it, opens an entry's field-by-field
detail, runs a chain verification and sees its result; on a desktop and on a 390 px phone."""

import pytest

from digigov.core.audit.actions import record
from digigov.core.context import acting_as
from digigov.core.testing import PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_auditor_filters_opens_detail_and_verifies(page, shot, city, viewport):
    make_user("auditor", username="auditor")
    with acting_as(city.system):
        record(city.system, "org.department.update", city.bureau,
               before={"name": "旧名称", "is_budget_unit": True}, after={"name": city.bureau.name, "is_budget_unit": False})
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    login(page, "auditor", PASSWORD)
    page.goto("/workbench/audit/")
    assert "尚未校验过" in page.locator("#verification").inner_text()
    assert "manage.py" not in page.content()

    page.select_option("select#action", label="修改部门信息")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("tr.audit-row")
    assert rows.count() == 1
    assert "修改部门信息" in rows.first.inner_text() and "系统作业" in rows.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # the table scrolls in .table-wrap
    shot(page, f"audit-list-{width}")

    rows.first.locator("a", has_text="详情").click()
    page.wait_for_load_state("networkidle")
    diff = page.locator("table.audit-diff").inner_text()
    assert "财政预算单位" in diff and "是" in diff and "否" in diff and "旧名称" in diff and "is_budget_unit" not in diff
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"audit-detail-{width}")

    page.goto("/workbench/audit/")
    page.click("#run-verification")
    page.wait_for_load_state("networkidle")
    assert "已开始校验审计链" in page.content()
    page.reload()
    box = page.locator("#verification").inner_text()
    assert "链完整" in box and "已校验" in box
    shot(page, f"audit-verified-{width}")
