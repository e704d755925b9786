"""我的 in a real browser, on a desktop and at 390 px: a citizen whose child was born last month opens /my/,
sees 新生儿出生一件事 recommended with the reason, her counts and unread messages, marks the messages read;
an enterprise agent switches to the enterprise's space."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import AgentAuthorization, LegalPerson
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import PASSWORD, make_user, uscc
from digigov.data.registries.testing import make_person as registry_person
from digigov.data.registries.testing import value
from digigov.services.onestop.testing import make_bundle, make_item, make_topic
from digigov.support.window.testing import make_person

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_my_hub_journey(browser, live_server, shot, city, width):
    birth = make_topic("birth", "出生")
    bundle = make_bundle(city.bureau, [make_item(city.bureau, name="出生医学证明办理")], name="新生儿出生一件事", topic=birth)
    person = make_person(city.county_a, name="陈静")
    citizen = make_user("citizen", username="citizen")
    citizen.person = person
    citizen.save(update_fields=["person"])
    born = timezone.localdate() - dt.timedelta(days=25)
    registry_person(city, name="陈小宝", birth_date=born, values=[value("guardian_id_number", person.id_number, dept=city.bureau, current=True)])
    InboxMessage.objects.create(recipient=citizen, topic="办件进度", title="您的申请已受理")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "citizen", PASSWORD)
    page.goto("/my/")
    rec = page.locator("#my-recommendations")
    assert bundle.name in rec.inner_text() and f"{born.month}月{born.day}日出生" in rec.inner_text()
    assert "陈小宝" not in page.content()
    assert page.locator("[data-card='licences']").count() == 1
    assert "您的申请已受理" in page.locator("#my-messages").inner_text()
    assert _fits(page)
    shot(page, f"my-hub-{width}")
    page.click("#my-read-all")
    page.goto("/my/")
    assert "没有未读消息" in page.locator("#my-messages").inner_text()

    agent = make_user("enterprise_agent", username="agent")
    lp = LegalPerson.objects.create(uscc=uscc(), name="示范市餐饮有限公司", division=city.county_a, established_on=dt.date(2015, 3, 1))
    AgentAuthorization.objects.create(legal_person=lp, agent=agent, valid_from=dt.date(2020, 1, 1))
    other = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    agent_page = other.new_page()
    agent_page.set_default_timeout(15000)
    login(agent_page, "agent", PASSWORD)
    agent_page.goto("/my/")
    agent_page.locator("#my-switch").get_by_role("link", name="示范市餐饮有限公司").click()
    agent_page.wait_for_url("**/my/?as=*")
    assert "企业空间：示范市餐饮有限公司" in agent_page.locator("h2").first.inner_text()
    assert _fits(agent_page)
    context.close()
    other.close()
