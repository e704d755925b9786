"""Raw value → standardised value, per data item (GB/T 21063.3 数据项).

For every value: text is NFKC-normalised (full-width digits, letters and punctuation → half-width) and
trimmed; empty means absent. Then by type — C: length; N: a finite decimal (thousands separators allowed);
D: one of ``DATE_FORMATS``; T: one of ``DATETIME_FORMATS`` (a date alone is midnight; times without a zone
are local); B: 是/否, true/false, 1/0, Y/N; BLOB: base64 — then the item's format (ID number and credit
code with check digits, mobile phone, 12-digit division code, e-mail), then its code list (a code or its
label, stored as the code). Every problem of a row is reported, one Chinese reason per field.

Personal items (``personal`` ≥ 1) are sealed with ``digigov.core.pii`` under the *target* table's
name and the column as associated data, so the staging copy moves into the target as is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone

from digigov.core import pii
from digigov.core.validators import resident_id_error, uscc_error

from . import SchemaMismatch

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M",
                    "%Y%m%d%H%M%S", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日%H时%M分%S秒", "%Y-%m-%d %H:%M:%S.%f")
TRUE = {"是", "true", "t", "1", "y", "yes", "真", "有"}
FALSE = {"否", "false", "f", "0", "n", "no", "假", "无"}
MAX_DIGITS, DECIMAL_PLACES = 38, 10
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
_DIVISION = re.compile(r"^[0-9]{12}$")
_IDENT = re.compile(r"[\s]+")


class Bad(Exception):
    pass


def clean_text(value: Any) -> str:
    if value.__class__ is str:
        if value.isascii():  # ASCII is its own NFKC form: skip the normalisation (the common case)
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_number(value: Any, text: str) -> decimal.Decimal:
    if isinstance(value, bool):
        raise Bad("应为数值")
    try:
        d = decimal.Decimal(str(value)) if isinstance(value, (int, float, decimal.Decimal)) else decimal.Decimal(text.replace(",", ""))
    except decimal.InvalidOperation:
        raise Bad(f"“{text[:40]}”不是数值") from None
    if not d.is_finite():
        raise Bad("应为有限数值")
    if d.adjusted() >= MAX_DIGITS - DECIMAL_PLACES:
        raise Bad("数值过大")
    return d.quantize(decimal.Decimal(1).scaleb(-DECIMAL_PLACES)) if d.as_tuple().exponent < -DECIMAL_PLACES else d


def parse_date(value: Any, text: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if len(text) in (8, 10) and text.isascii():
        try:
            return dt.date.fromisoformat(text)  # 2024-01-31 and 20240131, in C
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Bad(f"“{text[:40]}”不是可识别的日期（如 2024-01-31、2024/1/31、20240131、2024年1月31日）")


def parse_datetime(value: Any, text: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        out = value
    elif isinstance(value, dt.date):
        out = dt.datetime(value.year, value.month, value.day)
    else:
        out = None
        try:
            out = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in DATETIME_FORMATS:
                try:
                    out = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if out is None:
            try:
                d = parse_date(None, text)
            except Bad:
                raise Bad(f"“{text[:40]}”不是可识别的日期时间（如 2024-01-31 08:30:00）") from None
            out = dt.datetime(d.year, d.month, d.day)
    if timezone.is_naive(out):
        out = timezone.make_aware(out)
    return out


def parse_bool(value: Any, text: str) -> bool:
    if isinstance(value, bool):
        return value
    low = text.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise Bad(f"“{text[:20]}”不是布尔值（应为 是/否、true/false 或 1/0）")


def check_format(fmt: str, text: str) -> str:
    if fmt == "resident_id":
        text = (text if text.isalnum() else _IDENT.sub("", text)).upper()
        error = resident_id_error(text)
    elif fmt == "uscc":
        text = _IDENT.sub("", text).upper()
        error = uscc_error(text)
    elif fmt == "phone":
        text = _IDENT.sub("", text).replace("-", "")
        if text.startswith("+86"):
            text = text[3:]
        error = None if _PHONE.match(text) and text.isascii() else "手机号码应为以1开头的11位数字"
    elif fmt == "division":
        error = None if _DIVISION.match(text) and text.isascii() else "行政区划代码应为12位数字"
    elif fmt == "email":
        try:
            validate_email(text)
            error = None
        except ValidationError:
            error = "电子邮箱格式不正确"
    else:
        error = None
    if error:
        raise Bad(error)
    return text


@dataclass
class Column:
    """One target column: the data item it holds and how to turn a raw value into its database value."""

    field_name: str
    label: str
    required: bool
    convert: Callable[[Any], Any]  # raw → database value (None for empty); raises Bad


def _converter(item, table: str) -> Callable[[Any], Any]:
    kind = item.data_type
    length = item.length
    fmt = item.format or ""
    codes: dict[str, str] = {}
    if item.code_list_id:
        for v in item.code_list.values.all():
            codes[unicodedata.normalize("NFKC", v.value).strip()] = v.value
            codes.setdefault(unicodedata.normalize("NFKC", v.label).strip(), v.value)
    list_name = item.code_list.name if item.code_list_id else ""
    sealer = pii.BulkSealer(table, item.field_name) if item.personal else None
    ops = connection.ops

    def convert(raw):
        text = clean_text(raw)
        if text == "":
            return None
        if kind == "N":
            value = parse_number(raw, text)
            out = ops.adapt_decimalfield_value(value, MAX_DIGITS, DECIMAL_PLACES)
            canon = str(value)
        elif kind == "D":
            value = parse_date(raw, text)
            out, canon = ops.adapt_datefield_value(value), value.isoformat()
        elif kind == "T":
            value = parse_datetime(raw, text)
            out, canon = ops.adapt_datetimefield_value(value), value.isoformat()
        elif kind == "B":
            value = parse_bool(raw, text)
            out, canon = value, "1" if value else "0"
        elif kind == "BLOB":
            if isinstance(raw, bytes):
                out = raw
            else:
                try:
                    out = base64.b64decode(text, validate=True)
                except (binascii.Error, ValueError):
                    raise Bad("二进制值应为 Base64 编码") from None
            canon = text
        else:
            if fmt:
                text = check_format(fmt, text)
            if codes:
                code = codes.get(text)
                if code is None:
                    raise Bad(f"“{text[:40]}”不在代码表“{list_name}”中")
                text = code
            if length and len(text) > length:
                raise Bad(f"长度 {len(text)} 超过上限 {length}")
            out = canon = text
        if sealer is not None:
            return sealer(canon)
        return out

    return convert


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


class Standardiser:
    """Maps the input's columns onto the entry's data items and converts rows.

    ``mapping`` (source column → field name) is used when given; otherwise a column matches a data
    item by its field name or its Chinese name (case and full-width/half-width insensitive)."""

    def __init__(self, items: list, mapping: dict[str, str], table: str):
        self.items = items
        self.table = table
        self.columns = [Column(i.field_name, i.name, i.required, _converter(i, table)) for i in items]
        self._index = {c.field_name: n for n, c in enumerate(self.columns)}
        self._mapping = {_key(k): v for k, v in (mapping or {}).items()}
        self._by_name = {}
        for i in items:
            self._by_name.setdefault(_key(i.field_name), i.field_name)
            self._by_name.setdefault(_key(i.name), i.field_name)
        self.plan: list[tuple[str, int]] | None = None  # (source column, column index)

    def bind(self, source_columns: list[str], *, records: bool = False) -> None:
        """Decide which source column feeds which item; a schema error before any row is written."""
        plan, unknown = [], []
        for col in source_columns:
            key = _key(col)
            if key in self._mapping:
                target = self._mapping[key]
                if not target:
                    continue  # mapped to nothing: the column is deliberately left out
            else:
                target = self._by_name.get(key)
            if target not in self._index:
                unknown.append(col)
                continue
            plan.append((col, self._index[target]))
        fed = {idx for _, idx in plan}
        missing = [c.label + f"（{c.field_name}）" for n, c in enumerate(self.columns) if c.required and n not in fed]
        dup = sorted({self.columns[idx].label for _, idx in plan if sum(1 for _, j in plan if j == idx) > 1})
        problems = []
        if unknown:
            problems.append(f"未知列：{'、'.join(unknown[:20])}")
        if missing:
            problems.append(f"缺少必填信息项：{'、'.join(missing[:20])}")
        if dup:
            problems.append(f"多列对应同一信息项：{'、'.join(dup)}")
        if problems:
            raise SchemaMismatch("文件的列与目录信息项不一致，未写入任何数据。" + "；".join(problems),
                                 detail={"unknown": unknown, "missing": missing, "duplicated": dup})
        self.plan = plan
        self._records = records
        self._known = {c for c, _ in plan} | {c for c in source_columns if self._mapping.get(_key(c), None) == ""}

    def column_of(self, source_column) -> int | None:
        for col, idx in self.plan or ():
            if col == source_column:
                return idx
        return None

    def convert(self, values: dict) -> tuple[list | None, list[dict]]:
        """``(row values in item order, [])`` or ``(None, reasons)``."""
        out: list = [None] * len(self.columns)
        reasons: list[dict] = []
        if self._records:
            for extra in values.keys() - self._known:
                if self._mapping.get(_key(str(extra))) != "":
                    reasons.append({"field": str(extra), "label": str(extra), "message": "未知字段"})
        for col, idx in self.plan:
            c = self.columns[idx]
            try:
                out[idx] = c.convert(values.get(col))
            except Bad as exc:
                reasons.append({"field": c.field_name, "label": c.label, "message": str(exc)})
        for idx, c in enumerate(self.columns):
            if c.required and out[idx] is None and not any(r["field"] == c.field_name for r in reasons):
                reasons.append({"field": c.field_name, "label": c.label, "message": "必填项为空"})
        return (None, reasons) if reasons else (out, [])
