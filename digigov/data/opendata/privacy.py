"""The privacy check a dataset passes before it is opened: k-anonymity over its quasi-identifiers.

A quasi-identifier (准标识符) is a column that alone identifies no one but together with others can
(age, birth date, sex, address, postcode, occupation…). ``check(entry, quasi_identifiers)`` counts the
equivalence classes — rows sharing the same values of every quasi-identifier — over the entry's mounted
table and reports ``k`` (the smallest class). ``K_MIN`` = 5 is required to open.

How the classes are counted: when no quasi-identifier column is sealed (``pii.seal_text`` blobs differ
for equal values), the database groups them (``GROUP BY``); otherwise the rows are streamed by keyset
``(_batch_id, _row_no)`` in chunks, unsealed, and counted in Python. Either way the result is one
``Counter`` of value tuples → class size, which the suggestions then re-group in memory (classes, not
rows), so each suggestion's ``k`` is exactly what the table would reach with that generalisation.

Suggestions (泛化建议) per quasi-identifier: age → 10-year bands, birth date → year, address → district,
postcode → its first four digits, division code / ID number → county code, and always "drop it"; plus a
combined one (the greedy sequence of the best single steps until k ≥ 5). Sizes are reported, never values.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from django.db import connection

from digigov.core.errors import ValidationFailed
from digigov.data.catalog.models import DataLevel, DataType, ItemFormat, PersonalKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, keyset_batches, table_columns, unseal
from digigov.data.grading.policy import _district_end
from digigov.data.grading.preview import table_mount

K_MIN = 5
CHUNK = 5000
SMALLEST_SHOWN = 5
QI_WORDS = ("年龄", "出生", "性别", "地址", "住址", "住所", "居住地", "户籍", "区域", "区划", "邮编", "邮政编码", "职业", "民族", "学历",
            "婚姻", "籍贯", "工作单位")
_NULL = "（空）"


@dataclass
class Suggestion:
    fields: list          # field names it generalises or drops
    method: str           # band10 / year / district / prefix4 / county / drop / combined
    label: str            # Chinese description
    k: int | None         # the k the table would reach


@dataclass
class KAnonResult:
    quasi_identifiers: list
    rows: int = 0
    k: int | None = None          # None: no quasi-identifier, or no rows
    classes: int = 0
    smallest: list = field(default_factory=list)  # the smallest class sizes, ascending
    suggestions: list = field(default_factory=list)
    message: str = ""
    labels: list = field(default_factory=list)    # the quasi-identifiers' item names (what pages show)

    @property
    def passed(self) -> bool:
        return self.k is None or self.k >= K_MIN

    def as_detail(self) -> dict:
        return {"k": self.k, "k_min": K_MIN, "rows": self.rows, "classes": self.classes, "smallest": self.smallest,
                "quasi_identifiers": self.quasi_identifiers,
                "suggestions": [{"fields": s.fields, "method": s.method, "label": s.label, "k": s.k} for s in self.suggestions]}


def default_quasi_identifiers(items) -> list[str]:
    """The entry's personal items and items whose names say they describe a person's attributes (core items are never opened)."""
    return [i.field_name for i in items
            if i.level < DataLevel.CORE and (i.personal >= PersonalKind.PERSONAL or any(w in i.name for w in QI_WORDS))]


# --- generalisations ------------------------------------------------------------------------------------
def _band10(value: str) -> str:
    try:
        n = int(float(value))
    except (TypeError, ValueError):
        return value
    low = n // 10 * 10
    return f"{low}-{low + 9}"


_YEAR = re.compile(r"^\s*(\d{4})")


def _year(value: str) -> str:
    m = _YEAR.match(value)
    return m.group(1) if m else value


def _district(value: str) -> str:
    end = _district_end(value)
    return value[:end] if end else value


def _prefix(n: int) -> Callable[[str], str]:
    return lambda value: value[:n]


def generalisers(item) -> list[tuple[str, str, Callable[[str], str]]]:
    """``[(method, Chinese label, function)]`` that make ``item``'s values coarser, finest first."""
    name, out = item.name, []
    if "年龄" in name or ("龄" in name and item.data_type == DataType.NUMBER):
        out.append(("band10", f"将“{name}”泛化为 10 岁一档", _band10))
    if "出生" in name or item.data_type in (DataType.DATE, DataType.DATETIME):
        out.append(("year", f"将“{name}”泛化到年份", _year))
    if any(w in name for w in ("地址", "住址", "住所", "居住地", "户籍地")):
        out.append(("district", f"将“{name}”泛化到区县", _district))
    if "邮编" in name or "邮政编码" in name:
        out.append(("prefix4", f"将“{name}”只保留前 4 位", _prefix(4)))
    if item.format in (ItemFormat.DIVISION, ItemFormat.RESIDENT_ID) or "区划" in name:
        out.append(("county", f"将“{name}”泛化到区县代码（前 6 位）", _prefix(6)))
    return out


# --- counting ---------------------------------------------------------------------------------------------
def _regroup(counts: Counter, position: int, func: Callable[[str], str] | None) -> Counter:
    """The classes after generalising (``func``) or dropping (``None``) the quasi-identifier at ``position``."""
    out: Counter = Counter()
    for key, n in counts.items():
        if func is None:
            new = key[:position] + key[position + 1:]
        else:
            value = key[position]
            new = key[:position] + ((func(value) if value != _NULL else value),) + key[position + 1:]
        out[new] += n
    return out


