"""The map page (空间地理基础库): division boundaries drilled city → county → town, points of interest by
category, and the address search that highlights the standard address it matched.

The page carries its own data (GeoJSON of the regions drawn, the POIs inside them, the match) as JSON
script elements that ``static/spatial/map.js`` hands to ECharts (``echarts.registerMap``): no tile
server, no inline script, and the same view works without JavaScript as tables with drill links."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from digigov.core.errors import get_or_404
from digigov.core.org.models import Division, DivisionLevel
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires

from . import selectors, standardise
from .models import DivisionBoundary, PoiCategory

MAP_POIS = 2000


def _chain(division: Division) -> list[Division]:
    out = []
    d = division
    while d is not None:
        out.append(d)
        d = d.parent
    return list(reversed(out))


@requires("spatial.view")
def map_view(request):
    base = reverse("spatial:map")
    q = (request.GET.get("q") or "").strip()[:300]
    match = standardise.match(q) if q else None
    code = request.GET.get("division") or ""
    if code:
        current = get_or_404(Division.objects.select_related("parent"), code=code)
    elif match is not None:
        current = match.address.division.parent or match.address.division  # the match's county, towns drawn
    else:
        current = selectors.city_division()
    regions = selectors.boundary_collection(current) if current is not None else {"type": "FeatureCollection", "features": []}
    if not regions["features"] and current is not None and hasattr(current, "boundary"):
        regions = {"type": "FeatureCollection", "features": [selectors.feature(current.boundary)]}  # a town: draw itself
    drill = {f["properties"]["name"]: f"{base}?{urlencode({'division': f['id']})}" for f in regions["features"]
             if f["properties"]["has_children"] or f["properties"]["level"] < DivisionLevel.TOWN}
    area = current if current is not None and current.level > DivisionLevel.CITY else None
    pois = selectors.poi_collection(None, area, MAP_POIS)
    rows = []
    for f in regions["features"]:
        p = f["properties"]
        rows.append({"name": p["name"], "level": p["level_label"], "area": p["area_km2"], "url": drill.get(p["name"])})
    payload = {
        "regions": regions,
        "drill": drill,
        "pois": [{"name": f["properties"]["name"], "category": f["properties"]["category_label"], "value": f["geometry"]["coordinates"]}
                 for f in pois["features"]],
        "categories": [str(c.label) for c in PoiCategory],
        "match": ({"name": match.address.full_text, "value": [match.address.lon, match.address.lat]} if match else None),
    }
    poi_rows = (selectors.pois(None, area).values("category").annotate(n=Count("id")).order_by("category"))
    labels = {k: str(v) for k, v in PoiCategory.choices}
    return render(request, "spatial/map.html", {
        "current": current, "chain": _chain(current) if current else [], "rows": rows, "payload": payload, "q": q, "match": match,
        "poi_counts": [(labels.get(r["category"], "其他"), r["n"]) for r in poi_rows], "counts": selectors.counts(),
        "has_boundaries": DivisionBoundary.objects.exists(), "can_edit": can(request.user, "spatial.edit"),
    })
