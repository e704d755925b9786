"""证照类型 writes: create, update, enable/disable (``license.manage`` over the issuing department).

A type is never deleted (issued licences point at it); disabling stops new issuance. Changing the field
template does not touch licences already issued: each keeps the values (and the sealed page) it was issued with.
"""

from __future__ import annotations

import re

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.core.validators import clean_name, normalize_identifier

from ..catalog import FIELD_TYPES, TYPE_CODE_RE
from ..layout import default_layout
from ..models import HolderKind, LicenceType

PERM = "license.manage"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
PAGE_SIZES = {"A4 横向": (297, 210), "A4 纵向": (210, 297), "A5 横向": (210, 148), "证卡": (86, 54)}
SNAP = ["code", "name", "holder_kind", "department", "valid_years", "is_licensing", "active", "fields"]


def clean_fields(fields) -> list[dict]:
    if not isinstance(fields, list) or not fields:
        raise ValidationFailed("请至少定义一个字段", code="fields_required", detail={"field": "fields"})
    if len(fields) > 40:
        raise ValidationFailed("字段不能超过 40 个", code="too_many_fields", detail={"field": "fields"})
    out, seen = [], set()
    for i, f in enumerate(fields, start=1):
        if not isinstance(f, dict):
            raise ValidationFailed(f"第 {i} 个字段格式无效", code="invalid_field", detail={"field": "fields"})
        key = f.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise ValidationFailed(f"第 {i} 个字段的代码应以小写字母开头，由小写字母、数字和下划线组成", code="invalid_field_key", detail={"field": "fields"})
        if key in seen:
            raise ValidationFailed(f"字段代码 {key} 重复", code="duplicate_field_key", detail={"field": "fields"})
        seen.add(key)
        label = clean_name(f.get("label"), "fields", f"第 {i} 个字段的名称", 32)
        kind = f.get("type", "text")
        if kind not in FIELD_TYPES:
            raise ValidationFailed(f"字段“{label}”的类型无效", code="invalid_field_type", detail={"field": "fields"})
        required = f.get("required", True)
        if not isinstance(required, bool):
            raise ValidationFailed(f"字段“{label}”的必填设置无效", code="invalid_field_required", detail={"field": "fields"})
        row = {"key": key, "label": label, "type": kind, "required": required}
        if kind == "choice":
            options = f.get("options")
            if not isinstance(options, list) or not options or not all(isinstance(o, str) and o.strip() and len(o) <= 40 for o in options):
                raise ValidationFailed(f"选项字段“{label}”须列出选项", code="invalid_field_options", detail={"field": "fields"})
            row["options"] = [o.strip() for o in options][:50]
        out.append(row)
    return out


def _clean(data: dict, *, creating: bool) -> dict:
    out = {}
    if creating or "code" in data:
        code = normalize_identifier(data.get("code"))
        if not TYPE_CODE_RE.match(code):
            raise ValidationFailed("证照类型代码应为 6 位区划代码 + 2–5 位机构缩写字母 + 3 位顺序号，如 100000CA001",
                                   code="invalid_type_code", detail={"field": "code"})
        out["code"] = code
    if creating or "name" in data:
        out["name"] = clean_name(data.get("name"), "name", "证照名称", 64)
    if creating or "holder_kind" in data:
        if data.get("holder_kind") not in HolderKind.values:
            raise ValidationFailed("请选择持证主体类型", code="invalid_holder_kind", detail={"field": "holder_kind"})
        out["holder_kind"] = data["holder_kind"]
    if creating or "department" in data:
        if not isinstance(data.get("department"), Department):
            raise ValidationFailed("请选择发证部门", code="department_required", detail={"field": "department"})
        out["department"] = data["department"]
    if creating or "fields" in data:
        out["fields"] = clean_fields(data.get("fields"))
    if "valid_years" in data or creating:
        years = data.get("valid_years")
        if years in (None, "", 0):
            years = None
        elif isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 100:
            raise ValidationFailed("有效期应为 1 到 100 年，长期有效请留空", code="invalid_valid_years", detail={"field": "valid_years"})
        out["valid_years"] = years
    for flag in ("is_licensing", "active"):
        if flag in data:
            if not isinstance(data[flag], bool):
                raise ValidationFailed("开关只能是“是”或“否”", code="invalid_flag", detail={"field": flag})
            out[flag] = data[flag]
    if "page" in data:
        if data["page"] not in PAGE_SIZES:
            raise ValidationFailed("请选择版面尺寸", code="invalid_page", detail={"field": "page"})
        out["page"] = PAGE_SIZES[data["page"]]
    return out


@transaction.atomic
def create_type(actor, **data) -> LicenceType:
    values = _clean(data, creating=True)
    require(actor, PERM, values["department"])
    if LicenceType.objects.filter(code=values["code"]).exists():
        raise Conflict(f"证照类型代码 {values['code']} 已存在", code="type_code_taken", detail={"field": "code"})
    w, h = values.pop("page", PAGE_SIZES["A5 横向"])
    lt = LicenceType.objects.create(layout=default_layout(values["name"], values["fields"], w, h), **values)
    record(actor, "license.type.create", lt, after=snapshot(lt, SNAP))
    return lt


@transaction.atomic
def update_type(actor, licence_type: LicenceType, **data) -> LicenceType:
    require(actor, PERM, licence_type)
    values = _clean(data, creating=False)
    if "department" in values:
        require(actor, PERM, values["department"])
    if "code" in values and values["code"] != licence_type.code:
        if licence_type.licences.exists():
            raise Conflict("已签发证照的类型不能修改代码", code="type_code_locked", detail={"field": "code"})
        if LicenceType.objects.filter(code=values["code"]).exclude(pk=licence_type.pk).exists():
            raise Conflict(f"证照类型代码 {values['code']} 已存在", code="type_code_taken", detail={"field": "code"})
    lt = LicenceType.objects.select_for_update().get(pk=licence_type.pk)
    before = snapshot(lt, SNAP)
    page = values.pop("page", None)
    for k, v in values.items():
        setattr(lt, k, v)
    if page or "fields" in values or "name" in values:
        size = lt.layout.get("page") or {}
        w, h = page or (size.get("width", 210), size.get("height", 148))
        lt.layout = default_layout(lt.name, lt.fields, w, h)
    lt.save()
    record(actor, "license.type.update", lt, before=before, after=snapshot(lt, SNAP))
    return lt


def set_type_active(actor, licence_type: LicenceType, active: bool, reason: str = "") -> LicenceType:
    clean_text(reason, "reason", "原因", 200, required=False)
    return update_type(actor, licence_type, active=active)
