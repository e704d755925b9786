"""Audit entries in words a person reads: action, role, channel and object-type labels, who the actor
is and where they work, and before/after as a field-by-field table with humanised values.

Shared by the audit page, its CSV export and the API. Personal fields stay as ``snapshot`` stored them
(masked); nothing here unmasks anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from digigov.core.registry import audit_event_label

from .models import AuditEntry

CHANNEL_LABELS = {
    "web": "网页",
    "api": "接口",
    "admin": "管理后台",
    "task": "后台任务",
    "command": "运维命令",
    "system": "系统",
}

# keys of before/after payloads that are not model fields
KEY_LABELS = {
    "fields": "涉及字段",
    "purpose": "用途",
    "count": "条数",
    "from": "起",
    "to": "止",
    "kpi": "指标",
    "value": "数值",
    "numerator": "分子",
    "denominator": "分母",
    "otp": "使用动态口令",
    "changed": "已修改",
    "device": "设备",
    "started_at": "开始时间",
    "filters": "筛选条件",
    "limit": "行数上限",
    "seed": "随机种子",
    "scale": "规模",
    "rows": "行数",
    # the audit page's own filters (an audit.export entry records them)
    "who": "操作人",
    "department": "部门",
    "since": "起始日期",
    "until": "截止日期",
}

EMPTY = "—"


def role_label(code: str) -> str:
    from digigov.core.rbac.models import Role

    if not code:
        return EMPTY
    try:
        return str(Role(code).label)
    except ValueError:
        return "其他角色"


def channel_label(code: str) -> str:
    return CHANNEL_LABELS.get(code, "其他渠道") if code else EMPTY


def model_for(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = model_for(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return EMPTY if not object_type else "其他对象"


def object_type_choices() -> list[tuple[str, str]]:
    """The project's own models, for the object-type filter (no query: distinct over millions is slow)."""
    out = [
        (m._meta.label_lower, str(m._meta.verbose_name))
        for m in apps.get_models()
        if m.__module__.startswith("digigov.") and not m._meta.auto_created
    ]
    return sorted(out, key=lambda t: t[1])


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        for f in model._meta.concrete_fields:  # snapshots of foreign keys may be keyed by attname
            if f.attname == key:
                return f
    return None


def key_label(model, key: str) -> str:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return KEY_LABELS.get(key, key)


def _datetime_text(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def humanise(value: Any, field=None, model=None) -> str:
    """One stored JSON value as text: 是/否, — for nothing, choice labels, Beijing time, lists joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and getattr(field, "choices", None):
        for key, label in field.flatchoices:
            if key == value:
                return str(label)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _datetime_text(value)
    if isinstance(value, list):
        if not value:
            return EMPTY
        # a list of field names (pii.read) reads as their labels
        return "、".join(key_label(model, v) if isinstance(v, str) and _field(model, v) else humanise(v) for v in value)
    if isinstance(value, dict):
        if not value:
            return EMPTY
        return "；".join(f"{key_label(model, str(k))}：{_coded(str(k), v) or humanise(v, _field(model, str(k)), model)}"
                        for k, v in value.items())
    return str(value)


def _coded(key: str, value: Any) -> str | None:
    """Values that are themselves codes (an action, an object type, a role) read as their labels."""
    if not isinstance(value, str) or not value:
        return None
    if key == "action":
        return audit_event_label(value)
    if key == "object_type":
        return object_type_label(value)
    if key == "role":
        return role_label(value)
    return None


@dataclass
class FieldRow:
    label: str
    before: str
    after: str
    changed: bool
    key: str = ""  # the stored key the row is for


def field_rows(entry: AuditEntry) -> list[FieldRow]:
    """Before/after side by side, one row per field, labelled with the model's verbose names."""
    model = model_for(entry.object_type)
    before, after = entry.before, entry.after
    if not isinstance(before, dict) and before is not None:
        before = {"value": before}
    if not isinstance(after, dict) and after is not None:
        after = {"value": after}
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    rows = []
    for key in keys:
        field = _field(model, key)
        b = humanise(before.get(key), field, model) if key in before else EMPTY
        a = humanise(after.get(key), field, model) if key in after else EMPTY
        rows.append(FieldRow(key_label(model, key), b, a, b != a, key))
    return rows


def change_summary(entry: AuditEntry) -> str:
    """A one-line summary for the list and the CSV: 字段：前 → 后；…"""
    parts = []
    for row in field_rows(entry):
        parts.append(f"{row.label}：{row.after}" if row.before == EMPTY else f"{row.label}：{row.before} → {row.after}")
    return "；".join(parts)


def decorate(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Attach labels, the actor's display name and department (``StaffMember``, as it is now) to a page of
    entries: one query for the whole page."""
    from digigov.core.accounts.models import User

    entries = list(entries)
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    rows = User.objects.filter(pk__in=ids).values_list("pk", "display_name", "staff__department__name") if ids else []
    names, depts = {}, {}
    for pk, name, dept in rows:
        names[pk], depts[pk] = name, dept or ""
    for e in entries:
        e.action_label = audit_event_label(e.action)
        e.role_label = role_label(e.role)
        e.channel_label = channel_label(e.channel)
        e.type_label = object_type_label(e.object_type)
        e.actor_name = names.get(e.actor_id) or ("匿名访问" if e.actor == "anonymous" else e.actor)
        e.actor_department = depts.get(e.actor_id, "")
    return entries
