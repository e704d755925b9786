"""Keeping the catalog's full-text index (``digigov.core.search``, kind ``catalog.entry``) in step.

What an entry is found by: its name and code (the name field, weighted highest), its data items'
names (next), its abstract, provider department and classification names (the body). The index also
carries the values ``search_entries`` filters on (status, levels, sharing/open type, the department's
tree path and the category's), so a filtered search stays one query.

Entries and items are indexed on save through the signals below (every write path — actions, admin,
imports — saves through the ORM); bulk writers (the demo, imports with ``bulk_create``) call
``reindex_entries`` afterwards, and ``manage.py catalog_reindex`` rebuilds the whole kind.
"""

from __future__ import annotations

from typing import Iterable

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from digigov.core import search

from .models import CatalogEntry, Category, DataItem

KIND = "catalog.entry"


def category_paths() -> dict[int, str]:
    """``/<root id>/…/<id>/`` for every category: a node's subtree is every path starting with its own."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            parent = parents.get(pk)
            paths[pk] = (path(parent) if parent else "/") + f"{pk}/"
        return paths[pk]

    for pk in parents:
        path(pk)
    return paths


def category_names(paths: dict[int, str], names: dict[int, str], category_id: int) -> str:
    return " ".join(names.get(int(p), "") for p in paths.get(category_id, "").split("/") if p)


def document(entry: CatalogEntry, item_names: Iterable[str], paths: dict[int, str], cat_names: dict[int, str],
             kinds: dict[int, str]) -> search.Doc:
    dept = entry.department
    return search.Doc(
        key=str(entry.pk),
        ref=entry.pk,
        fields={
            "name": [entry.name, entry.code],
            "items": list(item_names),
            "body": [entry.abstract, dept.name, dept.short_name, category_names(paths, cat_names, entry.category_id)],
        },
        filters={
            "status": entry.status, "level": entry.level, "personal": entry.personal,
            "sharing_type": entry.sharing_type, "open_type": entry.open_type,
            "category_kind": kinds.get(entry.category_id, ""),
            "dept_path": dept.path, "category_path": paths.get(entry.category_id, ""),
        },
    )


def cat_kinds() -> dict[int, str]:
    return dict(Category.objects.values_list("pk", "kind"))


def reindex_entries(entries=None, *, batch_size: int = 2000) -> int:
    """(Re)index ``entries`` (a queryset; default every entry): voided ones are removed. Returns the count indexed."""
    qs = (entries if entries is not None else CatalogEntry.objects.all()).select_related("department").order_by("pk")
    paths = category_paths()
    names = dict(Category.objects.values_list("pk", "name"))
    kinds = cat_kinds()
    voided = list(qs.filter(voided_at__isnull=False).values_list("pk", flat=True))
    for pk in voided:
        search.remove(KIND, pk)
    live = qs.filter(voided_at__isnull=True)
    total = 0
    last = 0
    while True:
        chunk = list(live.filter(pk__gt=last)[:batch_size])
        if not chunk:
            break
        last = chunk[-1].pk
        items: dict[int, list[str]] = {}
        for entry_id, name in DataItem.objects.filter(entry_id__in=[e.pk for e in chunk]).order_by("entry_id", "seq").values_list("entry_id", "name"):
            items.setdefault(entry_id, []).append(name)
        docs = []
        for e in chunk:
            docs.append(document(e, items.get(e.pk, []), paths, names, kinds))
        total += search.index_many(KIND, docs)
    return total


def reindex_entry(entry: CatalogEntry) -> None:
    if entry.voided_at is not None:
        search.remove(KIND, entry.pk)
        return
    reindex_entries(CatalogEntry.objects.filter(pk=entry.pk))


@receiver(post_save, sender=CatalogEntry, dispatch_uid="catalog_index_entry")
def _entry_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_entry(instance)


@receiver(post_save, sender=DataItem, dispatch_uid="catalog_index_item_saved")
@receiver(post_delete, sender=DataItem, dispatch_uid="catalog_index_item_deleted")
def _item_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    entry = CatalogEntry.objects.filter(pk=instance.entry_id).first()
    if entry is not None:
        reindex_entry(entry)


@receiver(post_delete, sender=CatalogEntry, dispatch_uid="catalog_index_entry_deleted")
def _entry_deleted(sender, instance, **kwargs):
    search.remove(KIND, instance.pk)
