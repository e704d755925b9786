"""The task engine in a real browser, on a desktop and on a 390 px phone: a window clerk claims and accepts
an application, approvers of two departments approve their parallel reviews, and the applicant sees the
case approved in 我的办件; a second case is returned for correction and answered by the applicant."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.support.workflow.actions import cases
from digigov.support.workflow.models import CaseStatus
from digigov.support.workflow.testing import make_version, parallel_bpmn

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(city):
    version = make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau,
                           name="两部门并联审批")
    citizen = make_user("citizen", username="tcitizen")
    make_user("window_clerk", department=city.bureau, username="tclerk")
    make_user("approver", department=city.bureau, username="tappra")
    make_user("approver", department=city.other_bureau, username="tapprb")
    first = cases.start_case(citizen, version, title="两部门并联审批")
    second = cases.start_case(citizen, version, title="两部门并联审批")
    return first, second


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _as(browser, live_server, username, viewport):
    width, height = viewport
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    login(pg, username, PASSWORD)
    return context, pg


def _open_task(pg, case_number):
    pg.goto("/workbench/support/tasks/")
    pg.locator("tr", has_text=case_number).locator("a").first.click()
    pg.wait_for_load_state("networkidle")


def _claim(pg):
    pg.click("#claim-button")
    pg.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_accept_parallel_approval_and_correction(browser, live_server, shot, journey, viewport):
    first, second = journey
    width = viewport[0]

    # the window clerk: two open tasks, claims the first and accepts it
    ctx, pg = _as(browser, live_server, "tclerk", viewport)
    pg.goto("/workbench/support/tasks/")
    assert pg.locator("#count-open").inner_text() == "2"
    _no_sideways_scroll(pg)
    shot(pg, f"tasks-worklist-{width}")
    _open_task(pg, first.number)
    _claim(pg)
    pg.fill("#opinion", "材料齐全，予以受理")
    _no_sideways_scroll(pg)
    shot(pg, f"tasks-task-{width}")
    pg.click("#complete-button")
    pg.wait_for_load_state("networkidle")
    assert "已办理完成" in pg.content()

    # the second case goes back to the applicant for correction
    _open_task(pg, second.number)
    _claim(pg)
    rows = pg.locator("#correction-items .row")
    rows.nth(0).locator("input[name=item_name]").fill("营业执照复印件")
    rows.nth(0).locator("input[name=item_reason]").fill("复印件不清晰")
    pg.click("#correction-button")
    pg.wait_for_load_state("networkidle")
    assert pg.locator("#count-correction").inner_text() == "1"
    ctx.close()

    # two departments' approvers, each sees only their own review
    for username in ("tappra", "tapprb"):
        ctx, pg = _as(browser, live_server, username, viewport)
        pg.goto("/workbench/support/tasks/")
        assert pg.locator("#count-open").inner_text() == "1"
        _open_task(pg, first.number)
        assert pg.locator("#branches").is_visible()
        _claim(pg)
        pg.fill("#opinion", "同意")
        pg.click("#approve-button")
        pg.wait_for_load_state("networkidle")
        _no_sideways_scroll(pg)
        ctx.close()
    first.refresh_from_db()
    assert first.status == CaseStatus.APPROVED

    # the applicant: the first case approved, the second waiting for a correction, answered
    ctx, pg = _as(browser, live_server, "tcitizen", viewport)
    pg.goto("/")
    pg.click("[data-portal-nav=my_cases]")
    pg.wait_for_load_state("networkidle")
    _no_sideways_scroll(pg)
    assert pg.locator("#waiting-corrections").is_visible()
    pg.locator(f"tr[data-case='{first.number}'] a").click()
    pg.wait_for_load_state("networkidle")
    assert pg.locator("#case-status").inner_text() == "已办结（准予）"
    shot(pg, f"tasks-my-case-{width}")
    pg.goto("/my/cases/")
    pg.locator(f"tr[data-case='{second.number}'] a").click()
    pg.wait_for_load_state("networkidle")
    assert "复印件不清晰" in pg.locator("#correction").inner_text()
    pg.fill("#answer_0", "已重新上传清晰的复印件")
    pg.click("#submit-correction")
    pg.wait_for_load_state("networkidle")
    assert pg.locator("#case-status").inner_text() == "办理中"
    _no_sideways_scroll(pg)
    ctx.close()
    second.refresh_from_db()
    assert second.status == CaseStatus.RUNNING
