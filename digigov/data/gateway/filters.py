"""The query grammar of ``GET /gw/v1/resources/{code}/rows``: strict, parameters only.

    fields=a,b,c            the fields returned (default: every approved field)
    limit=1..500            rows per page (default 100)
    after=<batch>-<row>     the keyset cursor returned as ``next``
    <field>=v               equal           <field>__ne=v      not equal
    <field>__gt|gte|lt|lte=v                <field>__in=a,b,c  one of (≤ 100 values)
    <field>__prefix=v       starts with (text columns)

Every name must be a data item of the entry (400 ``bad_filter`` otherwise), approved in the caller's grant
(403 ``field_not_approved``) and not an encrypted personal column (400 ``filter_not_supported``: sealed values
cannot be compared). Values are parsed to the item's type when the column is typed; malformed values, unknown
operators, repeated names and anything else answer 400. SQL is built only from the entry's own column names
(quoted) and placeholders: no text from the request ever reaches the SQL string.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re

from digigov.data.catalog.models import DataType, PersonalKind
from digigov.data.grading.policy import is_core

NAME_RE = re.compile(r"^([a-z][a-z0-9_]{0,63}?)(?:__(eq|ne|gt|gte|lt|lte|in|prefix))?$")
CURSOR_RE = re.compile(r"^(\d{1,18})-(\d{1,18})$")
RESERVED = ("fields", "limit", "after")
MAX_LIMIT, DEFAULT_LIMIT, MAX_FILTERS, MAX_IN, MAX_VALUE = 500, 100, 10, 100, 200
OPS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad(message: str, code: str = "bad_filter") -> QueryError:
    return QueryError(400, code, message)


def parse_fields(raw: str | None, entry, approved: tuple[str, ...]) -> tuple[str, ...]:
    allowed = tuple(f for f in approved if f in entry.items and not is_core(entry.items[f], entry.entry))
    if raw is None or raw == "":
        if not allowed:
            raise QueryError(403, "field_not_approved", "没有可向该应用提供的信息项")
        return allowed
    names = [n.strip() for n in raw.split(",")]
    if len(names) > 200 or any(not n for n in names):
        raise bad("返回字段（fields）格式无效", "bad_fields")
    out: list[str] = []
    for name in names:
        item = entry.items.get(name)
        if item is None:
            raise bad("返回字段中有不存在的信息项", "bad_fields")
        if name not in allowed:
            raise QueryError(403, "field_not_approved", "请求的信息项未获授权")
        if name not in out:
            out.append(name)
    return tuple(out)


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or len(raw) > 4 or not 1 <= int(raw) <= MAX_LIMIT:
        raise bad(f"每页行数（limit）应为 1 到 {MAX_LIMIT} 之间的整数", "bad_limit")
    return int(raw)


def parse_after(raw: str | None) -> tuple[int, int] | None:
    if raw is None or raw == "":
        return None
    m = CURSOR_RE.match(raw)
    if not m:
        raise bad("分页游标（after）无效", "bad_cursor")
    return int(m.group(1)), int(m.group(2))


def _typed(value: str, item, text_column: bool):
    """The value parsed to the item's type (400 when it does not parse); passed as text to a text column."""
    kind = item.data_type
    try:
        if kind == DataType.NUMBER:
            parsed = decimal.Decimal(value)
            if not parsed.is_finite() or len(value) > 40:
                raise ValueError
        elif kind == DataType.DATE:
            parsed = dt.date.fromisoformat(value)
        elif kind == DataType.DATETIME:
            parsed = dt.datetime.fromisoformat(value)
        elif kind == DataType.BOOLEAN:
            if value.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            parsed = value.lower() in ("true", "1")
        else:
            parsed = value
    except (ValueError, decimal.InvalidOperation, ArithmeticError):
        raise bad("查询条件的值与信息项的数据类型不符") from None
    return value if text_column else parsed


def parse_filters(pairs: list[tuple[str, str]], entry, approved: tuple[str, ...], table) -> list[tuple[str, str, list]]:
    """``[(column, sql operator, [params])]`` from the query pairs that are not reserved words."""
    seen: set[str] = set()
    out = []
    for name, value in pairs:
        if name in RESERVED:
            continue
        if name in seen:
            raise bad("同一查询条件只能出现一次")
        seen.add(name)
        if len(seen) > MAX_FILTERS:
            raise bad(f"查询条件最多 {MAX_FILTERS} 个")
        m = NAME_RE.match(name)
        if not m:
            raise bad("查询条件格式无效")
        field, op = m.group(1), m.group(2) or "eq"
        item = entry.items.get(field)
        if item is None or field not in table.columns:
            raise bad("查询条件中有不存在的信息项")
        if field not in approved or is_core(item, entry.entry):
            raise QueryError(403, "field_not_approved", "查询条件中的信息项未获授权")
        if item.personal >= PersonalKind.PERSONAL:
            raise bad("个人信息项加密存储，不能作为查询条件", "filter_not_supported")
        if len(value) > MAX_VALUE * (MAX_IN if op == "in" else 1) or _CONTROL.search(value):
            raise bad("查询条件的值无效")
        text_column = field in table.text_columns
        if op == "in":
            values = value.split(",")
            if not 1 <= len(values) <= MAX_IN or any(len(v) > MAX_VALUE for v in values):
                raise bad(f"in 条件应有 1 到 {MAX_IN} 个值")
            out.append((field, "IN", [_typed(v, item, text_column) for v in values]))
        elif op == "prefix":
            if not text_column or not value:
                raise bad("prefix 条件只适用于文本信息项，且值不能为空")
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            out.append((field, "LIKE", [escaped + "%"]))
        else:
            out.append((field, OPS[op], [_typed(value, item, text_column)]))
    return out
