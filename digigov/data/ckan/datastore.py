"""``datastore_search`` and ``/datastore/dump/<id>``: the rows of a 无条件开放 dataset's table, masked as
the public sees them (``grading.policy.row_masker`` for an anonymous viewer: core items left out,
personal items masked).

Filtering, ``q`` and sorting work on the columns the public sees in clear that are not personal (those
columns are stored in clear; personal ones are sealed blobs and masked anyway): asking to filter or sort
on any other column is a 409 Validation Error naming the field, so an answer never depends on a value the
caller may not see. Rows come in the table's order ``(_batch_id, _row_no)`` unless sorted; ``_id`` is the
row's position in that order (1-based).
"""

from __future__ import annotations

import json

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from digigov.data.catalog.models import DataType, MountedResource, MountKind, OpenType, PersonalKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, keyset_batches, table_columns, unseal
from digigov.data.grading import policy
from digigov.data.opendata.selectors import public_datasets

from .packages import QueryError

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
TYPES = {DataType.NUMBER: "numeric", DataType.DATE: "date", DataType.DATETIME: "timestamp", DataType.BOOLEAN: "bool"}


class NotOpen(Exception):
    """No such resource, or not one the public may read rows of (the view answers 404 either way)."""


def public_table(resource_id: str):
    """``(dataset, mount)`` of a table resource of an unconditionally open dataset, else NotOpen."""
    if not isinstance(resource_id, str) or not resource_id or len(resource_id) > 40:
        raise NotOpen
    mount = (MountedResource.objects.filter(public_id=resource_id, kind=MountKind.TABLE, voided_at__isnull=True)
             .exclude(table_name="").select_related("entry", "entry__department").first())
    if mount is None:
        raise NotOpen
    ds = public_datasets().filter(entry_id=mount.entry_id, entry__open_type=OpenType.UNCONDITIONAL).first()
    if ds is None:
        raise NotOpen
    return ds, mount


