"""REST API of the spatial registry at /api/v1/data/spatial/: GeoJSON FeatureCollections of division
boundaries, points of interest and standard addresses (RFC 7946, WGS 84 lon/lat), the address
standardiser, and the writes of the natural-resources bureau. Divisions are addressed by their
12-digit code, addresses and POIs by ``public_id``."""

from __future__ import annotations

from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.core.org.models import Division

from . import actions, selectors, standardise
from .models import PoiCategory, PointOfInterest, Road, StandardAddress

router = Router(tags=["data.spatial 空间地理基础库"])


# --- schemas ---------------------------------------------------------------------------------------
class GeometryOut(Schema):
    type: str = Field(description="Polygon | MultiPolygon | Point")
    coordinates: list[float] | list[list[float]] | list[list[list[float]]] | list[list[list[list[float]]]] = Field(description="GeoJSON 坐标数组（经度, 纬度）")


class BoundaryProps(Schema):
    code: str
    name: str
    level: int = Field(description="1 市 | 2 县（区） | 3 乡（镇、街道） | 4 村（社区）")
    level_label: str
    area_km2: float
    centroid: list[float] = Field(description="[经度, 纬度]")
    has_children: bool = Field(description="下级区划是否已有边界（可下钻）")


class BoundaryFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: BoundaryProps


class BoundaryCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[BoundaryFeature]


class PoiProps(Schema):
    name: str
    category: str = Field(description="类别代码：" + "、".join(f"{c.value} {c.label}" for c in PoiCategory))
    category_label: str
    division: str
    address: str


class PoiFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: PoiProps


class PoiCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[PoiFeature]


class AddressProps(Schema):
    code: str
    full_text: str
    road: str
    house_number: int
    building: str
    unit: str
    room: str
    division: str
    division_code: str
    score: float | None = Field(None, description="标准化匹配得分（0–100），仅匹配接口返回")


class AddressFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: AddressProps


class AddressCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[AddressFeature]


class ParsedOut(Schema):
    normalised: str
    road: str
    house_number: int | None
    building: str
    unit: str
    room: str


class MatchOut(Schema):
    matched: bool
    parsed: ParsedOut | None
    score: float | None
    feature: AddressFeature | None
    notes: list[str]


class GeometryIn(StrictSchema):
    """A GeoJSON Polygon (rings of [经度, 纬度]) or MultiPolygon (a list of those); shapes are checked by the action."""

    type: Literal["Polygon", "MultiPolygon"] = Field(description="Polygon 或 MultiPolygon")
    coordinates: list[list[list[float]]] | list[list[list[list[float]]]] = Field(description="GeoJSON 坐标数组（经度, 纬度）")


class BoundaryIn(StrictSchema):
    geometry: GeometryIn


class AddressIn(StrictSchema):
    road: str = Field(description="道路名称")
    county: str = Field(description="道路所在区县的12位区划代码")
    division: str = Field(description="所在乡镇（街道）的12位区划代码")
    house_number: int
    building: str = ""
    unit: str = ""
    room: str = ""
    lon: float
    lat: float


class PoiIn(StrictSchema):
    name: str
    category: str
    division: str = Field(description="所在乡镇（街道）或村（社区）的12位区划代码")
    lon: float
    lat: float
    address: str | None = Field(None, description="标准地址 public_id")


def _division(code: str | None, field: str = "division") -> Division | None:
    """A division named in a query parameter; an unknown code is bad input (422), not a missing object."""
    if not code:
        return None
    division = Division.objects.select_related("parent").filter(code=code).first()
    if division is None:
        raise ValidationFailed("行政区划代码不存在", code="unknown_division", detail={"field": field})
    return division


# --- reads -----------------------------------------------------------------------------------------
@router.get("/boundaries", response=BoundaryCollection, summary="行政区划边界（GeoJSON，默认为各区县；parent 为上级区划代码时为其下级）")
@permission("spatial.view")
def list_boundaries(request, parent: str | None = None):
    return selectors.boundary_collection(_division(parent, "parent"))


