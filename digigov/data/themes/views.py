"""主题库与专题库: every library, its datasets (published catalog entries) with their row counts (the
table mounts aggregation keeps current) and links to the catalog entry."""

from __future__ import annotations

from django.db.models import Prefetch, Q, Sum
from django.shortcuts import render

from digigov.core.web.decorators import requires
from digigov.data.catalog.models import CatalogEntry, Category, EntryStatus

from .demo import LIBRARIES


@requires("catalog.view")
def index(request):
    codes = [c for _l, _n, children in LIBRARIES for c, _x in children]
    entries = (CatalogEntry.objects.filter(category__code__in=codes, status=EntryStatus.PUBLISHED, voided_at__isnull=True)
               .select_related("department", "category")
               .annotate(rows=Sum("mounts__record_count", filter=Q(mounts__voided_at__isnull=True, mounts__kind="table")))
               .order_by("category__code", "code"))
    by_cat: dict[str, list] = {}
    for e in entries:
        by_cat.setdefault(e.category.code, []).append(e)
    libraries = []
    for code, name, children in LIBRARIES:
        themes = [{"code": c, "name": n, "entries": by_cat.get(c, []), "rows": sum(e.rows or 0 for e in by_cat.get(c, []))} for c, n in children]
        libraries.append({"code": code, "name": name, "themes": themes})
    return render(request, "themes/index.html", {"libraries": libraries, "total": len(entries)})