class Reader:
    def __init__(self, ds, mount):
        self.ds, self.mount, self.entry, self.table = ds, mount, ds.entry, mount.table_name
        items = list(self.entry.items.all().order_by("seq"))
        self.mask = policy.row_masker(AnonymousUser(), self.entry, items)
        existing = table_columns(self.table) or set()
        self.ready = {BATCH_COLUMN, ROW_COLUMN} <= existing
        self.columns = [i for i in self.mask.columns if i.field_name in existing]
        self.by_name = {i.field_name: i for i in self.columns}
        # columns whose stored value is what the public sees: filterable, searchable, sortable
        self.plain = {i.field_name for i in self.columns if self.mask.is_clear(i.field_name) and i.personal < PersonalKind.PERSONAL}

    def fields(self, wanted=None) -> list[dict]:
        cols = self.select_columns(wanted)
        return [{"id": "_id", "type": "int"}] + [
            {"id": i.field_name, "type": TYPES.get(i.data_type, "text"), "info": {"label": i.name, "notes": i.description}}
            for i in cols]

    def select_columns(self, wanted=None):
        if wanted is None:
            return self.columns
        out = []
        for name in wanted:
            if name == "_id":
                continue
            if name not in self.by_name:
                raise QueryError("fields", f"字段“{name[:64]}”不存在或不公开")
            out.append(self.by_name[name])
        return out

    def _where(self, filters: dict, q: str):
        qn = connection.ops.quote_name
        sql, params = [], []
        for name, value in filters.items():
            if name not in self.plain:
                raise QueryError("filters", f"不能按字段“{str(name)[:64]}”筛选（字段不存在，或为个人信息/脱敏字段）")
            values = value if isinstance(value, list) else [value]
            if not values or len(values) > 100 or any(isinstance(v, (dict, list)) for v in values):
                raise QueryError("filters", f"字段“{name}”的筛选值无效")
            sql.append(f"CAST({qn(name)} AS VARCHAR(400)) IN ({', '.join(['%s'] * len(values))})")
            params += ["" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for v in values]
        if q:
            plain = [n for n in (i.field_name for i in self.columns) if n in self.plain]
            if not plain:
                return " AND ".join(sql) or "1=0", params
            sql.append("(" + " OR ".join(f"CAST({qn(n)} AS VARCHAR(400)) LIKE %s" for n in plain) + ")")
            like = "%" + q.replace("\\", "").replace("%", "").replace("_", "") + "%"
            params += [like] * len(plain)
        return " AND ".join(sql), params

    def _order(self, sort: str | None) -> str:
        qn = connection.ops.quote_name
        default = f"{qn(BATCH_COLUMN)}, {qn(ROW_COLUMN)}"
        if not sort:
            return default
        parts = []
        for part in str(sort).split(","):
            bits = part.split()
            if not bits or len(bits) > 2 or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc")):
                raise QueryError("sort", "排序参数无效：字段名后接 asc 或 desc")
            name = bits[0].strip('"')
            if name == "_id":
                parts.append(default if len(bits) == 1 or bits[1].lower() == "asc" else
                             f"{qn(BATCH_COLUMN)} DESC, {qn(ROW_COLUMN)} DESC")
                continue
            if name not in self.plain:
                raise QueryError("sort", f"不能按字段“{name[:64]}”排序（字段不存在，或为个人信息/脱敏字段）")
            parts.append(f"{qn(name)} {'DESC' if len(bits) == 2 and bits[1].lower() == 'desc' else 'ASC'}")
        return ", ".join(parts + [default])

    def _shown(self, cols, raw) -> dict:
        clear = {}
        for item, value in zip(cols, raw):
            # a personal value that does not decrypt is shown as such, never as bytes
            clear[item.field_name] = unseal(self.table, item.field_name, value) if item.personal >= PersonalKind.PERSONAL else value
        masked = self.mask(clear)
        out = {}
        for item in cols:
            v = masked.get(item.field_name)
            if self.mask.is_clear(item.field_name) and item.data_type == DataType.NUMBER and v not in (None, ""):
                try:
                    f = float(v)
                    v = int(f) if f.is_integer() else f
                except (TypeError, ValueError):
                    v = str(v)
            elif v is not None and not isinstance(v, (str, int, float, bool)):
                v = str(v)
            out[item.field_name] = v
        return out

    def search(self, *, limit: int, offset: int, q: str = "", filters: dict | None = None, fields=None, sort=None,
               include_total: bool = True) -> dict:
        cols = self.select_columns(fields)
        where, params = self._where(filters or {}, q)
        order = self._order(sort)
        records, total = [], 0
        if self.ready:
            qn = connection.ops.quote_name
            select = ", ".join(qn(i.field_name) for i in cols) or "1"
            base = f"FROM {qn(self.table)}" + (f" WHERE {where}" if where else "")
            with connection.cursor() as cursor:
                if limit:
                    cursor.execute(f"SELECT {select} {base} ORDER BY {order} LIMIT %s OFFSET %s", [*params, limit, offset])
                    rows = cursor.fetchall()
                    for n, raw in enumerate(rows, offset + 1):
                        records.append({"_id": n, **self._shown(cols, raw if cols else ())})
                if include_total:
                    cursor.execute(f"SELECT COUNT(*) {base}", params)
                    total = cursor.fetchone()[0]
        return {"records": records, "total": total, "fields": self.fields(fields)}

    def iter_rows(self, batch: int = 2000):
        """Every row in table order, by keyset (constant memory, constant cost per batch)."""
        if not self.ready:
            return
        for rows in keyset_batches(self.table, [i.field_name for i in self.columns], batch_size=batch):
            for raw in rows:
                yield self._shown(self.columns, raw[2:])


def parse_filters(value):
    if value in (None, "", {}):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise QueryError("filters", "filters 应为 JSON 对象") from None
    if not isinstance(value, dict) or len(value) > 20 or not all(isinstance(k, str) for k in value):
        raise QueryError("filters", "filters 应为 JSON 对象（字段名 → 值或值列表）")
    return value


def parse_fields(value):
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 200:
        raise QueryError("fields", "fields 应为逗号分隔的字段名")
    return value
