"""Scoped reads of 数据归集 shared by views, the API and the KPI: a viewer sees sources, jobs and batches
of entries in its reach (``aggregation.view``: a department's staff its subtree, city-wide roles all)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from digigov.core.rbac.checks import scope_queryset
from digigov.data.catalog.models import CatalogEntry, EntryStatus
from digigov.data.catalog.tables import target_table_name

from .models import Batch, Job, QuarantineRow, Source

SCOPE = {"department_field": "entry__department", "division_field": "entry__department__division"}
JOB_SCOPE = {"department_field": "source__entry__department", "division_field": "source__entry__department__division"}


def sources(user, perm: str = "aggregation.view") -> QuerySet[Source]:
    return scope_queryset(user, perm, Source.objects.select_related("entry__department"), **SCOPE)


def jobs(user) -> QuerySet[Job]:
    return scope_queryset(user, "aggregation.view", Job.objects.select_related("source__entry__department", "actor"), **JOB_SCOPE)


def batches(user) -> QuerySet[Batch]:
    return scope_queryset(user, "aggregation.view", Batch.objects.select_related("source", "job", "entry", "department", "committed_by"), **SCOPE)


def quarantine(job: Job) -> QuerySet[QuarantineRow]:
    return job.quarantine.order_by("row_no", "id")


def entries_for_sources(user) -> QuerySet[CatalogEntry]:
    """Entries the user may aggregate into (its own scope, with data items, not withdrawn)."""
    qs = scope_queryset(user, "aggregation.run", CatalogEntry.objects.filter(voided_at__isnull=True).exclude(status=EntryStatus.WITHDRAWN),
                        department_field="department", division_field="department__division")
    return qs.filter(items__isnull=False).distinct().select_related("department").order_by("code")


def volume_by_day(user, days: int = 30) -> list[tuple[dt.date, int, int]]:
    """(day, rows committed, batches) for the last ``days`` days in the viewer's reach, every day present."""
    today = timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    start = timezone.make_aware(dt.datetime(since.year, since.month, since.day))
    rows = (batches(user).filter(committed_at__gte=start).annotate(day=TruncDate("committed_at"))
            .values("day").annotate(rows=Sum("rows"), n=Count("id")))
    found = {r["day"]: (r["rows"] or 0, r["n"]) for r in rows}
    return [(since + dt.timedelta(days=i), *found.get(since + dt.timedelta(days=i), (0, 0))) for i in range(days)]


def volume_by_department(user, limit: int = 15) -> list[tuple[str, int]]:
    rows = (batches(user).values("department__short_name", "department__name").annotate(rows=Sum("rows"))
            .order_by("-rows")[:limit])
    return [(r["department__short_name"] or r["department__name"], r["rows"] or 0) for r in rows]


def table_of(entry: CatalogEntry) -> str:
    return target_table_name(entry)
