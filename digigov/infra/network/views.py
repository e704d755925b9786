from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from digigov.core.kpi.actions import latest
from digigov.core.org.models import DivisionLevel
from digigov.core.rbac.checks import scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import kpis
from .models import AccessPoint, AccessStatus


def _bar(parts, title, color="#c62828"):
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": [p.label for p in parts], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [{"type": "bar", "data": [p.value for p in parts], "itemStyle": {"color": color}, "label": {"show": True, "position": "top"}}],
    }


@requires("network.view")
def coverage(request):
    result = kpis.compute_k02()
    levels = [p for p in result.extra if p.key.startswith("level_")]
    ipv6 = next(p for p in result.extra if p.key == "ipv6")
    charts = {"chart-levels": _bar(levels, _("各级区划电子政务外网覆盖率（目标：四级100%覆盖）"))}
    if result.by_division:
        charts["chart-counties"] = _bar(result.by_division, _("财政预算单位接入率（按区划）"), "#1565c0")
    return render(request, "network/coverage.html", {
        "result": result, "levels": levels, "ipv6": ipv6, "charts": charts, "k02": latest("K02"),
    })


@requires("network.view")
def access_points(request):
    qs = scope_queryset(request.user, "network.view", AccessPoint.objects.active().select_related("division", "department"),
                        "department", "division")
    level = request.GET.get("level", "")
    if level in {str(v) for v in DivisionLevel.values}:
        qs = qs.filter(level=int(level))
    status = request.GET.get("status", "")
    if status in AccessStatus.values:
        qs = qs.filter(status=status)
    return render(request, "network/access_points.html", {
        "level": level, "status": status, "levels": DivisionLevel.choices, "statuses": AccessStatus.choices,
        **paginate(request, qs.order_by("division__code", "id")),
    })
