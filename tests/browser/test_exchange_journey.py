"""批量交换 in a real browser, on a desktop and on a 390 px phone: the consumer department's data admin
creates a job from its subscription, runs it, sees the run succeed and downloads the delivered CSV, whose
personal values are masked as the subscription says; the job list and the run page fit the phone."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.exchange import testing
from digigov.data.exchange.models import ExchangeJob, ExchangeRun

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_exchange_journey(browser, live_server, shot, city, width, settings, tmp_path, pii_keys):
    settings.VAR_DIR = tmp_path
    provider = make_user("data_admin", department=city.bureau)
    consumer = make_user("data_admin", username="eduadmin", department=city.other_bureau)
    entry = testing.provider_entry(city.bureau, user=provider, rows=12)
    sub = testing.department_subscription(consumer, entry=entry, consumer=city.other_bureau)

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, "eduadmin", PASSWORD)
    page.goto("/workbench/data/exchange/")
    assert _fits(page)
    page.click("main a:has-text('新建交换任务')")
    page.select_option("select[name=subscription]", sub.public_id)
    page.fill("input[name=name]", "救助名册文件交换")
    page.select_option("select[name=mode]", "full")
    page.select_option("select[name=delivery]", "csv")
    assert _fits(page)
    page.click("main button[type=submit]:has-text('创建')")
    page.wait_for_selector("#run-now")
    assert "CSV 文件" in page.locator("main").inner_text()
    assert _fits(page)
    page.click("#run-now")
    page.wait_for_selector("#run-status")
    assert page.locator("#run-status").inner_text() == "成功"
    assert page.locator("#run-rows").inner_text() == "12"
    assert _fits(page)
    shot(page, f"exchange-run-{width}")
    with page.expect_download() as dl:
        page.click("#download")
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    lines = text.splitlines()
    assert lines[0] == "xm,sfzh,lxdh,qhdm,je" and len(lines) == 13
    assert "*" * 8 in lines[1] and dl.value.suggested_filename.endswith(".csv")
    run = ExchangeRun.objects.get()
    assert run.job == ExchangeJob.objects.get() and run.rows == 12

    page.goto("/workbench/data/exchange/runs/")
    assert "成功" in page.locator("table.runs").inner_text()
    assert _fits(page)
    page.goto("/workbench/data/exchange/")
    assert "救助名册文件交换" in page.locator("#jobs").inner_text()
    assert _fits(page)
    shot(page, f"exchange-jobs-{width}")
    context.close()
