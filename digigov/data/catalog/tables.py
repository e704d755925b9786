"""Where an entry's aggregated data lives: one physical table per entry in the platform database.

The name is derived from the entry's primary key (stable across renames and code changes, always a
safe SQL identifier). Aggregation creates the table and records it on a ``MountedResource`` of kind
``table``; quality checks, the masked preview, the gateway, the exchange jobs, the open-data portal and the
CKAN datastore read it through that mount (``keyset_batches``, ``unseal``, ``table_columns`` below). Columns:
one per ``DataItem.field_name`` plus the system columns below.
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


def table_columns(table: str) -> set[str] | None:
    """The column names of ``table``, or None when it does not exist (an entry never aggregated)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return None
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


UNDECRYPTABLE = "（无法解密）"  # what a reader shows for a sealed value that does not decrypt (never the bytes)


def keyset_batches(table: str, columns, *, after: tuple[int, int] | None = None, batch_size: int = 5000, where: str = "",
                   params=(), limit: int | None = None):
    """The rows of an aggregated table in ``(_batch_id, _row_no)`` order, one batch (a list of raw tuples
    ``(_batch_id, _row_no, *columns)``) at a time: memory is one batch and batch N costs what batch 1 costs,
    whatever the table size. ``after`` starts after that key; ``where`` (SQL with ``%s`` placeholders and
    ``params``) narrows the rows; ``limit`` stops after that many rows. Column names are quoted here; the
    caller has checked they are the entry's items."""
    from django.db import connection

    qn = connection.ops.quote_name
    select = ", ".join(qn(c) for c in [BATCH_COLUMN, ROW_COLUMN, *columns])
    keyset = f"({qn(BATCH_COLUMN)} > %s OR ({qn(BATCH_COLUMN)} = %s AND {qn(ROW_COLUMN)} > %s))"
    order = f" ORDER BY {qn(BATCH_COLUMN)}, {qn(ROW_COLUMN)} LIMIT %s"
    sent = 0
    while True:
        size = batch_size if limit is None else min(batch_size, limit - sent)
        if size <= 0:
            return
        conditions, args = [], []
        if after is not None:
            conditions.append(keyset)
            args += [after[0], after[0], after[1]]
        if where:
            conditions.append(f"({where})")
            args += list(params)
        sql = f"SELECT {select} FROM {qn(table)}" + (" WHERE " + " AND ".join(conditions) if conditions else "") + order
        with connection.cursor() as cursor:
            cursor.execute(sql, [*args, size])
            rows = cursor.fetchall()
        if rows:
            yield rows
        sent += len(rows)
        if len(rows) < size:
            return
        after = (rows[-1][0], rows[-1][1])


def unseal(table: str, column: str, value, *, undecryptable=UNDECRYPTABLE):
    """A personal column's stored value in clear: ``pii.seal_text`` blobs are opened under the table and
    column they were sealed for; anything else is returned as it is. A blob that does not decrypt gives
    ``undecryptable`` (never the bytes)."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        return value
    from digigov.core import pii

    try:
        return pii.unseal_text(table, column, bytes(value))
    except Exception:  # noqa: BLE001 — a damaged or foreign blob is reported by its placeholder, not raised
        return undecryptable
