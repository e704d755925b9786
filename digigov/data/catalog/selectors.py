"""Scoped reads of the catalog shared by views, the API, the admin, search and the other data apps.

Who sees which entry: the published catalog is the city's shared index, so every holder of
``catalog.view`` sees every published entry; entries not yet published (drafts, in review, returned,
withdrawn) are seen only inside the viewer's own scope (a department data admin: its subtree; the
city-wide roles, among them the 数据主管部门 who reviews them: all). Which *data items and values*
a viewer may see in clear is 分类分级's business (``digigov.data.grading``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from digigov.core.rbac.checks import scope_q, scope_queryset

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


def entry_for(user, public_id: str) -> CatalogEntry:
    """One entry the user may see (404 otherwise, never revealing that it exists)."""
    from digigov.core.errors import NotFound

    entry = visible_entries(user).select_related("department__division", "category", "maintainer").filter(public_id=public_id).first()
    if entry is None:
        raise NotFound("目录条目不存在或无权查看", code="entry_not_found")
    return entry


def in_review_q(status: str) -> Q:
    """Entries whose work in progress (a new entry, or a pending change) is at ``status``."""
    return Q(pending_status=status) | (Q(pending_status="") & Q(status=status))


def review_queue(user) -> QuerySet[CatalogEntry]:
    """待我审核: entries at the department review in the user's dept_review scope, plus those at the
    authority review for a holder of catalog.authority_review."""
    from digigov.core.rbac.checks import scope_q as _scope_q

    qs = CatalogEntry.objects.filter(voided_at__isnull=True)
    parts = []
    dept = _scope_q(user, "catalog.dept_review", **SCOPE)
    if dept is not None:
        parts.append(in_review_q(EntryStatus.DEPT_REVIEW) & dept)
    auth = _scope_q(user, "catalog.authority_review", **SCOPE)
    if auth is not None:
        parts.append(in_review_q(EntryStatus.AUTHORITY_REVIEW) & auth)
    if not parts:
        return qs.none()
    q = parts[0]
    for p in parts[1:]:
        q |= p
    return qs.filter(q).select_related("department", "category").order_by("updated_at", "pk")


def responsibilities(user) -> QuerySet:
    from .models import ResponsibilityItem

    return scope_queryset(user, "catalog.view", ResponsibilityItem.objects.filter(voided_at__isnull=True),
                          department_field="department", division_field="department__division").select_related("department", "entry", "category")


def demands(user) -> QuerySet:
    """Demands the user's departments made or received."""
    from .models import DataDemand

    made = scope_q(user, "catalog.view", department_field="requester", division_field="requester__division")
    received = scope_q(user, "catalog.view", department_field="provider", division_field="provider__division")
    qs = DataDemand.objects.filter(voided_at__isnull=True).select_related("requester", "provider", "entry")
    if made is None and received is None:
        return qs.none()
    if made == Q() or received == Q():
        return qs
    q = (made or Q(pk__in=[])) | (received or Q(pk__in=[]))
    return qs.filter(q)


def mounts_of(entry: CatalogEntry) -> QuerySet:
    from .models import MountedResource

    return MountedResource.objects.filter(entry=entry, voided_at__isnull=True).select_related("mounted_by")
