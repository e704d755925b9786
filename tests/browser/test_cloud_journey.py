"""The reference journey through the infrastructure app, in a real browser:
a department admin requests cloud resources to migrate a system, the city admin approves,
上云率 on the chart changes, and an auditor finds both actions in the audit page."""

import json

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.infra.cloud import actions as cloud
from digigov.infra.cloud.models import CloudStatus

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chart_series(page, chart_id):
    """The data the page hands ECharts, and proof ECharts drew it (a canvas in the chart element)."""
    page.wait_for_selector(f'[data-chart="{chart_id}"][data-rendered="1"] canvas')
    data = json.loads(page.locator(f"script#{chart_id}").text_content())["series"][0]["data"]
    return [d["value"] if isinstance(d, dict) else d for d in data]  # a bar with a drill-down link is {"value", "url"}


@pytest.fixture
def cloud_city(city):
    root = make_user("city_admin", username="cityadmin")
    platform = cloud.create_platform(root, name="市级政务云平台", department=city.bureau_unit, integrated=True)
    cloud.create_pool(root, name="市级政务云资源池", vcpu_total=5844, memory_gb_total=20435, storage_tb_total="491", platform=platform)
    cloud.register_system(root, department=city.bureau, name="一体化政务服务平台", cloud_status=CloudStatus.MIGRATED, platform=platform)
    cloud.register_system(root, department=city.bureau, name="营商环境监测系统")  # planned: the one to migrate
    make_user("dept_admin", username="deptadmin", department=city.bureau)
    make_user("auditor", username="auditor")
    return city


def test_request_approve_and_audit(browser, live_server, shot, cloud_city):
    def session(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, username, PASSWORD)
        return page

    # 1. the department admin asks for resources to migrate his planned system
    dept = session("deptadmin")
    dept.goto("/workbench/infra/cloud/adoption/")
    before_rate = dept.locator("#cloud-rate").inner_text()
    assert before_rate == "50.00%"
    dept.goto("/workbench/infra/cloud/requests/new/")
    dept.select_option("select[name=purpose]", "migrate")
    dept.select_option("select[name=system]", label=dept.locator("select[name=system] option", has_text="营商环境监测系统").inner_text())
    dept.fill("input[name=vcpu]", "16")
    dept.fill("input[name=memory_gb]", "64")
    dept.fill("input[name=storage_tb]", "2")
    dept.fill("textarea[name=reason]", "营商环境监测系统迁移上云")
    # a bad input first: the form answers in Chinese and nothing is submitted
    dept.fill("input[name=vcpu]", "-5")
    dept.click("main button[type=submit]")
    assert dept.locator(".errorlist").count() > 0
    dept.fill("input[name=vcpu]", "16")
    dept.click("main button[type=submit]")
    dept.wait_for_load_state("networkidle")
    assert "营商环境监测系统" in dept.content() and "待审批" in dept.content()
    request_url = dept.url
    shot(dept, "cloud-request-submitted")
    # a department admin cannot approve
    assert dept.locator("text=提交审批").count() == 0

    # 2. the city admin approves
    admin = session("cityadmin")
    admin.goto(request_url)
    admin.set_viewport_size({"width": 390, "height": 900})  # the decision controls sit with their labels on a phone too
    radio = admin.locator("input[name=decision][value=approve]").bounding_box()
    label = admin.locator("label[for=id_decision_0]").bounding_box()
    assert radio["width"] < 40 and label["y"] <= radio["y"] <= label["y"] + label["height"]
    shot(admin, "cloud-request-decide-390")
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.check("input[name=decision][value=approve]")
    admin.fill("textarea[name=note]", "同意迁移")
    asked = []  # a decision cannot be undone: the page asks first (static app.js, data-confirm)
    admin.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    admin.click("button:has-text('提交审批')")
    admin.wait_for_load_state("networkidle")
    assert asked == ["确认提交审批结果？提交后不可更改。"]
    assert "已批准" in admin.content()
    shot(admin, "cloud-request-approved")

    # 3. 上云率 changed, on the figure and on the chart
    admin.goto("/workbench/infra/cloud/adoption/")
    assert admin.locator("#cloud-rate").inner_text() == "100.00%"
    chart_ids = admin.locator("[data-chart]").evaluate_all("els => els.map(e => e.getAttribute('data-chart'))")
    assert chart_ids, "the adoption page draws a chart"
    values = chart_series(admin, chart_ids[0])
    assert 100 in values or 100.0 in values, values
    shot(admin, "cloud-adoption-after")
    # a bar opens its drill-down: click the middle of the first bar
    chart = admin.locator(f'[data-chart="{chart_ids[0]}"]')
    x, y = chart.evaluate("el => echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [0, 50])")
    box = chart.bounding_box()
    admin.mouse.click(box["x"] + x, box["y"] + y)
    admin.wait_for_url("**/cloud/adoption/?division=*")
    assert "区划：示范市（市本级）" in admin.content()

    # 4. the auditor finds the submission and the approval
    auditor = session("auditor")
    auditor.goto("/workbench/audit/?action=cloud.request")
    rows = auditor.locator("tr.audit-row")
    text = " ".join(rows.all_inner_texts())
    assert "deptadmin" in text and "cityadmin" in text
    assert "提交云资源申请" in text and "批准云资源申请" in text and "cloud.request" not in text
    shot(auditor, "audit-cloud-actions")
