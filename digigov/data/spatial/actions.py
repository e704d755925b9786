"""Every write of the spatial registry: boundaries, roads, standard addresses, points of interest.

Each action checks ``spatial.edit`` on the object (the natural-resources bureau's data admins and the
city-wide data authority), validates (geometry through ``geometry.py``), writes in one transaction and
records an audit entry. Bad input raises a ``DigiGovError`` with a Chinese message naming the field;
nothing is half-written. Boundary snapshots in the audit log carry the area, centroid and a digest
of the GeoJSON rather than the (possibly megabyte-sized) text itself.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.db import IntegrityError, transaction
from shapely.geometry import Point, shape
import json

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Division, DivisionLevel
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from . import geometry
from .models import DivisionBoundary, PoiCategory, PointOfInterest, Road, RoadKind, StandardAddress

# a child boundary may overhang its parent by this share of its area (digitising slack), no more
NESTING_TOLERANCE = 0.01
# a point may lie this far (degrees, ≈ 100 m) outside its division's boundary
POINT_TOLERANCE_DEG = 0.001
MAX_HOUSE_NUMBER = 99_999
_PART = re.compile(r"^[0-9A-Za-z]{1,8}$")


def _boundary_snapshot(b: DivisionBoundary) -> dict:
    return {"division": b.division.code, "area_km2": b.area_km2, "centroid": [b.centroid_lon, b.centroid_lat],
            "bbox": [b.min_lon, b.min_lat, b.max_lon, b.max_lat], "geometry_sha256": hashlib.sha256(b.geometry.encode()).hexdigest()}


def _division(division, field: str = "division") -> Division:
    if not isinstance(division, Division) or division.pk is None:
        raise ValidationFailed("请选择行政区划", code="division_required", detail={"field": field})
    return division


def _check_inside_parent(division: Division, geom) -> None:
    parent = getattr(division.parent, "boundary", None) if division.parent_id else None
    if parent is None:
        return
    outer = geometry.parse_polygon(parent.geometry)
    overhang = geom.difference(outer).area / geom.area
    if overhang > NESTING_TOLERANCE:
        raise ValidationFailed(f"边界超出上级区划“{division.parent.name}”的边界（{overhang:.1%} 的面积在外）", code="outside_parent",
                               detail={"field": "geometry", "overhang": round(overhang, 4)})


@transaction.atomic
def set_boundary(actor, division: Division, geometry_json) -> DivisionBoundary:
    """Create or replace a division's boundary. A town's boundary must lie inside its county's."""
    division = _division(division)
    existing = DivisionBoundary.objects.select_for_update().filter(division=division).first()
    require(actor, "spatial.edit", existing or DivisionBoundary(division=division))
    if division.level not in (DivisionLevel.CITY, DivisionLevel.COUNTY, DivisionLevel.TOWN, DivisionLevel.VILLAGE):
        raise ValidationFailed("行政区划层级无效", code="invalid_level", detail={"field": "division"})
    geom = geometry.parse_polygon(geometry_json)
    _check_inside_parent(division, geom)
    m = geometry.measure(geom)
    fields = dict(geometry=m.geometry, area_km2=m.area_km2, centroid_lon=m.centroid_lon, centroid_lat=m.centroid_lat,
                  min_lon=m.min_lon, min_lat=m.min_lat, max_lon=m.max_lon, max_lat=m.max_lat)
    if existing is None:
        boundary = DivisionBoundary.objects.create(division=division, **fields)
        record(actor, "spatial.boundary.create", boundary, after=_boundary_snapshot(boundary))
        return boundary
    before = _boundary_snapshot(existing)
    for k, v in fields.items():
        setattr(existing, k, v)
    existing.save()
    record(actor, "spatial.boundary.update", existing, before=before, after=_boundary_snapshot(existing))
    return existing


def _county_of(division: Division) -> Division | None:
    d = division
    while d is not None and d.level > DivisionLevel.COUNTY:
        d = d.parent
    return d if d is not None and d.level == DivisionLevel.COUNTY else None


@transaction.atomic
def create_road(actor, *, division: Division, name: str, kind: str = RoadKind.ROAD, geometry_json=None) -> Road:
    division = _division(division)
    require(actor, "spatial.edit", Road(division=division))
    if division.level != DivisionLevel.COUNTY:
        raise ValidationFailed("道路应登记在区县", code="road_not_county", detail={"field": "division"})
    name = unicodedata.normalize("NFKC", clean_text(name, "name", "道路名称", 32)).replace(" ", "")
    if kind not in RoadKind.values:
        raise ValidationFailed("道路类型无效", code="invalid_kind", detail={"field": "kind"})
    line = geometry.parse_line(geometry_json)
    if Road.objects.filter(division=division, name=name).exists():
        raise Conflict(f"{division.name}已有名为“{name}”的道路", code="road_exists", detail={"field": "name"})
    road = Road.objects.create(division=division, name=name, kind=kind, geometry=line)
    record(actor, "spatial.road.create", road, after=snapshot(road, ["division", "name", "kind"]))
    return road


def _part(value, field: str, label: str) -> str:
    text = unicodedata.normalize("NFKC", clean_text(value if value is not None else "", field, label, 8, required=False))
    if text and not _PART.match(text):
        raise ValidationFailed(f"{label}只能是数字或字母（最多 8 位）", code="invalid_part", detail={"field": field})
    return text


