"""The attributes each base registry holds, in one place: the golden-record columns, the
source-of-truth table (``AttributeAuthority``) and the pages all read this list.

``personal`` marks values that are personal information (stored sealed, masked by default, every clear
read audited with a purpose); ``sensitive`` marks sensitive personal information (PIPL art. 28).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str
    personal: bool = False
    sensitive: bool = False


# the canonical linkage fields first (see digigov.data.linkage.result.CANONICAL_FIELDS), then what
# other departments add to a person
PERSON_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("name", "姓名", personal=True),
    Attribute("id_number", "公民身份号码", personal=True, sensitive=True),
    Attribute("sex", "性别", personal=True),
    Attribute("birth_date", "出生日期", personal=True),
    Attribute("ethnicity", "民族", personal=True),
    Attribute("address", "住址", personal=True),
    Attribute("phone", "手机号码", personal=True),
    Attribute("former_names", "曾用名", personal=True),
    Attribute("insured", "社会保险参保状态", personal=True),
    Attribute("marital", "婚姻状况", personal=True, sensitive=True),
    Attribute("birth_certificate", "出生医学证明编号", personal=True),
    Attribute("guardian_id_number", "监护人公民身份号码", personal=True, sensitive=True),
)

ENTERPRISE_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("name", "名称"),
    Attribute("uscc", "统一社会信用代码"),
    Attribute("legal_representative", "法定代表人", personal=True),
    Attribute("business_scope", "经营范围"),
    Attribute("address", "住所"),
    Attribute("registered_capital", "注册资本（万元）"),
    Attribute("established_on", "成立日期"),
    Attribute("status", "登记状态"),
    Attribute("tax_status", "纳税信用等级"),
    Attribute("insured_staff", "参保职工人数"),
)

BY_REGISTRY = {"person": PERSON_ATTRIBUTES, "enterprise": ENTERPRISE_ATTRIBUTES}


def attribute(registry: str, code: str) -> Attribute:
    for a in BY_REGISTRY[registry]:
        if a.code == code:
            return a
    raise KeyError(f"{registry}.{code}")


def label(registry: str, code: str) -> str:
    try:
        return attribute(registry, code).label
    except KeyError:
        return code
