"""Whether the header links the message centre. The unread count itself is fetched by the badge
(``notify:badge``, an htmx request after the page loads), so no page's query count grows by it."""

from __future__ import annotations

from digigov.core.rbac.checks import can

from .actions import PERMISSION


def inbox(request):
    user = getattr(request, "user", None)
    return {"can_messages": bool(user and user.is_authenticated and can(user, PERMISSION))}  # grants are cached per request
