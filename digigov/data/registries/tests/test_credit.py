"""Credit facts and the licence index through their actions; the credit demo generator."""

import datetime as dt

import pytest

from digigov.core.accounts.models import LegalPerson
from digigov.core.audit.models import AuditEntry
from digigov.core.demo import DemoContext
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.registry import DEMO_GENERATORS
from digigov.core.testing import make_user, resident_id, uscc
from digigov.data.registries import testing as rt
from digigov.data.registries.actions import credit, licence
from digigov.data.registries.demo_credit import generate
from digigov.data.registries.models import CreditKind, CreditRecord, LicenceIndex

pytestmark = pytest.mark.django_db


def test_person_credit_is_sealed_findable_and_masked(city):
    reg = rt.sample(city)
    admin = make_user("data_admin", department=reg.hrss)
    pid = resident_id()
    c = credit.record_credit(admin, department=reg.hrss, subject_kind="person", subject_code=pid, subject_name="赵六",
                             kind=CreditKind.PUNISH, title="拖欠农民工工资", decided_on=dt.date(2026, 2, 1))
    assert c.enterprise is None and c.recorded_by == admin
    from digigov.data.registries import selectors
    rows, _ = selectors.search_credit(admin, pid)
    assert rows == [c]
    entry = AuditEntry.objects.get(action="registries.credit.record", object_id=c.public_id)
    assert pid not in entry.after_json


def test_enterprise_credit_links_by_uscc(city):
    reg = rt.sample(city)
    admin = make_user("data_admin", department=reg.samr)
    c = credit.record_credit(admin, department=reg.samr, subject_kind="enterprise", subject_code=reg.enterprise.uscc.lower(),
                             subject_name=reg.enterprise.name, kind=CreditKind.REWARD, title="守合同重信用企业", decided_on="2026-01-01")
    assert c.enterprise == reg.enterprise and c.subject_code == reg.enterprise.uscc


def test_wrong_department_and_bad_reason_refused(city):
    reg = rt.sample(city)
    admin = make_user("data_admin", department=reg.samr)
    with pytest.raises(Forbidden):
        credit.record_credit(admin, department=reg.hrss, subject_kind="enterprise", subject_code=reg.enterprise.uscc,
                             subject_name="x公司", kind=CreditKind.REWARD, title="t", decided_on="2026-01-01")
    with pytest.raises(ValidationFailed):
        credit.void_credit(admin, reg.credit, "  ")
    with pytest.raises(Forbidden):
        credit.void_credit(make_user("data_admin", department=reg.hrss), reg.credit, "不是本部门")
    reg.credit.refresh_from_db()
    assert reg.credit.voided_at is None


def test_index_licence_refuses_without_permission(city):
    reg = rt.sample(city)
    with pytest.raises(Forbidden):
        licence.index_licence(make_user("leader"), issuer=reg.samr, holder_kind="enterprise", holder_code=reg.enterprise.uscc,
                              holder_name="x", licence_type="yyzz", licence_name="营业执照", licence_no="N1", issued_on="2026-01-01")
    assert not LicenceIndex.objects.filter(licence_no="N1").exists()


def test_demo_generator_registered_and_sized_by_scale(city):
    assert set(DEMO_GENERATORS["registries.credit"].after) >= {"org", "accounts"}
    rt.department(city, "CITY-SAMR", "示范市市场监督管理局", "市场监管局")
    rt.department(city, "CITY-EE", "示范市生态环境局", "生态环境局")
    for i in range(200):
        LegalPerson.objects.create(uscc=uscc("210602", seed=1000 + i), name=f"示范企业{i}", division=city.county_a)
    ctx = DemoContext(scale=0.01, seed=3).for_generator("registries.credit")
    generate(ctx)
    n = CreditRecord.objects.count()
    assert n == 60  # 6,000 × 0.01
    assert CreditRecord.objects.filter(is_demo=True).count() == n
    kinds = set(CreditRecord.objects.values_list("kind", flat=True))
    assert {CreditKind.LICENSE, CreditKind.PENALTY} <= kinds
    assert LicenceIndex.objects.filter(is_demo=True).count() == 10
    assert all(c.document_no for c in CreditRecord.objects.filter(kind__in=[CreditKind.LICENSE, CreditKind.PENALTY]))


def test_demo_generator_without_departments_does_nothing(db):
    generate(DemoContext(scale=0.01, seed=3).for_generator("registries.credit"))
    assert not CreditRecord.objects.exists()
