"""Portal and workbench: who sees what, and unbuilt systems shown as 未接入."""

import re

import pytest
from django.utils import timezone

from digigov.core.accounts import actions as accounts
from digigov.core.context import acting_as
from digigov.core.registry import NAV, PLANNED_SYSTEMS
from digigov.core.testing import uscc


def html(r):
    return r.content.decode()


def system_badge(page, label):
    m = re.search(re.escape(label) + r'\s*<span class="badge (\w+)">([^<]+)</span>', page)
    assert m, f"{label} not on the page"
    return m.group(2)


def test_portal_renders_for_anonymous(client, db):
    r = client.get("/")
    assert r.status_code == 200
    page = html(r)
    assert "数字政府服务平台" in page and 'href="/accounts/login/"' in page
    assert "进入工作台" not in page


@pytest.fixture
def core_portal(monkeypatch):
    """Core's own first screen (what "/" shows when no app registered a portal home, e.g. without 一网通办)."""
    from digigov.core import registry

    monkeypatch.setattr(registry, "PORTAL_HOME", [])


def test_a_registered_portal_home_answers_the_first_screen(client, db, monkeypatch):
    from django.http import HttpResponse

    from digigov.core import registry

    monkeypatch.setattr(registry, "PORTAL_HOME", [])
    assert "平台体系" in html(client.get("/"))
    registry.register_portal_home(lambda request: HttpResponse("门户首页"))
    assert html(client.get("/")) == "门户首页"


def test_portal_marks_unbuilt_systems_as_not_connected(client, db, core_portal):
    page = html(client.get("/"))
    built = {item.key for item in NAV}
    unbuilt = [(k, label) for layer in PLANNED_SYSTEMS.values() for k, label in layer if k not in built]
    assert unbuilt, "every planned system is built?"
    for _, label in unbuilt:
        assert system_badge(page, label) == "未接入"
    assert system_badge(page, "行政区划与组织机构") == "已接入"
    assert system_badge(page, "审计日志") == "已接入"


def test_portal_lists_companies_an_agent_acts_for(client, role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    agent = role_user("citizen")
    with acting_as(clerk):
        lp = accounts.register_legal_person(clerk, uscc=uscc(seed=99), name="示范港务有限公司", division=city.county_a)
        accounts.authorize_agent(clerk, legal_person=lp, agent=agent, valid_from=timezone.localdate())
    client.force_login(agent)
    page = html(client.get("/"))
    assert "您可代理办理的企业" in page and "示范港务有限公司" in page
    assert "进入工作台" not in page


def test_workbench_redirects_anonymous_to_login(client, db):
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=/workbench/"


@pytest.mark.parametrize("role", ["citizen", "enterprise_agent"])
def test_workbench_denied_for_the_public(client, role_user, role):
    client.force_login(role_user(role))
    r = client.get("/workbench/")
    assert r.status_code == 403
    assert "无权访问" in html(r) and "进入工作台" in html(r)  # the message names the missing permission


def test_workbench_denied_for_a_user_without_roles(client, user_factory):
    client.force_login(user_factory(None, kind="staff"))
    assert client.get("/workbench/").status_code == 403


@pytest.mark.parametrize("role", ["window_clerk", "dept_admin", "city_admin", "leader", "auditor"])
def test_workbench_opens_for_staff_roles(client, role_user, role):
    client.force_login(role_user(role))
    r = client.get("/workbench/")
    assert r.status_code == 200
    page = html(r)
    assert "工作台" in page and "主要指标（表1）" in page
    assert '<span class="na">一网统管<small>未接入</small></span>' in page  # 一网通办 is connected (its catalog)


def test_workbench_nav_links_only_what_the_role_may_open(client, role_user):
    client.force_login(role_user("window_clerk"))
    page = html(client.get("/workbench/"))
    assert 'href="/workbench/people/"' in page  # accounts.person.view
    assert 'href="/workbench/audit/"' not in page  # audit.view is not a clerk's
    assert '<span class="muted">审计日志</span>' in page


def test_error_page_shows_the_request_id(client, role_user):
    client.force_login(role_user("citizen"))
    r = client.get("/workbench/")
    assert r["X-Request-ID"] in html(r)


def test_workbench_links_kpi_details_only_for_those_who_may_open_them(client, role_user):
    from digigov.core.kpi.actions import ensure_definitions
    from digigov.core.registry import KPI_COMPUTERS

    ensure_definitions()
    connected = next(iter(KPI_COMPUTERS), None)
    if connected is None:
        pytest.skip("no KPI is connected in this build")
    client.force_login(role_user("window_clerk"))
    assert f"/workbench/kpi/{connected}/" not in client.get("/workbench/").content.decode()
    client.force_login(role_user("leader"))
    assert f"/workbench/kpi/{connected}/" in client.get("/workbench/").content.decode()
