"""Scoped reads of tasks and cases for the worklist, the task and case pages, the API and the header to-do.

* ``claimable_q(user)`` — open tasks the user could claim, as one filter: per ``workflow.handle`` grant, the
  task's candidate role is that grant's role (or none) and the task lies in the grant's department / division
  subtree (id subqueries, as ``scope_q`` does). ``actions.tasks.could_claim`` is the same rule for one task.
* ``worklist(user, tab)`` — the four tabs: 待认领 (open, claimable — or dispatchable for a ``workflow.assign``
  administrator), 我的在办 (claimed by me or delegated to me, case running), 补正中 (mine, case waiting for
  the applicant), 已办 (completed by me). ``tab_counts`` counts all four in one aggregate query.
* ``staff_cases(user)`` — cases in the user's ``workflow.view`` reach; ``applicant_cases(user)`` — the user's own.
* ``visible_tasks(user)`` — what a task page may show: in ``workflow.view`` reach by the task's department,
  or held, delegated or completed by the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from digigov.core.rbac.checks import SYSTEM_ROLE, grants, scope_q, scope_queryset
from digigov.core.registry import PERMISSIONS

from .models import Case, CaseStatus, TaskStatus, WorkTask
from .selectors import applicant_cases, staff_cases  # noqa: F401  the one scoped case query, re-exported for the task pages

TABS: tuple[tuple[str, str], ...] = (("open", "待认领"), ("mine", "我的在办"), ("correction", "补正中"), ("done", "已办"))
TAB_LABELS = dict(TABS)
PAGE = 30
ACTIVE_CASE = (CaseStatus.RUNNING, CaseStatus.CORRECTION)


def _subtree_q(field: str, grant) -> Q:
    from digigov.core.org.models import Department, Division

    part = Q()
    if grant.dept_path is not None:
        part &= Q(**{f"{field}department__in": Department.objects.filter(path__startswith=grant.dept_path).values("pk")})
    if grant.division_prefix is not None:
        part &= Q(**{f"{field}division__in": Division.objects.filter(code__startswith=grant.division_prefix).values("pk")})
    return part


def claimable_q(user, prefix: str = "") -> Q | None:
    """Tasks ``user`` could claim (whatever their status); None when nothing. ``prefix`` for a relation
    (``"task__"``)."""
    roles = PERMISSIONS["workflow.handle"].roles if "workflow.handle" in PERMISSIONS else ()
    q = None
    for g in grants(user):
        if g.role not in roles and g.role != SYSTEM_ROLE:
            continue
        part = Q() if g.role == SYSTEM_ROLE else Q(**{f"{prefix}candidate_role__in": [g.role, ""]})
        part &= _subtree_q(prefix, g)
        q = part if q is None else q | part
    return q


def _assignable_q(user) -> Q | None:
    return scope_q(user, "workflow.assign", "department", "division")


def _none() -> Q:
    return Q(pk__in=[])


def tab_filters(user) -> dict[str, Q]:
    claimable = claimable_q(user)
    assignable = _assignable_q(user)
    reach = claimable if assignable is None else (assignable if claimable is None else claimable | assignable)
    return {
        "open": (Q(status=TaskStatus.OPEN, case__status__in=ACTIVE_CASE) & reach) if reach is not None else _none(),
        "mine": Q(status=TaskStatus.CLAIMED, assignee_id=user.pk, case__status=CaseStatus.RUNNING),
        "correction": Q(status=TaskStatus.CLAIMED, assignee_id=user.pk, case__status=CaseStatus.CORRECTION),
        "done": Q(status=TaskStatus.COMPLETED, completed_by_id=user.pk),
    }


@dataclass
class Filters:
    process: str = ""  # ProcessDefinition.key
    department: str = ""  # Department.public_id
    warning: str = ""  # Case.warning
    q: str = ""  # case number (prefix) or applicant name (contains)


def apply_filters(qs: QuerySet, f: Filters, prefix: str = "case__") -> QuerySet:
    if f.process:
        qs = qs.filter(**{f"{prefix}process_version__process__key": f.process})
    if f.department:
        qs = qs.filter(department__public_id=f.department) if prefix else qs.filter(department__public_id=f.department)
    if f.warning:
        qs = qs.filter(**{f"{prefix}warning": f.warning})
    if f.q:
        qs = qs.filter(Q(**{f"{prefix}number__startswith": f.q.upper()}) | Q(**{f"{prefix}applicant_name__contains": f.q}))
    return qs


def tab_counts(user, f: Filters | None = None) -> dict[str, int]:
    """The four tabs' counts in one aggregate query (with the list's filters applied)."""
    filters = tab_filters(user)
    qs = WorkTask.objects.all()
    if f is not None:
        qs = apply_filters(qs, f)
    union = filters["open"] | filters["mine"] | filters["correction"] | filters["done"]
    agg = qs.filter(union).aggregate(**{k: Count("id", filter=v) for k, v in filters.items()})
    return {k: agg[k] or 0 for k in filters}


def worklist(user, tab: str, f: Filters | None = None) -> QuerySet:
    qs = WorkTask.objects.filter(tab_filters(user)[tab])
    if f is not None:
        qs = apply_filters(qs, f)
    return qs.select_related("case", "case__process_version__process", "department", "assignee", "delegated_by").defer("case__state")


def page(qs: QuerySet, tab: str, cursor: int | None, size: int = PAGE) -> tuple[list[WorkTask], int | None]:
    """Keyset pagination on the task id: oldest first for the work still to do (first come, first served),
    newest first for 已办. Returns (rows, the next page's cursor or None)."""
    if tab == "done":
        qs = qs.order_by("-id")
        if cursor:
            qs = qs.filter(id__lt=cursor)
    else:
        qs = qs.order_by("id")
        if cursor:
            qs = qs.filter(id__gt=cursor)
    rows = list(qs[: size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def todo_count(user) -> int:
    """The header's 待办任务: open tasks the user could claim plus tasks the user holds (one COUNT)."""
    claimable = claimable_q(user)
    q = Q(status=TaskStatus.CLAIMED, assignee_id=user.pk, case__status=CaseStatus.RUNNING)
    if claimable is not None:
        q |= Q(status=TaskStatus.OPEN, case__status__in=ACTIVE_CASE) & claimable
    return WorkTask.objects.filter(q).count()


def visible_tasks(user) -> QuerySet:
    q = Q(assignee_id=user.pk) | Q(delegated_by_id=user.pk) | Q(completed_by_id=user.pk)
    view = scope_q(user, "workflow.view", "department", "division")
    if view is not None:
        q |= view
    claimable = claimable_q(user)
    if claimable is not None:
        q |= claimable
    return WorkTask.objects.filter(q)


def case_tasks(case: Case) -> list[WorkTask]:
    return list(case.tasks.select_related("department", "assignee", "delegated_by", "completed_by").order_by("id"))


def eligible_users(task: WorkTask, q: str = "", limit: int = 20):
    """Users who could claim ``task`` (for the hand-over / delegate pickers): an active grant of the task's
    candidate role (or any handling role) whose scope covers the task, searched by name or user name. One
    query: the grants are read with their scope and checked here, as ``could_claim`` checks one user's."""
    from digigov.core.rbac.checks import Grant
    from digigov.core.rbac.models import RoleAssignment

    handling = PERMISSIONS["workflow.handle"].roles if "workflow.handle" in PERMISSIONS else ()
    roles = [task.candidate_role] if task.candidate_role else list(handling)
    roles = [r for r in roles if r in handling]
    rows = (RoleAssignment.objects.active().filter(role__in=roles, user__is_active=True)
            .select_related("user", "department", "division").order_by("user__display_name", "user_id"))
    if q:
        rows = rows.filter(Q(user__display_name__contains=q) | Q(user__username__startswith=q))
    out: dict[int, object] = {}
    for r in rows[:1000]:
        grant = Grant(role=r.role, dept_path=r.department.path if r.department_id else None,
                      division_prefix=r.division.prefix if r.division_id else None)
        if r.user_id not in out and grant.covers(task):
            out[r.user_id] = r.user
            if len(out) >= limit:
                break
    return list(out.values())
