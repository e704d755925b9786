"""Shared-data sources that replace application materials (免证办): ``ItemMaterial.shared_source`` names one.

``SOURCES = {key: (label, reader)}``; ``read(source, *, person=None, legal_person=None) -> dict | None`` returns
what the base registries (``digigov.data.registries``: the golden records, the e-licence index, credit facts)
hold on the applicant for that source, keyed by attribute code (``name``, ``id_number``, ``marital`` …), in
clear, or ``None`` when nothing is held (then the material is asked for after all).

``person`` is an ``accounts.NaturalPerson`` (found in the person registry by its ID number's blind index),
``legal_person`` an ``accounts.LegalPerson`` (by USCC). Reading is not an authorisation decision: the caller
(the application flow, acting for the holder or with the holder's consent) decides whether it may read, and
records the read of personal values with ``digigov.core.audit.actions.record_pii_read(actor, record, fields,
purpose)`` — ``read_record(source, …)`` gives it the golden record and ``PERSONAL[source]`` the personal
fields a source returns.
"""

from __future__ import annotations

from typing import Callable

from digigov.core.pii import blind
from digigov.data.registries import selectors as reg
from digigov.data.registries.models import CreditKind, EnterpriseRecord, LicenceIndex, LicenceStatus, PersonRecord, RecordStatus


def _golden_person(person):
    if person is None or not getattr(person, "id_number", ""):
        return None
    return (PersonRecord.objects.filter(blind(PersonRecord, "id_number", person.id_number), status=RecordStatus.ACTIVE)
            .select_related("division").first())


def _golden_enterprise(legal_person):
    if legal_person is None or not getattr(legal_person, "uscc", ""):
        return None
    return EnterpriseRecord.objects.filter(uscc=legal_person.uscc, status=RecordStatus.ACTIVE).select_related("division").first()


def _person_columns(rec) -> dict:
    out = {c: getattr(rec, c) for c in reg.PERSON_COLUMNS if c != "phone"}
    out["sex"] = {"M": "男", "F": "女"}.get(rec.sex, rec.sex)
    out["birth_date"] = rec.birth_date.isoformat() if rec.birth_date else ""
    out["division"] = rec.division.name if rec.division_id else ""
    return {k: v for k, v in out.items() if v not in (None, "")}


def _household(person=None, legal_person=None):
    rec = _golden_person(person)
    return _person_columns(rec) if rec else None


def _attribute(code: str, *extra: str):
    def reader(person=None, legal_person=None):
        rec = _golden_person(person)
        if rec is None or code not in (rec.attributes or {}):
            return None
        out = {"name": rec.name, "id_number": rec.id_number, code: rec.attributes[code]}
        for e in extra:
            if e in (rec.attributes or {}):
                out[e] = rec.attributes[e]
        return out
    return reader


def _licence(type_code: str):
    def reader(person=None, legal_person=None):
        code = legal_person.uscc if legal_person is not None else getattr(person, "id_number", "")
        if not code:
            return None
        rows = list(LicenceIndex.objects.filter(blind(LicenceIndex, "holder_code", code), licence_type=type_code, status=LicenceStatus.VALID)
                    .select_related("issuer").order_by("-issued_on", "-pk")[:20])
        if not rows:
            return None
        return {"licences": [{"licence_no": r.licence_no, "licence_name": r.licence_name, "holder_name": r.holder_name,
                              "issued_on": r.issued_on.isoformat(), "issuer": r.issuer.name} for r in rows]}
    return reader


def _enterprise(*codes: str):
    def reader(person=None, legal_person=None):
        rec = _golden_enterprise(legal_person)
        if rec is None:
            return None
        out = {"name": rec.name, "uscc": rec.uscc, "division": rec.division.name if rec.division_id else ""}
        for c in codes:
            if c in (rec.attributes or {}):
                out[c] = rec.attributes[c]
        return {k: v for k, v in out.items() if v not in (None, "")}
    return reader


