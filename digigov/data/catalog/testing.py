"""Test factories shared by the data apps' tests, the browser journeys and the benchmarks: a catalog
entry with data items, written directly (tests of other apps must not depend on the catalog's review
lifecycle), and the physical dataset table aggregation would have made for it (``dr_<pk>``, one column
per item, personal items as sealed BLOBs, the system columns of ``tables``)."""

from __future__ import annotations

import itertools

from django.db import connection

from digigov.core import pii

from .models import CatalogEntry, Category, CategoryKind, DataItem, MountedResource, MountKind
from .tables import BATCH_COLUMN, ROW_COLUMN, target_table_name

_seq = itertools.count(1)
SQL_TYPES = {"C": "VARCHAR(200)", "N": "NUMERIC(18,4)", "D": "DATE", "T": "TIMESTAMP", "B": "BOOLEAN"}


def category_for_tests(code: str = "T-TEST", name: str = "测试分类", kind: str = CategoryKind.THEME) -> Category:
    return Category.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]


def make_entry(department, items=(), *, code: str | None = None, name: str = "测试数据集", category: Category | None = None,
               status: str = "published", **fields) -> CatalogEntry:
    """An entry of ``department`` with ``items`` (dicts of DataItem fields; ``seq`` is their position)."""
    n = next(_seq)
    entry = CatalogEntry.objects.create(code=code or f"TEST-{n:05d}-{CatalogEntry.objects.count()}", name=name, department=department,
                                        abstract=fields.pop("abstract", name), category=category or category_for_tests(), status=status, **fields)
    DataItem.objects.bulk_create([DataItem(entry=entry, seq=seq, **spec) for seq, spec in enumerate(items, 1)])
    return entry


def create_dataset(entry, rows: list[dict], *, user, batch_id: int = 1, typed: bool = False, mount: bool = True,
                   create: bool = True) -> str:
    """Create ``dr_<pk>`` (typed columns per data type when ``typed``, else text) and insert ``rows``
    (dicts by field name); mount it on the entry. Returns the table name."""
    table = target_table_name(entry)
    items = list(entry.items.order_by("seq"))
    blob = "BYTEA" if connection.vendor == "postgresql" else "BLOB"
    qn = connection.ops.quote_name
    if create:
        cols = [f"{qn(BATCH_COLUMN)} BIGINT NOT NULL", f"{qn(ROW_COLUMN)} BIGINT NOT NULL"]
        for i in items:
            kind = blob if i.personal >= 1 else (SQL_TYPES.get(i.data_type, "VARCHAR(200)") if typed else "TEXT")
            cols.append(f"{qn(i.field_name)} {kind}")
        with connection.cursor() as c:
            c.execute(f"CREATE TABLE {qn(table)} ({', '.join(cols)})")
        if mount:
            MountedResource.objects.create(entry=entry, kind=MountKind.TABLE, name=entry.name, table_name=table, mounted_by=user,
                                           record_count=len(rows))
    insert_rows(entry, rows, batch=batch_id)
    return table


def insert_rows(entry, rows: list[dict], start: int | None = None, batch: int = 1) -> None:
    """Append ``rows`` to the entry's table (``_row_no`` continues after the last one unless ``start``)."""
    table = target_table_name(entry)
    items = list(entry.items.order_by("seq"))
    qn = connection.ops.quote_name
    names = [BATCH_COLUMN, ROW_COLUMN] + [i.field_name for i in items]
    with connection.cursor() as c:
        if start is None:
            c.execute(f"SELECT COALESCE(MAX({qn(ROW_COLUMN)}), 0) FROM {qn(table)}")
            start = c.fetchone()[0] + 1
        values = []
        for n, row in enumerate(rows):
            out = [batch, start + n]
            for i in items:
                v = row.get(i.field_name)
                out.append(pii.seal_text(table, i.field_name, v) if i.personal >= 1 and v not in (None, "") else v)
            values.append(out)
        if values:
            c.executemany(f"INSERT INTO {qn(table)} ({', '.join(qn(x) for x in names)}) VALUES ({', '.join(['%s'] * len(names))})", values)
