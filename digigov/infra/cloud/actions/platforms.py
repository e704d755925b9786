"""Cloud platforms (云平台/机房) and their integration into the city's “一朵云”."""

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

from ..models import CloudPlatform, HostedSystem, PlatformKind, ResourcePool
from ._common import active_department


@transaction.atomic
def create_platform(actor, *, name: str, department: Department, kind: str = PlatformKind.CLOUD, integrated: bool = False,
                    integrated_on=None, note: str = "") -> CloudPlatform:
    department = active_department(department)
    require(actor, "cloud.manage", CloudPlatform(department=department))
    platform = CloudPlatform(name=clean_text(name, "name", "云平台名称", 100), department=department, kind=kind,
                             integrated=bool(integrated), note=clean_text(note, "note", "备注", 200, required=False))
    if kind not in PlatformKind.values:
        raise ValidationFailed("云平台类型无效", code="invalid_kind", detail={"field": "kind"})
    if CloudPlatform.objects.active().filter(name=platform.name, department=department).exists():
        raise Conflict("该单位已登记同名云平台", code="platform_exists", detail={"field": "name"})
    platform.integrated_on = (integrated_on or timezone.localdate()) if platform.integrated else None
    platform.save()
    record(actor, "cloud.platform.create", platform, after=snapshot(platform))
    recompute_after_commit("K01")
    return platform


@transaction.atomic
def set_platform_integrated(actor, platform: CloudPlatform, integrated: bool, *, on=None) -> CloudPlatform:
    """Mark a platform as integrated into (or taken out of) the city's “一朵云” management."""
    require(actor, "cloud.manage", platform)
    platform = CloudPlatform.objects.select_for_update().get(pk=platform.pk)
    if platform.voided_at is not None:
        raise Conflict("云平台已作废", code="platform_voided")
    if platform.integrated == bool(integrated):
        raise Conflict("云平台已处于该整合状态", code="no_change")
    before = snapshot(platform)
    platform.integrated = bool(integrated)
    platform.integrated_on = (on or timezone.localdate()) if integrated else None
    platform.save(update_fields=["integrated", "integrated_on", "updated_at"])
    record(actor, "cloud.platform.integrate" if integrated else "cloud.platform.separate", platform, before=before, after=snapshot(platform))
    recompute_after_commit("K01")
    return platform


@transaction.atomic
def void_platform(actor, platform: CloudPlatform, reason: str) -> CloudPlatform:
    """Retire a platform (e.g. a 机房 shut down after its systems moved to the city cloud)."""
    require(actor, "cloud.manage", platform)
    reason = clean_text(reason, "reason", "作废原因", 200)
    platform = CloudPlatform.objects.select_for_update().get(pk=platform.pk)
    if platform.voided_at is not None:
        raise Conflict("云平台已作废", code="already_voided")
    if HostedSystem.objects.active().filter(platform=platform).exists():
        raise Conflict("仍有信息系统部署在该云平台，请先迁移", code="platform_in_use")
    if ResourcePool.objects.active().filter(platform=platform).exists():
        raise Conflict("该云平台仍有资源池", code="platform_in_use")
    stamp_void(actor, platform, reason, "cloud.platform.void")
    recompute_after_commit("K01")
    return platform
