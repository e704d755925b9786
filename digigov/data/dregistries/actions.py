"""Every write of the GovStack Digital Registries API: permission (``registries.govstack``), validation
against the registry's JSON schema, one transaction, one audit entry per record or registry touched.

Audit entries never carry personal values: ``before``/``after`` hold the clear fields, and only the
*names* of personal fields that were written. Clear reads of personal fields are audited too
(``audit_clear_reads``): they are what "my personal data usage" answers from.
"""

from __future__ import annotations

import json
import re

from django.db import IntegrityError, transaction

from digigov.core.audit.actions import record as audit
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.rbac.models import RoleAssignment

from . import schema as schemas
from .models import Database, Record, RecordValue
from .selectors import CODE_RE, VERSION_RE, blind_hex, full_content, value_rows

PERM = "registries.govstack"
MAX_BATCH = 1000  # records one updateEntries call may change (each gets its own audit entry)
MAX_RECORD_BYTES = 50_000
BASE_CODES = ("population", "legal-persons")


def _read_only(db: Database):
    if db.is_base:
        raise Forbidden("基础数据库通过 GovStack 接口只读发布，不能写入；请经数据归集和数据管家流程更新",
                        code="read_only_registry", detail={"registryName": db.code})


def _actor_department(actor):
    """The department a scoped holder of ``registries.govstack`` defines registries for (None: city-wide)."""
    from digigov.core.registry import PERMISSIONS

    roles = PERMISSIONS[PERM].roles
    rows = RoleAssignment.objects.active().filter(user_id=actor.pk, role__in=roles).select_related("department")
    rows = list(rows)
    if any(r.department_id is None and r.division_id is None for r in rows):
        return None
    return next((r.department for r in rows if r.department_id), None)


