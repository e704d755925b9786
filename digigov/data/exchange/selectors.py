"""Scoped reads of 批量交换与数据回流: a department's staff see the jobs it consumes and the jobs over
its own entries (as provider), the runs it receives or provides, and the return tasks it provides;
city-wide roles see all. Downloads are narrower: only the receiving department's own staff."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from digigov.core.rbac.checks import grants, roles_granted, scope_q
from digigov.data.sharing.models import AppKind, AppStatus, Subscription, SubscriptionStatus

from .models import ExchangeJob, ExchangeRun, ReturnTask, RunStatus


def _either(user, perm: str, *prefixes: str) -> Q | None:
    q = None
    for p in prefixes:
        part = scope_q(user, perm, department_field=f"{p}", division_field=f"{p}__division")
        if part is None:
            continue
        if not part:
            return Q()
        q = part if q is None else q | part
    return q


def _scoped(qs: QuerySet, q: Q | None) -> QuerySet:
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def jobs(user, perm: str = "exchange.view") -> QuerySet[ExchangeJob]:
    prefixes = ("consumer",) if perm != "exchange.view" else ("consumer", "provider")
    return _scoped(ExchangeJob.objects.select_related("entry", "consumer", "provider", "subscription__app"), _either(user, perm, *prefixes))


def runs(user) -> QuerySet[ExchangeRun]:
    return _scoped(ExchangeRun.objects.select_related("entry", "receiver", "provider", "job", "return_task"),
                   _either(user, "exchange.view", "receiver", "provider"))


def dead_letters(user) -> QuerySet[ExchangeRun]:
    return runs(user).filter(status=RunStatus.DEAD)


def return_tasks(user, perm: str = "exchange.view") -> QuerySet[ReturnTask]:
    return _scoped(ReturnTask.objects.select_related("entry", "provider"), _either(user, perm, "provider"))


def subscriptions_for_jobs(user) -> QuerySet[Subscription]:
    """Active subscriptions of department apps in the user's reach for ``exchange.manage``."""
    q = scope_q(user, "exchange.manage", department_field="app__department", division_field="app__department__division")
    qs = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, app__kind=AppKind.DEPARTMENT, app__status=AppStatus.ACTIVE)
    return _scoped(qs, q).select_related("app", "entry").order_by("entry__code", "id")


def may_download(user, run: ExchangeRun) -> bool:
    """Only the receiving department's own staff (a department-scoped grant covering it) download its files."""
    roles = set(roles_granted("exchange.download"))
    path = run.receiver.path or ""
    return any(g.role in roles and g.dept_path is not None and path.startswith(g.dept_path) for g in grants(user))
