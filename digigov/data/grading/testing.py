"""Test helpers: catalog entries with data items, and a physical dataset table shaped like aggregation's."""

from __future__ import annotations

import itertools

from django.db import connection

from digigov.core import pii
from digigov.data.catalog.models import CatalogEntry, Category, CategoryKind, DataItem, MountedResource, MountKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, target_table_name

_seq = itertools.count(1)

PEOPLE_ITEMS = [
    # (name, field_name, format, level, personal)
    ("姓名", "xm", "", 1, 1),
    ("公民身份号码", "sfzh", "resident_id", 1, 2),
    ("手机号码", "sjhm", "phone", 1, 1),
    ("家庭住址", "jtzz", "", 1, 1),
    ("所属社区", "sqmc", "", 1, 0),
]


def make_entry(department, *, items=PEOPLE_ITEMS, code: str | None = None, name: str = "低保对象信息", status: str = "published",
               sharing_type: str = "conditional", open_type: str = "none", level: int = 1, personal: int = 0) -> CatalogEntry:
    n = next(_seq)
    category, _ = Category.objects.get_or_create(code="T-GRADING", defaults={"name": "测试分类", "kind": CategoryKind.THEME})
    entry = CatalogEntry.objects.create(code=code or f"TEST-{n:05d}", name=name, department=department, abstract="测试", category=category,
                                        status=status, sharing_type=sharing_type, open_type=open_type, level=level, personal=personal)
    for seq, (item_name, field, fmt, item_level, item_personal) in enumerate(items, 1):
        DataItem.objects.create(entry=entry, seq=seq, name=item_name, field_name=field, format=fmt, level=item_level, personal=item_personal)
    return entry


def create_dataset(entry, rows: list[dict], *, user, batch_id: int = 1, mount: bool = True) -> str:
    """Create ``dr_<pk>`` with one column per item (personal ones sealed BLOBs) and insert ``rows``."""
    table = target_table_name(entry)
    items = list(entry.items.order_by("seq"))
    blob = "bytea" if connection.vendor == "postgresql" else "BLOB"
    qn = connection.ops.quote_name
    cols = [f"{qn(BATCH_COLUMN)} bigint NOT NULL", f"{qn(ROW_COLUMN)} bigint NOT NULL"]
    cols += [f"{qn(i.field_name)} {blob if i.personal else 'text'}" for i in items]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {qn(table)} ({', '.join(cols)})")
        names = [BATCH_COLUMN, ROW_COLUMN] + [i.field_name for i in items]
        sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in names)}) VALUES ({', '.join(['%s'] * len(names))})"
        for n, row in enumerate(rows, 1):
            values = [batch_id, n]
            for i in items:
                v = row.get(i.field_name)
                values.append(pii.seal_text(table, i.field_name, v) if i.personal and v is not None else v)
            cursor.execute(sql, values)
    if mount:
        MountedResource.objects.create(entry=entry, kind=MountKind.TABLE, name=entry.name, table_name=table, mounted_by=user, record_count=len(rows))
    return table
