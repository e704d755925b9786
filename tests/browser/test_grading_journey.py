"""分类分级 in a real browser: a department data admin proposes levels from the pre-filled rule suggestions
(desktop), the data authority confirms them from the queue on a phone (390 px), the item's level changes,
the history shows it, and the masked preview hides the ID numbers from a viewer outside the department."""

import pytest

from digigov.core.testing import PASSWORD, make_user, resident_id
from digigov.data.catalog.models import DataItem
from digigov.data.grading.testing import create_dataset, make_entry

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def grading_city(city):
    admin = make_user("data_admin", username="dataadmin", department=city.bureau)
    make_user("data_authority", username="dataauthority")
    make_user("data_admin", username="otheradmin", department=city.other_bureau)
    entry = make_entry(city.bureau, code="BDB-0001", name="最低生活保障对象信息",
                       items=[("姓名", "xm", "", 1, 1), ("公民身份号码", "sfzh", "resident_id", 1, 0), ("所属社区", "sqmc", "", 1, 0)])
    create_dataset(entry, [{"xm": "王小明", "sfzh": resident_id(seq=7), "sqmc": "兴东社区"}], user=admin)
    return entry


def _session(browser, live_server, username, width=1280):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, username, PASSWORD)
    return page


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_propose_confirm_preview(browser, live_server, shot, grading_city, width):
    entry = grading_city
    # 1. the data admin opens the entry from the grading pages; the ID number row comes ticked as 敏感个人信息
    admin = _session(browser, live_server, "dataadmin", width)
    admin.goto("/workbench/data/grading/")
    admin.click("main a.btn:has-text('提出分级建议')")
    admin.click(f"tr:has-text('{entry.name}') a:has-text('分级')")
    sfzh = DataItem.objects.get(entry=entry, field_name="sfzh")
    assert admin.is_checked(f"input[name=inc_{sfzh.pk}]")
    assert admin.input_value(f"select[name=personal_{sfzh.pk}]") == "2"
    assert "个人信息保护法第二十八条" in admin.content()
    # nothing filled in: the form answers in Chinese, nothing is submitted
    admin.click("main button:has-text('提交分级建议')")
    assert admin.locator(".errorlist").count() > 0
    admin.fill("textarea[name=reason]", "含公民身份号码，按个人信息保护法第二十八条定为敏感个人信息")
    admin.click("main button:has-text('提交分级建议')")
    admin.wait_for_load_state("networkidle")
    assert "待确认" in admin.content() and "确认本条" not in admin.content()
    assert _fits(admin)
    shot(admin, f"grading-proposed-{width}")

    # 2. the data authority confirms from the queue
    authority = _session(browser, live_server, "dataauthority", width)
    authority.goto("/workbench/data/grading/proposals/?status=pending")
    authority.click("td a:has-text('公民身份号码')")
    authority.check("input[name=decision][value=confirm]")
    authority.fill("textarea[name=note]", "同意")
    authority.once("dialog", lambda d: d.accept())
    authority.click("main button:has-text('提交')")
    authority.wait_for_load_state("networkidle")
    assert "已确认" in authority.content() and _fits(authority)
    shot(authority, f"grading-confirmed-{width}")
    assert DataItem.objects.get(pk=sfzh.pk).personal == 2
    authority.goto("/workbench/data/grading/history/")
    assert "一般数据／非个人信息 → 一般数据／敏感个人信息" in authority.content()

    # 3. outside the department the preview masks the name and the ID number
    other = _session(browser, live_server, "otheradmin", width)
    other.goto(f"/workbench/data/grading/entries/{entry.public_id}/preview/")
    html = other.content()
    assert "王*" in html and resident_id(seq=7) not in html and "兴东社区" in html
    assert _fits(other)
    shot(other, f"grading-preview-masked-{width}")
