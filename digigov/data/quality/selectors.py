"""Scoped reads of quality governance shared by views, the API and the to-dos.

Reach follows the entry's department: a department's admins see their own datasets, runs and tasks;
the city-wide roles (the 数据主管部门 among them) see all of them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from digigov.core.rbac.checks import scope_queryset
from digigov.data.catalog.models import CatalogEntry, MountKind

from .models import OPEN_STATUSES, DailyScore, QualityRule, QualityRun, RectificationTask, ScoreScope, TaskStatus

ENTRY_SCOPE = {"department_field": "department", "division_field": "department__division"}
VIA_ENTRY = {"department_field": "entry__department", "division_field": "entry__department__division"}
TASK_SCOPE = {"department_field": "department", "division_field": "department__division"}


def entries(user, perm: str = "quality.view") -> QuerySet[CatalogEntry]:
    return scope_queryset(user, perm, CatalogEntry.objects.filter(voided_at__isnull=True), **ENTRY_SCOPE)


def rules(entry) -> QuerySet[QualityRule]:
    return entry.quality_rules.filter(voided_at__isnull=True).select_related("item__code_list")


def runs(user) -> QuerySet[QualityRun]:
    return scope_queryset(user, "quality.view", QualityRun.objects.all(), **VIA_ENTRY)


def tasks(user, perm: str = "quality.view") -> QuerySet[RectificationTask]:
    return scope_queryset(user, perm, RectificationTask.objects.filter(voided_at__isnull=True), **TASK_SCOPE)


def waiting_rectification(user) -> QuerySet[RectificationTask]:
    return tasks(user, "quality.rectify").filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.REOPENED])


def waiting_verification(user) -> QuerySet[RectificationTask]:
    return tasks(user, "quality.verify").filter(status=TaskStatus.SUBMITTED)


def latest_run_q(cutoff=None):
    qs = QualityRun.objects.filter(entry=OuterRef("pk"), score__isnull=False)
    if cutoff is not None:
        qs = qs.filter(started_at__lt=cutoff)
    return qs.order_by("-started_at", "-id")


def with_latest_score(qs: QuerySet[CatalogEntry], cutoff=None) -> QuerySet[CatalogEntry]:
    latest = latest_run_q(cutoff)
    return qs.annotate(latest_score=Subquery(latest.values("score")[:1]), latest_at=Subquery(latest.values("started_at")[:1]))


def checked_entries(user) -> QuerySet[CatalogEntry]:
    """The viewer's datasets that have a table mount, with their latest score (None: never scored)."""
    qs = entries(user).filter(mounts__kind=MountKind.TABLE, mounts__voided_at__isnull=True).distinct()
    return with_latest_score(qs).select_related("department")


def department_ranking(user, cutoff=None) -> list[dict]:
    """Per department: the mean of its datasets' latest scores, best first."""
    qs = with_latest_score(entries(user), cutoff).filter(latest_score__isnull=False)
    rows = (qs.values("department", "department__name", "department__public_id")
            .annotate(score=Avg("latest_score"), datasets=Count("id")).order_by("-score", "department__name"))
    return [{"department": r["department__public_id"], "name": r["department__name"], "score": round(float(r["score"]), 2),
             "datasets": r["datasets"]} for r in rows]


def city_score(user, cutoff=None) -> dict:
    agg = with_latest_score(entries(user), cutoff).filter(latest_score__isnull=False).aggregate(score=Avg("latest_score"), n=Count("id"))
    return {"score": round(float(agg["score"]), 2) if agg["score"] is not None else None, "datasets": agg["n"]}


def trend(*, scope: str, entry=None, department=None, days: int = 90) -> list[DailyScore]:
    since = timezone.localdate() - dt.timedelta(days=days)
    qs = DailyScore.objects.filter(scope=scope, day__gte=since)
    if scope == ScoreScope.ENTRY:
        qs = qs.filter(entry=entry)
    elif scope == ScoreScope.DEPARTMENT:
        qs = qs.filter(department=department)
    return list(qs.order_by("day"))


def open_task_for(entry) -> RectificationTask | None:
    return RectificationTask.objects.filter(entry=entry, status__in=OPEN_STATUSES, voided_at__isnull=True).order_by("-id").first()
