"""The signed-in user's to-do list, built from ``registry.TODOS``: one COUNT per to-do the user may act on,
computed once per request (the header's total and the workbench home share it)."""

from __future__ import annotations

from django.urls import reverse

from digigov.core.rbac.checks import can
from digigov.core.registry import TODOS

_CACHE = "_digigov_todos"


def todos_for(request) -> list[dict]:
    """[{key, label, count, url}] of the to-dos with something waiting (count > 0), in registry order."""
    cached = getattr(request, _CACHE, None)
    if cached is not None:
        return cached
    user = request.user
    items = []
    if user.is_authenticated:
        for todo in sorted(TODOS.values(), key=lambda t: (t.order, t.key)):
            if not can(user, todo.permission):
                continue
            n = todo.count(user)
            if not n:
                continue
            url = None
            if n == 1 and todo.single_url is not None:
                url = todo.single_url(user)
            if url is None:
                url = todo.url(user) if callable(todo.url) else reverse(todo.url)
            items.append({"key": todo.key, "label": todo.label, "count": n, "url": url})
    setattr(request, _CACHE, items)
    return items


def todo_total(request) -> int:
    return sum(item["count"] for item in todos_for(request))
