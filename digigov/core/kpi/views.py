from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import WHOLE_CITY, can
from digigov.core.registry import KPI_COMPUTERS, NAV
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions
from .breakdown import DrillFilter
from .selectors import drill_rows, visible_breakdown
from .models import KpiDefinition


@requires("kpi.view")
def kpi_list(request):
    return render(request, "kpi/list.html", {"kpis": actions.board(), "link_kpis": True})


def _definition(code):
    d = KpiDefinition.objects.filter(code=code).first()
    if d is None:
        raise NotFound("指标不存在", code="kpi_not_found")
    return d


def _source_link(user, computer) -> str:
    """The source system's page, only for a viewer who may open it (its menu entry's permission)."""
    url_name = computer.source_url_name if computer else ""
    if not url_name:
        return ""
    perms = [n.permission for n in NAV if n.url_name == url_name]
    return url_name if perms and any(can(user, p) for p in perms) else ""


@requires("kpi.view")
def kpi_detail(request, code):
    """The city figure, and the breakdown parts inside the viewer's reach (each links to its rows)."""
    definition = _definition(code)
    snap = actions.latest(code) if code in KPI_COMPUTERS else None
    chart_opts, breakdown = {}, {}
    if snap:
        breakdown = visible_breakdown(request.user, snap.breakdown)
        rows_url = reverse("kpi:rows", args=[code])
        if breakdown.get("divisions"):
            chart_opts["chart_div"] = charts.percent_bar(breakdown["divisions"], _("按区划"),
                                                         link=lambda p: f"{rows_url}?{urlencode({'division': p['key']})}")
        if breakdown.get("extra"):
            chart_opts["chart_extra"] = charts.percent_bar(breakdown["extra"], breakdown.get("extra_title") or "")
    history = list(definition.snapshots.order_by("-computed_at")[:20]) if snap else []
    computer = KPI_COMPUTERS.get(code)
    return render(request, "kpi/detail.html", {
        "d": definition, "snap": snap, "breakdown": breakdown, "connected": computer is not None, "charts": chart_opts,
        "history": history, "source_url_name": _source_link(request.user, computer), "unit": computer.unit if computer else "%",
        # the button only for those whose press would work: a city indicator needs an unscoped grant
        "can_recompute": computer is not None and can(request.user, "kpi.recompute", WHOLE_CITY),
    })


@requires("kpi.view")
def kpi_rows(request, code):
    """Drill-down: the rows behind the number, filtered to one division or department, and only those
    inside the viewer's reach (the figure is the city's; a department admin sees their subtree's rows)."""
    definition = _definition(code)
    computer = KPI_COMPUTERS.get(code)
    if computer is None:
        raise NotFound("该指标尚未接入数据", code="kpi_not_connected")
    flt = DrillFilter.from_query(request.GET)
    drill = drill_rows(request.user, computer, flt)
    page = paginate(request, drill.queryset)
    rows = [(drill.counted(o), drill.cells(o)) for o in page["object_list"]]
    return render(request, "kpi/rows.html", {"d": definition, "columns": drill.columns, "rows": rows, "drill_filter": flt, **page})


@requires("kpi.recompute")
@require_POST
def kpi_recompute(request, code):
    _definition(code)
    if code not in KPI_COMPUTERS:
        raise NotFound("该指标尚未接入数据", code="kpi_not_connected")
    actions.recompute(request.user, code)
    messages.success(request, _("指标已重新计算"))
    return redirect("kpi:detail", code=code)
