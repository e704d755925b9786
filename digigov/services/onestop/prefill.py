"""Shared data that replaces a material (免证办): the sources an ``ItemMaterial.shared_source`` may name.

MINIMAL VERSION written by the application slice (h-apply) because the catalog slice's module was not on
main yet; it keeps the agreed contract — ``SOURCES = {key: (label, reader)}`` and
``read(source, *, person=None, legal_person=None) -> dict | None`` — so the catalog slice's fuller module
replaces it at merge without changing callers.

A reader looks at the applicant's golden record in the base registries (``digigov.data.registries``;
person by the blind index of the ID number, enterprise by USCC) and answers the facts the material would
have proved (the keys are Chinese labels, shown to the applicant as they are), or ``None`` when the
registries hold nothing for the applicant — then the material must be uploaded instead.
"""

from __future__ import annotations

from collections.abc import Callable

from digigov.core.pii import blind


def _person_record(person):
    from digigov.data.registries.models import PersonRecord, RecordStatus

    if person is None or not person.id_number:
        return None
    return (PersonRecord.objects.filter(blind(PersonRecord, "id_number", person.id_number), status=RecordStatus.ACTIVE)
            .select_related("division").first())


def _enterprise_record(legal_person):
    from digigov.data.registries.models import EnterpriseRecord, RecordStatus

    if legal_person is None:
        return None
    return EnterpriseRecord.objects.filter(uscc=legal_person.uscc, status=RecordStatus.ACTIVE).select_related("division").first()


def _household(person=None, legal_person=None):
    rec = _person_record(person)
    if rec is None:
        return None
    return {"姓名": rec.name, "户籍区划": rec.division.name if rec.division_id else ""}


def _person_attrs(*names: str) -> Callable:
    """A reader answering from the golden record's other attributes (婚姻状况, 参保状态 …) when present."""

    def reader(person=None, legal_person=None):
        rec = _person_record(person)
        if rec is None:
            return None
        attrs = rec.attributes or {}
        out = {"姓名": rec.name}
        out.update({k: str(attrs[k]) for k in names if attrs.get(k) not in (None, "")})
        return out

    return reader


def _enterprise(person=None, legal_person=None):
    rec = _enterprise_record(legal_person)
    if rec is None:
        return None
    return {"名称": rec.name, "统一社会信用代码": rec.uscc, "登记区划": rec.division.name if rec.division_id else ""}


SOURCES: dict[str, tuple[str, Callable]] = {
    "household": ("户籍信息", _household),
    "marriage": ("婚姻登记信息", _person_attrs("marital", "婚姻状况")),
    "social_insurance": ("社保参保信息", _person_attrs("insured", "参保状态")),
    "property": ("不动产登记信息", _person_attrs("property", "不动产")),
    "birth": ("出生医学信息", _person_attrs("birth_place")),
    "death": ("死亡信息", _person_attrs("death_date")),
    "education": ("学籍信息", _person_attrs("school")),
    "employment": ("就业登记信息", _person_attrs("employer")),
    "enterprise": ("企业登记信息", _enterprise),
}


def label(source: str) -> str:
    return SOURCES[source][0] if source in SOURCES else "共享数据"


def read(source: str, *, person=None, legal_person=None) -> dict | None:
    """The facts ``source`` holds about the applicant, or None (unknown source, nothing in the registries)."""
    entry = SOURCES.get(source)
    if entry is None:
        return None
    return entry[1](person=person, legal_person=legal_person)
