"""Validation and the working copy shared by the catalog actions.

An entry's *working copy* is what its editor edits: the entry row and its items for an entry never
published, the ``pending`` document for a published entry under revision (see ``CatalogEntry``). Both
are handled as the same plain document ``{"fields": {...}, "items": [...]}`` so validation, the
readable change summary and the revision snapshot have one code path.
"""

from __future__ import annotations

import re
from typing import Any

from digigov.core.errors import ValidationFailed
from digigov.core.text import clean_text

from ..models import (CatalogEntry, Category, CodeList, DataItem, DataType, EntryRevision, ItemFormat, OpenType,
                      ResourceFormat, SharingType, UpdateCycle)

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_ITEMS = 500
MAX_LENGTH = {DataType.STRING: 4000, DataType.NUMBER: 38}
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,63}$")

# the metadata fields an editor may change, in the order the summary lists them
ENTRY_FIELDS = ("name", "abstract", "category", "resource_format", "sharing_type", "sharing_condition", "sharing_basis",
                "open_type", "open_condition", "update_cycle")
ITEM_FIELDS = ("seq", "name", "field_name", "data_type", "length", "format", "code_list", "required", "is_key", "description",
               "level", "personal")
EDITABLE_ITEM_FIELDS = ("name", "data_type", "length", "format", "code_list", "required", "is_key", "description")
CHOICES = {"resource_format": ResourceFormat, "sharing_type": SharingType, "open_type": OpenType, "update_cycle": UpdateCycle}


def _field_error(message: str, field: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, detail={"field": field})


def _choice(value: Any, field: str, label: str, enum) -> str:
    if value not in enum.values:
        raise _field_error(f"{label}无效", field, f"invalid_{field}")
    return value


def _category(value: Any) -> int:
    pk = value.pk if isinstance(value, Category) else value
    if not isinstance(pk, int) or isinstance(pk, bool) or not Category.objects.filter(pk=pk).exists():
        raise _field_error("请选择有效的资源分类", "category", "invalid_category")
    return pk


def clean_fields(data: dict, base: dict | None = None) -> dict:
    """The entry metadata, validated; fields missing from ``data`` keep ``base``'s value."""
    merged = dict(base or {})
    merged.update({k: v for k, v in data.items() if k in ENTRY_FIELDS})
    out = {
        "name": clean_text(merged.get("name"), "name", "资源名称", 200),
        "abstract": clean_text(merged.get("abstract"), "abstract", "资源摘要", 2000),
        "category": _category(merged.get("category")),
        "resource_format": _choice(merged.get("resource_format", ResourceFormat.DATABASE), "resource_format", "资源格式", ResourceFormat),
        "sharing_type": _choice(merged.get("sharing_type", SharingType.CONDITIONAL), "sharing_type", "共享类型", SharingType),
        "sharing_condition": clean_text(merged.get("sharing_condition"), "sharing_condition", "共享条件", 500, required=False),
        "sharing_basis": clean_text(merged.get("sharing_basis"), "sharing_basis", "不予共享依据", 500, required=False),
        "open_type": _choice(merged.get("open_type", OpenType.NONE), "open_type", "开放类型", OpenType),
        "open_condition": clean_text(merged.get("open_condition"), "open_condition", "开放条件", 500, required=False),
        "update_cycle": _choice(merged.get("update_cycle", UpdateCycle.MONTHLY), "update_cycle", "更新周期", UpdateCycle),
    }
    # GB/T 21063 / 政务信息资源共享管理暂行办法: 不予共享 needs its legal basis, conditional sharing its conditions
    if out["sharing_type"] == SharingType.NONE:
        if not out["sharing_basis"]:
            raise _field_error("不予共享的资源须填写不予共享依据（法律、行政法规或党中央、国务院政策依据）", "sharing_basis", "sharing_basis_required")
        out["sharing_condition"] = ""
    else:
        out["sharing_basis"] = ""
        if out["sharing_type"] == SharingType.CONDITIONAL and not out["sharing_condition"]:
            raise _field_error("有条件共享的资源须填写共享条件", "sharing_condition", "sharing_condition_required")
        if out["sharing_type"] == SharingType.UNCONDITIONAL:
            out["sharing_condition"] = ""
    if out["open_type"] == OpenType.CONDITIONAL and not out["open_condition"]:
        raise _field_error("有条件开放的资源须填写开放条件", "open_condition", "open_condition_required")
    if out["open_type"] != OpenType.CONDITIONAL:
        out["open_condition"] = ""
    return out


