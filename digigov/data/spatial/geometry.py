"""GeoJSON in, validated shapely geometry out; area in km² and centroid for boundaries.

Everything a user or a file hands us passes ``parse_polygon`` / ``check_point`` first: wrong JSON,
wrong geometry type, coordinates out of range (outside WGS 84, or far outside China — a swapped
lat/lon pair lands there), too few points, rings that cross themselves (shapely's ``is_valid`` with
``explain_validity`` for the reason) are refused with a Chinese message naming the field.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.validation import explain_validity

from digigov.core.errors import ValidationFailed

# the extent of China (with a margin): a point outside is a typing error or swapped coordinates
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)
MAX_VERTICES = 200_000
MAX_GEOJSON_CHARS = 5_000_000
EARTH_RADIUS_KM = 6371.0088


def _bad(message: str, code: str, field: str, **detail) -> ValidationFailed:
    return ValidationFailed(message, code=code, detail={"field": field, **detail})


def check_point(lon, lat, field: str = "lon") -> tuple[float, float]:
    """Finite numbers inside China's extent (422 otherwise)."""
    out = []
    for value, name, label, (lo, hi) in ((lon, "lon", "经度", LON_RANGE), (lat, "lat", "纬度", LAT_RANGE)):
        if isinstance(value, bool):
            raise _bad(f"{label}应为数字", "invalid_coordinate", name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise _bad(f"{label}应为数字", "invalid_coordinate", name) from None
        if not math.isfinite(number) or not lo <= number <= hi:
            raise _bad(f"{label}超出范围（应在 {lo:g} 到 {hi:g} 之间）", "coordinate_out_of_range", name, value=str(value)[:40])
        out.append(number)
    return out[0], out[1]


def _load(geojson, field: str) -> dict:
    if isinstance(geojson, (dict, list)):
        data = geojson
    else:
        if not isinstance(geojson, str) or not geojson.strip():
            raise _bad("请提供边界（GeoJSON）", "geometry_required", field)
        if len(geojson) > MAX_GEOJSON_CHARS:
            raise _bad("边界数据过大", "geometry_too_large", field)
        try:
            data = json.loads(geojson)
        except ValueError:
            raise _bad("边界不是有效的 GeoJSON（JSON 格式错误）", "invalid_geojson", field) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or "type" not in data or "coordinates" not in data:
        raise _bad("边界不是有效的 GeoJSON 几何对象（需要 type 和 coordinates）", "invalid_geojson", field)
    return data


def parse_polygon(geojson, field: str = "geometry") -> Polygon | MultiPolygon:
    """A valid Polygon/MultiPolygon (holes allowed) inside China's extent."""
    data = _load(geojson, field)
    if data["type"] not in ("Polygon", "MultiPolygon"):
        raise _bad("边界应为面（Polygon 或 MultiPolygon）", "not_polygon", field, type=str(data["type"])[:40])
    try:
        geom = shape(data)
    except Exception:  # shapely raises several types for malformed coordinate arrays
        raise _bad("边界坐标格式错误（每个环至少 4 个点，且首尾相同）", "invalid_coordinates", field) from None
    coords = shapely.get_coordinates(geom)
    if len(coords) == 0 or geom.is_empty:
        raise _bad("边界为空", "empty_geometry", field)
    if len(coords) > MAX_VERTICES:
        raise _bad(f"边界顶点过多（上限 {MAX_VERTICES:,} 个）", "geometry_too_large", field)
    if not all(math.isfinite(v) for v in coords.ravel()):
        raise _bad("边界坐标应为有限数字", "invalid_coordinates", field)
    lons, lats = coords[:, 0], coords[:, 1]
    if lons.min() < LON_RANGE[0] or lons.max() > LON_RANGE[1] or lats.min() < LAT_RANGE[0] or lats.max() > LAT_RANGE[1]:
        raise _bad("边界坐标超出范围（经度 73～136，纬度 3～54；请检查经纬度是否写反）", "coordinate_out_of_range", field)
    if not geom.is_valid:
        reason = explain_validity(geom)
        if "Self-intersection" in reason or "Ring Self-intersection" in reason:
            raise _bad("边界自相交（边线交叉），请修正后再提交", "self_intersection", field, reason=reason)
        raise _bad("边界几何无效（环未闭合、重叠或点数不足）", "invalid_geometry", field, reason=reason)
    if geom.area <= 0:
        raise _bad("边界面积为 0", "empty_geometry", field)
    return geom


def area_km2(geom) -> float:
    """Area on a local equirectangular projection around the centroid: within 0.5 % for a city-sized
    polygon at these latitudes, and needs no projection library."""
    lat0 = math.radians(geom.centroid.y)
    kx = math.radians(1) * EARTH_RADIUS_KM * math.cos(lat0)
    ky = math.radians(1) * EARTH_RADIUS_KM
    return shapely.affinity.scale(geom, xfact=kx, yfact=ky, origin=(0, 0)).area


@dataclass(frozen=True)
class Measures:
    geometry: str
    area_km2: float
    centroid_lon: float
    centroid_lat: float
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def measure(geom) -> Measures:
    c = geom.representative_point() if not geom.contains(geom.centroid) else geom.centroid
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    text = json.dumps(mapping(shapely.set_precision(geom, 1e-6)), separators=(",", ":"))
    return Measures(text, round(area_km2(geom), 3), round(c.x, 6), round(c.y, 6), min_lon, min_lat, max_lon, max_lat)


def parse_line(geojson, field: str = "geometry") -> str:
    """A LineString/MultiLineString inside China's extent, as compact GeoJSON text ("" for none)."""
    if geojson in (None, ""):
        return ""
    data = _load(geojson, field)
    if data["type"] not in ("LineString", "MultiLineString"):
        raise _bad("道路走向应为线（LineString 或 MultiLineString）", "not_line", field)
    try:
        geom = shape(data)
    except Exception:
        raise _bad("道路走向坐标格式错误", "invalid_coordinates", field) from None
    coords = shapely.get_coordinates(geom)
    if len(coords) < 2 or geom.is_empty:
        raise _bad("道路走向至少需要 2 个点", "invalid_coordinates", field)
    lons, lats = coords[:, 0], coords[:, 1]
    if not all(math.isfinite(v) for v in coords.ravel()) or lons.min() < LON_RANGE[0] or lons.max() > LON_RANGE[1] \
            or lats.min() < LAT_RANGE[0] or lats.max() > LAT_RANGE[1]:
        raise _bad("道路走向坐标超出范围", "coordinate_out_of_range", field)
    return json.dumps(mapping(geom), separators=(",", ":"))
