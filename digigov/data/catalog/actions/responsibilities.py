"""数据责任清单: the resources a department must catalogue, and the link from a line to its entry."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from ..models import CatalogEntry, Category, ResponsibilityItem, UpdateCycle

FIELDS = ("department", "name", "category", "basis", "update_cycle", "entry")


def _clean(name, category, basis, update_cycle) -> dict:
    if category is not None and not isinstance(category, Category):
        raise ValidationFailed("请选择有效的资源分类", code="invalid_category", detail={"field": "category"})
    if update_cycle not in UpdateCycle.values:
        raise ValidationFailed("更新周期无效", code="invalid_update_cycle", detail={"field": "update_cycle"})
    return {"name": clean_text(name, "name", "数据资源名称", 200), "category": category,
            "basis": clean_text(basis, "basis", "职责依据", 500, required=False), "update_cycle": update_cycle}


@transaction.atomic
def add_responsibility(actor, *, department, name: str, category: Category | None = None, basis: str = "",
                       update_cycle: str = UpdateCycle.MONTHLY) -> ResponsibilityItem:
    department = active_department(department)
    require(actor, "catalog.edit", ResponsibilityItem(department=department))
    values = _clean(name, category, basis, update_cycle)
    if ResponsibilityItem.objects.filter(department=department, name=values["name"], voided_at__isnull=True).exists():
        raise Conflict("本单位责任清单中已有同名事项", code="duplicate_responsibility", detail={"field": "name"})
    line = ResponsibilityItem.objects.create(department=department, **values)
    record(actor, "catalog.responsibility.create", line, after=snapshot(line, FIELDS))
    return line


def _lock(line: ResponsibilityItem) -> ResponsibilityItem:
    line = ResponsibilityItem.objects.select_for_update(of=("self",)).select_related("department__division").get(pk=line.pk)
    if line.voided_at is not None:
        raise Conflict("该责任清单事项已作废", code="responsibility_voided")
    return line


@transaction.atomic
def edit_responsibility(actor, line: ResponsibilityItem, *, name: str, category: Category | None = None, basis: str = "",
                        update_cycle: str = UpdateCycle.MONTHLY) -> ResponsibilityItem:
    require(actor, "catalog.edit", line)
    values = _clean(name, category, basis, update_cycle)
    line = _lock(line)
    before = snapshot(line, FIELDS)
    for k, v in values.items():
        setattr(line, k, v)
    line.save()
    record(actor, "catalog.responsibility.update", line, before=before, after=snapshot(line, FIELDS))
    return line


@transaction.atomic
def link_responsibility(actor, line: ResponsibilityItem, entry: CatalogEntry | None) -> ResponsibilityItem:
    """Mark a line catalogued by an entry of the same department (or clear the link with None)."""
    require(actor, "catalog.edit", line)
    line = _lock(line)
    if entry is not None:
        if entry.voided_at is not None:
            raise ValidationFailed("目录条目已作废", code="entry_voided", detail={"field": "entry"})
        if entry.department_id != line.department_id:
            raise ValidationFailed("只能关联本单位编制的目录条目", code="entry_other_department", detail={"field": "entry"})
    before = snapshot(line, FIELDS)
    line.entry = entry
    line.save(update_fields=["entry", "updated_at"])
    record(actor, "catalog.responsibility.link", line, before=before, after=snapshot(line, FIELDS))
    return line


@transaction.atomic
def void_responsibility(actor, line: ResponsibilityItem, reason: str) -> ResponsibilityItem:
    require(actor, "catalog.edit", line)
    reason = clean_text(reason, "reason", "作废原因", 200)
    line = _lock(line)
    return stamp_void(actor, line, reason, "catalog.responsibility.void")
