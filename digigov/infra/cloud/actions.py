"""Every write and business rule of 政务云.

Each action checks the actor's permission on the object (``require``), validates, writes inside one
transaction and appends an audit entry with before/after snapshots. Bad input raises a
``DigiGovError`` subclass with a Chinese message; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.kpi.actions import recompute_after_commit
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from .models import (
    Allocation,
    CloudPlatform,
    CloudStatus,
    HostedSystem,
    PlatformKind,
    Quota,
    RequestPurpose,
    RequestStatus,
    ResourcePool,
    ResourceRequest,
    UtilisationSample,
)

# sanity bounds, far above any real city (the real pool: 5844 vCPU, 20435 GB, 491 TB)
MAX_VCPU = 1_000_000
MAX_MEMORY_GB = 100_000_000
MAX_STORAGE_TB = Decimal("1000000")
CENT = Decimal("0.01")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")

DIMENSIONS = (("vcpu", "vCPU", "核"), ("memory_gb", "内存", "GB"), ("storage_tb", "存储", "TB"))


# --- validation helpers ------------------------------------------------------------------------

def _int_amount(value: Any, field: str, label: str, maximum: int) -> int:
    if isinstance(value, bool) or value is None:
        raise ValidationFailed(f"{label}必须是整数", code="invalid_amount", detail={"field": field})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationFailed(f"{label}必须是整数", code="invalid_amount", detail={"field": field})
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationFailed(f"{label}必须是整数", code="invalid_amount", detail={"field": field}) from None
    if not isinstance(value, int):
        raise ValidationFailed(f"{label}必须是整数", code="invalid_amount", detail={"field": field})
    if value < 0:
        raise ValidationFailed(f"{label}不能为负数", code="invalid_amount", detail={"field": field})
    if value > maximum:
        raise ValidationFailed(f"{label}超出允许范围（不超过 {maximum}）", code="invalid_amount", detail={"field": field})
    return value


def _tb_amount(value: Any, field: str = "storage_tb", label: str = "存储容量", maximum: Decimal = MAX_STORAGE_TB) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValidationFailed(f"{label}必须是数字", code="invalid_amount", detail={"field": field})
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}必须是数字", code="invalid_amount", detail={"field": field}) from None
    if not dec.is_finite():
        raise ValidationFailed(f"{label}必须是有限数字", code="invalid_amount", detail={"field": field})
    if dec < 0:
        raise ValidationFailed(f"{label}不能为负数", code="invalid_amount", detail={"field": field})
    if dec > maximum:
        raise ValidationFailed(f"{label}超出允许范围（不超过 {maximum} TB）", code="invalid_amount", detail={"field": field})
    if dec != dec.quantize(CENT):
        raise ValidationFailed(f"{label}最多保留两位小数", code="invalid_amount", detail={"field": field})
    return dec.quantize(CENT)


def _amounts(vcpu, memory_gb, storage_tb) -> dict:
    return {
        "vcpu": _int_amount(vcpu, "vcpu", "vCPU 数量", MAX_VCPU),
        "memory_gb": _int_amount(memory_gb, "memory_gb", "内存容量", MAX_MEMORY_GB),
        "storage_tb": _tb_amount(storage_tb),
    }


def _active_department(department: Department | None) -> Department:
    if department is None:
        raise ValidationFailed("请选择单位", code="department_required", detail={"field": "department"})
    if department.voided_at is not None:
        raise ValidationFailed("该单位已撤销", code="department_voided", detail={"field": "department"})
    return department


# --- capacity ----------------------------------------------------------------------------------

@dataclass
class Usage:
    vcpu: int = 0
    memory_gb: int = 0
    storage_tb: Decimal = Decimal("0")

    def get(self, dim: str):
        return getattr(self, dim)


def _usage(qs) -> Usage:
    agg = qs.aggregate(vcpu=Sum("vcpu"), memory_gb=Sum("memory_gb"), storage_tb=Sum("storage_tb"))
    return Usage(agg["vcpu"] or 0, agg["memory_gb"] or 0, Decimal(agg["storage_tb"] or 0).quantize(CENT))


def pool_usage(pool: ResourcePool) -> Usage:
    """Resources held by active allocations in a pool."""
    return _usage(Allocation.objects.active().filter(pool=pool))


def department_usage(department: Department, pool: ResourcePool) -> Usage:
    return _usage(Allocation.objects.active().filter(pool=pool, department=department))


def pool_totals(pool: ResourcePool) -> Usage:
    return Usage(pool.vcpu_total, pool.memory_gb_total, pool.storage_tb_total)


def _shortfall(limit: Usage, used: Usage, wanted: dict) -> dict:
    """The dimensions where used + wanted exceeds the limit, with what is still free."""
    out = {}
    for dim, label, unit in DIMENSIONS:
        free = limit.get(dim) - used.get(dim)
        if wanted[dim] > free:
            out[dim] = {"label": label, "unit": unit, "requested": str(wanted[dim]), "free": str(max(free, 0))}
    return out


def _describe_shortfall(short: dict) -> str:
    return "；".join(f"{v['label']}申请 {v['requested']}{v['unit']}，剩余 {v['free']}{v['unit']}" for v in short.values())


def _check_capacity(pool: ResourcePool, department: Department, wanted: dict) -> None:
    short = _shortfall(pool_totals(pool), pool_usage(pool), wanted)
    if short:
        raise Conflict(f"资源池剩余容量不足：{_describe_shortfall(short)}", code="pool_capacity_exceeded", detail=short)
    quota = Quota.objects.active().filter(department=department, pool=pool).first()
    if quota is not None:
        short = _shortfall(Usage(quota.vcpu, quota.memory_gb, quota.storage_tb), department_usage(department, pool), wanted)
        if short:
            raise Conflict(f"超出本单位资源配额：{_describe_shortfall(short)}", code="quota_exceeded", detail=short)


def default_pool() -> ResourcePool | None:
    pools = list(ResourcePool.objects.active().order_by("id")[:2])
    return pools[0] if len(pools) == 1 else None


# --- pools -------------------------------------------------------------------------------------

@transaction.atomic
def create_pool(actor, *, name: str, vcpu_total, memory_gb_total, storage_tb_total, platform: CloudPlatform | None = None) -> ResourcePool:
    require(actor, "cloud.manage")
    name = clean_text(name, "name", "资源池名称", 64)
    amounts = _amounts(vcpu_total, memory_gb_total, storage_tb_total)
    if not any(amounts.values()):
        raise ValidationFailed("资源池容量不能全部为0", code="empty_pool")
    if ResourcePool.objects.filter(name=name).exists():
        raise Conflict("资源池名称已存在", code="pool_exists", detail={"field": "name"})
    if platform is not None and platform.voided_at is not None:
        raise ValidationFailed("所属云平台已作废", code="platform_voided", detail={"field": "platform"})
    pool = ResourcePool.objects.create(name=name, platform=platform, vcpu_total=amounts["vcpu"], memory_gb_total=amounts["memory_gb"],
                                       storage_tb_total=amounts["storage_tb"])
    record(actor, "cloud.pool.create", pool, after=snapshot(pool))
    return pool


@transaction.atomic
def resize_pool(actor, pool: ResourcePool, *, vcpu_total, memory_gb_total, storage_tb_total) -> ResourcePool:
    """Change a pool's capacity (扩容/缩容); it can never shrink below what is allocated."""
    require(actor, "cloud.manage", pool)
    pool = ResourcePool.objects.select_for_update().get(pk=pool.pk)
    if pool.voided_at is not None:
        raise Conflict("资源池已作废", code="pool_voided")
    amounts = _amounts(vcpu_total, memory_gb_total, storage_tb_total)
    used = pool_usage(pool)
    below = {dim: {"label": label, "allocated": str(used.get(dim)), "total": str(amounts[dim])}
             for dim, label, _unit in DIMENSIONS if amounts[dim] < used.get(dim)}
    if below:
        raise Conflict("资源池容量不能低于已分配资源：" + "、".join(v["label"] for v in below.values()), code="below_allocated", detail=below)
    before = snapshot(pool)
    pool.vcpu_total, pool.memory_gb_total, pool.storage_tb_total = amounts["vcpu"], amounts["memory_gb"], amounts["storage_tb"]
    pool.save(update_fields=["vcpu_total", "memory_gb_total", "storage_tb_total", "updated_at"])
    record(actor, "cloud.pool.resize", pool, before=before, after=snapshot(pool))
    return pool


