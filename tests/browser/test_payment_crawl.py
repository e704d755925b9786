"""The crawler's checks over the payment pages only (the full crawler builds the whole demo city): the demo
city's org, accounts, seals and payments, then each role that uses them clicks through from its payment
pages with the crawler's own rules (no 4xx/5xx links, fits 390 px, no raw codes or English)."""

import pytest

from .conftest import login
from .test_crawler import banned_pattern, crawl

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEEDS = {
    "citizen": ["/my/payments/", "/pay/convenience/?payee=&account=", "/bills/verify/"],
    "deptadmin": ["/workbench/support/payments/", "/workbench/support/payments/bills/"],
    "cityadmin": ["/workbench/support/payments/", "/workbench/support/payments/reconciliation/"],
    "auditor": ["/workbench/support/payments/"],
}


def test_payment_pages_pass_the_crawler(browser, live_server):
    from digigov.core.accounts.demo import DEMO_PASSWORD
    from digigov.core.accounts.models import User
    from digigov.democity import runner
    from digigov.support.payment.models import EBill, ReconciliationRun

    runner.run(0.002, progress=False, log=lambda text: None, only=["org,accounts,support.seal,support.payment"])
    bill = EBill.objects.first()
    SEEDS["citizen"].append(f"/bills/verify/?number={bill.number}&check_code={bill.check_code}")
    SEEDS["cityadmin"].append(f"/workbench/support/payments/reconciliation/{ReconciliationRun.objects.first().public_id}/")
    banned = banned_pattern()
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    figures = {}
    for username, seeds in SEEDS.items():
        context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        figures[username] = crawl(page, live_server.url, User.objects.get(username=username), seeds, banned, problems)
    context.close()
    mine = [p for p in problems if any(s in p for s in ("/pay/", "/my/payments/", "/bills/verify/", "/workbench/support/payments/"))]
    assert all(f["pages"] >= 2 for f in figures.values()), figures
    assert not mine, "\n".join(mine)
