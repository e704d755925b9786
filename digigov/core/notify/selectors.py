"""Reads of the message centre: a user's own messages only, newest first, paged by keyset (``id < before``)."""

from __future__ import annotations

from django.db.models import QuerySet

from digigov.core.errors import get_or_404
from digigov.core.web.listing import id_keyset, lenient_id

from .models import InboxMessage

PAGE = 20


def inbox(user, *, unread_only: bool = False) -> QuerySet:
    qs = InboxMessage.objects.filter(recipient_id=user.pk).order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def keyset_page(qs: QuerySet, before=None, size: int = PAGE) -> tuple[list, int | None]:
    """Messages older than ``before`` (an id); returns the rows and the next cursor (None on the last page)."""
    return id_keyset(qs, lenient_id(before), size)


def message_for(user, message_id) -> InboxMessage:
    cursor = lenient_id(message_id)
    return get_or_404(InboxMessage.objects.filter(recipient_id=user.pk), pk=cursor or 0)
