from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import WHOLE_CITY, can
from digigov.core.registry import KPI_COMPUTERS
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions
from .models import KpiDefinition


@requires("kpi.view")
def kpi_list(request):
    return render(request, "kpi/list.html", {"kpis": actions.board(), "link_kpis": True})


def _definition(code):
    d = KpiDefinition.objects.filter(code=code).first()
    if d is None:
        raise NotFound("指标不存在", code="kpi_not_found")
    return d


def _bar(parts, title):
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "bottom": 80},
        "xAxis": {"type": "category", "data": [p["label"] for p in parts], "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [{"type": "bar", "data": [p["value"] for p in parts], "itemStyle": {"color": "#c62828"}, "label": {"show": True, "position": "top"}}],
    }


@requires("kpi.view")
def kpi_detail(request, code):
    definition = _definition(code)
    snap = actions.latest(code) if code in KPI_COMPUTERS else None
    charts = {}
    if snap:
        b = snap.breakdown
        if b.get("divisions"):
            charts["chart_div"] = _bar(b["divisions"], _("按区划"))
        if b.get("extra"):
            charts["chart_extra"] = _bar(b["extra"], b.get("extra_title") or "")
    history = list(definition.snapshots.order_by("-computed_at")[:20]) if snap else []
    computer = KPI_COMPUTERS.get(code)
    return render(request, "kpi/detail.html", {
        "d": definition, "snap": snap, "connected": computer is not None, "charts": charts, "history": history,
        "source_url_name": computer.source_url_name if computer else "",
        # the button only for those whose press would work: a city indicator needs an unscoped grant
        "can_recompute": computer is not None and can(request.user, "kpi.recompute", WHOLE_CITY),
    })


@requires("kpi.view")
def kpi_rows(request, code):
    """Drill-down: the rows behind the number, filtered to one division or department."""
    definition = _definition(code)
    computer = KPI_COMPUTERS.get(code)
    if computer is None:
        raise NotFound("该指标尚未接入数据", code="kpi_not_connected")
    division = request.GET.get("division", "")[:12] or None
    department = request.GET.get("department", "")[:22] or None
    drill = computer.rows(division=division, department=department)
    page = paginate(request, drill.queryset)
    rows = [(drill.counted(o), drill.cells(o)) for o in page["object_list"]]
    return render(request, "kpi/rows.html", {"d": definition, "columns": drill.columns, "rows": rows, "division": division,
                                             "department": department, **page})


@requires("kpi.recompute")
@require_POST
def kpi_recompute(request, code):
    _definition(code)
    if code not in KPI_COMPUTERS:
        raise NotFound("该指标尚未接入数据", code="kpi_not_connected")
    actions.recompute(request.user, code)
    messages.success(request, _("指标已重新计算"))
    return redirect("kpi:detail", code=code)
