"""Scoped reads of 电子政务外网 shared by views, the API and the admin."""

from __future__ import annotations

from dataclasses import dataclass, field

from digigov.core.kpi.actions import latest
from digigov.core.kpi.models import KpiSnapshot
from digigov.core.kpi.selectors import visible_breakdown
from digigov.core.rbac.checks import scope_queryset

from .models import AccessPoint

SCOPE = {"department_field": "department", "division_field": "division"}


def access_points(user, perm: str = "network.view"):
    return scope_queryset(user, perm, AccessPoint.objects.active().select_related("division", "department"), **SCOPE)


@dataclass
class Coverage:
    """What the coverage page shows, all from one K02 snapshot (None before the first computation).

    K02 is read from its latest snapshot — the same number the KPI board, the KPI page and the portal
    show, with the time it was computed — rather than recomputed on the page: a live figure next to
    the snapshot's showed two different 接入率 whenever a write had not yet been recomputed. Every
    access-point write queues a recompute on commit, so the snapshot trails by seconds."""

    snapshot: KpiSnapshot | None
    by_division: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    ipv6: dict | None = None


def coverage(user) -> Coverage:
    snap = latest("K02")
    if snap is None:
        return Coverage(None)
    breakdown = visible_breakdown(user, snap.breakdown, "network.view")
    extra = breakdown.get("extra") or []
    return Coverage(snap, by_division=breakdown.get("divisions") or [],
                    levels=[p for p in extra if p["key"].startswith("level_")],
                    ipv6=next((p for p in extra if p["key"] == "ipv6"), None))
