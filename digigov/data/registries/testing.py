"""Test factories for the base registries, two kinds:

* golden records made directly with the ORM (the builder is not needed to test pages, the API, KPIs or
  credit), with values from several departments, conflicts and lineage (``make_person`` …, ``sample``);
* departments' person/enterprise extracts as catalog entries with their ``dr_<pk>`` tables, feeds over
  them and the authority table, for the build and steward tests (``feed_with_rows``, ``deliver``, ``authority``).

    person = make_person(city, name="张三", id_number=resident_id(), values=[
        value("address", "辽宁省丹东市元宝区兴东街道1号", dept=police, authoritative=True, current=True),
        value("address", "辽宁省丹东市振兴区永昌街道9号", dept=civil),          # a conflicting value seen
    ])
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from digigov.core.org import actions as org_actions
from digigov.core.org.models import Department, DepartmentKind
from digigov.core.pii import blind_digest
from digigov.data.catalog.testing import create_dataset, insert_rows, make_entry

from .models import (
    AttributeAuthority, AttributeValue, CreditKind, CreditRecord, EnterpriseRecord, Feed, LicenceIndex, PersonRecord, RegistryKind,
    SourceRecord, StewardTask, SubjectKind, TaskKind, TaskStatus,
)

_rows = itertools.count(1)


@dataclass
class V:
    attribute: str
    value: str
    dept: object
    authoritative: bool = False
    current: bool = False
    days_ago: int = 0


def value(attribute: str, text: str, *, dept, authoritative: bool = False, current: bool = False, days_ago: int = 0) -> V:
    return V(attribute, text, dept, authoritative, current, days_ago)


def feed_for(dept, registry: str = RegistryKind.PERSON, user=None) -> Feed:
    from digigov.core.rbac.system import system_account

    feed = Feed.objects.filter(registry=registry, department=dept).first()
    if feed is None:
        feed = Feed.objects.create(registry=registry, name=f"{dept.short_name or dept.name}{'人口' if registry == 'person' else '法人'}数据",
                                   department=dept, mapping={}, created_by=user or system_account())
    return feed


def _digest(text: str) -> str:
    return blind_digest("registries_attributevalue", "value", text).hex()[:16]


def _values(subject_field: str, subject, values: list[V], registry: str) -> None:
    now = timezone.now()
    for v in values:
        feed = feed_for(v.dept, registry)
        n = next(_rows)
        source = SourceRecord.objects.create(feed=feed, row_id=f"r{n}", row_no=n, data="{}", **{subject_field: subject})
        AttributeValue.objects.create(**{subject_field: subject}, attribute=v.attribute, value=v.value, value_digest=_digest(v.value),
                                      source=source, department=v.dept, is_authoritative=v.authoritative, is_current=v.current,
                                      observed_at=now - dt.timedelta(days=v.days_ago),
                                      superseded_at=None if v.current else now)
    attrs = {}
    for v in values:
        attrs.setdefault(v.attribute, set()).add(v.value)
    subject.source_count = len({v.dept.pk for v in values})
    subject.conflict_count = sum(1 for seen in attrs.values() if len(seen) > 1)
    subject.save(update_fields=["source_count", "conflict_count"])


def make_person(city, *, name: str = "张三", id_number: str = "", division=None, sex: str = "M", birth_date=None,
                address: str = "", phone: str = "", values: list[V] = ()) -> PersonRecord:
    from digigov.core.testing import resident_id

    id_number = id_number or resident_id()
    person = PersonRecord.objects.create(
        id_number=id_number, name=name, sex=sex, birth_date=birth_date or dt.date(1990, 1, 1), address=address, phone=phone,
        division=division or city.village_a,
    )
    _values("person", person, list(values), RegistryKind.PERSON)
    return person


def make_enterprise(city, *, name: str = "示范市测试有限公司", uscc: str = "", division=None, values: list[V] = ()) -> EnterpriseRecord:
    from digigov.core.testing import uscc as make_uscc

    ent = EnterpriseRecord.objects.create(uscc=uscc or make_uscc(), name=name, division=division or city.county_a)
    _values("enterprise", ent, list(values), RegistryKind.ENTERPRISE)
    return ent


def make_credit(enterprise: EnterpriseRecord, dept, *, kind: str = CreditKind.PENALTY, title: str = "未按规定公示年度报告",
                decided_on=None, document_no: str = "") -> CreditRecord:
    return CreditRecord.objects.create(
        subject_kind=SubjectKind.ENTERPRISE, subject_code=enterprise.uscc, subject_name=enterprise.name, enterprise=enterprise,
        kind=kind, title=title, document_no=document_no or f"示市监罚〔2026〕{next(_rows)}号", department=dept,
        decided_on=decided_on or dt.date(2026, 3, 1),
    )


def make_licence(holder_code: str, holder_name: str, dept, *, holder_kind: str = SubjectKind.ENTERPRISE,
                 licence_name: str = "营业执照", licence_type: str = "yyzz") -> LicenceIndex:
    return LicenceIndex.objects.create(holder_kind=holder_kind, holder_code=holder_code, holder_name=holder_name,
                                       licence_type=licence_type, licence_name=licence_name, licence_no=f"L{next(_rows):08d}",
                                       issuer=dept, issued_on=dt.date(2025, 6, 1))


def make_task(subject, *, kind: str = TaskKind.CONFLICT, attribute: str = "address", status: str = TaskStatus.OPEN,
              days_ago: int = 0) -> StewardTask:
    field = "person" if isinstance(subject, PersonRecord) else "enterprise"
    task = StewardTask.objects.create(registry=RegistryKind.PERSON if field == "person" else RegistryKind.ENTERPRISE,
                                      kind=kind, status=status, attribute=attribute if kind == TaskKind.CONFLICT else "",
                                      **{field: subject})
    if days_ago:
        StewardTask.objects.filter(pk=task.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
        task.refresh_from_db()
    return task


@dataclass
class Sample:
    police: object
    civil: object
    hrss: object
    samr: object
    person: PersonRecord  # 元宝区兴东社区: ID and name from 公安 (authoritative), an address conflict with 民政
    other: PersonRecord  # 振兴区永昌社区, no conflicts
    enterprise: EnterpriseRecord  # 元宝区, with a penalty and a licence
    credit: CreditRecord
    licence: LicenceIndex


PERSON_ID = "210602199001011239"
ADDRESS = "辽宁省示范市元宝区兴东街道幸福里8号"
OTHER_ADDRESS = "辽宁省示范市振兴区永昌街道和平路2号"
PHONE = "13812345678"


def sample(city) -> Sample:
    """A small registry: two persons, one enterprise, one credit fact, one licence (see ``Sample``)."""
    from digigov.core.accounts.ids import resident_id_check_char
    from digigov.core.testing import uscc as make_uscc

    police = department(city, "CITY-PSB", "示范市公安局", "公安局")
    civil = department(city, "CITY-CA", "示范市民政局", "民政局")
    hrss = department(city, "CITY-HRSS", "示范市人力资源和社会保障局", "人社局")
    samr = department(city, "CITY-SAMR", "示范市市场监督管理局", "市场监管局")
    pid = PERSON_ID[:17] + resident_id_check_char(PERSON_ID[:17])
    person = make_person(city, name="李建国", id_number=pid, address=ADDRESS, phone=PHONE, values=[
        value("name", "李建国", dept=police, authoritative=True, current=True),
        value("id_number", pid, dept=police, authoritative=True, current=True),
        value("address", ADDRESS, dept=police, authoritative=True, current=True, days_ago=3),
        value("address", OTHER_ADDRESS, dept=civil, days_ago=10),
        value("phone", PHONE, dept=hrss, current=True),
        value("insured", "职工基本养老保险参保", dept=hrss, authoritative=True, current=True),
    ])
    oid = "210603198505050011"
    oid = oid[:17] + resident_id_check_char(oid[:17])
    other = make_person(city, name="王芳", id_number=oid, sex="F", division=city.village_b, values=[
        value("name", "王芳", dept=police, authoritative=True, current=True),
        value("id_number", oid, dept=police, authoritative=True, current=True),
    ])
    code = make_uscc("210602", seed=7)
    ent = make_enterprise(city, name="示范市兴东食品有限公司", uscc=code, values=[
        value("name", "示范市兴东食品有限公司", dept=samr, authoritative=True, current=True),
        value("uscc", code, dept=samr, authoritative=True, current=True),
        value("legal_representative", "李建国", dept=samr, authoritative=True, current=True),
    ])
    credit = make_credit(ent, samr, title="销售不合格食品")
    licence = make_licence(code, ent.name, samr)
    return Sample(police, civil, hrss, samr, person, other, ent, credit, licence)


# column → (item name, personal, canonical field)
PERSON_ITEMS = {
    "sfzh": ("公民身份号码", 2, "id_number"), "xm": ("姓名", 1, "name"), "xb": ("性别", 1, "sex"), "csrq": ("出生日期", 1, "birth_date"),
    "mz": ("民族", 1, "ethnicity"), "zz": ("住址", 1, "address"), "sjhm": ("手机号码", 1, "phone"), "cbzt": ("参保状态", 1, "insured"),
    "hyzk": ("婚姻状况", 2, "marital"), "cszm": ("出生医学证明编号", 1, "birth_certificate"), "jhrsfzh": ("监护人公民身份号码", 2, "guardian_id_number"),
    "jlbs": ("记录标识", 0, "row_id"),
}
ENTERPRISE_ITEMS = {
    "tyshxydm": ("统一社会信用代码", 0, "uscc"), "mc": ("名称", 0, "name"), "fddbr": ("法定代表人", 1, "legal_representative"),
    "jyfw": ("经营范围", 0, "business_scope"), "zs": ("住所", 0, "address"), "djzt": ("登记状态", 0, "status"),
    "nsxydj": ("纳税信用等级", 0, "tax_status"), "cbrs": ("参保职工人数", 0, "insured_staff"), "jlbs": ("记录标识", 0, "row_id"),
}


def department(city, code: str, name: str, short: str) -> Department:
    found = Department.objects.filter(code=code).first()
    return found or org_actions.create_department(city.system, code=code, name=name, short_name=short, kind=DepartmentKind.COMMITTEE,
                                                  division=city.city, parent=city.gov)


def departments(city) -> dict[str, Department]:
    return {
        "psb": department(city, "CITY-PSB", "示范市公安局", "公安局"),
        "hrss": department(city, "CITY-HRSS", "示范市人力资源和社会保障局", "人社局"),
        "ca": department(city, "CITY-CA", "示范市民政局", "民政局"),
        "hea": department(city, "CITY-HEA", "示范市卫生健康委员会", "卫健委"),
        "samr": department(city, "CITY-SAMR", "示范市市场监督管理局", "市场监管局"),
        "tax": department(city, "CITY-TAX", "国家税务总局示范市税务局", "税务局"),
    }


def feed_with_rows(dept, name: str, columns: list[str], rows: list[dict], *, user, registry: str = "person") -> Feed:
    """An entry of ``dept`` with ``columns`` (keys of PERSON_ITEMS/ENTERPRISE_ITEMS), its table holding ``rows``
    (dicts by column), and a feed mapping every column to its canonical field."""
    spec = PERSON_ITEMS if registry == "person" else ENTERPRISE_ITEMS
    entry = make_entry(dept, [{"name": spec[c][0], "field_name": c, "personal": spec[c][1]} for c in columns], name=name)
    create_dataset(entry, rows, user=user)
    return Feed.objects.create(registry=registry, name=name, department=dept, entry=entry, mapping={spec[c][2]: c for c in columns},
                               created_by=user)


def deliver(feed: Feed, rows: list[dict], batch: int = 2) -> None:
    """A re-delivery: rows appended to the feed's table by a later batch."""
    insert_rows(feed.entry, rows, batch=batch)


def authority(registry: str, table: dict[str, Department]) -> None:
    for attr, dept in table.items():
        AttributeAuthority.objects.update_or_create(registry=registry, attribute=attr, defaults={"department": dept})
