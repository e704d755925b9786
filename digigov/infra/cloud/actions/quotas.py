"""Department quotas (配额) and allocations (资源分配), and the capacity check every grant passes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from ..models import Allocation, HostedSystem, Quota, ResourcePool
from ..selectors import DIMENSIONS, department_usage, describe_shortfall, pool_capacity
from ._common import active_department, parse_amounts


def check_capacity(pool: ResourcePool, department: Department, wanted: dict) -> None:
    """Refuse a grant the pool (409 ``pool_capacity_exceeded``) or the department's quota (``quota_exceeded``) has no room for."""
    capacity = pool_capacity(pool, department)
    short = capacity.pool_shortfall(wanted)
    if short:
        raise Conflict(f"资源池剩余容量不足：{describe_shortfall(short)}", code="pool_capacity_exceeded", detail=short)
    short = capacity.quota_shortfall(wanted)
    if short:
        raise Conflict(f"超出本单位资源配额：{describe_shortfall(short)}", code="quota_exceeded", detail=short)


@transaction.atomic
def set_quota(actor, *, department: Department, pool: ResourcePool, vcpu, memory_gb, storage_tb) -> Quota:
    """Create or change a department's quota in a pool; never below what it already holds."""
    department = active_department(department)
    probe = Quota(department=department, pool=pool)
    require(actor, "cloud.manage", probe)
    require(actor, "cloud.manage", pool)  # the pool is the city's: a scoped grant may not share it out
    if pool.voided_at is not None:
        raise Conflict("资源池已作废", code="pool_voided")
    amounts = parse_amounts(vcpu, memory_gb, storage_tb)
    over = pool_capacity(pool).total_excess(amounts)
    if over:
        raise ValidationFailed(f"配额超过资源池总量：{describe_shortfall(over)}", code="exceeds_pool_total", detail=over)
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
    department = active_department(department)
    require(actor, "cloud.manage", Allocation(pool=pool, department=department))
    require(actor, "cloud.manage", pool)  # the pool is the city's: a scoped grant may not share it out
    amounts = parse_amounts(vcpu, memory_gb, storage_tb)
    if not any(amounts.values()):
        raise ValidationFailed("分配资源不能全部为0", code="empty_request")
    if system is not None and (system.department_id != department.pk or system.voided_at is not None):
        raise ValidationFailed("信息系统不属于该单位或已作废", code="system_mismatch", detail={"field": "system"})
    pool = ResourcePool.objects.select_for_update().get(pk=pool.pk)
    if pool.voided_at is not None:
        raise Conflict("资源池已作废", code="pool_voided")
    check_capacity(pool, department, amounts)
    return _new_allocation(actor, pool=pool, department=department, system=system, amounts=amounts)


@transaction.atomic
def release_allocation(actor, allocation: Allocation, reason: str) -> Allocation:
    require(actor, "cloud.manage", allocation)
    reason = clean_text(reason, "reason", "释放原因", 200)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.voided_at is not None:
        raise Conflict("该资源分配已释放", code="already_voided")
    return stamp_void(actor, allocation, reason, "cloud.allocation.release")
