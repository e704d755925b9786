"""Scoped reads of 分类分级 shared by views, the API and the admin.

Proposals and changes follow their entry's providing department: a department data admin sees its
subtree's, the city-wide roles (the data authority among them) see all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset
from digigov.data.catalog.models import CatalogEntry, DataItem, DataLevel, PersonalKind

from .models import LevelChange, LevelProposal, ProposalStatus

ENTRY_SCOPE = {"department_field": "entry__department", "division_field": "entry__department__division"}
CATALOG_SCOPE = {"department_field": "department", "division_field": "department__division"}


def proposals(user, perm: str = "grading.view") -> QuerySet[LevelProposal]:
    qs = LevelProposal.objects.select_related("entry__department", "item", "proposed_by", "decided_by")
    return scope_queryset(user, perm, qs, **ENTRY_SCOPE)


def pending_proposals(user, perm: str = "grading.confirm") -> QuerySet[LevelProposal]:
    return proposals(user, perm).filter(status=ProposalStatus.PENDING)


def changes(user, perm: str = "grading.view") -> QuerySet[LevelChange]:
    qs = LevelChange.objects.select_related("entry__department", "item", "actor", "proposal")
    return scope_queryset(user, perm, qs, **ENTRY_SCOPE)


def entries(user, perm: str = "grading.view") -> QuerySet[CatalogEntry]:
    """Entries whose grading the user may work on (propose: its own department's; view: in scope)."""
    qs = CatalogEntry.objects.filter(voided_at__isnull=True).select_related("department")
    return scope_queryset(user, perm, qs, **CATALOG_SCOPE)


def unclassified_items_q() -> Q:
    """Items no grading decision has been confirmed for yet (their levels are still the catalogue's defaults)."""
    return ~Q(Exists(LevelChange.objects.filter(item=OuterRef("pk"))))


@dataclass
class DepartmentGrading:
    department: Department
    entries: int = 0
    items: int = 0
    by_level: dict = field(default_factory=dict)  # DataLevel value → items
    by_personal: dict = field(default_factory=dict)  # PersonalKind value → items
    unclassified: int = 0
    pending: int = 0

    def level_counts(self):
        return [(label, self.by_level.get(v, 0)) for v, label in DataLevel.choices]

    def personal_counts(self):
        return [(label, self.by_personal.get(v, 0)) for v, label in PersonalKind.choices]


def department_overview(user) -> list[DepartmentGrading]:
    """Per providing department in the user's reach: entries, items per level and personal kind, items not yet
    classified (no confirmed decision) and pending proposals. A handful of grouped queries, not one per department."""
    entry_qs = entries(user)
    items = DataItem.objects.filter(entry__in=entry_qs.values("pk"))
    rows: dict[int, DepartmentGrading] = {}

    def row(dept_id):
        return rows.setdefault(dept_id, DepartmentGrading(department=None))

    for r in entry_qs.values("department").annotate(n=Count("pk")):
        row(r["department"]).entries = r["n"]
    for r in items.values("entry__department", "level").annotate(n=Count("pk")):
        d = row(r["entry__department"])
        d.by_level[r["level"]] = r["n"]
        d.items += r["n"]
    for r in items.values("entry__department", "personal").annotate(n=Count("pk")):
        row(r["entry__department"]).by_personal[r["personal"]] = r["n"]
    for r in items.filter(unclassified_items_q()).values("entry__department").annotate(n=Count("pk")):
        row(r["entry__department"]).unclassified = r["n"]
    for r in proposals(user).filter(status=ProposalStatus.PENDING).values("entry__department").annotate(n=Count("pk")):
        if r["entry__department"] in rows:
            row(r["entry__department"]).pending = r["n"]
    departments = Department.objects.in_bulk(list(rows))
    for dept_id, d in rows.items():
        d.department = departments[dept_id]
    return sorted(rows.values(), key=lambda d: (d.department.path or "", d.department.pk))