# --- platforms ---------------------------------------------------------------------------------

@transaction.atomic
def create_platform(actor, *, name: str, department: Department, kind: str = PlatformKind.CLOUD, integrated: bool = False,
                    integrated_on=None, note: str = "") -> CloudPlatform:
    department = _active_department(department)
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


# --- hosted systems ----------------------------------------------------------------------------

def _check_platform(platform: CloudPlatform | None) -> None:
    if platform is not None and platform.voided_at is not None:
        raise ValidationFailed("部署云平台已作废", code="platform_voided", detail={"field": "platform"})


@transaction.atomic
def register_system(actor, *, department: Department, name: str, classified: bool = False, cloud_status: str = CloudStatus.PLANNED,
                    platform: CloudPlatform | None = None, went_live_on=None, planned_migration_on=None,
                    exempt_reason: str = "") -> HostedSystem:
    department = _active_department(department)
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


# --- quotas and allocations ---------------------------------------------------------------------

@transaction.atomic
def set_quota(actor, *, department: Department, pool: ResourcePool, vcpu, memory_gb, storage_tb) -> Quota:
    """Create or change a department's quota in a pool; never below what it already holds."""
    department = _active_department(department)
    probe = Quota(department=department, pool=pool)
    require(actor, "cloud.manage", probe)
    if pool.voided_at is not None:
        raise Conflict("资源池已作废", code="pool_voided")
    amounts = _amounts(vcpu, memory_gb, storage_tb)
    over = _shortfall(pool_totals(pool), Usage(), amounts)
    if over:
        raise ValidationFailed(f"配额超过资源池总量：{_describe_shortfall(over)}", code="exceeds_pool_total", detail=over)
    held = department_usage(department, pool)
    below = {dim: {"label": label, "allocated": str(held.get(dim)), "quota": str(amounts[dim])}
             for dim, label, _unit in DIMENSIONS if amounts[dim] < held.get(dim)}
    if below:
        raise Conflict("配额不能低于该单位已分配资源：" + "、".join(v["label"] for v in below.values()), code="below_allocated", detail=below)
    quota = Quota.objects.select_for_update().active().filter(department=department, pool=pool).first()
    if quota is None:
        quota = Quota.objects.create(department=department, pool=pool, **amounts)
        record(actor, "cloud.quota.create", quota, after=snapshot(quota))
        return quota
    before = snapshot(quota)
    quota.vcpu, quota.memory_gb, quota.storage_tb = amounts["vcpu"], amounts["memory_gb"], amounts["storage_tb"]
    quota.save(update_fields=["vcpu", "memory_gb", "storage_tb", "updated_at"])
    record(actor, "cloud.quota.update", quota, before=before, after=snapshot(quota))
    return quota


