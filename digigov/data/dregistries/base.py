"""The base registries published read-only through the GovStack Data API.

``population`` (人口基础库, ``registries.PersonRecord``) and ``legal-persons`` (法人基础库,
``registries.EnterpriseRecord``), version ``1.0``, with the fixed schemas below. Records are the golden
records themselves, never copied: ``ID`` is the golden record's public id. Which fields are personal comes
from ``registries.attributes`` (the one list the registries app keeps), so the masking here is the same as
on the registries' own pages.

Queries take exact values on the fields listed in ``QUERYABLE``; a personal field is matched through its
blind index (``id_number``, ``name``), never by unsealing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from digigov.core.pii import blind
from digigov.data.registries.attributes import ENTERPRISE_ATTRIBUTES, PERSON_ATTRIBUTES
from digigov.data.registries.models import EnterpriseRecord, PersonRecord, RecordStatus

from .models import BaseKind, Database

VERSION = "1.0"
SEX = {"M": "男", "F": "女"}


def _props(attrs, fields: list[str], extra: dict) -> dict:
    labels = {a.code: a for a in attrs}
    props = {"ID": {"type": "string", "title": "记录编号", "primaryKey": True, "readOnly": True}}
    for f in fields:
        a = labels.get(f)
        prop = {"type": ["string", "null"], "title": a.label if a else extra.get(f, f)}
        if a and a.personal:
            prop["personal"] = True
        props[f] = prop
    return props


PERSON_FIELDS = ["name", "id_number", "sex", "birth_date", "ethnicity", "address", "phone"]
ENTERPRISE_FIELDS = ["name", "uscc", "legal_representative", "business_scope", "address", "registered_capital",
                     "established_on", "tax_status", "insured_staff"]
COMMON = {"division": "行政区划代码", "status": "记录状态"}

SCHEMAS = {
    BaseKind.PERSON: {
        "type": "object",
        "title": "人口基础库",
        "description": "人口基础库主体记录（一数一源、多元校核），只读发布",
        "properties": {**_props(PERSON_ATTRIBUTES, PERSON_FIELDS, COMMON),
                       "division": {"type": ["string", "null"], "title": "户籍区划代码"},
                       "status": {"type": "string", "title": "记录状态"}},
        "required": ["ID"],
    },
    BaseKind.ENTERPRISE: {
        "type": "object",
        "title": "法人基础库",
        "description": "法人基础库主体记录（一数一源、多元校核），只读发布",
        "properties": {**_props(ENTERPRISE_ATTRIBUTES, ENTERPRISE_FIELDS, COMMON),
                       "division": {"type": ["string", "null"], "title": "登记区划代码"},
                       "status": {"type": "string", "title": "记录状态"}},
        "required": ["ID"],
    },
}
CODES = {BaseKind.PERSON: "population", BaseKind.ENTERPRISE: "legal-persons"}
NAMES = {BaseKind.PERSON: "人口基础库", BaseKind.ENTERPRISE: "法人基础库"}
STATUS_WORDS = dict(RecordStatus.choices)

QUERYABLE = {
    BaseKind.PERSON: {"ID", "id_number", "name", "sex", "birth_date", "ethnicity", "division", "status"},
    BaseKind.ENTERPRISE: {"ID", "uscc", "name", "division", "status"},
}


def personal_fields(kind: str) -> list[str]:
    return sorted(k for k, p in SCHEMAS[kind]["properties"].items() if p.get("personal"))


def ensure() -> list[Database]:
    """The two published base registries, created on first use (idempotent; safe against a parallel first
    use: the (code, version) unique constraint decides)."""
    out = []
    for kind in (BaseKind.PERSON, BaseKind.ENTERPRISE):
        db = Database.objects.filter(base=kind).first()
        if db is None:
            try:
                with transaction.atomic():
                    db = Database.objects.create(
                        code=CODES[kind], version=VERSION, name=NAMES[kind], base=kind,
                        description=SCHEMAS[kind]["description"], group_name="基础数据库", catalog_name=NAMES[kind],
                        schema=SCHEMAS[kind], id_field="ID", personal_fields=personal_fields(kind))
            except IntegrityError:
                db = Database.objects.get(code=CODES[kind], version=VERSION)
        out.append(db)
    return out


def model_of(db: Database):
    return PersonRecord if db.base == BaseKind.PERSON else EnterpriseRecord


def queryset(db: Database):
    qs = model_of(db).objects.select_related("division").exclude(status=RecordStatus.MERGED)
    return qs


def _text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError
    return str(value)


def condition(db: Database, field: str, value) -> Q:
    """An exact match on one published field (``ValueError`` for a field that cannot be queried)."""
    if field not in QUERYABLE[db.base]:
        raise KeyError(field)
    text = _text(value)
    if field == "ID":
        return Q(public_id=text)
    if field == "division":
        return Q(division__code=text)
    if field == "status":
        reverse = {v: k for k, v in STATUS_WORDS.items()}
        return Q(status=reverse.get(text, text))
    if db.base == BaseKind.PERSON:
        if field in ("id_number", "name"):
            return blind(PersonRecord, field, text)
        if field == "sex":
            reverse = {v: k for k, v in SEX.items()}
            return Q(sex=reverse.get(text, text))
        if field == "birth_date":
            return Q(birth_date=dt.date.fromisoformat(text))
        return Q(**{field: text})
    return Q(**{field: text})


def search(db: Database, text: str) -> Q:
    """Free-text search: enterprise names (public registration data); persons only by exact name."""
    if db.base == BaseKind.ENTERPRISE:
        return Q(name__icontains=text) | Q(uscc=text.upper())
    return blind(PersonRecord, "name", text)


def to_content(db: Database, obj) -> dict:
    """The golden record as the registry's content, in clear (callers mask what the client may not see)."""
    division = obj.division.code if obj.division_id else None
    status = STATUS_WORDS.get(obj.status, obj.status)
    if db.base == BaseKind.PERSON:
        return {
            "ID": obj.public_id, "name": obj.name or None, "id_number": obj.id_number or None,
            "sex": SEX.get(obj.sex, obj.sex or None), "birth_date": obj.birth_date.isoformat() if obj.birth_date else None,
            "ethnicity": obj.ethnicity or None, "address": obj.address or None, "phone": obj.phone or None,
            "division": division, "status": status,
        }
    attrs = obj.attributes or {}
    out = {"ID": obj.public_id, "name": obj.name or None, "uscc": obj.uscc or None}
    for f in ENTERPRISE_FIELDS:
        if f not in out:
            v = attrs.get(f)
            out[f] = None if v is None else str(v)
    out.update({"division": division, "status": status})
    return out
