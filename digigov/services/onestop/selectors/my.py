"""Reads of the 我的 hub (``/my/``): counts for the person or the enterprise they act for, each one query."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import Resolver404, resolve

from ..models import OPEN_APPLICATION_STATUSES, Application, ApplicationStatus, Rating


def page_exists(path: str) -> bool:
    """Whether another part of the portal serves ``path`` yet (a card links only to pages that exist)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def application_counts(user, enterprise=None) -> dict:
    qs = Application.objects.filter(applicant=user)
    qs = qs.filter(acting_for=enterprise) if enterprise is not None else qs.filter(acting_for__isnull=True)
    row = qs.aggregate(
        total=Count("pk", filter=~Q(status=ApplicationStatus.DRAFT)),
        open=Count("pk", filter=Q(status__in=OPEN_APPLICATION_STATUSES)),
        correction=Count("pk", filter=Q(status=ApplicationStatus.CORRECTION)),
        payment=Count("pk", filter=Q(status=ApplicationStatus.AWAITING_PAYMENT)),
        drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        done=Count("pk", filter=Q(status=ApplicationStatus.DONE)),
    )
    return row


def recent_applications(user, enterprise=None, limit: int = 3) -> list[Application]:
    qs = Application.objects.filter(applicant=user).exclude(status=ApplicationStatus.DRAFT)
    qs = qs.filter(acting_for=enterprise) if enterprise is not None else qs.filter(acting_for__isnull=True)
    return list(qs.only("public_id", "title", "number", "status", "submitted_at").order_by("-submitted_at", "-pk")[:limit])


def licence_counts(user, enterprise=None, today=None) -> dict:
    """Licences held by the person (or the enterprise): valid ones, and those expiring within 90 days."""
    import datetime as dt

    from django.utils import timezone

    from digigov.core.pii import blind
    from digigov.support.license.models import HolderKind, Licence, LicenceStatus

    today = today or timezone.localdate()
    if enterprise is not None:
        holder = Q(holder_kind=HolderKind.ENTERPRISE) & blind(Licence, "holder_code", enterprise.uscc)
    else:
        person = user.person if getattr(user, "person_id", None) else None
        if person is None or not person.id_number:
            return {"valid": 0, "expiring": 0}
        holder = Q(holder_kind=HolderKind.PERSON) & blind(Licence, "holder_code", person.id_number)
    soon = today + dt.timedelta(days=90)
    return Licence.objects.filter(holder).aggregate(
        valid=Count("pk", filter=Q(status=LicenceStatus.VALID)),
        expiring=Count("pk", filter=Q(status=LicenceStatus.VALID, valid_until__gte=today, valid_until__lte=soon)),
    )


def rating_count(user) -> int:
    return Rating.objects.filter(rater=user).count()


def unread_messages(user, limit: int = 3) -> tuple[int, list]:
    from digigov.core.notify.models import InboxMessage

    rows = list(InboxMessage.objects.filter(recipient_id=user.pk, read_at__isnull=True).only("pk", "title", "topic", "created_at")
                .order_by("-created_at", "-pk")[:limit])
    if len(rows) < limit:
        return len(rows), rows
    from digigov.core.notify.selectors import unread_count

    return unread_count(user), rows
