"""Scoped reads of 政务云 shared by views, the API, the admin, forms and actions.

Capacity has one read model (``Capacity``): a pool's totals, what active allocations hold, what is
free per dimension, and — for a department — its quota and the headroom left in it. The overview,
the pool API, the request form, the approval page and the actions' capacity checks all read it, so
every place names the same free figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from digigov.core.numbers import CENT
from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from .models import Allocation, CloudPlatform, HostedSystem, Quota, RequestStatus, ResourcePool, ResourceRequest

SCOPE = {"department_field": "department", "division_field": "department__division"}
DIMENSIONS = (("vcpu", "vCPU", "核"), ("memory_gb", "内存", "GB"), ("storage_tb", "存储", "TB"))


# --- capacity --------------------------------------------------------------------------------------

@dataclass
class Usage:
    vcpu: int = 0
    memory_gb: int = 0
    storage_tb: Decimal = Decimal("0")

    def get(self, dim: str):
        return getattr(self, dim)

    @classmethod
    def from_row(cls, row: dict) -> Usage:
        return cls(row.get("vcpu") or 0, row.get("memory_gb") or 0, Decimal(row.get("storage_tb") or 0).quantize(CENT))


def _usage(qs) -> Usage:
    return Usage.from_row(qs.aggregate(vcpu=Sum("vcpu"), memory_gb=Sum("memory_gb"), storage_tb=Sum("storage_tb")))


def pool_usage(pool: ResourcePool) -> Usage:
    """Resources held by active allocations in a pool."""
    return _usage(Allocation.objects.active().filter(pool=pool))


def department_usage(department: Department, pool: ResourcePool) -> Usage:
    return _usage(Allocation.objects.active().filter(pool=pool, department=department))


def pool_totals(pool: ResourcePool) -> Usage:
    return Usage(pool.vcpu_total, pool.memory_gb_total, pool.storage_tb_total)


@dataclass(frozen=True)
class Dimension:
    """One row of a pool's capacity table."""

    key: str
    label: str
    unit: str
    total: int | Decimal
    allocated: int | Decimal
    quota: int | Decimal | None = None
    held: int | Decimal | None = None

    @property
    def free(self):
        return self.total - self.allocated

    @property
    def pct(self) -> float | None:
        return round(100 * float(self.allocated) / float(self.total), 1) if self.total else None

    @property
    def quota_free(self):
        return None if self.quota is None else self.quota - (self.held or 0)

    @property
    def available(self):
        """What a request can still get: the pool's free capacity, capped by the quota's headroom."""
        free = max(self.free, 0)
        return free if self.quota_free is None else min(free, max(self.quota_free, 0))


@dataclass
class Capacity:
    """A pool's capacity, optionally as seen by one department (its quota and holdings)."""

    pool: ResourcePool
    total: Usage
    allocated: Usage
    department: Department | None = None
    quota: Usage | None = None
    held: Usage | None = None
    dims: list[Dimension] = field(init=False)

    def __post_init__(self):
        self.dims = [Dimension(dim, label, unit, self.total.get(dim), self.allocated.get(dim),
                               self.quota.get(dim) if self.quota else None, self.held.get(dim) if self.held else None)
                     for dim, label, unit in DIMENSIONS]

    def dim(self, key: str) -> Dimension:
        return next(d for d in self.dims if d.key == key)

    def free(self) -> Usage:
        return Usage(*(d.free for d in self.dims))

    def pool_shortfall(self, wanted: dict) -> dict:
        """Dimensions where ``wanted`` exceeds what the pool has free now."""
        return _shortfall(self.dims, wanted, lambda d: d.free)

    def quota_shortfall(self, wanted: dict) -> dict:
        """Dimensions where ``wanted`` exceeds the department's quota headroom (none without a quota)."""
        if self.quota is None:
            return {}
        return _shortfall(self.dims, wanted, lambda d: d.quota_free)

    def total_excess(self, wanted: dict) -> dict:
        """Dimensions where ``wanted`` exceeds the pool's whole size (could never be granted)."""
        out = {}
        for d in self.dims:
            if wanted[d.key] > d.total:
                out[d.key] = {"label": d.label, "unit": d.unit, "requested": str(wanted[d.key]), "total": str(d.total)}
        return out


def _shortfall(dims: list[Dimension], wanted: dict, free_of) -> dict:
    out = {}
    for d in dims:
        free = free_of(d)
        if wanted[d.key] > free:
            out[d.key] = {"label": d.label, "unit": d.unit, "requested": str(wanted[d.key]), "free": str(max(free, 0))}
    return out


def describe_shortfall(short: dict) -> str:
    """“vCPU申请 8核，剩余 5核；…” (or “…，总量 …” for ``total_excess``)."""
    def part(v):
        limit = f"剩余 {v['free']}" if "free" in v else f"总量 {v['total']}"
        return f"{v['label']}申请 {v['requested']}{v['unit']}，{limit}{v['unit']}"

    return "；".join(part(v) for v in short.values())


def pool_capacity(pool: ResourcePool, department: Department | None = None) -> Capacity:
    """The capacity of ``pool`` now (one query; two more with a department: its quota and holdings)."""
    quota = held = None
    if department is not None:
        q = Quota.objects.active().filter(department=department, pool=pool).first()
        if q is not None:
            quota = Usage(q.vcpu, q.memory_gb, q.storage_tb)
            held = department_usage(department, pool)
    return Capacity(pool, pool_totals(pool), pool_usage(pool), department, quota, held)


def pool_capacities(pools) -> list[Capacity]:
    """The capacity of several pools in one aggregate query (list pages and the pools API)."""
    pools = list(pools)
    rows = (Allocation.objects.active().filter(pool__in=pools).values("pool")
            .annotate(vcpu=Sum("vcpu"), memory_gb=Sum("memory_gb"), storage_tb=Sum("storage_tb")))
    used = {r["pool"]: Usage.from_row(r) for r in rows}
    return [Capacity(p, pool_totals(p), used.get(p.pk, Usage())) for p in pools]


def default_pool() -> ResourcePool | None:
    """The pool a request goes to when none is named: the only active one (None if there are several)."""
    pools = list(ResourcePool.objects.active().select_related("platform").order_by("id")[:2])
    return pools[0] if len(pools) == 1 else None


def active_pools():
    return ResourcePool.objects.active().select_related("platform").order_by("id")


# --- scoped lists ----------------------------------------------------------------------------------

def platforms(user, perm: str = "cloud.view"):
    return scope_queryset(user, perm, CloudPlatform.objects.active().select_related("department__division"), **SCOPE)


def systems(user, perm: str = "cloud.view"):
    return scope_queryset(user, perm, HostedSystem.objects.active().select_related("department", "platform"), **SCOPE)


def requests(user, perm: str = "cloud.view"):
    """Requests in reach, voided ones included (a detail page still shows them)."""
    return scope_queryset(user, perm, ResourceRequest.objects.select_related(
        "department__division", "pool", "system", "submitted_by", "decided_by"), **SCOPE)


def pending_requests(user):
    return requests(user).filter(voided_at__isnull=True, status=RequestStatus.SUBMITTED)


def requestable_departments(user):
    """Departments ``user`` may file requests for."""
    return scope_queryset(user, "cloud.request", Department.objects.active(), department_field="", division_field="division").order_by("path")


def requestable_systems(user):
    """Non-classified systems a request by ``user`` may name."""
    return (scope_queryset(user, "cloud.request", HostedSystem.objects.active().filter(classified=False), **SCOPE)
            .select_related("department").order_by("department__path", "name"))
