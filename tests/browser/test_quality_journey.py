"""Data quality in a real browser, on a desktop and on a 390 px phone: the data authority sees a low
score and runs the check, a rectification task goes to the providing department, its data admin
finds it among the to-dos and submits the fix, and the authority's re-run closes it."""

import pytest
from django.db import connection

from digigov.core.testing import PASSWORD, make_user
from digigov.data.catalog.models import CodeList, CodeListValue
from digigov.data.catalog.tables import target_table_name
from digigov.data.quality.testing import make_entry, make_table

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quality_city(city):
    authority = make_user("data_authority", username="dataauthority")
    make_user("data_admin", username="dataadmin", department=city.bureau)
    gender = CodeList.objects.create(code="GB/T 2261.1", name="性别代码")
    for v, label in (("1", "男"), ("2", "女")):
        CodeListValue.objects.create(code_list=gender, value=v, label=label)
    entry = make_entry(city.bureau, [
        {"name": "市场主体名称", "field_name": "ztmc", "required": True, "is_key": True},
        {"name": "法定代表人性别", "field_name": "xb", "code_list": gender},
    ], name="市场主体登记信息")
    make_table(entry, [{"ztmc": f"示范企业{i}", "xb": "1" if i % 10 == 0 else "7"} for i in range(20)], user=authority)
    return entry


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_low_score_task_fix_and_verified_closure(browser, live_server, shot, quality_city, viewport):
    entry = quality_city
    width, height = viewport

    def session(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": height})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        login(pg, username, PASSWORD)
        return pg

    # 1. the data authority runs the check: most rows have a gender outside the code list
    auth = session("dataauthority")
    auth.goto(f"/workbench/data/quality/datasets/{entry.public_id}/")
    auth.click("#run-now")
    auth.wait_for_load_state("networkidle")
    score = float(auth.locator("#dataset-score").inner_text())
    assert score < 90
    assert "不在代码表“性别代码”中" in auth.content()
    _no_sideways_scroll(auth)
    auth.goto("/workbench/data/quality/")
    assert float(auth.locator("#city-score").inner_text()) == score
    assert auth.locator("#ranking").inner_text().count("示范市营商环境建设局") == 1
    auth.wait_for_selector('[data-chart="chart-dept"][data-rendered="1"] canvas')
    _no_sideways_scroll(auth)
    shot(auth, f"quality-overview-{width}")

    # 2. the task is with the department: its data admin finds it among the to-dos and submits the fix
    admin = session("dataadmin")
    admin.goto("/workbench/")
    admin.click("text=待整改的数据质量问题")
    admin.wait_for_load_state("networkidle")
    assert "待整改" in admin.locator("#task-status").inner_text()
    assert admin.locator("#verify-task").count() == 0  # not the department's step
    _no_sideways_scroll(admin)
    admin.click("#start-task")
    admin.wait_for_load_state("networkidle")
    admin.click("#submit-task")  # without a note: a field error in Chinese, nothing submitted
    admin.wait_for_load_state("networkidle")
    assert admin.locator(".errorlist").count() > 0
    assert "整改中" in admin.locator("#task-status").inner_text()
    with connection.cursor() as c:  # the department corrects the source and re-aggregates
        c.execute(f"UPDATE {connection.ops.quote_name(target_table_name(entry))} SET xb = '2' WHERE xb = '7'")
    admin.fill("textarea[name=note]", "已在源系统更正性别代码并重新归集")
    admin.click("#submit-task")
    admin.wait_for_load_state("networkidle")
    assert "已提交待核验" in admin.locator("#task-status").inner_text()
    task_url = admin.url
    shot(admin, f"quality-task-submitted-{width}")

    # 3. the authority re-runs the checks: they pass, the task closes, the score is 100
    auth.goto(task_url)
    auth.click("#verify-task")
    auth.wait_for_load_state("networkidle")
    assert "已核验关闭" in auth.locator("#task-status").inner_text()
    assert "复检通过" in auth.content()
    _no_sideways_scroll(auth)
    auth.goto(f"/workbench/data/quality/datasets/{entry.public_id}/")
    assert auth.locator("#dataset-score").inner_text() == "100.00"
    shot(auth, f"quality-task-closed-{width}")