def _new_allocation(actor, *, pool, department, system, amounts, request=None) -> Allocation:
    alloc = Allocation.objects.create(pool=pool, department=department, system=system, request=request, granted_at=timezone.now(),
                                      granted_by=actor if getattr(actor, "pk", None) else None, **amounts)
    record(actor, "cloud.allocation.create", alloc, after=snapshot(alloc))
    return alloc


@transaction.atomic
def allocate(actor, *, pool: ResourcePool, department: Department, vcpu, memory_gb, storage_tb,
             system: HostedSystem | None = None) -> Allocation:
    """A direct allocation by the cloud administrator (e.g. registering existing tenants)."""
    department = _active_department(department)
    require(actor, "cloud.manage", Allocation(pool=pool, department=department))
    amounts = _amounts(vcpu, memory_gb, storage_tb)
    if not any(amounts.values()):
        raise ValidationFailed("分配资源不能全部为0", code="empty_request")
    if system is not None and (system.department_id != department.pk or system.voided_at is not None):
        raise ValidationFailed("信息系统不属于该单位或已作废", code="system_mismatch", detail={"field": "system"})
    pool = ResourcePool.objects.select_for_update().get(pk=pool.pk)
    if pool.voided_at is not None:
        raise Conflict("资源池已作废", code="pool_voided")
    _check_capacity(pool, department, amounts)
    return _new_allocation(actor, pool=pool, department=department, system=system, amounts=amounts)