def _text(value, name: str, label: str, max_len: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > max_len or value != value.strip():
        raise ValidationFailed(f"{label}应为不超过 {max_len} 个字符的文本（首尾不能有空白）", code="invalid_field", detail={"field": name})
    return value


@transaction.atomic
def modify_database(actor, *, code, schema, version="1.0", group_name=None, catalog_name=None) -> tuple[Database, bool]:
    """Create the registry ``code``/``version`` with ``schema``, or change the schema of an existing one
    (the spec's ``/database/modify`` does both). Returns the registry and whether it was created."""
    require(actor, PERM)
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise ValidationFailed("登记簿代码应为 1 到 64 位字母、数字、“-”或“_”", code="invalid_code", detail={"field": "code"})
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise ValidationFailed("版本号应为 1 到 16 位字母、数字、“.”、“-”或“_”，如 1.0", code="invalid_version", detail={"field": "version"})
    if code in BASE_CODES:
        raise Forbidden("基础数据库的结构由平台固定，不能通过接口修改", code="read_only_registry", detail={"registryName": code})
    group_name = _text(group_name, "groupName", "分组名称", 64)
    catalog_name = _text(catalog_name, "catalogName", "目录名称", 100)
    id_field, personal = schemas.check(schema)
    name = str(schema.get("title") or catalog_name or code)[:100]
    description = str(schema.get("description") or "")[:500]
    db = Database.objects.select_for_update().filter(code=code, version=version).first()
    if db is None:
        db = Database(code=code, version=version, department=_actor_department(actor), created_by=actor)
        require(actor, PERM, db)
        db.name, db.description, db.group_name, db.catalog_name = name, description, group_name, catalog_name
        db.schema, db.id_field, db.personal_fields = schema, id_field, personal
        try:
            with transaction.atomic():
                db.save()
        except IntegrityError:
            raise Conflict("登记簿已存在", code="registry_exists") from None
        audit(actor, "dregistries.database.create", db, after={"code": code, "version": version, "name": name,
                                                                "fields": sorted(schema["properties"]), "personal_fields": personal})
        return db, True
    require(actor, PERM, db)
    _read_only(db)
    before = {"name": db.name, "fields": sorted(db.schema.get("properties", {})), "personal_fields": db.personal_fields, "id_field": db.id_field}
    if db.records.exists():
        if id_field != db.id_field or personal != list(db.personal_fields):
            raise Conflict("登记簿已有记录，不能更改主键字段或个人信息字段", code="schema_change_conflict",
                           detail={"id_field": [db.id_field, id_field], "personal_fields": [db.personal_fields, personal]})
        failing = []
        for rec in db.records.order_by("id").iterator(chunk_size=2000):
            try:
                schemas.validate(schema, full_content(db, rec))
            except ValidationFailed:
                failing.append(rec.record_id)
                if len(failing) >= 20:
                    break
        if failing:
            raise Conflict("已有记录不符合新的数据结构，未修改", code="schema_change_conflict", detail={"records": failing})
    db.name, db.description, db.schema, db.id_field, db.personal_fields = name, description, schema, id_field, personal
    if group_name:
        db.group_name = group_name
    if catalog_name:
        db.catalog_name = catalog_name
    db.save()
    audit(actor, "dregistries.database.modify", db, before=before,
          after={"name": name, "fields": sorted(schema["properties"]), "personal_fields": personal, "id_field": id_field})
    return db, False


@transaction.atomic
def delete_database(actor, db: Database) -> int:
    require(actor, PERM, db)
    _read_only(db)
    count = db.records.count()
    audit(actor, "dregistries.database.delete", db, before={"code": db.code, "version": db.version, "records": count})
    db.delete()
    return count


# --- records -------------------------------------------------------------------------------------

def _split(db: Database, content: dict) -> tuple[str, dict, str, dict, str]:
    """(record_id, clear fields, sealed-personal JSON, blind indexes, search text) of a validated record."""
    if len(json.dumps(content, ensure_ascii=False)) > MAX_RECORD_BYTES:
        raise ValidationFailed(f"单条记录不能超过 {MAX_RECORD_BYTES} 个字符", code="record_too_large")
    schemas.validate(db.schema, content)
    clear = {k: v for k, v in content.items() if k not in db.personal_fields}
    personal = {k: v for k, v in content.items() if k in db.personal_fields}
    blinds = {k: blind_hex(k, v) for k, v in personal.items() if v is not None}
    record_id = ""
    if db.id_field:
        value = content.get(db.id_field)
        if value is None or isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip() or len(str(value)) > 128:
            raise ValidationFailed("记录编号应为 1 到 128 个字符", code="invalid_id", detail={"field": db.id_field})
        record_id = str(value)
    words = [str(v).lower() for v in clear.values() if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    return record_id, clear, json.dumps(personal, ensure_ascii=False) if personal else "", blinds, "\n".join(words)[:4000]


def _audit_view(db: Database, content: dict) -> dict:
    out = {k: v for k, v in content.items() if k not in db.personal_fields}
    written = sorted(k for k in content if k in db.personal_fields)
    if written:
        out["个人信息字段"] = written
    return out


def _next_id(db: Database) -> str:
    locked = Database.objects.select_for_update().get(pk=db.pk)
    while True:
        locked.data_index_increment += 1
        candidate = f"{db.code}{locked.data_index_increment}"
        if not Record.objects.filter(database=db, record_id=candidate).exists():
            break
    Database.objects.filter(pk=db.pk).update(data_index_increment=locked.data_index_increment)
    db.data_index_increment = locked.data_index_increment
    return candidate


def _save(rec: Record, db: Database, content: dict) -> None:
    """Save the record and its value index (``RecordValue``) together."""
    try:
        with transaction.atomic():
            rec.save()
    except IntegrityError:
        raise Conflict("记录编号已存在", code="duplicate_id", detail={"ID": rec.record_id}) from None
    RecordValue.objects.filter(record=rec).delete()
    RecordValue.objects.bulk_create([RecordValue(database_id=rec.database_id, record=rec, field=f, digest=d)
                                     for f, d in value_rows(db, content)])


@transaction.atomic
def create_record(actor, db: Database, content) -> Record:
    require(actor, PERM, db)
    _read_only(db)
    if not isinstance(content, dict):
        raise ValidationFailed("write.content 应为 JSON 对象", code="invalid_body")
    content = dict(content)
    if db.id_field and content.get(db.id_field) in (None, ""):
        prop = db.schema["properties"][db.id_field]
        content[db.id_field] = _next_id(db) if prop.get("type") != "integer" else db.data_index_increment + 1
        if prop.get("type") == "integer":
            Database.objects.filter(pk=db.pk).update(data_index_increment=content[db.id_field])
    record_id, clear, personal, blinds, text = _split(db, content)
    rec = Record(database=db, content=clear, personal=personal, blinds=blinds, search_text=text)
    rec.record_id = record_id or str(rec.uuid)
    _save(rec, db, content)
    audit(actor, "dregistries.record.create", rec, object_repr=f"{db.code}/{rec.record_id}", after=_audit_view(db, content))
    return rec


def _update(actor, db: Database, rec: Record, write: dict) -> Record:
    before = full_content(db, rec)
    merged = {**before, **write}
    record_id, clear, personal, blinds, text = _split(db, merged)
    rec.record_id = record_id or rec.record_id
    rec.content, rec.personal, rec.blinds, rec.search_text = clear, personal, blinds, text
    rec.version += 1
    _save(rec, db, merged)
    changed_before = {k: before.get(k) for k in merged if before.get(k) != merged.get(k)}
    changed_after = {k: merged.get(k) for k in changed_before}
    audit(actor, "dregistries.record.update", rec, object_repr=f"{db.code}/{rec.record_id}",
          before=_audit_view(db, changed_before), after=_audit_view(db, changed_after))
    return rec


def _write_content(write) -> dict:
    if not isinstance(write, dict):
        raise ValidationFailed("write.content 应为 JSON 对象", code="invalid_body")
    return write


@transaction.atomic
def update_record(actor, db: Database, matches, write) -> Record:
    """The spec's ``update``: exactly one record matches the query; it takes the written fields."""
    require(actor, PERM, db)
    _read_only(db)
    write = _write_content(write)
    found = list(matches.select_for_update()[:2])
    if not found:
        from digigov.core.errors import NotFound

        raise NotFound("没有符合查询条件的记录", code="record_not_found", detail="no record found")
    if len(found) > 1:
        raise Conflict("有多条记录符合查询条件；请用 updateEntries 批量修改，或给出更精确的条件", code="ambiguous_query")
    return _update(actor, db, found[0], write)


@transaction.atomic
def update_entries(actor, db: Database, matches, write) -> int:
    require(actor, PERM, db)
    _read_only(db)
    write = _write_content(write)
    found = list(matches.select_for_update().order_by("id")[: MAX_BATCH + 1])
    if len(found) > MAX_BATCH:
        raise ValidationFailed(f"一次最多修改 {MAX_BATCH} 条记录，请缩小查询条件", code="too_many_records")
    if db.id_field in write and len(found) > 1 and len({r.record_id for r in found} | {str(write[db.id_field])}) > 1:
        raise Conflict("不能把多条记录改为同一个记录编号", code="duplicate_id")
    for rec in found:
        _update(actor, db, rec, write)
    return len(found)


@transaction.atomic
def update_or_create(actor, db: Database, matches, write) -> tuple[Record, bool]:
    require(actor, PERM, db)
    _read_only(db)
    write = _write_content(write)
    found = list(matches.select_for_update()[:2]) if matches is not None else []
    if len(found) > 1:
        raise Conflict("有多条记录符合查询条件，无法确定要修改哪一条", code="ambiguous_query")
    if found:
        return _update(actor, db, found[0], write), False
    return create_record(actor, db, write), True


@transaction.atomic
def delete_record(actor, db: Database, rec: Record) -> None:
    require(actor, PERM, db)
    _read_only(db)
    audit(actor, "dregistries.record.delete", rec, object_repr=f"{db.code}/{rec.record_id}", before=_audit_view(db, full_content(db, rec)))
    rec.delete()


def audit_clear_reads(actor, db: Database, reader) -> None:
    """One audit entry per record whose personal fields ``reader`` saw in clear: who, which fields, for what
    purpose, through which system (the Information-Mediator-Client). Runs in the read's transaction."""
    action = "registries.read_clear" if db.is_base else "dregistries.record.read_clear"
    for obj, fields in reader.seen:
        audit(actor, action, obj, after={"fields": sorted(fields), "purpose": reader.purpose, "client": reader.client,
                                         "registry": f"{db.code}/{db.version}"})
    reader.seen.clear()


ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
