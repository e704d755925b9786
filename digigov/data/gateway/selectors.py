"""Scoped reads of the access log and the meters for the staff pages.

A department-scoped reader (a data admin) sees the calls to its own data (provider) and the calls its own
apps made (consumer); an unscoped grant (the auditor, the city admin) sees every call. Names of apps,
entries and departments are looked up once per page (three queries, whatever the page size)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.utils import timezone

from digigov.core.org.models import Department, Division
from digigov.core.rbac.checks import SYSTEM_ROLE, grants, roles_granted
from digigov.data.catalog.models import CatalogEntry
from digigov.data.sharing.models import AccessRecord, ConsumerApp, UsageDaily

PERM = "gateway.view_log"


def _department_scope(user, perm: str = PERM):
    """``None`` for no reach, ``Q()`` for the whole city, else a department-id subquery filter builder."""
    roles = set(roles_granted(perm))
    subqueries = []
    for g in grants(user):
        if g.role not in roles and g.role != SYSTEM_ROLE:
            continue
        if g.dept_path is None and g.division_prefix is None:
            return "all"
        if g.dept_path is not None:
            subqueries.append(Department.objects.filter(path__startswith=g.dept_path).values("pk"))
        elif g.division_prefix is not None:
            subqueries.append(Department.objects.filter(division__in=Division.objects.filter(code__startswith=g.division_prefix)
                                                        .values("pk")).values("pk"))
    return subqueries or None


def _scoped(user, qs, provider: str, consumer: str):
    scope = _department_scope(user)
    if scope is None:
        return qs.none()
    if scope == "all":
        return qs
    q = Q()
    for sub in scope:
        q |= Q(**{f"{provider}__in": sub}) | Q(**{f"{consumer}__in": sub})
    return qs.filter(q)


def access_records(user):
    return _scoped(user, AccessRecord.objects.all(), "provider_id", "consumer_id")


def filter_records(qs, *, app_key: str = "", entry_code: str = "", outcome: str = "", day_from=None, day_to=None):
    app_key = (app_key or "").strip()[:32]
    if app_key:
        qs = qs.filter(app_key=app_key)
    entry_code = (entry_code or "").strip()[:64]
    if entry_code:
        qs = qs.filter(entry_id__in=CatalogEntry.objects.filter(code=entry_code).values("pk"))
    if outcome == "ok":
        qs = qs.filter(status__lt=400)
    elif outcome == "refused":
        qs = qs.filter(status__gte=400)
    if day_from:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(day_from, dt.time.min)))
    if day_to:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min)))
    return qs


def names_for(records) -> dict:
    """``{"apps": {id: name}, "entries": {id: (code, name)}, "departments": {id: name}}`` for a page of records/lines."""
    app_ids = {getattr(r, "app_id", None) or getattr(r, "app_ref", None) for r in records} - {None, 0}
    entry_ids = {r.entry_id for r in records} - {None}
    dept_ids = ({getattr(r, "provider_id", None) for r in records} | {getattr(r, "consumer_id", None) for r in records}) - {None}
    return {
        "apps": dict(ConsumerApp.objects.filter(pk__in=app_ids).values_list("pk", "name")) if app_ids else {},
        "entries": {pk: (code, name) for pk, code, name in CatalogEntry.objects.filter(pk__in=entry_ids).values_list("pk", "code", "name")}
        if entry_ids else {},
        "departments": {pk: (short or name) for pk, name, short in Department.objects.filter(pk__in=dept_ids).values_list("pk", "name", "short_name")}
        if dept_ids else {},
    }


class _Line:
    def __init__(self, d):
        self.__dict__.update(d)


def usage_lines(user, *, day_from: dt.date, day_to: dt.date, limit: int = 200):
    """Calls per app × entry × resource over the days, most called first (one GROUP BY query)."""
    qs = _scoped(user, UsageDaily.objects.filter(day__gte=day_from, day__lte=day_to), "provider_id", "consumer_id")
    rows = (qs.values("app_ref", "entry_id", "resource_ref", "provider_id", "consumer_id", "kind")
            .annotate(calls=Sum("calls"), errors=Sum("errors"), rows=Sum("rows"), bytes=Sum("bytes"))
            .order_by("-calls", "app_ref", "entry_id")[:limit])
    return [_Line(r) for r in rows]
