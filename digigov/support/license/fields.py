"""Validation of a licence's field values against its type's field template, with Chinese errors per field."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from digigov.core.errors import ValidationFailed
from digigov.core.validators import name_error, normalize_identifier, normalize_name, resident_id_error, uscc_error

MAX_TEXT = 200
_REFUSED = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = normalize_identifier(value) if isinstance(value, str) else ""
    try:
        return dt.date.fromisoformat(text.replace("/", "-")).isoformat()
    except ValueError:
        raise ValueError("日期格式应为 年-月-日，如 2026-01-31") from None


def clean_value(field: dict, value: Any) -> str:
    """One value as stored (text), or ``ValueError`` with the Chinese reason. Empty → ``""``."""
    kind = field.get("type", "text")
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal, dt.date)):
        raise ValueError("应为文本")
    if kind == "date":
        return _date(value)
    if kind == "id_number":
        code = normalize_identifier(str(value))
        err = resident_id_error(code)
        if err:
            raise ValueError(err)
        return code
    if kind == "uscc":
        code = normalize_identifier(str(value))
        err = uscc_error(code)
        if err:
            raise ValueError(err)
        return code
    if kind == "number":
        try:
            num = Decimal(normalize_identifier(str(value)))
        except InvalidOperation:
            raise ValueError("应为数字") from None
        if not num.is_finite() or num < 0 or num >= Decimal(10) ** 12:
            raise ValueError("应为不小于 0 的数字")
        return format(num.normalize(), "f")
    text = normalize_name(str(value))
    if any(unicodedata.category(c) in _REFUSED for c in str(value)):
        raise ValueError("含有不可见的控制字符")
    if len(text) > MAX_TEXT:
        raise ValueError(f"不能超过 {MAX_TEXT} 个字符")
    if kind == "choice" and field.get("options") and text not in field["options"]:
        raise ValueError("应为以下之一：" + "、".join(field["options"]))
    return text


def clean_data(fields: list[dict], data: Any) -> dict[str, str]:
    """The values of ``data`` by the template: unknown keys, missing required values and bad values are all
    reported at once (``detail.fields`` = {key: Chinese reason}; ``detail.field`` = the first)."""
    if not isinstance(data, dict):
        raise ValidationFailed("证照信息应为字段和值的对照", code="invalid_licence_data", detail={"field": "data"})
    errors: dict[str, str] = {}
    out: dict[str, str] = {}
    known = {f["key"]: f for f in fields}
    for key in data:
        if key not in known:
            errors[str(key)[:64]] = "证照类型没有这个字段"
    for key, f in known.items():
        try:
            value = clean_value(f, data.get(key))
        except ValueError as exc:
            errors[key] = f"{f['label']}{exc}"
            continue
        if not value and f.get("required", True):
            errors[key] = f"请填写{f['label']}"
            continue
        if value:
            out[key] = value
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(f"证照信息有 {len(errors)} 处需要修改：{errors[first]}", code="invalid_licence_data",
                               detail={"field": first, "fields": errors})
    return out


def display(fields: list[dict], data: dict) -> list[tuple[str, str]]:
    """(label, value) rows in template order, for the licence page and the detail page."""
    return [(f["label"], str(data.get(f["key"], "") or "")) for f in fields]


def holder_error(holder_kind: str, code: str) -> str | None:
    return resident_id_error(code) if holder_kind == "person" else uscc_error(code)


__all__ = ["clean_data", "clean_value", "display", "holder_error", "name_error"]
