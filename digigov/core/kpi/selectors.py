"""Scoped reads of KPIs shared by the KPI pages, the KPI API and the apps' own figure pages.

A KPI's value is a city figure and is shown as such; what lies behind it — the drill-down rows and the
breakdown parts — is listed only inside the viewer's reach (a department admin sees their subtree's
systems, not other departments')."""

from __future__ import annotations

from typing import Callable

from digigov.core.rbac.checks import scope_queryset
from digigov.core.registry import KPI_COMPUTERS

from .breakdown import DrillFilter, parts_in_reach
from .types import DrillRows, KpiComputer


def drill_rows(user, source: KpiComputer | str | Callable[..., DrillRows], flt: DrillFilter, perm: str = "kpi.view") -> DrillRows:
    """The rows of a KPI (its code or computer) or of a rows function for ``flt``, cut to what ``user`` may see for ``perm``."""
    if isinstance(source, str):
        source = KPI_COMPUTERS[source]
    rows = source.rows if isinstance(source, KpiComputer) else source
    drill = rows(**flt.as_kwargs())
    drill.queryset = scope_queryset(user, perm, drill.queryset, **drill.scope)
    return drill


def visible_breakdown(user, breakdown: dict, perm: str = "kpi.view") -> dict:
    """A snapshot's breakdown JSON with the division/department parts outside ``user``'s reach left out."""
    if not breakdown:
        return breakdown
    divisions, departments = parts_in_reach(user, perm, breakdown.get("divisions") or [], breakdown.get("departments") or [])
    return {**breakdown, "divisions": divisions, "departments": departments}


def visible_parts(user, result, perm: str) -> tuple[list, list]:
    """``(by_division, by_department)`` of a live ``KpiResult`` inside ``user``'s reach."""
    return parts_in_reach(user, perm, result.by_division, result.by_department)
