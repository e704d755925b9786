"""Reads shared by the map page, the API and the admin. The spatial registry is the city's public
base geography (boundaries, doorplates, public facilities): everyone holding ``spatial.view`` sees all
of it, so reads are not narrowed by department or division scope."""

from __future__ import annotations

import json

from django.db.models import Count, QuerySet

from digigov.core.org.models import Division, DivisionLevel

from .models import DivisionBoundary, PoiCategory, PointOfInterest, StandardAddress

MAX_POIS = 5000


def city_division() -> Division | None:
    return Division.objects.filter(level=DivisionLevel.CITY).order_by("code").first()


def boundaries_under(parent: Division | None) -> QuerySet:
    """Boundaries of ``parent``'s children (the counties when ``parent`` is the city or None)."""
    qs = DivisionBoundary.objects.select_related("division")
    if parent is None:
        return qs.filter(division__level=DivisionLevel.COUNTY)
    return qs.filter(division__parent=parent)


def feature(boundary: DivisionBoundary, **extra) -> dict:
    d = boundary.division
    return {"type": "Feature", "id": d.code, "geometry": json.loads(boundary.geometry),
            "properties": {"code": d.code, "name": d.name, "level": d.level, "level_label": str(DivisionLevel(d.level).label),
                           "area_km2": boundary.area_km2, "centroid": [boundary.centroid_lon, boundary.centroid_lat],
                           "has_children": extra.get("has_children", False)}}


def boundary_collection(parent: Division | None) -> dict:
    rows = list(boundaries_under(parent).order_by("division__code"))
    with_children = set(DivisionBoundary.objects.filter(division__parent__in=[b.division_id for b in rows])
                        .values_list("division__parent_id", flat=True))
    return {"type": "FeatureCollection", "features": [feature(b, has_children=b.division_id in with_children) for b in rows]}


def pois(category: str | None = None, division: Division | None = None) -> QuerySet:
    qs = PointOfInterest.objects.select_related("division", "address")
    if category:
        qs = qs.filter(category=category)
    if division is not None:
        qs = qs.filter(division__code__startswith=division.prefix)
    return qs.order_by("category", "name", "id")


def poi_feature(p: PointOfInterest) -> dict:
    return {"type": "Feature", "id": p.public_id, "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {"name": p.name, "category": p.category, "category_label": str(PoiCategory(p.category).label),
                           "division": p.division.name, "address": p.address.full_text if p.address_id else ""}}


def poi_collection(category: str | None = None, division: Division | None = None, limit: int = MAX_POIS) -> dict:
    return {"type": "FeatureCollection", "features": [poi_feature(p) for p in pois(category, division)[:limit]]}


def addresses(q: str = "", division: Division | None = None) -> QuerySet:
    qs = StandardAddress.objects.select_related("division", "road")
    if division is not None:
        qs = qs.filter(division__code__startswith=division.prefix)
    if q:
        qs = qs.filter(full_text__contains=q)
    return qs.order_by("code")


def address_feature(a: StandardAddress, score: float | None = None) -> dict:
    props = {"code": a.code, "full_text": a.full_text, "road": a.road.name, "house_number": a.house_number, "building": a.building,
             "unit": a.unit, "room": a.room, "division": a.division.name, "division_code": a.division.code}
    if score is not None:
        props["score"] = score
    return {"type": "Feature", "id": a.public_id, "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]}, "properties": props}


def counts() -> dict:
    return {"boundaries": DivisionBoundary.objects.count(), "addresses": StandardAddress.objects.count(),
            "pois": PointOfInterest.objects.count()}


def poi_counts() -> list[tuple[str, str, int]]:
    by = dict(PointOfInterest.objects.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    return [(c.value, str(c.label), by.get(c.value, 0)) for c in PoiCategory]
