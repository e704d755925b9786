"""Test factories for the registries: departments' person/enterprise extracts as catalog entries with
their ``dr_<pk>`` tables, feeds over them, and the authority table. Used by the build and steward
tests and the browser journey."""

from __future__ import annotations

from digigov.core.org import actions as org_actions
from digigov.core.org.models import Department, DepartmentKind
from digigov.data.catalog.testing import create_dataset, insert_rows, make_entry

from .models import AttributeAuthority, Feed

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
