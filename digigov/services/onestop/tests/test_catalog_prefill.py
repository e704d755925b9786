"""Shared-data sources (免证办): ``prefill.read`` returns what the base registries hold on the applicant, or
None when they hold nothing (then the material is asked for)."""

from types import SimpleNamespace

import pytest

from digigov.core.testing import resident_id, uscc
from digigov.data.registries.testing import make_credit, make_enterprise, make_licence, make_person
from digigov.services.onestop import prefill


@pytest.mark.django_db
def test_person_sources(city):
    pid = resident_id("210602", "19850101")
    rec = make_person(city, name="张三丰", id_number=pid, address="元宝区兴东社区1号")
    rec.attributes = {"marital": "已婚", "insured": "职工基本养老保险"}
    rec.save()
    applicant = SimpleNamespace(id_number=pid)
    household = prefill.read("household", person=applicant)
    assert household["name"] == "张三丰" and household["id_number"] == pid and household["sex"] == "男"
    assert household["division"] == city.village_a.name and "phone" not in household
    assert prefill.read("marriage", person=applicant) == {"name": "张三丰", "id_number": pid, "marital": "已婚"}
    assert prefill.read("social_insurance", person=applicant)["insured"] == "职工基本养老保险"
    assert prefill.read("birth_medical", person=applicant) is None  # nothing held: the paper is asked for
    assert prefill.read("household", person=SimpleNamespace(id_number=resident_id("210602", "19900101"))) is None
    assert prefill.read("household") is None and prefill.read("no_such_source", person=applicant) is None
    assert prefill.read_record("household", person=applicant) == rec
    make_licence(pid, "张三丰", city.bureau, holder_kind="person", licence_name="不动产权证书", licence_type="100000NR001")
    assert prefill.read("real_estate", person=applicant)["licences"][0]["licence_name"] == "不动产权证书"


@pytest.mark.django_db
def test_enterprise_sources(city):
    code = uscc("210602", seed=5)
    ent = make_enterprise(city, name="示范市元宝食品有限公司", uscc=code)
    ent.attributes = {"legal_representative": "李四", "tax_status": "A", "insured_staff": "12"}
    ent.save()
    make_credit(ent, city.bureau)
    lp = SimpleNamespace(uscc=code)
    reg = prefill.read("enterprise_registration", legal_person=lp)
    assert reg["name"] == "示范市元宝食品有限公司" and reg["legal_representative"] == "李四" and reg["uscc"] == code
    assert prefill.read("tax_credit", legal_person=lp)["tax_status"] == "A"
    assert prefill.read("credit", legal_person=lp)["credit"][0]["title"] == "未按规定公示年度报告"
    assert prefill.read("enterprise_registration", legal_person=SimpleNamespace(uscc=uscc("210602", seed=6))) is None


def test_every_source_has_a_chinese_label():
    assert all(any("\u4e00" <= c <= "\u9fff" for c in label) for label, _ in prefill.SOURCES.values())
    assert set(prefill.PERSONAL) <= set(prefill.SOURCES)
