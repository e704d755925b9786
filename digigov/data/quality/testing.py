"""Test factories: a catalog entry with items and a physical mounted table (created by SQL, as
aggregation would), written raw because the catalog's own actions belong to another app."""

from __future__ import annotations

import itertools

from django.db import connection

from digigov.core import pii
from digigov.data.catalog.models import CatalogEntry, Category, DataItem, MountedResource, MountKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, target_table_name

_n = itertools.count(1)
SQL_TYPES = {"C": "VARCHAR(200)", "N": "NUMERIC(18,4)", "D": "DATE", "T": "TIMESTAMP", "B": "BOOLEAN", "BLOB": "BLOB"}


def category():
    return Category.objects.get_or_create(code="QTEST", defaults={"name": "测试分类", "kind": "basic"})[0]


def make_entry(department, items: list[dict], *, name: str = "", update_cycle: str = "monthly", status: str = "published") -> CatalogEntry:
    n = next(_n)
    entry = CatalogEntry.objects.create(code=f"QT-{n:05d}", name=name or f"测试数据集{n}", department=department, abstract="测试",
                                        category=category(), update_cycle=update_cycle, status=status)
    for seq, spec in enumerate(items, start=1):
        DataItem.objects.create(entry=entry, seq=seq, **spec)
    return entry


def make_table(entry, rows: list[dict], *, user, typed: bool = True, create: bool = True) -> str:
    """Create ``dr_<pk>`` with one column per item (personal items as sealed BLOBs) and insert ``rows``
    (dicts by field name; ``_row_no`` is the 1-based position); mount it on the entry."""
    table = target_table_name(entry)
    items = list(entry.items.all())
    blob = "BYTEA" if connection.vendor == "postgresql" else "BLOB"
    if create:
        cols = [f"{connection.ops.quote_name(BATCH_COLUMN)} BIGINT", f"{connection.ops.quote_name(ROW_COLUMN)} BIGINT"]
        for i in items:
            kind = blob if i.personal >= 1 else (SQL_TYPES.get(i.data_type, "VARCHAR(200)") if typed else "VARCHAR(200)")
            cols.append(f"{connection.ops.quote_name(i.field_name)} {kind.replace('BLOB', blob)}")
        with connection.cursor() as c:
            c.execute(f"CREATE TABLE {connection.ops.quote_name(table)} ({', '.join(cols)})")
        MountedResource.objects.create(entry=entry, kind=MountKind.TABLE, name=entry.name, table_name=table, mounted_by=user)
    insert_rows(entry, rows)
    return table


def insert_rows(entry, rows: list[dict], start: int | None = None, batch: int = 1) -> None:
    table = target_table_name(entry)
    items = list(entry.items.all())
    names = [BATCH_COLUMN, ROW_COLUMN] + [i.field_name for i in items]
    with connection.cursor() as c:
        if start is None:
            c.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(ROW_COLUMN)}), 0) FROM {connection.ops.quote_name(table)}")
            start = c.fetchone()[0] + 1
        values = []
        for n, row in enumerate(rows):
            out = [batch, start + n]
            for i in items:
                v = row.get(i.field_name)
                out.append(pii.seal_text(table, i.field_name, v) if i.personal >= 1 and v else v)
            values.append(out)
        if values:
            c.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(connection.ops.quote_name(x) for x in names)}) "
                          f"VALUES ({', '.join(['%s'] * len(names))})", values)
