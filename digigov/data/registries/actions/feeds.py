"""Registering a department's feed: which catalog entry, and which of its columns carry each canonical field."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text
from digigov.data.catalog.models import CatalogEntry, EntryStatus

from ..build import FIELDS, field_label
from ..models import Feed, RegistryKind

FEED_FIELDS = ("registry", "name", "department", "entry", "mapping")
IDENTIFIER = {RegistryKind.PERSON: ("id_number", "name"), RegistryKind.ENTERPRISE: ("uscc", "name")}


def clean_mapping(registry: str, entry: CatalogEntry, mapping) -> dict[str, str]:
    """``{canonical field → column}``: every key a field the registry knows, every column a data item
    of the entry, a row id and at least one identifying field mapped. Errors name the field in Chinese."""
    if not isinstance(mapping, dict) or not mapping:
        raise ValidationFailed("请填写字段映射（基础库字段 → 目录信息项）", code="invalid_mapping", detail={"field": "mapping"})
    known = FIELDS[registry]
    columns = {i.field_name: i.name for i in entry.items.all()}
    out = {}
    for code, col in mapping.items():
        if not isinstance(code, str) or code not in known:
            raise ValidationFailed(f"“{code}”不是{RegistryKind(registry).label}的字段", code="unknown_field",
                                   detail={"field": "mapping", "value": str(code)[:40]})
        if col in (None, ""):
            continue
        if not isinstance(col, str) or col not in columns:
            raise ValidationFailed(f"“{field_label(registry, code)}”映射到的“{str(col)[:40]}”不是该目录条目的信息项",
                                   code="unknown_column", detail={"field": "mapping", "value": code})
        out[code] = col
    if "row_id" not in out:
        raise ValidationFailed("请映射“源记录标识”：重复报送时据此更新同一条源记录", code="row_id_required", detail={"field": "mapping"})
    if not any(f in out for f in IDENTIFIER[registry]):
        names = "或".join(f"“{field_label(registry, f)}”" for f in IDENTIFIER[registry])
        raise ValidationFailed(f"请至少映射{names}，否则无法比对主体", code="identifier_required", detail={"field": "mapping"})
    return out


@transaction.atomic
def register_feed(actor, *, registry: str, name: str, department: Department, entry: CatalogEntry, mapping: dict) -> Feed:
    require(actor, "registries.build", WHOLE_CITY)
    if registry not in RegistryKind.values:
        raise ValidationFailed("基础库类型无效", code="invalid_registry", detail={"field": "registry"})
    name = clean_text(name, "name", "数据源名称", 64)
    if department is None or getattr(department, "voided_at", None) is not None:
        raise ValidationFailed("请选择有效的提供部门", code="invalid_department", detail={"field": "department"})
    if entry is None or entry.voided_at is not None or entry.status == EntryStatus.WITHDRAWN:
        raise ValidationFailed("目录条目不存在、已作废或已撤销", code="entry_unavailable", detail={"field": "entry"})
    if entry.department_id != department.pk:
        raise ValidationFailed("目录条目不属于所选提供部门", code="entry_department", detail={"field": "entry"})
    clean = clean_mapping(registry, entry, mapping)
    if Feed.objects.filter(registry=registry, name=name).exists():
        raise Conflict(f"{RegistryKind(registry).label}已有名为“{name}”的数据源", code="feed_exists", detail={"field": "name"})
    feed = Feed.objects.create(registry=registry, name=name, department=department, entry=entry, mapping=clean, created_by=actor)
    record(actor, "registries.feed.create", feed, after=snapshot(feed, FEED_FIELDS))
    return feed
