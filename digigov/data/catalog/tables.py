"""Where an entry's aggregated data lives: one physical table per entry in the platform database.

The name is derived from the entry's primary key (stable across renames and code changes, always a
safe SQL identifier). Aggregation creates the table and records it on a ``MountedResource`` of kind
``table``; quality checks, the masked preview and (later) the exchange gateway read it through that
mount. Columns: one per ``DataItem.field_name`` plus the system columns below.
"""

from __future__ import annotations

TABLE_PREFIX = "dr_"
BATCH_COLUMN = "_batch_id"
ROW_COLUMN = "_row_no"
SYSTEM_COLUMNS = (BATCH_COLUMN, ROW_COLUMN)


def target_table_name(entry) -> str:
    pk = entry if isinstance(entry, int) else entry.pk
    if not isinstance(pk, int) or pk <= 0:
        raise ValueError("目录条目尚未保存，无法确定数据表名")
    return f"{TABLE_PREFIX}{pk}"
