"""The header's unread-message badge: a callable, so the one COUNT runs only where the header shows it."""

from __future__ import annotations

from .selectors import unread_count


def inbox(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"inbox_unread": 0}
    return {"inbox_unread": lambda: unread_count(user)}
