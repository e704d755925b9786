"""The entry's physical table (``dr_<pk>``) and the per-job staging table next to it.

Column types come from Django's own fields for the running database (C → varchar(length) or text,
N → decimal(38,10), D → date, T → timestamp, B → boolean, BLOB and every personal item → binary, sealed).
System columns: ``_batch_id`` (the batch that brought the row) and ``_row_no`` (its row in the input).
New data items added to the entry later become new nullable columns; nothing is ever dropped.
"""

from __future__ import annotations

from django.db import connection, models

from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN

from .standardise import DECIMAL_PLACES, MAX_DIGITS


def field_for(item) -> models.Field:
    if item.personal or item.data_type == "BLOB":
        f = models.BinaryField(null=True)
    elif item.data_type == "N":
        f = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True)
    elif item.data_type == "D":
        f = models.DateField(null=True)
    elif item.data_type == "T":
        f = models.DateTimeField(null=True)
    elif item.data_type == "B":
        f = models.BooleanField(null=True)
    elif item.length:
        f = models.CharField(max_length=item.length, null=True)
    else:
        f = models.TextField(null=True)
    f.set_attributes_from_name(item.field_name)
    return f


def _ddl_columns(items) -> list[str]:
    q = connection.ops.quote_name
    cols = [f"{q(i.field_name)} {field_for(i).db_type(connection)} NULL" for i in items]
    big = models.BigIntegerField().db_type(connection)
    return cols + [f"{q(BATCH_COLUMN)} {big} NOT NULL", f"{q(ROW_COLUMN)} {big} NOT NULL"]


def table_exists(name: str) -> bool:
    with connection.cursor() as cur:
        return name in connection.introspection.table_names(cur)


def existing_columns(name: str) -> set[str]:
    with connection.cursor() as cur:
        return {c.name for c in connection.introspection.get_table_description(cur, name)}


def ensure_target(table: str, items) -> bool:
    """Create the table (True) or add columns for items it lacks (False)."""
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        if not table_exists(table):
            cur.execute(f"CREATE TABLE {q(table)} ({', '.join(_ddl_columns(items))})")
            cur.execute(f"CREATE INDEX {q(table + '_batch')} ON {q(table)} ({q(BATCH_COLUMN)})")
            return True
        have = existing_columns(table)
        for i in items:
            if i.field_name not in have:
                cur.execute(f"ALTER TABLE {q(table)} ADD COLUMN {q(i.field_name)} {field_for(i).db_type(connection)} NULL")
    return False


def create_staging(name: str, items) -> None:
    q = connection.ops.quote_name
    drop(name)
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE {q(name)} ({', '.join(_ddl_columns(items))})")


def drop(name: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)}")


def insert_staging(name: str, items, rows: list[tuple]) -> None:
    """``rows``: (value per item …, row_no); ``_batch_id`` is 0 until the move into the target."""
    if not rows:
        return
    q = connection.ops.quote_name
    cols = [q(i.field_name) for i in items] + [q(ROW_COLUMN), q(BATCH_COLUMN)]
    marks = ", ".join(["%s"] * len(cols))
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {q(name)} ({', '.join(cols)}) VALUES ({marks})", [(*r, 0) for r in rows])


def move(staging: str, table: str, items, batch_id: int) -> int:
    """INSERT … SELECT the staged rows into the target under ``batch_id`` (caller holds the transaction)."""
    q = connection.ops.quote_name
    cols = [q(i.field_name) for i in items]
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {q(table)} ({', '.join(cols)}, {q(BATCH_COLUMN)}, {q(ROW_COLUMN)}) "
            f"SELECT {', '.join(cols)}, %s, {q(ROW_COLUMN)} FROM {q(staging)}",
            [batch_id],
        )
        return cur.rowcount


def count_rows(table: str, batch_id: int | None = None) -> int:
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        if batch_id is None:
            cur.execute(f"SELECT COUNT(*) FROM {q(table)}")
        else:
            cur.execute(f"SELECT COUNT(*) FROM {q(table)} WHERE {q(BATCH_COLUMN)} = %s", [batch_id])
        return cur.fetchone()[0]


def sample_rows(table: str, columns: list[str], batch_id: int | None = None, limit: int = 20) -> list[tuple]:
    q = connection.ops.quote_name
    where = f" WHERE {q(BATCH_COLUMN)} = %s" if batch_id is not None else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(q(c) for c in columns)}, {q(ROW_COLUMN)} FROM {q(table)}{where} ORDER BY {q(BATCH_COLUMN)}, {q(ROW_COLUMN)} LIMIT {int(limit)}",
                    [batch_id] if batch_id is not None else [])
        return cur.fetchall()
