"""好差评 reads shared by the pages, the API, the export and the admin: the rater's own ratings, the ratings and
rectification tickets staff may see (scoped by the rated department: a 委办局 sees its subtree, the city its
whole), and the "overdue" condition (past the 5-working-day deadline without an answer, or answered late)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import scope_queryset

from .. import rating_codes as codes
from ..models import Application, Rating, Rectification, RectificationStatus

SCOPE = {"department_field": "department", "division_field": "department__division"}


def my_ratings(user) -> QuerySet:
    return Rating.objects.filter(rater_id=user.pk).select_related("department", "item", "hall", "application", "rectification")


def my_application(user, public_id: str) -> Application:
    """The applicant's own application (anyone else's answers 404, as a missing one)."""
    app = (Application.objects.filter(public_id=public_id, applicant_id=user.pk).select_related("item__department", "bundle")
           .first()) if public_id else None
    if app is None:
        raise NotFound("办件不存在或不是您本人的办件", code="application_not_found")
    return app


def my_reception(user, public_id: str):
    from digigov.support.window.models import Reception

    from ..actions.ratings import reception_applicant

    rec = Reception.objects.filter(public_id=public_id).select_related("hall", "case").first() if public_id else None
    if rec is None or not reception_applicant(user, rec):
        raise NotFound("窗口服务记录不存在或不是您本人办理的", code="reception_not_found")
    return rec


def rating_of(application: Application) -> Rating | None:
    return Rating.objects.filter(application=application).select_related("rectification").first()


def staff_ratings(user, perm: str = "onestop.view") -> QuerySet:
    return scope_queryset(user, perm, Rating.objects.all(), **SCOPE)


def staff_rectifications(user, perm: str = "onestop.view") -> QuerySet:
    return scope_queryset(user, perm, Rectification.objects.all(), **SCOPE)


def staff_rectification(user, public_id: str, perm: str = "onestop.view") -> Rectification:
    rect = (staff_rectifications(user, perm).filter(public_id=public_id)
            .select_related("rating__department", "rating__item", "rating__hall", "rating__application", "department", "replied_by",
                            "visited_by").first()) if public_id else None
    if rect is None:
        raise NotFound("整改单不存在或无权访问", code="rectification_not_found")
    return rect


def overdue_q(today: dt.date | None = None) -> Q:
    """Rectifications past their deadline: open after it, or answered after it."""
    today = today or timezone.localdate()
    return (Q(replied_at__isnull=True, deadline__lt=today)
            | Q(replied_at__isnull=False, replied_at__date__gt=F("deadline")))


def is_overdue(rect: Rectification, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if rect.replied_at is not None:
        return timezone.localtime(rect.replied_at).date() > rect.deadline
    return today > rect.deadline


def parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def filter_ratings(qs: QuerySet, *, level=None, poor=False, department=None, item=None, hall=None, date_from=None,
                   date_to=None) -> QuerySet:
    """Apply the list filters (each already parsed; a bad one is dropped by the caller)."""
    if level in codes.LEVEL_LABELS:
        qs = qs.filter(level=level)
    if poor:
        qs = qs.filter(level__lte=2)
    if department:
        qs = qs.filter(department__public_id=department)
    if item:
        qs = qs.filter(item__code=item)
    if hall:
        qs = qs.filter(hall__public_id=hall)
    from .stats import clamp

    if date_from:
        qs = qs.filter(created_at__gte=start_of(clamp(date_from)))
    if date_to:
        qs = qs.filter(created_at__lt=start_of(clamp(date_to) + dt.timedelta(days=1)))
    return qs


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def rectification_queue(user, *, status: str = "", overdue: bool = False) -> QuerySet:
    qs = staff_rectifications(user).select_related("rating__department", "rating__item", "department")
    if status in RectificationStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q())
    return qs.order_by("status", "deadline", "id")
