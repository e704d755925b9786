"""Scoped reads of processes, cases and incidents, shared by views, the API and the admin.

Sections: ``# processes`` (the engine slice) and ``# tasks`` (the task slice)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from digigov.core.rbac.checks import can, scope_q, scope_queryset

from .models import Case, Incident, IncidentStatus, ProcessDefinition, ProcessVersion

# processes ------------------------------------------------------------------------------------------

PROCESS_SCOPE = {"department_field": "department", "division_field": "department__division"}


def processes(user, perm: str = "workflow.view") -> QuerySet:
    """Process definitions of departments in the user's reach (a process without a department: city-wide)."""
    qs = ProcessDefinition.objects.filter(voided_at__isnull=True)
    q = scope_q(user, perm, **PROCESS_SCOPE)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def process_list(user, *, after: int | None = None, limit: int = 50, q: str = "") -> tuple[list[ProcessDefinition], int | None]:
    """One keyset page (newest first) of processes with their department; the id to continue after."""
    qs = processes(user).select_related("department").order_by("-pk")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(key__icontains=q))
    if after:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def versions(user, perm: str = "workflow.view") -> QuerySet:
    return ProcessVersion.objects.filter(process__in=processes(user, perm)).select_related("process", "process__department", "imported_by")


def active_version(key: str) -> ProcessVersion | None:
    from .models import VersionStatus

    return ProcessVersion.objects.filter(process__key=key, status=VersionStatus.ACTIVE).select_related("process").first()


def staff_cases(user) -> QuerySet:
    """Cases in the user's ``workflow.view`` reach (the case's department / division subtree)."""
    return scope_queryset(user, "workflow.view", Case.objects.all())


def applicant_cases(user) -> QuerySet:
    """The user's own applications."""
    return Case.objects.filter(applicant_id=user.pk)


def cases(user) -> QuerySet:
    """Every case the user may open: in their ``workflow.view`` reach, or their own application. The one scoped
    case query: task pages, 我的办件, the API and the window build on ``staff_cases`` / ``applicant_cases``."""
    qs = staff_cases(user)
    if can(user, "workflow.apply"):
        qs = qs | applicant_cases(user)
    return qs.select_related("process_version", "process_version__process", "department")


def incidents(user, *, status: str = IncidentStatus.OPEN) -> QuerySet:
    qs = Incident.objects.select_related("case", "case__department", "case__process_version__process").defer("case__state", "case__data")
    if status:
        qs = qs.filter(status=status)
    return scope_queryset(user, "workflow.incident", qs, department_field="case__department", division_field="case__division")


# tasks ----------------------------------------------------------------------------------------------
