"""Resource pools (资源池): creation and resizing (扩容/缩容)."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text

from ..models import CloudPlatform, ResourcePool
from ..selectors import DIMENSIONS, pool_usage
from ._common import parse_amounts


@transaction.atomic
def create_pool(actor, *, name: str, vcpu_total, memory_gb_total, storage_tb_total, platform: CloudPlatform | None = None) -> ResourcePool:
    require(actor, "cloud.manage", WHOLE_CITY)  # a pool serves the whole city: no scoped grant creates one
    name = clean_text(name, "name", "资源池名称", 64)
    amounts = parse_amounts(vcpu_total, memory_gb_total, storage_tb_total)
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
    amounts = parse_amounts(vcpu_total, memory_gb_total, storage_tb_total)
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
