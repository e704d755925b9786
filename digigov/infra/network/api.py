"""REST API of 电子政务外网 at /api/v1/infra/network/ (access points addressed by ``public_id``)."""

from datetime import date

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.core.kpi.api import PartOut
from digigov.core.kpi.selectors import visible_parts
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.validators import normalize_identifier

from . import actions, kpis, selectors
from .models import AccessPoint, AccessStatus

router = Router(tags=["infra.network 电子政务外网"])


class AccessPointIn(StrictSchema):
    division: str  # 12-digit division code
    department: str | None = None  # public_id of the budget unit served
    name: str = ""
    bandwidth_mbps: int
    ipv6_ready: bool = False
    status: str = AccessStatus.PLANNED
    commissioned_on: date | None = None


class StatusIn(StrictSchema):
    status: str
    commissioned_on: date | None = None


class AccessPointPatch(StrictSchema):
    bandwidth_mbps: int | None = None
    ipv6_ready: bool | None = None


class AccessPointOut(Schema):
    public_id: str
    name: str
    division: str = Field(description="所在区划代码（12位）")
    division_name: str
    level: int = Field(description="层级：1 市，2 县（区），3 乡（镇、街道），4 村（社区）")
    level_label: str
    department: str | None = Field(description="接入单位 public_id；区划级公共接入点为 null")
    department_name: str | None
    bandwidth_mbps: int
    ipv6_ready: bool
    status: str = Field(description="connected | planned | down")
    status_label: str
    commissioned_on: date | None


def point_out(p: AccessPoint) -> dict:
    return {
        "public_id": p.public_id, "name": p.name, "division": p.division.code, "division_name": p.division.name,
        "level": p.level, "level_label": p.get_level_display(),
        "department": p.department.public_id if p.department else None, "department_name": p.department.name if p.department else None,
        "bandwidth_mbps": p.bandwidth_mbps, "ipv6_ready": p.ipv6_ready, "status": p.status, "status_label": p.get_status_display(),
        "commissioned_on": p.commissioned_on,
    }


def _points(user, perm):
    return selectors.access_points(user, perm)


class CoverageCountOut(Schema):
    """Coverage of one division level, or the IPv6 share of connected points (plain counts)."""

    key: str = Field(description="level_1 … level_4，或 ipv6")
    label: str
    numerator: int
    denominator: int
    value: float | None = Field(description="百分比，两位小数；分母为 0 时为 null")


class CoverageOut(Schema):
    value: float | None = Field(description="K02 政务外网接入率（%），无财政预算单位时为 null")
    numerator: int = Field(description="已接入的财政预算单位数")
    denominator: int = Field(description="财政预算单位数")
    by_division: list[PartOut]
    by_department: list[PartOut]
    levels: list[CoverageCountOut] = Field(description="各级区划覆盖率")
    ipv6: CoverageCountOut = Field(description="已接入点的 IPv6 改造率")


@router.get("/access-points", response=Page[AccessPointOut], summary="外网接入点列表")
@permission("network.view")
def list_points(request, level: int | None = None, status: str | None = None, division: str | None = None,
                page: int = 1, page_size: int = 50):
    qs = _points(request.auth, "network.view")
    if level is not None:
        if level not in DivisionLevel.values:
            raise ValidationFailed("层级应为 1-4", code="invalid_level", detail={"field": "level"})
        qs = qs.filter(level=level)
    if status:
        if status not in AccessStatus.values:
            raise ValidationFailed("接入状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    if division:
        division = normalize_identifier(division)  # the shared identifier rule: full-width digits read as ASCII
        if not (division.isascii() and division.isdigit() and len(division) <= 12):
            raise ValidationFailed("区划代码应为数字", code="invalid_division", detail={"field": "division"})
        qs = qs.filter(division__code__startswith=division)
    return paginate(qs.order_by("division__code", "id"), page, page_size, point_out)


@router.post("/access-points", response={201: AccessPointOut}, summary="登记外网接入点")
@permission("network.manage")
def create_point(request, payload: AccessPointIn):
    division = Division.objects.filter(code=payload.division).first()
    if division is None:
        raise ValidationFailed("区划代码不存在", code="unknown_division", detail={"field": "division"})
    department = None
    if payload.department:
        department = Department.objects.filter(public_id=payload.department).first()
        if department is None:
            raise ValidationFailed("接入单位不存在", code="unknown_department", detail={"field": "department"})
    point = actions.create_access_point(
        request.auth, division=division, department=department, name=payload.name, bandwidth_mbps=payload.bandwidth_mbps,
        ipv6_ready=payload.ipv6_ready, status=payload.status, commissioned_on=payload.commissioned_on,
    )
    return Status(201, point_out(AccessPoint.objects.select_related("division", "department").get(pk=point.pk)))


@router.get("/access-points/{public_id}", response=AccessPointOut, summary="外网接入点详情")
@permission("network.view")
def get_point(request, public_id: str):
    return point_out(get_or_404(_points(request.auth, "network.view"), public_id=public_id))


@router.post("/access-points/{public_id}/status", response=AccessPointOut, summary="变更接入状态（接入/中断/规划）")
@permission("network.manage")
def set_point_status(request, public_id: str, payload: StatusIn):
    point = get_or_404(_points(request.auth, "network.manage"), public_id=public_id)
    actions.set_status(request.auth, point, payload.status, commissioned_on=payload.commissioned_on)
    return point_out(_points(request.auth, "network.manage").get(pk=point.pk))


@router.patch("/access-points/{public_id}", response=AccessPointOut, summary="带宽扩容与IPv6改造")
@permission("network.manage")
def patch_point(request, public_id: str, payload: AccessPointPatch):
    point = get_or_404(_points(request.auth, "network.manage"), public_id=public_id)
    actions.update_access_point(request.auth, point, bandwidth_mbps=payload.bandwidth_mbps, ipv6_ready=payload.ipv6_ready)
    return point_out(_points(request.auth, "network.manage").get(pk=point.pk))


@router.get("/coverage", response=CoverageOut, summary="政务外网接入率（K02）与各级覆盖率（实时计算）")
@permission("network.view")
def coverage(request):
    r = kpis.compute_k02()
    by_division, by_department = visible_parts(request.auth, r, "network.view")  # the figure is the city's; parts only in reach
    return {"value": r.value, "numerator": r.numerator, "denominator": r.denominator,
            "by_division": [p.as_dict() for p in by_division], "by_department": [p.as_dict() for p in by_department],
            "levels": [p.as_dict() for p in r.extra if p.key.startswith("level_")],
            "ipv6": next(p.as_dict() for p in r.extra if p.key == "ipv6")}
