"""自然资源和空间地理基础库: division boundaries, roads, standard addresses (门楼牌) and points of interest.

Geometry is stored as GeoJSON text (RFC 7946, WGS 84 longitude/latitude) rather than in a spatial
database: the platform runs on SQLite and PostgreSQL without PostGIS/SpatiaLite, the map draws
GeoJSON directly, and shapely validates and measures it in Python (``geometry.py``). A boundary keeps
its bounding box, centroid and area next to the text so that lists and "which division contains this
point" need no parsing; addresses and POIs are points with plain longitude/latitude columns.

The city's natural-resources bureau (``STEWARD_DEPARTMENT_CODE``) maintains the registry: every
object's RBAC scope is that department plus the object's division, so a 数据管理员 of 自然资源局 (or the
city-wide 数据主管部门) may edit it and nobody else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel

STEWARD_DEPARTMENT_CODE = "CITY-NR"  # 自然资源局 (see core/org/demo.py: city bureaus are CITY-<ABBR>)


def steward_department():
    from digigov.core.org.models import Department

    return Department.objects.filter(code=STEWARD_DEPARTMENT_CODE).first()


class _Stewarded(PublicModel):
    class Meta:
        abstract = True

    def rbac_scope(self):
        return steward_department(), self.division


class DivisionBoundary(_Stewarded):
    """The boundary polygon of one 行政区划 (county and town level at least)."""

    division = models.OneToOneField("org.Division", on_delete=models.PROTECT, related_name="boundary", verbose_name=_("行政区划"))
    geometry = models.TextField(_("边界（GeoJSON）"), help_text=_("Polygon 或 MultiPolygon，WGS 84 经纬度"))
    area_km2 = models.FloatField(_("面积（平方公里）"))
    centroid_lon = models.FloatField(_("中心点经度"))
    centroid_lat = models.FloatField(_("中心点纬度"))
    min_lon = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lon = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))

    class Meta:
        verbose_name = _("行政区划边界")
        verbose_name_plural = _("行政区划边界")
        ordering = ["division__code"]

    def __str__(self) -> str:
        return f"{self.division.name}边界"


class RoadKind(models.TextChoices):
    AVENUE = "avenue", _("大道")
    ROAD = "road", _("路")
    STREET = "street", _("街")
    LANE = "lane", _("巷")


class Road(_Stewarded):
    """A named road of a county (道路名称 are unique within a county, not within the city)."""

    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="roads", verbose_name=_("所在区县"))
    name = models.CharField(_("道路名称"), max_length=32)
    kind = models.CharField(_("道路类型"), max_length=8, choices=RoadKind.choices, default=RoadKind.ROAD)
    geometry = models.TextField(_("走向（GeoJSON）"), blank=True, help_text=_("LineString 或 MultiLineString，可空"))

    class Meta:
        verbose_name = _("道路")
        verbose_name_plural = _("道路")
        ordering = ["division__code", "name"]
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="spatial_road_unique_in_county")]

    def __str__(self) -> str:
        return self.name


class StandardAddress(_Stewarded):
    """A standard address (门楼牌地址): a doorplate on a road, optionally down to building, unit and room.

    ``full_text`` is the standard spelling (市 + 区县 + 乡镇街道 + 道路 + 门牌号 + 楼栋单元室), ``code`` the
    address code: the 9-digit town prefix followed by a 9-digit serial."""

    code = models.CharField(_("地址编码"), max_length=24, unique=True)
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="standard_addresses", verbose_name=_("所在乡镇（街道）"))
    road = models.ForeignKey(Road, on_delete=models.PROTECT, related_name="addresses", verbose_name=_("道路"))
    house_number = models.PositiveIntegerField(_("门牌号"))
    building = models.CharField(_("楼栋"), max_length=8, blank=True)
    unit = models.CharField(_("单元"), max_length=8, blank=True)
    room = models.CharField(_("室"), max_length=8, blank=True)
    full_text = models.CharField(_("标准地址"), max_length=200, db_index=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))

    class Meta:
        verbose_name = _("标准地址")
        verbose_name_plural = _("标准地址")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["road", "house_number", "building", "unit", "room"], name="spatial_address_unique")]
        indexes = [models.Index(fields=["road", "house_number"])]

    def __str__(self) -> str:
        return self.full_text


class PoiCategory(models.TextChoices):
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    SERVICE_CENTER = "service_center", _("政务服务中心")
    POLICE = "police", _("派出所")
    PARK = "park", _("公园")
    TRANSIT = "transit", _("交通站点")
    COMMUNITY = "community", _("社区服务站")
    MARKET = "market", _("农贸市场")
    SCENIC = "scenic", _("旅游景区")


class PointOfInterest(_Stewarded):
    name = models.CharField(_("名称"), max_length=64)
    category = models.CharField(_("类别"), max_length=16, choices=PoiCategory.choices)
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="pois", verbose_name=_("所在乡镇（街道）"))
    address = models.ForeignKey(StandardAddress, null=True, blank=True, on_delete=models.PROTECT, related_name="pois", verbose_name=_("标准地址"))
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))

    class Meta:
        verbose_name = _("兴趣点")
        verbose_name_plural = _("兴趣点")
        ordering = ["division__code", "category", "name"]
        indexes = [models.Index(fields=["category"])]

    def __str__(self) -> str:
        return self.name
