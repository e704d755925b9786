"""供需对接 in a real browser, on a desktop and on a 390 px phone: the consumer department's data admin
creates a calling app (the secret shown once), finds an entry in 共享目录, files a request with fields
and one field in clear; the providing department's admin sees it in 待我审核, narrows it (drops the ID
number and the clear field); the consumer sees the narrowed subscription — fields, masking, period."""

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.sharing.models import RequestStatus, ShareRequest, Subscription
from digigov.data.sharing.testing import provider_entry

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_request_approve_narrowed_subscription(browser, live_server, shot, city, width):
    entry = provider_entry(city.other_bureau, name="学生学籍信息")
    make_user("data_admin", username="consumer", department=city.bureau)
    make_user("dept_admin", username="provider", department=city.other_bureau)

    def session(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, username, PASSWORD)
        return page

    consumer = session("consumer")
    # 1. a calling app: the secret is on this page only
    consumer.goto("/workbench/data/sharing/apps/new/")
    consumer.fill("input[name=name]", "学生资助审核系统")
    consumer.click("button:has-text('创建')")
    consumer.wait_for_selector("[data-testid=secret]")
    secret = consumer.locator("[data-testid=secret]").inner_text()
    assert len(secret) >= 40 and "只在本页显示这一次" in consumer.content()
    assert _fits(consumer)
    consumer.click("text=我已保存，返回应用")
    consumer.wait_for_selector("text=更换密钥")
    assert secret not in consumer.content()

    # 2. 共享目录 → the entry with its classification → the request form
    consumer.goto("/workbench/data/sharing/")
    consumer.fill("#q", "学籍")
    consumer.click("button:has-text('检索')")
    consumer.wait_for_url("**/sharing/?q=*")
    assert _fits(consumer)
    consumer.click("text=学生学籍信息")
    consumer.wait_for_selector("text=信息项及分类分级")
    assert "公民身份号码" in consumer.content() and "敏感个人信息" in consumer.content()
    assert _fits(consumer)
    consumer.click("text=申请共享")
    consumer.wait_for_selector("input[name=fields]")
    for f in ("xm", "sfzh", "xx"):
        consumer.check(f"#f-{f}")
    consumer.check("#c-nj")  # bad input first: a clear field not asked for
    consumer.fill("textarea[name=purpose]", "办理学生资助事项时核验学籍")
    consumer.fill("input[name=basis]", "《学生资助资金管理办法》")
    consumer.click("button:has-text('提交申请')")
    consumer.wait_for_selector(".errorlist")
    errors = consumer.locator(".errorlist").all_inner_texts()
    assert any("明文信息项必须是申请的信息项" in e for e in errors), errors
    assert not ShareRequest.objects.exists()
    consumer.uncheck("#c-nj")
    consumer.check("#c-sfzh")
    assert _fits(consumer)
    shot(consumer, f"sharing-request-form-{width}")
    consumer.click("button:has-text('提交申请')")
    consumer.wait_for_url("**/sharing/requests/*/")
    assert "待审核" in consumer.content()
    req = ShareRequest.objects.get()

    # 3. the provider narrows it
    provider = session("provider")
    provider.goto("/workbench/data/sharing/review/")
    assert _fits(provider)
    provider.click("text=学生学籍信息")
    provider.wait_for_selector("input[name=decision]")
    provider.check("input[name=decision][value=narrow]")
    provider.uncheck("#d-f-sfzh")
    provider.uncheck("#d-c-sfzh")
    provider.fill("textarea[name=reply]", "身份证号不属于最小必要范围")
    assert _fits(provider)
    shot(provider, f"sharing-review-{width}")
    provider.click("button:has-text('提交审核结论')")
    provider.wait_for_selector("text=查看共享授权")
    req.refresh_from_db()
    assert req.status == RequestStatus.NARROWED and req.approved_fields == ["xm", "xx"] and req.approved_clear_fields == []
    assert "部分同意" in provider.content()

    # 4. the consumer sees the subscription the gateway will enforce
    consumer.goto(f"/workbench/data/sharing/requests/{req.public_id}/")
    consumer.click("text=查看共享授权")
    consumer.wait_for_selector("text=网关执行的信息项")
    body = consumer.locator("main").inner_text() if consumer.locator("main").count() else consumer.content()
    assert "学生姓名" in body and "就读学校" in body and "公民身份号码" not in body and "按分级脱敏" in body
    assert Subscription.objects.get().fields == ["xm", "xx"]
    assert _fits(consumer)
    shot(consumer, f"sharing-subscription-{width}")
    consumer.goto("/workbench/data/sharing/stats/")
    assert "数据共享率" in consumer.content()
    assert _fits(consumer)
    consumer.context.close()
    provider.context.close()
