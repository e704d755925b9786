"""Scoped reads of the catalog shared by views, the API, the admin, search and the other data apps.

Who sees which entry: the published catalog is the city's shared index, so every holder of
``catalog.view`` sees every published entry; entries not yet published (drafts, in review, returned,
withdrawn) are seen only inside the viewer's own scope (a department data admin: its subtree; the
city-wide roles, among them the 数据主管部门 who reviews them: all). Which *data items and values*
a viewer may see in clear is 分类分级's business (``digigov.data.grading``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from digigov.core.rbac.checks import scope_q

from .models import CatalogEntry, EntryStatus

SCOPE = {"department_field": "department", "division_field": "department__division"}


def visible_entries_q(user) -> Q | None:
    """The filter behind ``visible_entries``; None means the user sees nothing."""
    own = scope_q(user, "catalog.view", **SCOPE)
    if own is None:
        return None
    if not own:  # unrestricted grant
        return Q()
    return Q(status=EntryStatus.PUBLISHED) | own


def visible_entries(user) -> QuerySet[CatalogEntry]:
    q = visible_entries_q(user)
    qs = CatalogEntry.objects.filter(voided_at__isnull=True)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs
