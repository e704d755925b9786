"""The catalog's search entry point: views and the API call ``search_entries`` and nothing else.

This first version filters the scoped queryset with ``LIKE``; the full-text index (jieba + FTS5 on
SQLite, PostgreSQL full-text on PostgreSQL) replaces its body behind the same signature.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from . import selectors
from .models import CatalogEntry


@dataclass
class SearchFilters:
    department_id: int | None = None      # the provider department and its subtree
    category_kind: str | None = None      # CategoryKind value
    category_id: int | None = None        # a node of the subject tree and its children
    sharing_type: str | None = None
    open_type: str | None = None
    level: int | None = None              # DataLevel value
    personal: int | None = None           # PersonalKind value
    status: str | None = None             # EntryStatus value


def search_entries(user, q: str = "", filters: SearchFilters | None = None, *, after: str | None = None,
                   limit: int = 20) -> tuple[list[CatalogEntry], str | None]:
    """One page of entries the user may see, best match first; returns ``(entries, next_cursor)``."""
    filters = filters or SearchFilters()
    qs = selectors.visible_entries(user).select_related("department", "category")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(abstract__icontains=q) | Q(code__icontains=q))
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    if filters.category_kind:
        qs = qs.filter(category__kind=filters.category_kind)
    if filters.category_id:
        qs = qs.filter(Q(category_id=filters.category_id) | Q(category__parent_id=filters.category_id))
    for name in ("sharing_type", "open_type", "level", "personal", "status"):
        value = getattr(filters, name)
        if value not in (None, ""):
            qs = qs.filter(**{name: value})
    qs = qs.order_by("code")
    if after:
        qs = qs.filter(code__gt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].code if more and rows else None)
