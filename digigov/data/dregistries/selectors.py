"""Reads shared by the GovStack endpoints, the admin and the demo: finding registries and records,
turning a GovStack query object into a queryset, and a record into the content a client may see."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.fields.json import KeyTransform

from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.pii import blind_digest
from digigov.core.rbac.checks import can

from . import base, schema as schemas
from .models import Database, Record, RecordValue

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")
SCALARS = (str, int, float, bool, type(None))
MASK_NULL = None
BLIND_TABLE = "dregistries_record"


def databases():
    base.ensure()
    return Database.objects.select_related("department", "created_by").order_by("id")


def database(code: str, version: str) -> Database:
    if not CODE_RE.match(code or "") or not VERSION_RE.match(version or ""):
        raise NotFound("登记簿不存在", code="registry_not_found", detail={"registryName": code, "versionNumber": version})
    base.ensure()
    db = Database.objects.select_related("department").filter(code=code, version=version).first()
    if db is None:
        raise NotFound("登记簿不存在（请核对登记簿代码和版本号）", code="registry_not_found",
                       detail={"registryName": code, "versionNumber": version})
    return db


def database_by_id(pk) -> Database:
    base.ensure()
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    db = Database.objects.select_related("department", "created_by").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if db is None:
        raise NotFound("登记簿不存在", code="database_not_found", detail={"id": str(pk)})
    return db


def blind_key(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def blind_hex(field_name: str, value) -> str:
    digest = blind_digest(BLIND_TABLE, f"personal.{field_name}", blind_key(value))
    return digest.hex() if digest else ""


def canonical(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON does not tell 5 from 5.0
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def value_digest(db: Database, field_name: str, value) -> str:
    """What ``RecordValue.digest`` holds for ``value`` of ``field_name``: the blind index of a personal field,
    else the SHA-256 of the value's canonical JSON (so "5" and 5 stay different, as in JSON)."""
    if field_name in db.personal_fields:
        return blind_hex(field_name, value)
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def value_rows(db: Database, content: dict) -> list[tuple[str, str]]:
    return [(k, value_digest(db, k, v)) for k, v in content.items()
            if v is not None and isinstance(v, SCALARS) and k in db.schema.get("properties", {})]


def _check_fields(db: Database, content: dict, where: str) -> None:
    props = db.schema.get("properties", {})
    unknown = [k for k in content if k not in props]
    if unknown:
        raise ValidationFailed(f"{where}中含有登记簿未定义的字段", code="unknown_field", detail={"fields": unknown[:20]})
    bad = [k for k, v in content.items() if not isinstance(v, SCALARS)]
    if bad:
        raise ValidationFailed(f"{where}的字段值只能是文本、数字、布尔值或 null（不支持按对象或数组匹配）",
                               code="unsupported_query", detail={"fields": bad[:20]})


def matching(db: Database, content: dict, where: str = "查询条件"):
    """Records of ``db`` equal to ``content`` on every given field (an empty object matches all)."""
    if not isinstance(content, dict):
        raise ValidationFailed(f"{where}应为 JSON 对象", code="invalid_query")
    _check_fields(db, content, where)
    if db.is_base:
        qs = base.queryset(db)
        for k, v in content.items():
            try:
                qs = qs.filter(base.condition(db, k, v))
            except KeyError:
                raise ValidationFailed("该字段不支持检索", code="unsupported_query", detail={"field": k}) from None
            except ValueError:
                raise ValidationFailed("查询值格式不正确", code="invalid_query", detail={"field": k}) from None
        return qs
    qs = Record.objects.filter(database=db)
    for i, (k, v) in enumerate(content.items()):
        if k == db.id_field and v is not None:
            qs = qs.filter(record_id=str(v))
        elif v is not None:  # an index lookup in RecordValue
            qs = qs.filter(id__in=RecordValue.objects.filter(database=db, field=k, digest=value_digest(db, k, v)).values("record_id"))
        elif k in db.personal_fields:
            qs = qs.alias(**{f"_b{i}": KeyTransform(k, "blinds")}).filter(**{f"_b{i}__isnull": True})
        else:
            qs = qs.alias(**{f"_c{i}": KeyTransform(k, "content")}).filter(**{f"_c{i}": None})
    return qs


def search_q(db: Database, text: str) -> Q:
    if db.is_base:
        return base.search(db, text)
    return Q(search_text__contains=text.lower())


def record_by_ref(db: Database, ref: str):
    """A record by its ID, or by its uuid (the read-value path names a record either way)."""
    if db.is_base:
        obj = base.queryset(db).filter(public_id=ref).first()
    else:
        obj = Record.objects.filter(database=db, record_id=ref).first()
        if obj is None and re.fullmatch(r"[0-9a-fA-F-]{32,36}", ref or ""):
            try:
                obj = Record.objects.filter(database=db, uuid=ref).first()
            except Exception:  # noqa: BLE001 — a malformed uuid is simply no record
                obj = None
    if obj is None:
        raise NotFound("记录不存在", code="record_not_found", detail="no record found")
    return obj


def full_content(db: Database, obj) -> dict:
    """The whole record in clear (personal fields unsealed)."""
    if db.is_base:
        return base.to_content(db, obj)
    out = dict(obj.content)
    if obj.personal:
        out.update(json.loads(obj.personal))
    return out


@dataclass
class Reader:
    """Who reads, why, through which system: decides masking, and what a clear read's audit entry says."""

    user: object
    purpose: str = ""
    client: str = ""
    seen: list = field(default_factory=list)  # (object, fields) read in clear, for the audit

    def clear_for(self, db: Database, obj) -> bool:
        return bool(self.purpose) and can(self.user, "registries.view_clear", obj)


def render(db: Database, obj, reader: Reader) -> dict:
    """The record as ``reader`` may see it: personal fields masked unless they may see them in clear (then the
    read is noted for the audit, which ``actions.audit_clear_reads`` writes)."""
    content = full_content(db, obj)
    personal = [f for f in db.personal_fields if content.get(f) not in (None, "")]
    if not personal:
        return content
    if reader.clear_for(db, obj):
        reader.seen.append((obj, personal))
        return content
    from digigov.data.grading.policy import mask_value

    for f in personal:
        value = content[f]
        content[f] = mask_value(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                                schemas.masker_item(db.schema, f))
    return content
