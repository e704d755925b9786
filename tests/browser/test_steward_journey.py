"""数据管家 in a real browser, on a desktop and on a 390 px phone: the data authority finds the steward's
to-do, merges a suspected duplicate pair side by side, then resolves an address conflict by accepting
another department's value; a stale page's decision is refused in Chinese."""

import pytest

from digigov.core.testing import PASSWORD, make_user, resident_id
from digigov.data.registries import actions, build
from digigov.data.registries import testing as rt
from digigov.data.registries.models import PersonRecord, RecordStatus, StewardTask, TaskKind, TaskStatus

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry_city(city, monkeypatch):
    monkeypatch.setattr(build, "_engine", lambda: None)  # a handful of rows: the rule-based linker (see registries/tests/conftest.py)
    user = make_user("data_authority", username="dataauthority")
    depts = rt.departments(city)
    alice = resident_id("210602", "19900101", 11)
    rt.feed_with_rows(depts["psb"], "公安局户籍人口", ["jlbs", "sfzh", "xm", "xb", "csrq", "zz"], [
        {"jlbs": "P1", "sfzh": alice, "xm": "张丽", "xb": "2", "csrq": "1990-01-01", "zz": "元宝区兴东社区1号"},
    ], user=user)
    rt.feed_with_rows(depts["hrss"], "人社局参保人员", ["jlbs", "sfzh", "xm", "csrq", "zz", "cbzt"], [
        {"jlbs": "H1", "sfzh": alice, "xm": "张丽", "zz": "元宝区兴东社区一号", "cbzt": "参保缴费"},
        {"jlbs": "H3", "sfzh": "", "xm": "王芳", "csrq": "2020-05-05", "cbzt": "参保缴费"},
    ], user=user)
    rt.feed_with_rows(depts["ca"], "民政局婚姻登记", ["jlbs", "sfzh", "xm", "hyzk", "zz"], [
        {"jlbs": "C1", "sfzh": alice, "xm": "张丽", "hyzk": "已婚", "zz": "元宝区兴东社区一号"},
    ], user=user)
    rt.feed_with_rows(depts["hea"], "卫健委出生医学证明", ["jlbs", "sfzh", "xm", "csrq", "cszm"], [
        {"jlbs": "B1", "sfzh": "", "xm": "王芳", "csrq": "2020-05-05", "cszm": "Q210600001"},
    ], user=user)
    rt.authority("person", {"name": depts["psb"], "address": depts["psb"]})
    run = build.run_build(actions.start_build(user, "person", queue=False).pk)
    assert run.status == "done"
    return user


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_steward_resolves_a_pair_and_a_conflict(browser, live_server, shot, registry_city, viewport):
    width, height = viewport
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    login(pg, "dataauthority", PASSWORD)
    pg.goto("/workbench/")
    pg.click("text=待处理的基础库数据管家任务")
    pg.wait_for_load_state("networkidle")
    assert pg.locator("#count-pair").inner_text() == "1" and pg.locator("#count-conflict").inner_text() == "1"
    _no_sideways_scroll(pg)
    shot(pg, f"steward-queue-{width}")

    # the pair, side by side (masked): same name and birth date, one from 人社, one from 卫健 → merge
    pg.click("#steward-tasks >> text=疑似同一人")
    pg.wait_for_load_state("networkidle")
    table = pg.locator("#pair").inner_text()
    assert "人社局参保人员" in table and "卫健委出生医学证明" in table and "王*" in table and "王芳" not in table
    _no_sideways_scroll(pg)
    shot(pg, f"steward-pair-{width}")
    pg.check("#decision-merge")
    pg.fill("#opinion", "出生日期与姓名一致，出生证明与参保为同一人")
    pg.click("#decide")
    pg.wait_for_load_state("networkidle")
    pair = StewardTask.objects.get(kind=TaskKind.PAIR)
    assert pair.status == TaskStatus.RESOLVED and pair.decision == "merge"
    assert PersonRecord.objects.filter(status=RecordStatus.MERGED).count() == 1

    # next: the address conflict (公安 contradicted by 人社 and 民政 agreeing). Someone else touches the
    # record meanwhile: the first submission is refused, the reloaded page goes through.
    assert "属性冲突" in pg.locator("h2").inner_text()
    conflict = StewardTask.objects.get(kind=TaskKind.CONFLICT)
    PersonRecord.objects.filter(pk=conflict.person_id).update(version=conflict.person.version + 1)
    pg.locator("#values input[type=radio]").nth(1).check()
    pg.check("#decision-accept")
    pg.click("#decide")
    pg.wait_for_load_state("networkidle")
    assert "已被他人更新" in pg.locator("#decide-error").inner_text()
    conflict.refresh_from_db()
    assert conflict.status == TaskStatus.OPEN
    pg.reload()
    row = pg.locator("#values tbody tr", has_text="人力资源和社会保障局")
    row.locator("input[type=radio]").check()
    pg.check("#decision-accept")
    pg.click("#decide")
    pg.wait_for_load_state("networkidle")
    conflict.refresh_from_db()
    assert conflict.status == TaskStatus.RESOLVED and conflict.chosen_value.department.short_name == "人社局"
    assert PersonRecord.objects.get(pk=conflict.person_id).address == "元宝区兴东社区一号"
    assert "没有符合条件的任务" in pg.content()
    _no_sideways_scroll(pg)
    context.close()
