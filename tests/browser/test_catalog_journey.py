"""The catalog journey in a real browser, on a desktop and on a 390 px phone: the data admin catalogues
an entry with its data items and submits it, the department admin approves, the data authority
publishes, and the entry shows version 1 with its readable history."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.catalog.models import CatalogEntry, Category, CategoryKind, EntryStatus

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog_city(city):
    Category.objects.create(code="T-SCJG", name="市场监管", kind=CategoryKind.THEME)
    make_user("data_admin", username="dataadmin", department=city.bureau)
    make_user("dept_admin", username="deptadmin", department=city.bureau)
    make_user("data_authority", username="dataauthority")
    return city


@pytest.mark.parametrize("width", [1280, 390])
def test_catalogue_review_publish(browser, live_server, shot, catalog_city, width):
    def session(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, username, PASSWORD)
        return page

    # 1. the data admin catalogues an entry with two data items and submits it
    admin = session("dataadmin")
    admin.goto("/workbench/data/catalog/entries/new/")
    admin.fill("input[name=code]", "CITY-BDB-QY-001")
    admin.fill("input[name=name]", "企业登记基本信息")
    admin.fill("textarea[name=abstract]", "全市企业登记的基本信息")
    admin.select_option("select[name=category]", label="市场监管")
    admin.select_option("select[name=sharing_type]", "conditional")
    admin.fill("input[name=items-0-name]", "统一社会信用代码")
    admin.fill("input[name=items-0-field_name]", "uscc")
    admin.fill("input[name=items-0-length]", "18")
    admin.click("button[name=add_row]")
    admin.wait_for_selector("input[name=items-1-name]")
    admin.fill("input[name=items-1-name]", "企业名称")
    admin.fill("input[name=items-1-field_name]", "qymc")
    # bad input first: 有条件共享 without a condition is refused in Chinese, nothing saved
    admin.click("button:has-text('保存草稿')")
    admin.wait_for_load_state("networkidle")
    assert "有条件共享的资源须填写共享条件" in admin.content()
    assert not CatalogEntry.objects.exists()
    admin.fill("input[name=sharing_condition]", "用于政务服务办理")
    admin.click("button:has-text('保存草稿')")
    admin.wait_for_url("**/catalog/entries/*/")
    assert "企业名称" in admin.content() and "草稿" in admin.content()
    entry_url = admin.url
    assert admin.locator("text=提交审核结果").count() == 0  # not his to review
    admin.click("button:has-text('提交审核')")
    admin.wait_for_load_state("networkidle")
    assert "部门审核中" in admin.content()
    shot(admin, f"catalog-submitted-{width}")

    # 2. the department admin approves from his queue
    dept = session("deptadmin")
    dept.goto("/workbench/data/catalog/review/")
    dept.click("text=企业登记基本信息")
    dept.check("input[name=decision][value=approve]")
    dept.fill("textarea[name=opinion]", "同意")
    dept.click("button:has-text('提交审核结果')")
    dept.wait_for_load_state("networkidle")
    assert "数据主管部门审核中" in dept.content()

    # 3. the data authority publishes
    auth = session("dataauthority")
    auth.goto(entry_url)
    auth.check("input[name=decision][value=approve]")
    auth.click("button:has-text('提交审核结果')")
    auth.wait_for_load_state("networkidle")
    body = auth.content()
    assert "第 1 版" in body and "已发布" in body
    assert "发布第 1 版" in body and "部门审核通过" in body and "新建目录条目，含 2 个信息项" in body
    assert "conditional" not in auth.locator("main").inner_text()
    # nothing overflows the phone's width
    overflow = auth.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow
    shot(auth, f"catalog-published-{width}")
    e = CatalogEntry.objects.get()
    assert e.status == EntryStatus.PUBLISHED and e.version == 1
