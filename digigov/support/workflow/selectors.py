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


def cases(user) -> QuerySet:
    """Cases a staff member sees (workflow.view in the case's department/division) or the applicant's own."""
    qs = Case.objects.select_related("process_version", "process_version__process", "department")
    q = scope_q(user, "workflow.view", "department", "division")
    if q is not None and not q:  # an unscoped grant: every case
        return qs
    own = Q(applicant_id=user.pk) if can(user, "workflow.apply") else None
    if q is None and own is None:
        return qs.none()
    return qs.filter(q | own if (q is not None and own is not None) else (q if q is not None else own))


def incidents(user, *, status: str = IncidentStatus.OPEN) -> QuerySet:
    qs = Incident.objects.select_related("case", "case__department", "case__process_version__process").defer("case__state", "case__data")
    if status:
        qs = qs.filter(status=status)
    return scope_queryset(user, "workflow.incident", qs, department_field="case__department", division_field="case__division")


# tasks ----------------------------------------------------------------------------------------------