def _text(value) -> str:
    if value is None or value == "":
        return _NULL
    return str(value)


def _count_sql(table: str, fields: list[str]) -> Counter:
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {cols}, COUNT(*) FROM {qn(table)} GROUP BY {cols}")
        out: Counter = Counter()
        for row in cursor.fetchall():
            out[tuple(_text(v) for v in row[:-1])] += row[-1]
    return out


def _count_streaming(table: str, fields: list[str], sealed: set[str]) -> Counter:
    out: Counter = Counter()
    for rows in keyset_batches(table, fields, batch_size=CHUNK):
        for r in rows:
            # an undecryptable value is its own class (counted, never shown)
            out[tuple(_text(unseal(table, name, value) if name in sealed else value) for name, value in zip(fields, r[2:]))] += 1
    return out


def _k(counts: Counter) -> int | None:
    return min(counts.values()) if counts else None


def check(entry, quasi_identifiers: list[str] | None = None) -> KAnonResult:
    """k-anonymity of the entry's mounted table over ``quasi_identifiers`` (default: ``default_quasi_identifiers``)."""
    items = list(entry.items.all().order_by("seq"))
    by_field = {i.field_name: i for i in items}
    if quasi_identifiers is None:
        fields = default_quasi_identifiers(items)
    else:
        if not isinstance(quasi_identifiers, (list, tuple)) or not all(isinstance(f, str) for f in quasi_identifiers):
            raise ValidationFailed("准标识符应为信息项字段名的列表", code="bad_quasi_identifiers", detail={"field": "quasi_identifiers"})
        unknown = [f for f in quasi_identifiers if f not in by_field]
        if unknown:
            raise ValidationFailed("准标识符中有本资源没有的信息项", code="unknown_quasi_identifier", detail={"field": "quasi_identifiers"})
        fields = list(dict.fromkeys(quasi_identifiers))
        # a personal item cannot be left out of the check: choosing fewer columns would only hide the risk
        missing = [i.name for i in items if i.personal >= PersonalKind.PERSONAL and i.level < DataLevel.CORE and i.field_name not in fields]
        if missing:
            raise ValidationFailed(f"个人信息项必须作为准标识符参与检查：{'、'.join(missing)}", code="personal_not_checked",
                                   detail={"field": "quasi_identifiers"})
    result = KAnonResult(quasi_identifiers=fields, labels=[by_field[f].name for f in fields])
    if not fields:
        result.message = "本资源没有准标识符，无需 k-匿名检查"
        return result
    mount = table_mount(entry)
    existing = table_columns(mount.table_name) if mount else None
    if existing is None:
        raise ValidationFailed("该资源尚未归集数据，无法进行隐私检查", code="no_data", detail={"field": "entry"})
    absent = [f for f in fields if f not in existing]
    if absent or not {BATCH_COLUMN, ROW_COLUMN} <= existing:
        raise ValidationFailed("数据表缺少准标识符列，无法进行隐私检查", code="table_mismatch", detail={"field": "quasi_identifiers"})
    sealed = {f for f in fields if by_field[f].personal >= PersonalKind.PERSONAL}
    counts = _count_streaming(mount.table_name, fields, sealed) if sealed else _count_sql(mount.table_name, fields)
    result.rows = sum(counts.values())
    result.classes = len(counts)
    result.k = _k(counts)
    result.smallest = sorted(counts.values())[:SMALLEST_SHOWN]
    if result.k is None:
        result.message = "数据表中还没有数据"
        return result
    if not result.passed:
        result.suggestions = suggestions(counts, [by_field[f] for f in fields])
    return result


def suggestions(counts: Counter, items: list) -> list[Suggestion]:
    """Single-step generalisations and drops with the k each reaches, best first, then a combined plan reaching K_MIN if one exists."""
    single: list[tuple[Suggestion, int, Callable | None]] = []
    for pos, item in enumerate(items):
        for method, label, func in generalisers(item):
            single.append((Suggestion([item.field_name], method, label, _k(_regroup(counts, pos, func))), pos, func))
        single.append((Suggestion([item.field_name], "drop", f"不开放“{item.name}”（从数据集中去除）",
                                  _k(_regroup(counts, pos, None))), pos, None))
    single.sort(key=lambda s: (-(s[0].k or 0), s[0].method == "drop"))
    out = [s for s, _, _ in single]
    # greedy: keep applying the step that raises k most (generalising before dropping) until K_MIN
    current, cols, steps = counts, list(items), []
    while (_k(current) or 0) < K_MIN and cols:
        best = None
        for pos, item in enumerate(cols):
            options = [(m, lab, f) for m, lab, f in generalisers(item) if not any(item.field_name in s.fields and s.method == m for s in steps)]
            options.append(("drop", f"不开放“{item.name}”", None))
            for method, label, func in options:
                new = _regroup(current, pos, func)
                score = (_k(new) or 0, method != "drop")
                if best is None or score > best[0]:
                    best = (score, pos, item, method, label, new)
        if best is None:
            break
        _, pos, item, method, label, new = best
        steps.append(Suggestion([item.field_name], method, label, _k(new)))
        current = new
        if method == "drop":
            cols.pop(pos)
    if len(steps) > 1 and (_k(current) or 0) >= K_MIN:
        out.insert(0, Suggestion(sorted({f for s in steps for f in s.fields}), "combined", "组合泛化：" + "；".join(s.label for s in steps), _k(current)))
    return out
