"""The comprehensive window in a real browser, on a desktop and at 390 px: a clerk calls a number, looks up
the applicant, records consent, uploads a PDF, creates the application and sees the receipt; the hall
screen shows the called number; once the back office approves, the result is handed out at the window."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.registries.models import PersonRecord
from digigov.support.window.actions import queue
from digigov.support.window.models import Delivery, DeliveryStatus, ServiceHall
from digigov.support.window.testing import make_person, pdf_bytes
from digigov.support.workflow import runtime
from digigov.support.workflow.models import Case, TaskStatus
from digigov.support.workflow.testing import make_version, parallel_bpmn

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_window_journey(browser, live_server, shot, city, settings, tmp_path, width):
    settings.VAR_DIR = tmp_path
    hall = ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a, counters=6)
    make_user("window_clerk", username="clerk", division=city.county_a)
    make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau, name="两部门并联审批")
    person = make_person(city.county_a, name="陈静")
    PersonRecord.objects.create(id_number=person.id_number, name="陈静", address="元宝区兴东路18号", division=city.county_a)
    pdf = tmp_path / "申请书.pdf"
    pdf.write_bytes(pdf_bytes(2))

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)

    # a citizen takes a number at the kiosk (no login)
    page.goto(f"/hall/{hall.public_id}/")
    page.get_by_label("综合受理").check()
    page.click("button:has-text('取号')")
    assert page.locator("[data-ticket-number]").inner_text() == "A001"

    # the clerk calls it to counter 3
    login(page, "clerk", PASSWORD)
    page.goto(f"/workbench/support/window/halls/{hall.public_id}/")
    page.fill("input[name=counter]", "3")
    page.click("button:has-text('叫下一个号')")
    page.wait_for_selector("text=已叫号：A001")

    # the hall screen (public) shows it
    screen = context.new_page()
    screen.goto(f"/hall/{hall.public_id}/screen/")
    assert "A001" in screen.locator("#board").inner_text() and "3 号窗口" in screen.locator("#board").inner_text()
    assert "陈静" not in screen.content()
    screen.close()

    # reception: look up, consent, pull, apply with a PDF
    page.click("form:has(input[name=ticket]) button:has-text('受理')")
    page.get_by_label("自然人").check()
    page.fill("input[name=code]", person.id_number)
    page.click("button:has-text('查询')")
    assert page.locator("[data-applicant]").inner_text() == "陈静"
    page.select_option("select[name=method]", "id_card")
    page.get_by_label("申请人已当面确认").check()
    page.click("button:has-text('记录授权')")
    page.click("button:has-text('调取基础库数据')")
    assert "元宝区兴东路18号" in page.locator("#pulled").inner_text()
    page.select_option("select[name=version]", label="两部门并联审批（示范市营商环境建设局（大数据管理局））")
    page.set_input_files("input[name=files]", str(pdf))
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('提交申请并打印回执')")
    page.wait_for_selector("[data-case-number]")
    case = Case.objects.get()
    assert page.locator("[data-case-number]").inner_text() == case.number
    assert "申请书" in page.content() and "2 页" in page.content()
    shot(page, f"window-receipt-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

    # the back office approves (both departments, in parallel)
    approver = make_user("approver")
    for t in list(case.tasks.filter(status=TaskStatus.OPEN)):
        runtime.complete(t, approver, outcome="approve", data={f"{t.element_id}_decision": "approve"})
    d = Delivery.objects.get(case=case)
    assert d.status == DeliveryStatus.READY

    # hand out at the window, checked against the applicant
    page.goto("/workbench/support/window/deliveries/?status=ready")
    page.click(f"a:has-text('{case.number}')")
    page.fill("input[name=name]", "陈静")
    page.fill("input[name=id_number_last4]", person.id_number[-4:])
    page.click("button:has-text('确认领取')")
    page.wait_for_selector("text=已出件：办理结果已交领取人")
    assert page.locator("[data-delivery-status]").inner_text() == "已领取"
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.HANDED_OUT
    context.close()
