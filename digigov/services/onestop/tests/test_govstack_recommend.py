"""智能推荐: one test per rule, each from fixtures (a person's ID number, registry records, licences,
applications), checking which entries come back and that the reason names the fact that triggered it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import AgentAuthorization, LegalPerson, NaturalPerson
from digigov.core.testing import logged_in_client, make_user, resident_id, uscc
from digigov.data.registries.testing import make_person, value
from digigov.services.onestop.models import Application, ApplicationStatus, Audience, TopicKind
from digigov.services.onestop.recommend import K_ANONYMITY, _from_id_number, recommend
from digigov.services.onestop.testing import make_bundle, make_item, make_topic
from digigov.support.license.testing import make_licence, quick_type

pytestmark = pytest.mark.django_db


def _citizen(city, born: dt.date, gender: str = "F"):
    person = NaturalPerson.objects.create(id_number=resident_id("210602", born.strftime("%Y%m%d")), name="李华", gender=gender,
                                          birth_date=born, division=city.county_a)
    user = make_user("citizen")
    user.person = person
    user.save(update_fields=["person"])
    return user


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def _apply(user, item, status=ApplicationStatus.DONE, acting_for=None):
    return Application.objects.create(item=item, title=item.name, status=status, applicant=user, data={}, acting_for=acting_for,
                                      submitted_at=timezone.now())


@pytest.fixture
def catalog(city):
    birth = make_topic("birth", "出生")
    retire = make_topic("retire", "退休")
    return {
        "birth_bundle": make_bundle(city.bureau, [make_item(city.bureau, name="出生医学证明办理")], name="新生儿出生一件事", topic=birth),
        "birth_item": make_item(city.bureau, name="新生儿落户", topics=[birth]),
        "retire_bundle": make_bundle(city.bureau, [make_item(city.bureau, name="养老保险待遇核定")], name="退休一件事", topic=retire),
        "marriage": make_item(city.bureau, name="内地居民结婚登记"),
        "elderly": make_item(city.bureau, name="老年人优待证办理"),
        "other": make_item(city.bureau, name="公积金提取"),
    }


def test_age_and_sex_come_from_the_id_number():
    born, sex = _from_id_number(resident_id("210602", "19650307", seq=13))
    assert born == dt.date(1965, 3, 7) and sex == "M"
    assert _from_id_number(resident_id("210602", "19650307", seq=12))[1] == "F"
    assert _from_id_number("not-an-id") == (None, "")


def test_newborn_in_the_last_three_months(city, catalog):
    parent = _citizen(city, _years_ago(30))
    born = timezone.localdate() - dt.timedelta(days=20)
    make_person(city, name="李小宝", birth_date=born, values=[value("guardian_id_number", parent.person.id_number, dept=city.bureau, current=True)])
    recs = recommend(parent)
    assert recs[0].kind == "bundle" and recs[0].code == catalog["birth_bundle"].code and recs[0].rule == "newborn"
    assert f"{born.year}年{born.month}月{born.day}日出生" in recs[0].reason and "新生儿出生一件事" in recs[0].reason
    assert catalog["birth_item"].code in {r.code for r in recs if r.rule == "newborn"}
    assert "李小宝" not in " ".join(r.reason for r in recs)  # the child's name is never shown


def test_no_newborn_rule_for_older_children_or_other_peoples_children(city, catalog):
    parent = _citizen(city, _years_ago(30))
    stranger = _citizen(city, _years_ago(31))
    make_person(city, birth_date=timezone.localdate() - dt.timedelta(days=200),
                values=[value("guardian_id_number", parent.person.id_number, dept=city.bureau, current=True)])
    make_person(city, birth_date=timezone.localdate() - dt.timedelta(days=5),
                values=[value("guardian_id_number", stranger.person.id_number, dept=city.bureau, current=True)])
    assert not [r for r in recommend(parent) if r.rule == "newborn"]
    assert [r for r in recommend(stranger) if r.rule == "newborn"]


@pytest.mark.parametrize("age,expect", [(58, False), (59, True), (63, True)])
def test_retirement_from_age(city, catalog, age, expect):
    user = _citizen(city, _years_ago(age, days=10))
    recs = [r for r in recommend(user) if r.rule == "retirement"]
    assert bool(recs) is expect
    if expect:
        assert recs[0].code == catalog["retire_bundle"].code and f"您今年{age}岁" in recs[0].reason


def test_elderly_from_sixty(city, catalog):
    assert [r.code for r in recommend(_citizen(city, _years_ago(61))) if r.rule == "elderly"] == [catalog["elderly"].code]
    assert not [r for r in recommend(_citizen(city, _years_ago(59))) if r.rule == "elderly"]


def test_marriage_from_the_registry(city, catalog):
    single = _citizen(city, _years_ago(27))
    make_person(city, id_number=single.person.id_number, values=[value("marital", "未婚", dept=city.bureau, current=True)])
    assert [r.code for r in recommend(single) if r.rule == "marriage"] == [catalog["marriage"].code]
    married = _citizen(city, _years_ago(27))
    make_person(city, id_number=married.person.id_number, values=[value("marital", "已婚", dept=city.bureau, current=True)])
    assert not [r for r in recommend(married) if r.rule == "marriage"]


def test_licence_expiring_within_ninety_days(city, catalog):
    user = _citizen(city, _years_ago(40))
    ltype = quick_type(city.bureau, name="食品经营许可证")
    renew = make_item(city.bureau, name="食品经营许可证延续")
    until = timezone.localdate() + dt.timedelta(days=45)
    make_licence(ltype, holder_code=user.person.id_number, holder_name="李华", valid_until=until)
    recs = [r for r in recommend(user) if r.rule == "licence_expiry"]
    assert [r.code for r in recs] == [renew.code]
    assert f"将于{until.year}年{until.month}月{until.day}日到期" in recs[0].reason
    # a licence valid for years does not trigger it
    other = _citizen(city, _years_ago(40))
    make_licence(ltype, holder_code=other.person.id_number, holder_name="王五")
    assert not [r for r in recommend(other) if r.rule == "licence_expiry"]


def test_same_topic_history(city):
    topic = make_topic("housing", "购房")
    first = make_item(city.bureau, name="不动产登记", topics=[topic])
    second = make_item(city.bureau, name="契税申报", topics=[topic])
    user = _citizen(city, _years_ago(35))
    _apply(user, first)
    recs = [r for r in recommend(user) if r.rule == "same_topic"]
    assert [r.code for r in recs] == [second.code] and "不动产登记" in recs[0].reason


def test_also_applied_needs_k_anonymity(city):
    x = make_item(city.bureau, name="公积金提取")
    y = make_item(city.bureau, name="公积金贷款")
    user = _citizen(city, _years_ago(35))
    _apply(user, x)
    others = [make_user("citizen") for _ in range(K_ANONYMITY)]
    for o in others[:-1]:
        _apply(o, x)
        _apply(o, y)
    assert not [r for r in recommend(user) if r.rule == "also_applied"]  # too few people: nothing revealed
    _apply(others[-1], x)
    _apply(others[-1], y)
    recs = [r for r in recommend(user) if r.rule == "also_applied"]
    assert [r.code for r in recs] == [y.code]
    assert "公积金提取" in recs[0].reason and all(o.display_name not in recs[0].reason for o in others)


def test_open_applications_are_not_recommended(city, catalog):
    user = _citizen(city, _years_ago(62))
    _apply(user, catalog["elderly"], status=ApplicationStatus.IN_PROGRESS)
    assert catalog["elderly"].code not in {r.code for r in recommend(user)}


def test_enterprise_stage_for_agents(city):
    stage = make_topic("startup", "开办", kind=TopicKind.ENTERPRISE_STAGE)
    operate = make_topic("operate", "经营", kind=TopicKind.ENTERPRISE_STAGE)
    startup = make_item(city.bureau, name="员工参保登记", audience=Audience.ENTERPRISE, topics=[stage])
    running = make_item(city.bureau, name="年度报告公示", audience=Audience.ENTERPRISE, topics=[operate])
    personal = make_item(city.bureau, name="开办个人事项", topics=[stage])
    agent = make_user("enterprise_agent")
    young = LegalPerson.objects.create(uscc=uscc(), name="示范市新开张有限公司", division=city.county_a,
                                       established_on=timezone.localdate() - dt.timedelta(days=30))
    old = LegalPerson.objects.create(uscc=uscc(), name="示范市老字号有限公司", division=city.county_a, established_on=dt.date(2001, 5, 1))
    for lp in (young, old):
        AgentAuthorization.objects.create(legal_person=lp, agent=agent, valid_from=dt.date(2020, 1, 1))
    recs = recommend(agent, enterprise=young)
    assert [r.code for r in recs if r.rule == "enterprise_stage"] == [startup.code]
    assert "示范市新开张有限公司成立于" in recs[0].reason and personal.code not in {r.code for r in recs}
    assert [r.code for r in recommend(agent, enterprise=old) if r.rule == "enterprise_stage"] == [running.code]


def test_recommendations_api(city, catalog):
    user = _citizen(city, _years_ago(62))
    resp = logged_in_client(user).get("/api/v1/services/recommendations")
    assert resp.status_code == 200
    body = resp.json()
    assert body["subject"] == "本人"
    assert {i["rule"] for i in body["items"]} >= {"retirement", "elderly"}
    assert all(i["reason"] for i in body["items"])
    assert logged_in_client(user).get("/api/v1/services/recommendations", {"enterprise": "nope"}).status_code == 403
    from django.test import Client

    assert Client().get("/api/v1/services/recommendations").status_code == 401
