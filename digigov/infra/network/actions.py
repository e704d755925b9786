"""Every write and business rule of 电子政务外网 access points (permission, validation, one transaction, audit)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.kpi.actions import recompute_after_commit
from digigov.core.org.checks import active_department
from digigov.core.org.models import Department, Division
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from .models import AccessPoint, AccessStatus

MAX_BANDWIDTH_MBPS = 400_000  # 400 Gbps: far above any single government access link


def _bandwidth(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        raise ValidationFailed("带宽必须是正整数（Mbps）", code="invalid_bandwidth", detail={"field": "bandwidth_mbps"})
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationFailed("带宽必须是正整数（Mbps）", code="invalid_bandwidth", detail={"field": "bandwidth_mbps"}) from None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationFailed("带宽必须是正整数（Mbps）", code="invalid_bandwidth", detail={"field": "bandwidth_mbps"})
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        raise ValidationFailed("带宽必须是正整数（Mbps）", code="invalid_bandwidth", detail={"field": "bandwidth_mbps"})
    if value > MAX_BANDWIDTH_MBPS:
        raise ValidationFailed(f"带宽超出允许范围（不超过 {MAX_BANDWIDTH_MBPS} Mbps）", code="invalid_bandwidth",
                               detail={"field": "bandwidth_mbps"})
    return value


def _status(value: str) -> str:
    if value not in AccessStatus.values:
        raise ValidationFailed("接入状态无效（应为 connected / planned / down）", code="invalid_status", detail={"field": "status"})
    return value


def _check_department(department: Department | None) -> None:
    if active_department(department, required=False) is None:
        return
    if not department.is_budget_unit:
        raise ValidationFailed("接入单位须为财政预算单位", code="not_budget_unit", detail={"field": "department"})


@transaction.atomic
def create_access_point(actor, *, division: Division, name: str = "", department: Department | None = None, bandwidth_mbps=100,
                        ipv6_ready: bool = False, status: str = AccessStatus.PLANNED, commissioned_on=None) -> AccessPoint:
    if division is None:
        raise ValidationFailed("请选择所在区划", code="division_required", detail={"field": "division"})
    point = AccessPoint(division=division, department=department, level=division.level)
    require(actor, "network.manage", point)
    # a grant scoped to a department covers the point by its department alone: without this a county
    # bureau's admin could register a city-level point (counted in the city's K02 coverage)
    if department is not None and not division.code.startswith(department.division.prefix):
        raise ValidationFailed("接入点所在区划须在接入单位所属区划之内", code="division_outside_department", detail={"field": "division"})
    _check_department(department)
    name = (name or "").strip() or f"{department.name if department else division.name}电子政务外网接入点"
    if len(name) > 100:
        raise ValidationFailed("名称不能超过100个字符", code="text_too_long", detail={"field": "name"})
    point.name = name
    point.bandwidth_mbps = _bandwidth(bandwidth_mbps)
    point.ipv6_ready = bool(ipv6_ready)
    point.status = _status(status)
    if point.status == AccessStatus.CONNECTED:
        point.commissioned_on = commissioned_on or timezone.localdate()
    elif commissioned_on is not None:
        point.commissioned_on = commissioned_on
    if point.commissioned_on and point.commissioned_on > timezone.localdate():
        raise ValidationFailed("开通日期不能晚于今天", code="invalid_date", detail={"field": "commissioned_on"})
    if AccessPoint.objects.active().filter(division=division, department=department, name=name).exists():
        raise Conflict("该区划/单位已登记同名接入点", code="access_point_exists", detail={"field": "name"})
    point.save()
    record(actor, "network.access_point.create", point, after=snapshot(point))
    recompute_after_commit("K02")
    return point


@transaction.atomic
def set_status(actor, point: AccessPoint, status: str, *, commissioned_on=None) -> AccessPoint:
    """Connect, mark down (中断) or return to planned. The first connection sets the commissioning date."""
    require(actor, "network.manage", point)
    status = _status(status)
    point = AccessPoint.objects.select_for_update().get(pk=point.pk)
    if point.voided_at is not None:
        raise Conflict("接入点已作废", code="access_point_voided")
    if point.status == status:
        raise Conflict("接入点已处于该状态", code="no_change")
    before = snapshot(point)
    point.status = status
    if status == AccessStatus.CONNECTED and point.commissioned_on is None:
        point.commissioned_on = commissioned_on or timezone.localdate()
    if point.commissioned_on and point.commissioned_on > timezone.localdate():
        raise ValidationFailed("开通日期不能晚于今天", code="invalid_date", detail={"field": "commissioned_on"})
    point.save(update_fields=["status", "commissioned_on", "updated_at"])
    record(actor, "network.access_point.status", point, before=before, after=snapshot(point))
    recompute_after_commit("K02")
    return point


@transaction.atomic
def update_access_point(actor, point: AccessPoint, *, bandwidth_mbps=None, ipv6_ready: bool | None = None) -> AccessPoint:
    """带宽扩容 and IPv6 改造."""
    require(actor, "network.manage", point)
    point = AccessPoint.objects.select_for_update().get(pk=point.pk)
    if point.voided_at is not None:
        raise Conflict("接入点已作废", code="access_point_voided")
    before = snapshot(point)
    if bandwidth_mbps is not None:
        point.bandwidth_mbps = _bandwidth(bandwidth_mbps)
    if ipv6_ready is not None:
        point.ipv6_ready = bool(ipv6_ready)
    point.save(update_fields=["bandwidth_mbps", "ipv6_ready", "updated_at"])
    record(actor, "network.access_point.update", point, before=before, after=snapshot(point))
    recompute_after_commit("K02")
    return point


@transaction.atomic
def void_access_point(actor, point: AccessPoint, reason: str) -> AccessPoint:
    require(actor, "network.manage", point)
    reason = clean_text(reason, "reason", "作废原因", 200)
    point = AccessPoint.objects.select_for_update().get(pk=point.pk)
    if point.voided_at is not None:
        raise Conflict("接入点已作废", code="already_voided")
    stamp_void(actor, point, reason, "network.access_point.void")
    recompute_after_commit("K02")
    return point
