"""Navigation built from the plan's layers and whatever apps registered; unbuilt systems show 未接入."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from digigov.core.rbac.checks import can, roles_of
from digigov.core.rbac.models import Role
from digigov.core.registry import LAYERS, NAV, PLANNED_SYSTEMS

from .todos import todo_total


def build_nav(user) -> list[dict]:
    by_key = {}
    for item in NAV:
        if item.area == "workbench":  # portal entries are the header's (portal_nav), not the plan's systems
            by_key.setdefault(item.key, item)
    layers = []
    for layer, label in LAYERS:
        systems = []
        for key, name in PLANNED_SYSTEMS[layer]:
            item = by_key.get(key)
            if item is None:
                systems.append({"key": key, "label": name, "url": None, "available": False, "allowed": False})
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                url = None
            systems.append({"key": key, "label": name, "url": url, "available": url is not None,
                            "allowed": bool(user and can(user, item.permission))})
        layers.append({"key": layer, "label": label, "systems": systems})
    return layers


def portal_nav(user) -> list[dict]:
    """Portal menu entries (``NavItem(area="portal")``) the signed-in user may open, in ``order``."""
    if not (user and user.is_authenticated):
        return []
    links = []
    for item in sorted((i for i in NAV if i.area == "portal"), key=lambda i: i.order):
        if not can(user, item.permission):
            continue
        try:
            links.append({"key": item.key, "label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return links


def navigation(request):
    user = getattr(request, "user", None)
    is_staff_user = bool(user and user.is_authenticated and can(user, "workbench.access"))
    return {
        # a callable: the template calls it only where the header shows it (one COUNT per to-do, once per request)
        "todo_total": (lambda: todo_total(request)) if is_staff_user else 0,
        "nav_layers": build_nav(user) if request.path.startswith("/workbench") or request.path == "/" else [],
        "user_roles": [Role(r).label for r in sorted(roles_of(user))] if user and user.is_authenticated else [],
        "can_workbench": is_staff_user,
        "portal_nav": portal_nav(user),
    }