def _check_point_in(division: Division, lon: float, lat: float) -> None:
    boundary = getattr(division, "boundary", None)
    if boundary is None:
        return
    if shape(json.loads(boundary.geometry)).distance(Point(lon, lat)) > POINT_TOLERANCE_DEG:
        raise ValidationFailed(f"坐标不在“{division.name}”的边界内", code="point_outside_division", detail={"field": "lon"})


def standard_text(division: Division, road: Road, house_number: int, building: str = "", unit: str = "", room: str = "") -> str:
    names = []
    d = division
    while d is not None:
        names.append(d.name)
        d = d.parent
    text = "".join(reversed(names)) + f"{road.name}{house_number}号"
    if building:
        text += f"{building}栋"
    if unit:
        text += f"{unit}单元"
    if room:
        text += f"{room}室"
    return text


def next_address_code(division: Division) -> str:
    prefix = division.code[:9]
    last = (StandardAddress.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first())
    serial = int(last[9:]) + 1 if last else 1
    return f"{prefix}{serial:09d}"


@transaction.atomic
def create_address(actor, *, road: Road, division: Division, house_number, building="", unit="", room="", lon, lat) -> StandardAddress:
    """A 门楼牌 on ``road`` in town ``division`` (which must belong to the road's county)."""
    division = _division(division)
    if not isinstance(road, Road) or road.pk is None:
        raise ValidationFailed("请选择道路", code="road_required", detail={"field": "road"})
    require(actor, "spatial.edit", StandardAddress(division=division))
    if division.level != DivisionLevel.TOWN:
        raise ValidationFailed("标准地址应登记在乡镇（街道）", code="address_not_town", detail={"field": "division"})
    if _county_of(division) != road.division:
        raise ValidationFailed(f"道路“{road.name}”不在“{division.name}”所属区县", code="road_elsewhere", detail={"field": "road"})
    if isinstance(house_number, bool) or not isinstance(house_number, (int, str)):
        raise ValidationFailed("门牌号应为正整数", code="invalid_house_number", detail={"field": "house_number"})
    number = unicodedata.normalize("NFKC", str(house_number)).strip()
    if not number.isascii() or not number.isdigit() or not 1 <= int(number) <= MAX_HOUSE_NUMBER:
        raise ValidationFailed(f"门牌号应为 1 到 {MAX_HOUSE_NUMBER} 的整数", code="invalid_house_number", detail={"field": "house_number"})
    number = int(number)
    building, unit, room = _part(building, "building", "楼栋"), _part(unit, "unit", "单元"), _part(room, "room", "室")
    if (unit and not building) or (room and not (building or unit)):
        raise ValidationFailed("填写单元或室号时须同时填写楼栋", code="incomplete_parts", detail={"field": "building"})
    lon, lat = geometry.check_point(lon, lat)
    _check_point_in(division, lon, lat)
    if StandardAddress.objects.filter(road=road, house_number=number, building=building, unit=unit, room=room).exists():
        raise Conflict("该标准地址已存在", code="address_exists", detail={"field": "house_number"})
    try:
        with transaction.atomic():
            address = StandardAddress.objects.create(code=next_address_code(division), division=division, road=road, house_number=number,
                                                     building=building, unit=unit, room=room, lon=lon, lat=lat,
                                                     full_text=standard_text(division, road, number, building, unit, room))
    except IntegrityError:
        raise Conflict("地址编码冲突，请重试", code="address_code_conflict") from None
    record(actor, "spatial.address.create", address, after=snapshot(address, ["code", "full_text", "lon", "lat"]))
    return address


@transaction.atomic
def create_poi(actor, *, name: str, category: str, division: Division, lon, lat, address: StandardAddress | None = None) -> PointOfInterest:
    division = _division(division)
    require(actor, "spatial.edit", PointOfInterest(division=division))
    name = clean_text(name, "name", "名称", 64)
    if category not in PoiCategory.values:
        raise ValidationFailed("兴趣点类别无效", code="invalid_category", detail={"field": "category"})
    if division.level not in (DivisionLevel.TOWN, DivisionLevel.VILLAGE):
        raise ValidationFailed("兴趣点应登记在乡镇（街道）或村（社区）", code="poi_level", detail={"field": "division"})
    lon, lat = geometry.check_point(lon, lat)
    _check_point_in(division, lon, lat)
    if address is not None and not isinstance(address, StandardAddress):
        raise ValidationFailed("标准地址无效", code="invalid_address", detail={"field": "address"})
    poi = PointOfInterest.objects.create(name=name, category=category, division=division, address=address, lon=lon, lat=lat)
    record(actor, "spatial.poi.create", poi, after=snapshot(poi, ["name", "category", "division", "address", "lon", "lat"]))
    return poi


@transaction.atomic
def move_poi(actor, poi: PointOfInterest, *, lon, lat) -> PointOfInterest:
    require(actor, "spatial.edit", poi)
    poi = PointOfInterest.objects.select_for_update().get(pk=poi.pk)
    lon, lat = geometry.check_point(lon, lat)
    _check_point_in(poi.division, lon, lat)
    before = snapshot(poi, ["lon", "lat"])
    poi.lon, poi.lat = lon, lat
    poi.save(update_fields=["lon", "lat", "updated_at"])
    record(actor, "spatial.poi.move", poi, before=before, after=snapshot(poi, ["lon", "lat"]))
    return poi