def _credit(person=None, legal_person=None):
    rec = _golden_enterprise(legal_person)
    if rec is None:
        return None
    facts = list(reg.enterprise_credit(rec)[:50])
    labels = dict(CreditKind.choices)
    return {"name": rec.name, "uscc": rec.uscc,
            "credit": [{"kind": str(labels.get(f.kind, "")), "title": f.title, "department": f.department.name,
                        "decided_on": f.decided_on.isoformat()} for f in facts]}


SOURCES: dict[str, tuple[str, Callable]] = {
    "household": ("户籍信息（人口基础库）", _household),
    "marriage": ("婚姻登记信息", _attribute("marital")),
    "social_insurance": ("社保参保信息", _attribute("insured")),
    "birth_medical": ("出生医学证明信息", _attribute("birth_certificate", "guardian_id_number")),
    "real_estate": ("不动产登记信息", _licence("100000NR001")),
    "housing_fund": ("住房公积金缴存信息", _licence("210600HPF001")),
    "enterprise_registration": ("企业登记信息（法人基础库）", _enterprise("legal_representative", "business_scope", "address",
                                                                 "registered_capital", "established_on", "status")),
    "enterprise_insurance": ("企业参保信息", _enterprise("insured_staff")),
    "tax_credit": ("纳税信用信息", _enterprise("tax_status")),
    "credit": ("公共信用信息", _credit),
    "death": ("死亡信息（殡葬、医疗机构）", _attribute("death_date")),
    "education": ("学籍信息", _attribute("school")),
    "employment": ("就业登记信息", _attribute("employer")),
}

# personal values each source returns (what the caller names in its record_pii_read)
PERSONAL: dict[str, tuple[str, ...]] = {
    "household": ("name", "id_number", "sex", "birth_date", "ethnicity", "address"),
    "marriage": ("name", "id_number", "marital"),
    "social_insurance": ("name", "id_number", "insured"),
    "birth_medical": ("name", "id_number", "birth_certificate", "guardian_id_number"),
    "enterprise_registration": ("legal_representative",),
    "death": ("name", "id_number", "death_date"),
    "education": ("name", "id_number", "school"),
    "employment": ("name", "id_number", "employer"),
}


def label(source: str) -> str:
    """The Chinese name of a source (what the 办事指南 shows next to a material it replaces)."""
    entry = SOURCES.get(source)
    return entry[0] if entry else ""


def read(source: str, *, person=None, legal_person=None) -> dict | None:
    """What the registries hold on the applicant for ``source``; ``None`` when nothing (or an unknown source)."""
    entry = SOURCES.get(source)
    if entry is None:
        return None
    return entry[1](person=person, legal_person=legal_person)


def wards(person, id_numbers) -> list:
    """The golden records among ``id_numbers`` (the resident IDs an application names: 新生儿, 儿童 …) whose
    current 监护人 (``guardian_id_number``) is ``person``: a parent's application may be supplied from its
    child's records (the hospital's 出生记录, the child's 出生医学证明), never from anyone else's. Matched on
    the keyed digest of the sealed guardian value, so no one else's record is unsealed."""
    from digigov.data.registries.selectors import guarded_by

    own = getattr(person, "id_number", "") or ""
    codes = sorted({c for c in id_numbers if isinstance(c, str) and len(c) == 18 and c != own})
    if not own or not codes:
        return []
    return list(guarded_by(own).filter(blind(PersonRecord, "id_number", codes)).order_by("pk"))


def read_record(source: str, *, person=None, legal_person=None):
    """The golden record a source reads (for the caller's audit entry), or None."""
    if source in ("household", "marriage", "social_insurance", "birth_medical", "death", "education", "employment"):
        return _golden_person(person)
    if source in ("enterprise_registration", "enterprise_insurance", "tax_credit", "credit"):
        return _golden_enterprise(legal_person)
    return None