@transaction.atomic
def release_allocation(actor, allocation: Allocation, reason: str) -> Allocation:
    require(actor, "cloud.manage", allocation)
    reason = clean_text(reason, "reason", "释放原因", 200)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.voided_at is not None:
        raise Conflict("该资源分配已释放", code="already_voided")
    return stamp_void(actor, allocation, reason, "cloud.allocation.release")


# --- utilisation ---------------------------------------------------------------------------------

@transaction.atomic
def record_samples(actor, pool: ResourcePool, samples: list[dict]) -> int:
    """Ingest monitoring samples ``{"at", "cpu_pct", "mem_pct", "storage_pct"}``; one audit entry per batch."""
    require(actor, "cloud.manage", pool)
    if not samples:
        raise ValidationFailed("没有采样数据", code="no_samples")
    if len(samples) > 5000:
        raise ValidationFailed("单次最多提交 5000 条采样", code="too_many_samples")
    rows, seen = [], set()
    for i, s in enumerate(samples):
        at = s.get("at")
        if at is None or not hasattr(at, "tzinfo") or at.tzinfo is None:
            raise ValidationFailed("采样时间须为带时区的时间", code="invalid_sample", detail={"index": i, "field": "at"})
        if at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationFailed("采样时间不能晚于当前时间", code="invalid_sample", detail={"index": i, "field": "at"})
        values = {}
        for f, label in (("cpu_pct", "CPU 使用率"), ("mem_pct", "内存使用率"), ("storage_pct", "存储使用率")):
            v = s.get(f)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or not 0 <= v <= 100:
                raise ValidationFailed(f"{label}应在 0 到 100 之间", code="invalid_sample", detail={"index": i, "field": f})
            values[f] = float(v)
        if at in seen:
            raise ValidationFailed("同一批次中采样时间重复", code="duplicate_sample", detail={"index": i, "field": "at"})
        seen.add(at)
        rows.append(UtilisationSample(pool=pool, at=at, **values))
    if UtilisationSample.objects.filter(pool=pool, at__in=seen).exists():
        raise Conflict("部分采样时间已有记录", code="duplicate_sample")
    UtilisationSample.objects.bulk_create(rows)
    times = sorted(seen)
    record(actor, "cloud.samples.ingest", pool, after={"count": len(rows), "from": times[0], "to": times[-1]})
    return len(rows)


# --- resource requests ---------------------------------------------------------------------------

def _request_payload(req: ResourceRequest) -> dict:
    return {"pool": req.pool_id, "system": req.system_id, "purpose": req.purpose, "vcpu": req.vcpu, "memory_gb": req.memory_gb,
            "storage_tb": Decimal(req.storage_tb).quantize(CENT), "reason": req.reason}


