from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from digigov.core.org.models import DivisionLevel
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import selectors
from .models import AccessStatus


@requires("network.view")
def coverage(request):
    cov = selectors.coverage(request.user)
    rows_url = reverse("kpi:rows", args=["K02"])
    chart_opts = {}
    if cov.levels:
        chart_opts["chart-levels"] = charts.percent_bar(cov.levels, _("各级区划电子政务外网覆盖率（目标：四级100%覆盖）"), rotate_labels=False)
    if cov.by_division:
        chart_opts["chart-counties"] = charts.percent_bar(cov.by_division, _("财政预算单位接入率（按区划）"), color=charts.BLUE,
                                                          rotate_labels=False,
                                                          link=lambda p: f"{rows_url}?{urlencode({'division': p['key']})}")
    return render(request, "network/coverage.html", {"cov": cov, "k02": cov.snapshot, "charts": chart_opts})


@requires("network.view")
def access_points(request):
    qs = selectors.access_points(request.user)
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
