"""Hosted information systems (信息系统) and their cloud status (上云状态)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.kpi.actions import recompute_after_commit
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from ..models import Allocation, CloudPlatform, CloudStatus, HostedSystem
from ..selectors import default_pool
from ._common import active_department


def _check_platform(platform: CloudPlatform | None) -> None:
    if platform is not None and platform.voided_at is not None:
        raise ValidationFailed("部署云平台已作废", code="platform_voided", detail={"field": "platform"})


@transaction.atomic
def register_system(actor, *, department: Department, name: str, classified: bool = False, cloud_status: str = CloudStatus.PLANNED,
                    platform: CloudPlatform | None = None, went_live_on=None, planned_migration_on=None,
                    exempt_reason: str = "") -> HostedSystem:
    department = active_department(department)
    require(actor, "cloud.manage", HostedSystem(department=department))
    system = HostedSystem(department=department, name=clean_text(name, "name", "系统名称", 100), classified=bool(classified),
                          cloud_status=cloud_status, platform=platform, went_live_on=went_live_on,
                          planned_migration_on=planned_migration_on, exempt_reason=clean_text(exempt_reason, "exempt_reason", "暂不上云理由", 200,
                                                                                          required=False))
    _validate_system_status(system)
    _check_platform(platform)
    if HostedSystem.objects.active().filter(department=department, name=system.name).exists():
        raise Conflict("该单位已登记同名信息系统", code="system_exists", detail={"field": "name"})
    if system.cloud_status == CloudStatus.MIGRATED:
        system.migrated_on = timezone.localdate()
    system.save()
    record(actor, "cloud.system.register", system, after=snapshot(system))
    recompute_after_commit("K01")
    return system


def _validate_system_status(system: HostedSystem) -> None:
    if system.cloud_status not in CloudStatus.values:
        raise ValidationFailed("上云状态无效", code="invalid_status", detail={"field": "cloud_status"})
    if system.classified and system.cloud_status == CloudStatus.MIGRATED:
        raise ValidationFailed("涉密系统不得部署在政务云，应部署在电子政务内网", code="system_classified", detail={"field": "cloud_status"})
    if system.cloud_status == CloudStatus.MIGRATED and system.platform_id is None:
        raise ValidationFailed("已上云的系统须指明部署云平台", code="platform_required", detail={"field": "platform"})
    if system.cloud_status == CloudStatus.EXEMPT and not system.classified and not system.exempt_reason:
        raise ValidationFailed("暂不上云须说明理由", code="exempt_reason_required", detail={"field": "exempt_reason"})


@transaction.atomic
def set_system_status(actor, system: HostedSystem, cloud_status: str, *, platform: CloudPlatform | None = None,
                      exempt_reason: str = "") -> HostedSystem:
    require(actor, "cloud.manage", system)
    system = HostedSystem.objects.select_for_update().get(pk=system.pk)
    if system.voided_at is not None:
        raise Conflict("信息系统已作废", code="system_voided")
    if system.cloud_status == cloud_status and (platform is None or platform.pk == system.platform_id):
        raise Conflict("信息系统已处于该状态", code="no_change")
    before = snapshot(system)
    system.cloud_status = cloud_status
    if platform is not None:
        _check_platform(platform)
        system.platform = platform
    system.exempt_reason = clean_text(exempt_reason, "exempt_reason", "暂不上云理由", 200, required=False) if cloud_status == CloudStatus.EXEMPT else ""
    if cloud_status == CloudStatus.MIGRATED and system.platform_id is None:
        pool = default_pool()
        system.platform_id = pool.platform_id if pool else None
    _validate_system_status(system)
    if cloud_status == CloudStatus.MIGRATED:
        system.migrated_on = system.migrated_on or timezone.localdate()
    else:
        system.migrated_on = None
    system.save()
    record(actor, "cloud.system.status", system, before=before, after=snapshot(system))
    recompute_after_commit("K01")
    return system


@transaction.atomic
def void_system(actor, system: HostedSystem, reason: str) -> HostedSystem:
    """Retire a system (下线). Its allocations must be released first."""
    require(actor, "cloud.manage", system)
    reason = clean_text(reason, "reason", "作废原因", 200)
    system = HostedSystem.objects.select_for_update().get(pk=system.pk)
    if system.voided_at is not None:
        raise Conflict("信息系统已作废", code="already_voided")
    if Allocation.objects.active().filter(system=system).exists():
        raise Conflict("该系统仍占用云资源，请先释放资源分配", code="system_has_allocations")
    stamp_void(actor, system, reason, "cloud.system.void")
    recompute_after_commit("K01")
    return system
