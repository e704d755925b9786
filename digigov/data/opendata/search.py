"""The portal's search: open datasets in ``digigov.core.search`` (kind ``opendata.dataset``; jieba + FTS5 on
SQLite, tsvector on PostgreSQL), name and keywords weighted highest, then the data items, then the
abstract, provider and category. Filters (category, department subtree, open type, format, update cycle)
are stored values of the index, so a filtered search is one query; every page is re-read through
``selectors.public_datasets`` so a lagging index can shorten a page, never show a withdrawn dataset."""

from __future__ import annotations

from dataclasses import dataclass

from digigov.core import search as fulltext
from digigov.core.errors import ValidationFailed

from .models import DatasetStatus, OpenDataset
from .selectors import public_datasets

KIND = "opendata.dataset"
MAX_LIMIT = 100


@dataclass
class Filters:
    category_id: int | None = None
    department_path: str | None = None
    open_type: str | None = None
    resource_format: str | None = None
    update_cycle: str | None = None

    def index(self) -> dict:
        out: dict = {}
        if self.category_id:
            out["category"] = int(self.category_id)
        if self.department_path:
            out["dept_path__startswith"] = self.department_path
        for name in ("open_type", "resource_format", "update_cycle"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out

    def apply(self, qs):
        if self.category_id:
            qs = qs.filter(entry__category_id=self.category_id)
        if self.department_path:
            qs = qs.filter(entry__department__path__startswith=self.department_path)
        for name in ("open_type", "resource_format", "update_cycle"):
            if getattr(self, name):
                qs = qs.filter(**{f"entry__{name}": getattr(self, name)})
        return qs


def document(ds: OpenDataset, item_names: list[str]) -> fulltext.Doc:
    e = ds.entry
    return fulltext.Doc(
        key=str(ds.pk), ref=ds.pk,
        fields={"name": [e.name, *ds.keywords], "items": item_names,
                "body": [e.abstract, e.department.name, e.department.short_name or "", e.category.name]},
        filters={"category": e.category_id, "dept_path": e.department.path, "open_type": e.open_type,
                 "resource_format": e.resource_format, "update_cycle": e.update_cycle},
    )


def reindex(datasets=None, *, batch_size: int = 2000) -> int:
    """(Re)index open datasets (default: all); withdrawn ones are removed. Returns the count indexed."""
    from digigov.data.catalog.models import DataItem

    qs = (datasets if datasets is not None else OpenDataset.objects.all()).select_related("entry", "entry__department", "entry__category")
    for pk in qs.exclude(status=DatasetStatus.OPEN).values_list("pk", flat=True):
        fulltext.remove(KIND, pk)
    live = qs.filter(status=DatasetStatus.OPEN).order_by("pk")
    total, last = 0, 0
    while True:
        chunk = list(live.filter(pk__gt=last)[:batch_size])
        if not chunk:
            return total
        last = chunk[-1].pk
        names: dict[int, list[str]] = {}
        for entry_id, name in (DataItem.objects.filter(entry_id__in=[d.entry_id for d in chunk]).order_by("entry_id", "seq")
                               .values_list("entry_id", "name")):
            names.setdefault(entry_id, []).append(name)
        total += fulltext.index_many(KIND, [document(d, names.get(d.entry_id, [])) for d in chunk])


def search(q: str, filters: Filters | None = None, *, after: str | None = None, limit: int = 20) -> tuple[list[OpenDataset], str | None]:
    """One page of public datasets: best match first with words, newest first without; ``(rows, next cursor)``."""
    filters = filters or Filters()
    limit = max(1, min(int(limit), MAX_LIMIT))
    qs = filters.apply(public_datasets())
    q = (q or "").strip()
    if not q:
        qs = qs.order_by("-opened_at", "-id")
        if after:
            try:
                opened, pk = after.split("|", 1)
                from django.utils.dateparse import parse_datetime

                at, pk = parse_datetime(opened), int(pk)
                if at is None:
                    raise ValueError
            except (ValueError, TypeError):
                raise ValidationFailed("翻页参数无效，请从第一页重新查询", code="bad_cursor", detail={"field": "after"}) from None
            from django.db.models import Q

            qs = qs.filter(Q(opened_at__lt=at) | Q(opened_at=at, id__lt=pk))
        rows = list(qs[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, (f"{rows[-1].opened_at.isoformat()}|{rows[-1].pk}" if more and rows else None)
    try:
        hits = fulltext.query(KIND, q, filters.index(), limit + 1, after)
    except ValueError:
        raise ValidationFailed("翻页参数无效，请从第一页重新查询", code="bad_cursor", detail={"field": "after"}) from None
    page = hits[:limit]
    found = qs.in_bulk([int(k) for k, _ in page])
    rows = [found[int(k)] for k, _ in page if int(k) in found]
    return rows, (fulltext.cursor(page[-1]) if len(hits) > limit else None)


def _entry_saved(sender, instance, raw=False, **kwargs):
    """A catalog entry's name, abstract or classification changed: its open dataset's document follows."""
    if raw:
        return
    qs = OpenDataset.objects.filter(entry_id=instance.pk)
    if qs.exists():
        reindex(qs)


def connect() -> None:
    from django.db.models.signals import post_save

    from digigov.data.catalog.models import CatalogEntry

    post_save.connect(_entry_saved, sender=CatalogEntry, dispatch_uid="opendata_index_entry")
