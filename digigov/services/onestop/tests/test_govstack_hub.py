"""我的 hub (/my/): counts from rows, cards only for pages that exist, the enterprise space for agents, the
recommendations with their reasons, a pinned number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import AgentAuthorization, LegalPerson, NaturalPerson
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import logged_in_client, make_user, resident_id, uscc
from digigov.services.onestop.models import Application, ApplicationStatus
from digigov.services.onestop.selectors.my import page_exists
from digigov.services.onestop.testing import make_item, make_topic
from digigov.support.license.testing import make_licence, quick_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(city):
    person = NaturalPerson.objects.create(id_number=resident_id("210602", "19600101"), name="王芳", gender="F",
                                          birth_date=dt.date(1960, 1, 1), division=city.county_a)
    user = make_user("citizen")
    user.person = person
    user.save(update_fields=["person"])
    return user


def _apply(user, item, status, acting_for=None):
    return Application.objects.create(item=item, title=item.name, status=status, applicant=user, data={}, acting_for=acting_for,
                                      number=f"A{Application.objects.count() + 1:08d}", submitted_at=timezone.now())


def test_hub_counts_and_cards(city, citizen, django_assert_max_num_queries):
    retire = make_topic("retire", "退休")
    item = make_item(city.bureau, name="城乡居民养老保险参保登记", topics=[retire])
    make_item(city.bureau, name="城乡居民养老保险待遇申领", topics=[retire])
    _apply(citizen, item, ApplicationStatus.IN_PROGRESS)
    _apply(citizen, item, ApplicationStatus.CORRECTION)
    _apply(citizen, item, ApplicationStatus.DONE)
    _apply(make_user("citizen"), item, ApplicationStatus.IN_PROGRESS)  # someone else's
    ltype = quick_type(city.bureau, name="残疾人证")
    make_licence(ltype, holder_code=citizen.person.id_number, holder_name="王芳", valid_until=timezone.localdate() + dt.timedelta(days=30))
    for i in range(4):
        InboxMessage.objects.create(recipient=citizen, topic="办件进度", title=f"您的申请已受理{i}")
    client = logged_in_client(citizen)
    with django_assert_max_num_queries(45):
        resp = client.get("/my/")
    assert resp.status_code == 200
    html = resp.content.decode()
    cards = resp.context["cards"]
    by_key = {c["key"]: c for c in cards}
    assert by_key["applications"]["count"] == 2  # open: in progress + correction, only hers
    assert by_key["licences"]["count"] == 1 and by_key["messages"]["count"] == 4
    assert by_key["licences"]["url"] == "/my/licences/"
    # a card only for pages that exist
    for c in cards:
        assert page_exists(c["url"])
    assert ("payments" in by_key) == page_exists("/my/payments/")
    assert "有 1 件申请待补正" in html and "有 1 个证照将在 90 天内到期" in html
    # recommendations with the reason (she is over 60)
    assert "城乡居民养老保险待遇申领" in html and "您今年" in html
    assert 'action="/services/search/"' in html  # the portal's one search box


def test_hub_queries_do_not_grow_with_rows(city, citizen, django_assert_max_num_queries):
    item = make_item(city.bureau)
    for _ in range(30):
        _apply(citizen, item, ApplicationStatus.DONE)
        InboxMessage.objects.create(recipient=citizen, topic="办件进度", title="办结")
    with django_assert_max_num_queries(45):
        assert logged_in_client(citizen).get("/my/").status_code == 200


def test_enterprise_space(city):
    agent = make_user("enterprise_agent")
    lp = LegalPerson.objects.create(uscc=uscc(), name="示范市餐饮有限公司", division=city.county_a, established_on=dt.date(2010, 1, 1))
    stranger = LegalPerson.objects.create(uscc=uscc(), name="别人的公司", division=city.county_a)
    AgentAuthorization.objects.create(legal_person=lp, agent=agent, valid_from=dt.date(2020, 1, 1))
    item = make_item(city.bureau, name="食品经营许可")
    _apply(agent, item, ApplicationStatus.IN_PROGRESS, acting_for=lp)
    _apply(agent, item, ApplicationStatus.IN_PROGRESS)
    make_licence(quick_type(city.bureau, name="营业执照", holder_kind="enterprise"), holder_code=lp.uscc, holder_name=lp.name)
    client = logged_in_client(agent)
    own = client.get("/my/")
    assert own.status_code == 200 and "示范市餐饮有限公司" in own.content.decode()  # the switcher
    space = client.get("/my/", {"as": lp.public_id})
    assert space.status_code == 200
    by_key = {c["key"]: c for c in space.context["cards"]}
    assert "企业空间：示范市餐饮有限公司" in space.content.decode()
    assert by_key["applications"]["count"] == 1 and by_key["licences"]["count"] == 1
    assert "ratings" not in by_key
    assert client.get("/my/", {"as": stranger.public_id}).status_code == 404


def test_hub_is_for_applicants(city, role_user):
    assert logged_in_client(role_user("approver")).get("/my/").status_code == 403
    from django.test import Client

    resp = Client().get("/my/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
