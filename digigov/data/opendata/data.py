"""Reading an open dataset's rows as the public sees them: the preview, the downloads and the chart.

Rows come from the entry's mounted table (``grading.preview.table_mount``) in keyset order
``(_batch_id, _row_no)``, in chunks, so a download of millions of rows holds one chunk in memory.
Personal columns are unsealed and then masked (``grading.policy.mask_value``: ID numbers as
``210602********1234``, names as ``张*``…); core items are never shown. Nobody sees personal data in
clear through the portal, so nothing here is audited as a clear view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from django.db import connection

from digigov.data.catalog.models import DataLevel, DataType, PersonalKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, UNDECRYPTABLE, keyset_batches, table_columns, unseal
from digigov.data.grading.policy import mask_value
from digigov.data.grading.preview import table_mount

CHUNK = 2000
PREVIEW_ROWS = 20
CHART_BARS = 12


@dataclass
class Source:
    table: str | None
    items: list  # DataItem shown to the public, in order

    @property
    def fields(self) -> list[str]:
        return [i.field_name for i in self.items]


def public_items(entry) -> list:
    return [i for i in entry.items.all().order_by("seq") if i.level < DataLevel.CORE]


def source(entry) -> Source:
    """The table and the public columns actually present in it (``table`` is None when there is no data yet)."""
    items = public_items(entry)
    mount = table_mount(entry)
    existing = table_columns(mount.table_name) if mount else None
    if not existing or not {BATCH_COLUMN, ROW_COLUMN} <= existing:
        return Source(None, items)
    return Source(mount.table_name, [i for i in items if i.field_name in existing])


def _shown(item, value, table: str) -> str:
    if value is None:
        return ""
    if item.personal >= PersonalKind.PERSONAL:
        value = unseal(table, item.field_name, value, undecryptable=None)
        return UNDECRYPTABLE if value is None else mask_value(value, item)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "（二进制数据）"
    return str(value)


def iter_rows(src: Source, *, limit: int | None = None, chunk: int = CHUNK) -> Iterator[list[str]]:
    """The rows as lists of shown texts, in the order of ``src.items``."""
    if src.table is None or not src.items:
        return
    for rows in keyset_batches(src.table, src.fields, batch_size=chunk, limit=limit):
        for r in rows:
            yield [_shown(item, value, src.table) for item, value in zip(src.items, r[2:])]


def preview(entry, limit: int = PREVIEW_ROWS) -> tuple[Source, list[list[str]]]:
    src = source(entry)
    return src, list(iter_rows(src, limit=limit))


def chart_column(src: Source):
    """The default chart's column: the first non-personal, categorical item (a code list, or a short text
    that is not a key nor an identifier), else None."""
    for item in src.items:
        if item.personal >= PersonalKind.PERSONAL or item.is_key or item.data_type not in (DataType.STRING, DataType.BOOLEAN):
            continue
        if item.code_list_id or (item.length or 0) <= 50:
            return item
    return None


def chart(entry, src: Source | None = None) -> dict | None:
    """ECharts options: rows per value of the default categorical column (the top ``CHART_BARS``), or None."""
    src = src or source(entry)
    item = chart_column(src) if src.table else None
    if item is None:
        return None
    qn = connection.ops.quote_name
    col = qn(item.field_name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {col}, COUNT(*) AS n FROM {qn(src.table)} GROUP BY {col} ORDER BY n DESC, {col} LIMIT {CHART_BARS}")
        pairs = [("（空）" if v in (None, "") else str(v), n) for v, n in cursor.fetchall()]
    if len(pairs) < 2:
        return None
    return {
        "title": {"text": f"按“{item.name}”统计的记录数", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "bottom": 60, "containLabel": True},
        "xAxis": {"type": "category", "data": [p[0] for p in pairs], "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": {"type": "value", "name": "记录数"},
        "series": [{"type": "bar", "name": "记录数", "data": [p[1] for p in pairs], "itemStyle": {"color": "#1f6feb"}}],
    }
