"""Reads of the message centre: a user's own messages only, newest first, paged by keyset (``id < before``)."""

from __future__ import annotations

from django.db.models import QuerySet

from digigov.core.errors import get_or_404

from .models import InboxMessage

PAGE = 20


def inbox(user, *, unread_only: bool = False) -> QuerySet:
    qs = InboxMessage.objects.filter(recipient_id=user.pk).order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def parse_cursor(before) -> int | None:
    try:
        value = int(before) if before not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return value if value is not None and 0 < value < 2**62 else None


def keyset_page(qs: QuerySet, before=None, size: int = PAGE) -> tuple[list, int | None]:
    """Messages older than ``before`` (an id); returns the rows and the next cursor (None on the last page)."""
    cursor = parse_cursor(before)
    if cursor is not None:
        qs = qs.filter(id__lt=cursor)
    rows = list(qs[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1].pk
    return rows, None


def message_for(user, message_id) -> InboxMessage:
    cursor = parse_cursor(message_id)
    return get_or_404(InboxMessage.objects.filter(recipient_id=user.pk), pk=cursor or 0)