def _bool(value: Any, field: str, label: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _field_error(f"{label}应为是或否", field, "invalid_bool")
    return value


def clean_items(items: Any, previous: list[dict] | None = None) -> list[dict]:
    """The data items, validated and numbered 1..n in the given order. ``level``/``personal`` are the
    confirmed grading of 分类分级 and are not the editor's to change: an item keeps its previous values
    (matched by field name), a new item starts at 一般数据 / 非个人信息."""
    if not isinstance(items, list):
        raise _field_error("信息项应为列表", "items", "invalid_items")
    if len(items) > MAX_ITEMS:
        raise _field_error(f"信息项不能超过 {MAX_ITEMS} 个", "items", "too_many_items")
    old = {i["field_name"]: i for i in (previous or [])}
    code_lists = set(CodeList.objects.filter(pk__in=[i.get("code_list") for i in items if isinstance(i, dict) and isinstance(i.get("code_list"), int)])
                     .values_list("pk", flat=True))
    out, seen = [], set()
    for n, raw in enumerate(items, start=1):
        where = f"items.{n - 1}"
        if not isinstance(raw, dict):
            raise _field_error(f"第 {n} 个信息项无效", where, "invalid_item")
        name = clean_text(raw.get("name"), f"{where}.name", f"第 {n} 个信息项的名称", 100)
        field_name = raw.get("field_name")
        if not isinstance(field_name, str) or not FIELD_NAME.match(field_name.strip()):
            raise _field_error(f"第 {n} 个信息项的字段名须以小写字母开头，只含小写字母、数字和下划线，不超过 63 个字符",
                               f"{where}.field_name", "invalid_field_name")
        field_name = field_name.strip()
        if field_name in seen:
            raise _field_error(f"字段名“{field_name}”重复", f"{where}.field_name", "duplicate_field_name")
        seen.add(field_name)
        data_type = _choice(raw.get("data_type", DataType.STRING), f"{where}.data_type", f"第 {n} 个信息项的数据类型", DataType)
        length = raw.get("length")
        if length in ("", None):
            length = None
        elif not isinstance(length, int) or isinstance(length, bool) or length < 1:
            raise _field_error(f"第 {n} 个信息项的数据长度应为正整数", f"{where}.length", "invalid_length")
        if length is not None:
            limit = MAX_LENGTH.get(data_type)
            if limit is None:
                raise _field_error(f"第 {n} 个信息项为{DataType(data_type).label}，不需要填写数据长度", f"{where}.length", "length_not_allowed")
            if length > limit:
                raise _field_error(f"第 {n} 个信息项的数据长度不能超过 {limit}", f"{where}.length", "length_too_large")
        fmt = raw.get("format") or ""
        _choice(fmt, f"{where}.format", f"第 {n} 个信息项的数据格式", ItemFormat)
        if fmt and data_type != DataType.STRING:
            raise _field_error(f"第 {n} 个信息项的数据格式只适用于字符型", f"{where}.format", "format_not_allowed")
        code_list = raw.get("code_list")
        if code_list in ("", None):
            code_list = None
        else:
            if isinstance(code_list, CodeList):
                code_list = code_list.pk
            if code_list not in code_lists and not (isinstance(code_list, int) and CodeList.objects.filter(pk=code_list).exists()):
                raise _field_error(f"第 {n} 个信息项的代码表不存在", f"{where}.code_list", "invalid_code_list")
            if data_type not in (DataType.STRING, DataType.NUMBER):
                raise _field_error(f"第 {n} 个信息项为{DataType(data_type).label}，不能引用代码表（仅字符型、数值型可以）",
                                   f"{where}.code_list", "code_list_not_allowed")
        prev = old.get(field_name, {})
        out.append({
            "seq": n, "name": name, "field_name": field_name, "data_type": data_type, "length": length, "format": fmt,
            "code_list": code_list, "required": _bool(raw.get("required"), f"{where}.required", "必填"),
            "is_key": _bool(raw.get("is_key"), f"{where}.is_key", "主键"),
            "description": clean_text(raw.get("description"), f"{where}.description", f"第 {n} 个信息项的说明", 500, required=False),
            "level": prev.get("level", 1), "personal": prev.get("personal", 0),
        })
    return out


# --- the working copy -----------------------------------------------------------------------------------
def live_document(entry: CatalogEntry) -> dict:
    """The entry row and its items as a document (the published version, or the draft of a new entry)."""
    fields = {f: getattr(entry, "category_id" if f == "category" else f) for f in ENTRY_FIELDS}
    fields.update({"code": entry.code, "department": entry.department_id, "level": entry.level, "personal": entry.personal})
    items = [{f: getattr(i, "code_list_id" if f == "code_list" else f) for f in ITEM_FIELDS}
             for i in DataItem.objects.filter(entry=entry).order_by("seq")]
    return {"fields": fields, "items": items}


def working_document(entry: CatalogEntry) -> dict:
    return entry.pending if entry.pending is not None else live_document(entry)


# --- readable summaries ---------------------------------------------------------------------------------
def _display(field: str, value) -> str:
    if value in (None, ""):
        return "（空）"
    if field == "category":
        cat = Category.objects.filter(pk=value).first()
        return cat.name if cat else str(value)
    if field == "code_list":
        cl = CodeList.objects.filter(pk=value).first()
        return cl.name if cl else str(value)
    enum = CHOICES.get(field) or {"data_type": DataType, "format": ItemFormat}.get(field)
    if enum is not None:
        try:
            return str(enum(value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def summarize(before: dict | None, after: dict) -> str:
    """“资源名称：甲 → 乙；新增信息项：姓名（xm）；删除信息项：…；修改信息项 性别（xb）：数据长度 1 → 2”."""
    if before is None:
        return f"新建目录条目，含 {len(after['items'])} 个信息项"
    parts = []
    for f in ENTRY_FIELDS:
        old, new = before["fields"].get(f), after["fields"].get(f)
        if old != new:
            parts.append(f"{_label(CatalogEntry, f)}：{_display(f, old)} → {_display(f, new)}")
    old_items = {i["field_name"]: i for i in before["items"]}
    new_items = {i["field_name"]: i for i in after["items"]}
    added = [f"{i['name']}（{k}）" for k, i in new_items.items() if k not in old_items]
    removed = [f"{i['name']}（{k}）" for k, i in old_items.items() if k not in new_items]
    if added:
        parts.append("新增信息项：" + "、".join(added))
    if removed:
        parts.append("删除信息项：" + "、".join(removed))
    for k, new in new_items.items():
        old = old_items.get(k)
        if old is None:
            continue
        changes = [f"{_label(DataItem, f)} {_display(f, old.get(f))} → {_display(f, new.get(f))}"
                   for f in EDITABLE_ITEM_FIELDS if old.get(f) != new.get(f)]
        if changes:
            parts.append(f"修改信息项 {new['name']}（{k}）：" + "，".join(changes))
    if [i["field_name"] for i in before["items"]] != [i["field_name"] for i in after["items"]] and not added and not removed:
        parts.append("调整了信息项顺序")
    return "；".join(parts) or "无内容变化"


def add_revision(actor, entry: CatalogEntry, action: str, summary: str, *, opinion: str = "", document: dict | None = None) -> EntryRevision:
    from ..models import EntryStatus

    status = entry.pending_status or entry.status
    # the version the work in progress will become; a published (or withdrawn) entry without a pending change: its own
    settled = entry.pending is None and entry.status in (EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN)
    version = entry.version if settled else entry.version + 1
    return EntryRevision.objects.create(entry=entry, version=version, status=status, action=action, summary=summary,
                                        opinion=opinion, snapshot=document if document is not None else working_document(entry),
                                        actor=actor)