def _validate_system_for(purpose: str, system: HostedSystem | None, department: Department) -> None:
    if purpose == RequestPurpose.MIGRATE and system is None:
        raise ValidationFailed("迁移上云申请须指定信息系统", code="system_required", detail={"field": "system"})
    if system is None:
        return
    if system.voided_at is not None:
        raise ValidationFailed("信息系统已作废", code="system_voided", detail={"field": "system"})
    if system.department_id != department.pk:
        raise ValidationFailed("信息系统不属于申请单位", code="system_mismatch", detail={"field": "system"})
    if system.classified:
        raise ValidationFailed("涉密系统不得部署在政务云，应部署在电子政务内网", code="system_classified", detail={"field": "system"})
    if purpose in (RequestPurpose.MIGRATE, RequestPurpose.NEW):
        if system.cloud_status == CloudStatus.MIGRATED:
            raise Conflict("该信息系统已上云，如需增加资源请选择“扩容”", code="system_already_migrated", detail={"field": "system"})
        if system.cloud_status == CloudStatus.EXEMPT:
            raise ValidationFailed("该信息系统已批准暂不上云，请先由管理员调整其状态", code="system_exempt", detail={"field": "system"})
    if purpose == RequestPurpose.EXPAND and system.cloud_status != CloudStatus.MIGRATED:
        raise ValidationFailed("只有已上云的信息系统可以申请扩容", code="system_not_migrated", detail={"field": "system"})


