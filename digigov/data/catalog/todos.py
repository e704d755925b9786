"""Catalog to-dos for the workbench home: entries (or pending changes) waiting at this user's review step.

Counted over ``selectors.review_queue`` — the 待我审核 page's own queryset — split by step so each
to-do names its permission: a department admin sees the department review, the data authority the
final review."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from . import selectors
from .models import CatalogEntry, EntryStatus


def _count(user, status):
    return selectors.review_queue(user).filter(selectors.in_review_q(status)).count()


def _single(status):
    def single(user):
        pid = selectors.review_queue(user).filter(selectors.in_review_q(status)).values_list("public_id", flat=True).first()
        return reverse("catalog:entry", kwargs={"public_id": pid}) if pid else None
    return single


registry.register_todo("catalog.dept_review", "待部门审核的目录条目", lambda user: _count(user, EntryStatus.DEPT_REVIEW),
                       "catalog:review", "catalog.dept_review", single_url=_single(EntryStatus.DEPT_REVIEW), order=40)
registry.register_todo("catalog.authority_review", "待发布审核的目录条目", lambda user: _count(user, EntryStatus.AUTHORITY_REVIEW),
                       "catalog:review", "catalog.authority_review", single_url=_single(EntryStatus.AUTHORITY_REVIEW), order=41)
__all__ = ["CatalogEntry"]
