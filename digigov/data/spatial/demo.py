"""The demo city's spatial registry: boundaries, roads, standard addresses (门楼牌), points of interest,
and their entries in the catalog under 自然资源和空间地理基础信息.

The city is synthetic, so is its geography: an irregular outline around (124.35°E, 40.45°N) is cut
into the six counties by a Voronoi diagram of seed points (the three districts near the centre, the
county and the two county-level cities around them), each county into its towns the same way, every
cell clipped to its parent with shapely — so towns nest exactly inside counties and counties tile the
city. Boundaries go through ``actions.set_boundary`` (validated, audited, measured). Each county gets
named roads (lines across it, clipped); doorplates are laid along them, every doorplate in the town
whose polygon holds it, residential compounds expanded to buildings, units and rooms. POIs (schools,
clinics, police stations, service centres, parks, stops…) sit on doorplates of their town.

Boundaries and POIs are generated in full at every scale (there are a hundred towns); the number of
standard addresses scales with ``ctx.scale`` (``ADDRESSES_FULL`` at scale 1). Villages get no polygon.
"""

from __future__ import annotations

import json
import math

import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon, mapping

from digigov.core import registry
from digigov.core.org.models import Division, DivisionLevel

from . import actions
from .models import PoiCategory, PointOfInterest, Road, RoadKind, StandardAddress, steward_department

CENTER = (124.35, 40.45)
RADIUS = (0.78, 0.58)  # degrees lon / lat: ≈ 13,000 km², a mid-size prefecture-level city
ADDRESSES_FULL = 200_000
ROAD_SYLLABLES = "安宝昌长成春大德东丰凤福阜甘广海和河红宏华怀汇吉佳建金锦靖九康乐利联龙隆茂民明南宁平庆仁荣瑞山盛石顺太泰天通同万旺文五西祥新兴秀阳永裕元振正中"
ROAD_KINDS = ((RoadKind.ROAD, "路", 55), (RoadKind.STREET, "街", 30), (RoadKind.AVENUE, "大道", 8), (RoadKind.LANE, "巷", 7))
POI_PLAN = (  # category, (min, max) per town, name pattern
    (PoiCategory.SCHOOL, (1, 3), ("{t}小学", "{t}第二小学", "{t}中学")),
    (PoiCategory.HOSPITAL, (0, 1), ("{t}卫生院",)),
    (PoiCategory.POLICE, (1, 1), ("{t}派出所",)),
    (PoiCategory.SERVICE_CENTER, (1, 1), ("{t}便民服务中心",)),
    (PoiCategory.PARK, (0, 2), ("{t}公园", "{t}广场")),
    (PoiCategory.TRANSIT, (2, 6), ("{r}站",)),
    (PoiCategory.COMMUNITY, (1, 3), ("{t}社区服务站", "{t}第二社区服务站", "{t}第三社区服务站")),
    (PoiCategory.MARKET, (0, 1), ("{t}农贸市场",)),
)


def _outline(rng) -> Polygon:
    p1, p2 = rng.uniform(0, math.tau), rng.uniform(0, math.tau)
    pts = []
    for k in range(48):
        a = math.tau * k / 48
        r = 1 + 0.13 * math.sin(3 * a + p1) + 0.07 * math.sin(5 * a + p2)
        pts.append((CENTER[0] + RADIUS[0] * r * math.cos(a), CENTER[1] + RADIUS[1] * r * math.sin(a)))
    return Polygon(pts)


def _random_point_in(rng, poly, tries: int = 500) -> Point:
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(tries):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(p):
            return p
    return poly.representative_point()


