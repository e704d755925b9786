"""免填: values from the applicant's golden record, licences and profile, labelled with the authoritative
department; the clear read audited; only the holder or a window clerk with consent; provenance records
whether the applicant confirmed or changed each answer."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Forbidden
from digigov.core.testing import resident_id
from digigov.data.registries.models import AttributeAuthority, RegistryKind
from digigov.data.registries.testing import make_licence, make_person
from digigov.support.forms import actions, prefill as pf
from digigov.support.forms.testing import published_form


@pytest.fixture
def golden(city, applicant):
    police = city.bureau  # stands for 公安局 here: the authority of name and ID number
    AttributeAuthority.objects.create(registry=RegistryKind.PERSON, attribute="name", department=police)
    AttributeAuthority.objects.create(registry=RegistryKind.PERSON, attribute="id_number", department=police)
    return make_person(city, name="张三丰", id_number=applicant.person.id_number, address="示范市元宝区兴东社区8号")


def test_prefill_from_golden_record_with_provenance(city, designer, applicant, golden):
    _form, version = published_form(designer, department=city.bureau)
    data, prov = pf.prefill(version, actor=applicant)
    assert data == {"applicant_name": "张三丰", "applicant_id_number": applicant.person.id_number, "applicant_phone": "13800001111"}
    assert prov["applicant_name"]["label"] == "来自 营商局·人口基础库"
    assert prov["applicant_phone"]["label"] == "来自 实名认证资料"
    assert prov["applicant_name"]["source"] == "registries.person.name" and not prov["applicant_name"]["confirmed"]
    entry = AuditEntry.objects.filter(action="pii.read").latest("seq")
    assert entry.object_id == golden.public_id and entry.actor_id == applicant.pk


def test_submission_records_confirmed_and_changed(city, designer, applicant, golden):
    _form, version = published_form(designer, department=city.bureau)
    data, prov = pf.prefill(version, actor=applicant)
    prov["applicant_name"]["confirmed"] = True
    prov["applicant_id_number"]["confirmed"] = True
    data.update(applicant_phone="13900002222", kind="本人")  # the applicant changed the phone
    sub = actions.submit(applicant, version, data, prov)
    assert sub.provenance["applicant_name"]["confirmed"] is True and sub.provenance["applicant_name"]["changed"] is False
    assert sub.provenance["applicant_phone"]["changed"] is True and sub.provenance["applicant_phone"]["confirmed"] is False
    # a browser claiming "unchanged" for a changed value is not believed
    forged = dict(prov, applicant_id_number=dict(prov["applicant_id_number"]))
    data2 = dict(data, applicant_id_number=resident_id())
    sub2 = actions.submit(applicant, version, data2, forged)
    assert sub2.provenance["applicant_id_number"]["changed"] is True


def test_licence_and_enterprise_sources(city, designer, applicant):
    make_licence(applicant.person.id_number, "张三", city.bureau, holder_kind="person", licence_name="机动车驾驶证", licence_type="jsz")
    ui = {"type": "default", "components": [{"type": "textfield", "key": "licence_no", "label": "驾驶证号"},
                                            {"type": "textfield", "key": "issued", "label": "发证日期"}]}
    _form, version = published_form(designer, department=city.bureau, ui=ui,
                                    bindings={"licence_no": "licence.jsz.licence_no", "issued": "licence.jsz.issued_on"})
    data, prov = pf.prefill(version, actor=applicant)
    assert data["issued"] == "2025-06-01" and data["licence_no"].startswith("L")
    assert prov["licence_no"]["label"] == "来自 电子证照·机动车驾驶证"


def test_only_the_holder_or_a_clerk_with_consent(city, designer, applicant, golden, role_user, user_factory):
    _form, version = published_form(designer, department=city.bureau)
    stranger = user_factory("citizen")
    with pytest.raises(Forbidden):
        pf.prefill(version, actor=stranger, person=applicant.person)
    clerk = role_user("window_clerk")
    with pytest.raises(Forbidden) as info:
        pf.prefill(version, actor=clerk, person=applicant.person)
    assert info.value.code == "consent_required"
    now = timezone.now()
    expired = SimpleNamespace(scope=["registries"], expires_at=now - dt.timedelta(minutes=1), revoked_at=None)
    with pytest.raises(Forbidden):
        pf.prefill(version, actor=clerk, person=applicant.person, consent=expired)
    consent = SimpleNamespace(scope=["registries", "licences"], expires_at=now + dt.timedelta(hours=1), revoked_at=None)
    data, prov = pf.prefill(version, actor=clerk, person=applicant.person, consent=consent, purpose="窗口受理：出生登记")
    assert data["applicant_name"] == "张三丰"
    entry = AuditEntry.objects.filter(action="pii.read").latest("seq")
    assert entry.actor_id == clerk.pk and "窗口受理" in str(entry.after)


def test_known_sources_and_catalogue():
    assert pf.known_source("registries.person.address") and pf.known_source("profile.phone")
    assert pf.known_source("licence.yyzz.licence_no")
    assert not pf.known_source("registries.person.password") and not pf.known_source("profile.secret")
    assert not pf.known_source("os.system") and not pf.known_source(None)
    labels = {s.code: s.label for s in pf.source_catalogue(licence_types=[("yyzz", "营业执照")])}
    assert labels["registries.enterprise.uscc"] == "法人基础库·统一社会信用代码"
    assert labels["licence.yyzz.licence_no"] == "电子证照·营业执照·证照编号"


def test_bound_field_inside_a_group_with_a_path(city, designer, applicant, golden):
    ui = {"type": "default", "components": [{"type": "group", "label": "申请人", "path": "applicant", "components": [
        {"type": "textfield", "key": "name", "label": "姓名", "validate": {"required": True}}]}]}
    _form, version = published_form(designer, department=city.bureau, ui=ui, bindings={"applicant.name": "registries.person.name"})
    data, prov = pf.prefill(version, actor=applicant)
    assert data == {"applicant": {"name": "张三丰"}} and "applicant.name" in prov
    sub = actions.submit(applicant, version, data, prov)
    assert sub.provenance["applicant.name"]["changed"] is False