@router.get("/boundaries/{code}", response=BoundaryFeature, summary="一个行政区划的边界")
@permission("spatial.view")
def get_boundary(request, code: str):
    division = get_or_404(Division.objects.all(), code=code)
    boundary = get_or_404(selectors.boundaries_under(division.parent), division=division)
    return selectors.feature(boundary)


@router.get("/pois", response=PoiCollection, summary=f"兴趣点（GeoJSON，最多 {selectors.MAX_POIS} 个）")
@permission("spatial.view")
def list_pois(request, category: str | None = None, division: str | None = None):
    if category and category not in PoiCategory.values:
        raise ValidationFailed("兴趣点类别无效", code="invalid_category", detail={"field": "category"})
    return selectors.poi_collection(category or None, _division(division))


@router.get("/addresses", response=Page[AddressProps], summary="标准地址（门楼牌）查询")
@permission("spatial.view")
def list_addresses(request, q: str = "", division: str | None = None, page: int = 1, page_size: int = 50):
    if len(q) > 100:
        raise ValidationFailed("查询内容过长", code="query_too_long", detail={"field": "q"})
    qs = selectors.addresses(q.strip(), _division(division))
    return paginate(qs, page, page_size, lambda a: selectors.address_feature(a)["properties"])


@router.get("/addresses/match", response=MatchOut, summary="地址标准化：自由书写的地址匹配到标准地址")
@permission("spatial.view")
def match_address(request, q: str):
    if not q.strip() or len(q) > 300:
        raise ValidationFailed("请输入 1 到 300 个字符的地址", code="invalid_query", detail={"field": "q"})
    m = standardise.match(q)
    if m is None:
        parsed = standardise.parse(q)
        return {"matched": False, "parsed": parsed.__dict__, "score": None, "feature": None, "notes": ["未找到匹配的标准地址"]}
    return {"matched": True, "parsed": m.parsed.__dict__, "score": m.score, "feature": selectors.address_feature(m.address, m.score),
            "notes": list(m.reasons)}


# --- writes ----------------------------------------------------------------------------------------
@router.put("/boundaries/{code}", response=BoundaryFeature, summary="登记或修改行政区划边界")
@permission("spatial.edit")
def put_boundary(request, code: str, payload: BoundaryIn):
    division = get_or_404(Division.objects.select_related("parent"), code=code)
    boundary = actions.set_boundary(request.auth, division, payload.geometry.model_dump())
    return selectors.feature(boundary)


@router.post("/addresses", response={201: AddressFeature}, summary="登记标准地址（门楼牌）")
@permission("spatial.edit")
@errors(404)
def post_address(request, payload: AddressIn):
    county = get_or_404(Division.objects.all(), code=payload.county)
    road = get_or_404(Road.objects.all(), division=county, name=payload.road)
    division = get_or_404(Division.objects.select_related("parent"), code=payload.division)
    a = actions.create_address(request.auth, road=road, division=division, house_number=payload.house_number, building=payload.building,
                               unit=payload.unit, room=payload.room, lon=payload.lon, lat=payload.lat)
    return 201, selectors.address_feature(StandardAddress.objects.select_related("division", "road").get(pk=a.pk))


@router.post("/pois", response={201: PoiFeature}, summary="登记兴趣点")
@permission("spatial.edit")
@errors(404)
def post_poi(request, payload: PoiIn):
    division = get_or_404(Division.objects.all(), code=payload.division)
    address = get_or_404(StandardAddress.objects.all(), public_id=payload.address) if payload.address else None
    p = actions.create_poi(request.auth, name=payload.name, category=payload.category, division=division, lon=payload.lon, lat=payload.lat,
                           address=address)
    return 201, selectors.poi_feature(PointOfInterest.objects.select_related("division", "address").get(pk=p.pk))