def _cells(seeds: list[Point], within) -> list:
    """The Voronoi cell of each seed, clipped to ``within``, in seed order (largest part if split)."""
    diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=within)
    cells = list(diagram.geoms)
    out = []
    for s in seeds:
        cell = next(c for c in cells if c.covers(s))
        clipped = shapely.make_valid(cell.intersection(within))
        if clipped.geom_type == "GeometryCollection":
            clipped = shapely.union_all([g for g in clipped.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
        out.append(shapely.set_precision(clipped, 1e-6))
    return out


def _county_seeds(rng, counties: list[Division], outline) -> list[Point]:
    seeds = []
    ring = [c for c in counties if c.kind != "区"]
    districts = [c for c in counties if c.kind == "区"]
    for i, _c in enumerate(districts):
        a = math.tau * i / max(1, len(districts)) + rng.uniform(-0.3, 0.3)
        seeds.append(Point(CENTER[0] + 0.12 * math.cos(a), CENTER[1] + 0.09 * math.sin(a)))
    for i, _c in enumerate(ring):
        a = math.tau * i / max(1, len(ring)) + rng.uniform(-0.4, 0.4) + 0.5
        seeds.append(Point(CENTER[0] + 0.5 * math.cos(a), CENTER[1] + 0.38 * math.sin(a)))
    order = districts + ring
    return [seeds[order.index(c)] for c in counties]


def _boundaries(ctx, actor) -> dict[int, object]:
    """Counties and towns: {division pk: shapely polygon}."""
    rng = ctx.rng
    city = Division.objects.filter(level=DivisionLevel.CITY).order_by("code").first()
    if city is None:
        return {}
    outline = _outline(rng)
    shapes = {city.pk: outline}
    actions.set_boundary(actor, city, mapping(shapely.set_precision(outline, 1e-6)))
    counties = list(Division.objects.filter(parent=city, level=DivisionLevel.COUNTY).order_by("code"))
    if not counties:
        return shapes
    county_cells = _cells(_county_seeds(rng, counties, outline), outline) if len(counties) > 1 else [outline]
    for county, cell in zip(counties, county_cells):
        actions.set_boundary(actor, Division.objects.select_related("parent").get(pk=county.pk), mapping(cell))
        shapes[county.pk] = cell
        towns = list(Division.objects.filter(parent=county, level=DivisionLevel.TOWN).order_by("code"))
        if not towns:
            continue
        seeds: list[Point] = []
        while len(seeds) < len(towns):  # spread the seeds: none closer than a fraction of the mean spacing
            p = _random_point_in(rng, cell)
            spacing = math.sqrt(cell.area / len(towns)) * 0.45
            if all(p.distance(s) > spacing for s in seeds) or rng.random() < 0.02:
                seeds.append(p)
        town_cells = _cells(seeds, cell) if len(towns) > 1 else [cell]
        for town, tcell in zip(towns, town_cells):
            actions.set_boundary(actor, Division.objects.select_related("parent").get(pk=town.pk), mapping(tcell))
            shapes[town.pk] = tcell
    ctx.describe(f"spatial: {len(shapes)} 个行政区划边界")
    return shapes


def _road_name(rng, used: set) -> tuple[str, str]:
    for _ in range(500):
        kind, suffix, _w = rng.choices(ROAD_KINDS, [w for *_x, w in ROAD_KINDS])[0]
        name = "".join(rng.sample(ROAD_SYLLABLES, 2)) + suffix
        if name not in used:
            used.add(name)
            return name, kind
    raise RuntimeError("out of road names")  # pragma: no cover


def _roads(ctx, shapes) -> list[tuple[Road, LineString]]:
    rng = ctx.rng
    out = []
    counties = Division.objects.filter(level=DivisionLevel.COUNTY, pk__in=list(shapes)).order_by("code")
    for county in counties:
        poly = shapes[county.pk]
        minx, miny, maxx, maxy = poly.bounds
        n = 16 if county.kind == "区" else 10
        used: set = set()
        rows = []
        for i in range(n):
            horizontal = i % 2 == 0
            t = (i // 2 + 0.5) / ((n + 1) // 2)
            tilt = rng.uniform(-0.15, 0.15)
            if horizontal:
                y = miny + (maxy - miny) * t
                line = LineString([(minx - 0.05, y - tilt * 0.3), (maxx + 0.05, y + tilt * 0.3)])
            else:
                x = minx + (maxx - minx) * t
                line = LineString([(x - tilt * 0.3, miny - 0.05), (x + tilt * 0.3, maxy + 0.05)])
            piece = line.intersection(poly)
            if piece.is_empty:
                continue
            if piece.geom_type == "MultiLineString":
                piece = max(piece.geoms, key=lambda g: g.length)
            if piece.geom_type != "LineString" or piece.length < 0.01:
                continue
            name, kind = _road_name(rng, used)
            piece = shapely.set_precision(piece, 1e-6)
            rows.append((Road(public_id=ctx.public_id(), division=county, name=name, kind=kind,
                              geometry=json.dumps(mapping(piece), separators=(",", ":"))), piece))
        Road.objects.bulk_create([r for r, _l in rows])
        out += rows
    return out


def _addresses(ctx, shapes, roads) -> dict[int, list[StandardAddress]]:
    """Doorplates along every road, compounds expanded; returns the doorplates by town pk."""
    rng = ctx.rng
    target = ctx.n(ADDRESSES_FULL, minimum=300)
    towns = list(Division.objects.filter(level=DivisionLevel.TOWN, pk__in=list(shapes)).select_related("parent", "parent__parent"))
    towns_of_county: dict[int, list[Division]] = {}
    for t in towns:
        towns_of_county.setdefault(t.parent_id, []).append(t)
    prefix = {t.pk: "".join(d.name for d in (t.parent.parent, t.parent, t) if d is not None) for t in towns}
    serial: dict[int, int] = {}
    doorplates: dict[int, list[StandardAddress]] = {}
    batch: list[StandardAddress] = []
    written = 0
    per_road = max(4, target // max(1, len(roads)) // 6)

    def add(town, road, number, point, building="", unit="", room=""):
        nonlocal written
        serial[town.pk] = serial.get(town.pk, 0) + 1
        text = f"{prefix[town.pk]}{road.name}{number}号" + (f"{building}栋" if building else "") + (f"{unit}单元" if unit else "") + \
            (f"{room}室" if room else "")
        a = StandardAddress(public_id=ctx.public_id(), code=f"{town.code[:9]}{serial[town.pk]:09d}", division=town, road=road,
                            house_number=number, building=building, unit=unit, room=room, full_text=text,
                            lon=round(point.x, 6), lat=round(point.y, 6))
        batch.append(a)
        written += 1
        return a

    for road, line in roads:
        if written >= target:
            break
        candidates = towns_of_county.get(road.division_id, [])
        for k in range(per_road):
            if written >= target:
                break
            number = 2 * k + 1 + (k % 2)
            p = line.interpolate((k + 0.5) / per_road, normalized=True)
            p = Point(p.x + rng.uniform(-0.0004, 0.0004), p.y + rng.uniform(-0.0004, 0.0004))
            town = next((t for t in candidates if shapes[t.pk].contains(p)), None)
            if town is None:
                continue
            doorplates.setdefault(town.pk, []).append(add(town, road, number, p))
            if rng.random() < 0.3:  # a residential compound: buildings, units, rooms
                for b in range(1, rng.randint(2, 6) + 1):
                    bp = Point(p.x + rng.uniform(-0.0008, 0.0008), p.y + rng.uniform(-0.0008, 0.0008))
                    if not shapes[town.pk].contains(bp):
                        bp = p
                    for u in range(1, rng.randint(1, 3) + 1):
                        for floor in range(1, rng.randint(5, 7) + 1):
                            for door in (1, 2):
                                add(town, road, number, bp, str(b), str(u), f"{floor}0{door}")
        if len(batch) >= ctx.batch_size:
            StandardAddress.objects.bulk_create(batch)
            ctx.progress(len(batch))
            batch = []
    if batch:
        StandardAddress.objects.bulk_create(batch)
        ctx.progress(len(batch))
    ctx.rows += written
    ctx.describe(f"spatial: {len(roads)} 条道路，{written:,} 个标准地址")
    return doorplates


def _pois(ctx, shapes, doorplates) -> int:
    rng = ctx.rng
    towns = list(Division.objects.filter(level=DivisionLevel.TOWN, pk__in=list(shapes)).order_by("code"))
    rows = []
    for town in towns:
        short = town.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        plates = doorplates.get(town.pk, [])
        for category, (lo, hi), patterns in POI_PLAN:
            for i in range(rng.randint(lo, hi)):
                address = rng.choice(plates) if plates else None
                if address is not None:
                    point = Point(address.lon, address.lat)
                else:
                    point = _random_point_in(rng, shapes[town.pk])
                if category == PoiCategory.TRANSIT:
                    name = (f"{address.road.name}{address.house_number}号站" if address else f"{short}{i + 1}号站")
                else:
                    name = patterns[i % len(patterns)].format(t=short)
                rows.append(PointOfInterest(public_id=ctx.public_id(), name=name, category=category, division=town, address=address,
                                            lon=round(point.x, 6), lat=round(point.y, 6)))
    if towns:  # the city's 政务服务中心 in the first district's first street
        centre = towns[0]
        p = shapes[centre.pk].representative_point()
        rows.append(PointOfInterest(public_id=ctx.public_id(), name="市政务服务中心", category=PoiCategory.SERVICE_CENTER, division=centre,
                                    lon=round(p.x, 6), lat=round(p.y, 6)))
        for name in ("市中心医院", "市中医院", "市妇幼保健院"):
            p = _random_point_in(rng, shapes[centre.pk])
            rows.append(PointOfInterest(public_id=ctx.public_id(), name=name, category=PoiCategory.HOSPITAL, division=centre,
                                        lon=round(p.x, 6), lat=round(p.y, 6)))
    PointOfInterest.objects.bulk_create(rows)
    ctx.describe(f"spatial: {len(rows)} 个兴趣点")
    return len(rows)


CATALOG = (  # code serial, name, API path, items (name, field, type)
    ("01", "行政区划边界", "/api/v1/data/spatial/boundaries",
     (("区划代码", "code", "C"), ("区划名称", "name", "C"), ("层级", "level", "N"), ("面积（平方公里）", "area_km2", "N"), ("边界", "geometry", "C"))),
    ("02", "标准地址（门楼牌）", "/api/v1/data/spatial/addresses",
     (("地址编码", "code", "C"), ("标准地址", "full_text", "C"), ("道路", "road", "C"), ("门牌号", "house_number", "N"), ("楼栋", "building", "C"),
      ("单元", "unit", "C"), ("室", "room", "C"), ("经度", "lon", "N"), ("纬度", "lat", "N"))),
    ("03", "兴趣点", "/api/v1/data/spatial/pois",
     (("名称", "name", "C"), ("类别", "category", "C"), ("所在区划", "division", "C"), ("经度", "lon", "N"), ("纬度", "lat", "N"))),
    ("04", "地址标准化服务", "/api/v1/data/spatial/addresses/match",
     (("输入地址", "q", "C"), ("标准地址", "full_text", "C"), ("匹配得分", "score", "N"))),
)


def _catalog(ctx, actor, counts: dict[str, int]) -> None:
    """Entries for the spatial datasets under 自然资源和空间地理基础信息, mounted as the registry's APIs."""
    from digigov.data.catalog.models import CatalogEntry, Category, DataItem, EntryStatus, MountedResource, MountKind, OpenType, SharingType

    category = Category.objects.filter(code="103").first()
    department = steward_department()
    if category is None or department is None:
        ctx.describe("spatial: 目录中没有“自然资源和空间地理基础信息”分类或自然资源局，跳过编目")
        return
    for serial, name, endpoint, items in CATALOG:
        code = f"103/SPATIAL{serial}"
        if CatalogEntry.objects.filter(code=code).exists():
            continue
        entry = CatalogEntry.objects.create(
            public_id=ctx.public_id(), code=code, name=name, department=department, category=category,
            abstract=f"自然资源和空间地理基础库：{name}，由自然资源局维护，供各部门共享使用。", status=EntryStatus.PUBLISHED,
            sharing_type=SharingType.UNCONDITIONAL, open_type=OpenType.CONDITIONAL, open_condition="需签订数据开放利用协议",
            published_on=ctx.now.date(), version=1, resource_format="api")
        DataItem.objects.bulk_create([DataItem(entry=entry, seq=i, name=label, field_name=field, data_type=t, required=i == 1, is_key=i == 1)
                                      for i, (label, field, t) in enumerate(items, 1)])
        MountedResource.objects.create(public_id=ctx.public_id(), entry=entry, kind=MountKind.API, name=f"{name}接口", endpoint=endpoint,
                                       method="GET", record_count=counts.get(serial, 0), mounted_by=actor)


def _actor(ctx):
    from digigov.core.accounts.models import User
    from digigov.core.rbac.system import system_account

    pk = ((ctx.shared.get("accounts") or {}).get("demo_users") or {}).get("dataauthority")
    return (User.objects.filter(pk=pk).first() if pk else None) or system_account()


def generate(ctx) -> None:
    from .models import DivisionBoundary

    if DivisionBoundary.objects.exists():
        return
    from digigov.core.context import acting_as

    actor = _actor(ctx)
    with acting_as(actor, channel="command"):  # the boundaries' audit entries name the data authority who drew them
        shapes = _boundaries(ctx, actor)
        if not shapes:
            return
        roads = _roads(ctx, shapes)
        doorplates = _addresses(ctx, shapes, roads)
        n_pois = _pois(ctx, shapes, doorplates)
        _catalog(ctx, actor, {"01": len(shapes), "02": StandardAddress.objects.count(), "03": n_pois})


registry.register_demo("spatial", generate, after=("org", "accounts", "catalog"))