@transaction.atomic
def submit_request(actor, *, department: Department, purpose: str, vcpu, memory_gb, storage_tb, reason: str,
                   system: HostedSystem | None = None, pool: ResourcePool | None = None,
                   idempotency_key: str = "") -> tuple[ResourceRequest, bool]:
    """File a resource request. Returns ``(request, created)``: resubmitting the same idempotency key
    for the same department returns the existing request (``created`` False)."""
    department = _active_department(department)
    require(actor, "cloud.request", ResourceRequest(department=department))
    key = (idempotency_key or "").strip()
    if key and not IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed("幂等键只能包含字母、数字和 ._:-，长度不超过64", code="invalid_idempotency_key",
                               detail={"field": "idempotency_key"})
    if pool is None:
        pool = default_pool()
        if pool is None:
            raise ValidationFailed("请选择资源池", code="pool_required", detail={"field": "pool"})
    if pool.voided_at is not None:
        raise ValidationFailed("资源池已作废", code="pool_voided", detail={"field": "pool"})
    if purpose not in RequestPurpose.values:
        raise ValidationFailed("申请用途无效", code="invalid_purpose", detail={"field": "purpose"})
    amounts = _amounts(vcpu, memory_gb, storage_tb)
    reason = clean_text(reason, "reason", "申请理由", 500)
    if key:
        existing = ResourceRequest.objects.filter(department=department, idempotency_key=key).first()
        if existing is not None:
            wanted = {"pool": pool.pk, "system": system.pk if system else None, "purpose": purpose, **amounts, "reason": reason}
            if _request_payload(existing) != wanted:
                raise Conflict("该幂等键已用于内容不同的申请", code="idempotency_mismatch", detail={"public_id": existing.public_id})
            return existing, False
    if not any(amounts.values()):
        raise ValidationFailed("申请资源不能全部为0", code="empty_request", detail={"field": "vcpu"})
    over = _shortfall(pool_totals(pool), Usage(), amounts)
    if over:
        raise ValidationFailed(f"申请超过资源池总量：{_describe_shortfall(over)}", code="exceeds_pool_total",
                               detail={"field": next(iter(over)), **over})
    _validate_system_for(purpose, system, department)
    if system is not None and ResourceRequest.objects.active().filter(system=system, status=RequestStatus.SUBMITTED).exists():
        raise Conflict("该信息系统已有待审批的申请", code="duplicate_pending", detail={"field": "system"})
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin with the same key loses the race cleanly
            req = ResourceRequest.objects.create(department=department, pool=pool, system=system, purpose=purpose, reason=reason,
                                                 submitted_by=actor, idempotency_key=key, **amounts)
    except IntegrityError:
        existing = ResourceRequest.objects.filter(department=department, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, False
    record(actor, "cloud.request.submit", req, after=snapshot(req))
    return req, True


def _lock_open_request(req: ResourceRequest) -> ResourceRequest:
    req = ResourceRequest.objects.select_for_update(of=("self",)).select_related("department__division", "pool", "system").get(pk=req.pk)
    if req.voided_at is not None:
        raise Conflict("该申请已作废，不能再处理", code="request_voided")
    if req.status != RequestStatus.SUBMITTED:
        raise Conflict(f"该申请已处理（{req.get_status_display()}），不能重复操作", code="already_decided", detail={"status": req.status})
    return req


def _decision_note(note: str, required: bool) -> str:
    return clean_text(note, "note", "审批意见", 500, required=required)


@transaction.atomic
def approve_request(actor, req: ResourceRequest, note: str = "") -> ResourceRequest:
    """Approve: check the pool (and quota) has room, grant an Allocation, put a migrating system on the cloud."""
    require(actor, "cloud.approve", req)
    note = _decision_note(note, required=False)
    req = _lock_open_request(req)
    if req.submitted_by_id is not None and req.submitted_by_id == getattr(actor, "pk", None):
        raise Conflict("不能审批本人提交的申请", code="self_approval")
    pool = ResourcePool.objects.select_for_update().get(pk=req.pool_id)
    if pool.voided_at is not None:
        raise Conflict("资源池已作废", code="pool_voided")
    system = HostedSystem.objects.select_for_update().get(pk=req.system_id) if req.system_id else None
    if system is not None:
        if system.voided_at is not None or system.classified:
            raise Conflict("信息系统已作废或为涉密系统，不能分配云资源", code="system_unavailable")
    amounts = {"vcpu": req.vcpu, "memory_gb": req.memory_gb, "storage_tb": Decimal(req.storage_tb).quantize(CENT)}
    _check_capacity(pool, req.department, amounts)

    before = snapshot(req)
    req.status, req.decided_by, req.decided_at, req.decision_note = RequestStatus.APPROVED, actor, timezone.now(), note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record(actor, "cloud.request.approve", req, before=before, after=snapshot(req))
    _new_allocation(actor, pool=pool, department=req.department, system=system, amounts=amounts, request=req)

    if system is not None and req.purpose in (RequestPurpose.MIGRATE, RequestPurpose.NEW) and system.cloud_status != CloudStatus.MIGRATED:
        sys_before = snapshot(system)
        system.cloud_status = CloudStatus.MIGRATED
        system.migrated_on = timezone.localdate()
        system.platform_id = pool.platform_id or system.platform_id
        system.save(update_fields=["cloud_status", "migrated_on", "platform", "updated_at"])
        record(actor, "cloud.system.migrate", system, before=sys_before, after=snapshot(system))
    recompute_after_commit("K01")
    return req


@transaction.atomic
def reject_request(actor, req: ResourceRequest, note: str) -> ResourceRequest:
    require(actor, "cloud.approve", req)
    note = _decision_note(note, required=True)
    req = _lock_open_request(req)
    before = snapshot(req)
    req.status, req.decided_by, req.decided_at, req.decision_note = RequestStatus.REJECTED, actor, timezone.now(), note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record(actor, "cloud.request.reject", req, before=before, after=snapshot(req))
    return req


@transaction.atomic
def withdraw_request(actor, req: ResourceRequest) -> ResourceRequest:
    """The requesting department takes back a request that has not been decided."""
    require(actor, "cloud.request", req)
    req = _lock_open_request(req)
    before = snapshot(req)
    req.status = RequestStatus.WITHDRAWN
    req.save(update_fields=["status", "updated_at"])
    record(actor, "cloud.request.withdraw", req, before=before, after=snapshot(req))
    return req


@transaction.atomic
def void_request(actor, req: ResourceRequest, reason: str) -> ResourceRequest:
    """Void an undecided request (e.g. filed in error). Approved requests are undone by releasing the allocation."""
    require(actor, "cloud.manage", req)
    reason = clean_text(reason, "reason", "作废原因", 200)
    req = ResourceRequest.objects.select_for_update().get(pk=req.pk)
    if req.voided_at is not None:
        raise Conflict("该申请已作废", code="already_voided")
    if req.status == RequestStatus.APPROVED:
        raise Conflict("已批准的申请不能作废，请释放对应的资源分配", code="already_decided")
    return stamp_void(actor, req, reason, "cloud.request.void")
