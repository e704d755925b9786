"""Scoped reads of data sharing for the pages, the API, the to-do and the KPI.

Who sees what (``sharing.view``, scoped by department subtree like every grant):
* requests: those the viewer's departments made (requester) or received (provider);
* subscriptions: those held by the viewer's departments' apps, or granted on its departments' entries;
* apps: department apps of the viewer's departments (developer and peer apps are the portal's and the
  city admin's business, reached through the admin).
City-wide roles (city_admin, leader, auditor) see everything.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import scope_q
from digigov.data.catalog import selectors as catalog_selectors
from digigov.data.catalog.models import CatalogEntry, EntryStatus, SharingType

from .models import AppKind, ConsumerApp, RequestStatus, ShareRequest, Subscription, UsageDaily

NOTHING = Q(pk__in=[])


def _either(user, perm: str, *sides: tuple[str, str]) -> Q | None:
    """OR of the viewer's reach over several department relations; None: nothing; Q(): everything."""
    parts = [scope_q(user, perm, department_field=d, division_field=v) for d, v in sides]
    if any(p is not None and not p for p in parts):
        return Q()
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    q = parts[0]
    for p in parts[1:]:
        q |= p
    return q


def _filtered(qs, q: Q | None):
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def shareable_entries(user) -> QuerySet[CatalogEntry]:
    """共享目录: published entries whose sharing type is 无条件/有条件共享."""
    if scope_q(user, "sharing.view", department_field="department", division_field="department__division") is None:
        return CatalogEntry.objects.none()
    return (catalog_selectors.visible_entries(user).filter(status=EntryStatus.PUBLISHED)
            .exclude(sharing_type=SharingType.NONE))


def shareable_entry_for(user, public_id: str) -> CatalogEntry:
    entry = shareable_entries(user).select_related("department__division", "category").filter(public_id=str(public_id)[:32]).first()
    if entry is None:
        raise NotFound("目录条目不存在、未发布或不予共享", code="entry_not_found")
    return entry


def requests_visible(user) -> QuerySet[ShareRequest]:
    q = _either(user, "sharing.view", ("requester", "requester__division"), ("provider", "provider__division"))
    return _filtered(ShareRequest.objects.all(), q)


def requests_made(user) -> QuerySet[ShareRequest]:
    """My department's requests: those of the departments where the viewer may file (else where it may view)."""
    q = scope_q(user, "sharing.request", department_field="requester", division_field="requester__division")
    if q is None:
        q = scope_q(user, "sharing.view", department_field="requester", division_field="requester__division")
    return _filtered(ShareRequest.objects.all(), q)


def review_queue(user) -> QuerySet[ShareRequest]:
    """Requests waiting for this user's decision (待审核, provider in its ``sharing.review`` reach)."""
    q = scope_q(user, "sharing.review", department_field="provider", division_field="provider__division")
    return _filtered(ShareRequest.objects.filter(status=RequestStatus.SUBMITTED), q)


def request_for(user, public_id: str) -> ShareRequest:
    req = (requests_visible(user).select_related("requester", "provider__division", "entry__department", "app", "filed_by", "decided_by",
                                                  "demand", "subscription")
           .filter(public_id=str(public_id)[:32]).first())
    if req is None:
        raise NotFound("共享申请不存在或无权查看", code="request_not_found")
    return req


def subscriptions_visible(user) -> QuerySet[Subscription]:
    q = _either(user, "sharing.view", ("app__department", "app__department__division"), ("entry__department", "entry__department__division"))
    return _filtered(Subscription.objects.all(), q)


def subscription_for(user, public_id: str) -> Subscription:
    sub = (subscriptions_visible(user).select_related("app__department", "entry__department__division", "resource", "share_request",
                                                      "created_by")
           .filter(public_id=str(public_id)[:32]).first())
    if sub is None:
        raise NotFound("共享授权不存在或无权查看", code="subscription_not_found")
    return sub


def apps_visible(user) -> QuerySet[ConsumerApp]:
    q = scope_q(user, "sharing.view", department_field="department", division_field="department__division")
    return _filtered(ConsumerApp.objects.filter(kind=AppKind.DEPARTMENT), q)


def app_for(user, public_id: str) -> ConsumerApp:
    app = apps_visible(user).select_related("department__division").filter(public_id=str(public_id)[:32]).first()
    if app is None:
        raise NotFound("调用应用不存在或无权查看", code="app_not_found")
    return app


def own_apps(user, department) -> QuerySet[ConsumerApp]:
    """The active apps of ``department`` (the request form's choices)."""
    return ConsumerApp.objects.filter(kind=AppKind.DEPARTMENT, department=department, status="active").order_by("name", "pk")


def request_departments(user):
    """Departments the user may file requests for (its ``sharing.request`` reach), for the forms."""
    from digigov.core.org.models import Department

    q = scope_q(user, "sharing.request", department_field="", division_field="division")
    if q is None:
        return Department.objects.none()
    return Department.objects.filter(voided_at__isnull=True).filter(q).order_by("path")


def usage_of(sub: Subscription, days: int = 30) -> dict:
    """Calls/rows/errors of ``sub``'s app on its entry over the last ``days`` days and in total (from the meters)."""
    base = UsageDaily.objects.filter(app_ref=sub.app_id, entry_id=sub.entry_id)
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    fields = {"calls": Sum("calls"), "rows": Sum("rows"), "errors": Sum("errors")}
    recent = base.filter(day__gte=since).aggregate(**fields)
    total = base.aggregate(**fields)
    return {"recent": {k: v or 0 for k, v in recent.items()}, "total": {k: v or 0 for k, v in total.items()}, "days": days}
