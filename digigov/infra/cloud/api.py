"""REST API of 政务云 at /api/v1/infra/cloud/. Objects are addressed by ``public_id``; every operation
names its permission; lists are paginated (``page``, ``page_size``) and scoped to the caller's reach."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Header, Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.core.kpi.api import PartOut
from digigov.core.kpi.selectors import visible_parts
from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from . import actions, kpis, selectors
from .models import CloudPlatform, CloudStatus, HostedSystem, RequestStatus, ResourcePool, ResourceRequest
from .selectors import SCOPE

router = Router(tags=["infra.cloud 政务云"])


def _num(value) -> float:
    return float(value) if isinstance(value, Decimal) else value


# --- schemas ---------------------------------------------------------------------------------------

class RequestIn(StrictSchema):
    department: str
    purpose: str
    vcpu: int = 0
    memory_gb: int = 0
    storage_tb: Decimal = Decimal("0")
    reason: str
    system: str | None = None
    pool: str | None = None
    idempotency_key: str | None = None


class DecisionIn(StrictSchema):
    note: str = ""


class SystemStatusIn(StrictSchema):
    cloud_status: str
    exempt_reason: str = ""


class IntegrationIn(StrictSchema):
    integrated: bool


class SampleIn(StrictSchema):
    at: datetime
    cpu_pct: float
    mem_pct: float
    storage_pct: float


class SamplesIn(StrictSchema):
    samples: list[SampleIn]


class ResourceRequestOut(Schema):
    public_id: str
    department: str = Field(description="申请单位 public_id")
    department_name: str
    pool: str = Field(description="资源池 public_id")
    system: str | None = Field(description="信息系统 public_id")
    system_name: str | None
    purpose: str = Field(description="new | migrate | expand")
    vcpu: int
    memory_gb: int
    storage_tb: float = Field(description="存储（TB，两位小数）")
    reason: str
    status: str = Field(description="submitted | approved | rejected | withdrawn")
    status_label: str
    voided: bool
    decision_note: str
    decided_at: datetime | None
    created_at: datetime


def request_out(r: ResourceRequest) -> dict:
    return {
        "public_id": r.public_id, "department": r.department.public_id, "department_name": r.department.name,
        "pool": r.pool.public_id, "system": r.system.public_id if r.system else None, "system_name": r.system.name if r.system else None,
        "purpose": r.purpose, "vcpu": r.vcpu, "memory_gb": r.memory_gb, "storage_tb": _num(r.storage_tb), "reason": r.reason,
        "status": r.status, "status_label": r.get_status_display(), "voided": r.voided_at is not None,
        "decision_note": r.decision_note, "decided_at": r.decided_at, "created_at": r.created_at,
    }


class HostedSystemOut(Schema):
    public_id: str
    name: str
    department: str = Field(description="主管单位 public_id")
    department_name: str
    classified: bool
    cloud_status: str = Field(description="migrated | planned | exempt")
    cloud_status_label: str
    platform: str | None = Field(description="部署云平台 public_id")
    platform_name: str | None
    went_live_on: date | None
    migrated_on: date | None
    planned_migration_on: date | None


def system_out(s: HostedSystem) -> dict:
    return {
        "public_id": s.public_id, "name": s.name, "department": s.department.public_id, "department_name": s.department.name,
        "classified": s.classified, "cloud_status": s.cloud_status, "cloud_status_label": s.get_cloud_status_display(),
        "platform": s.platform.public_id if s.platform else None, "platform_name": s.platform.name if s.platform else None,
        "went_live_on": s.went_live_on, "migrated_on": s.migrated_on, "planned_migration_on": s.planned_migration_on,
    }


class CloudPlatformOut(Schema):
    public_id: str
    name: str
    kind: str = Field(description="cloud | datacenter")
    kind_label: str
    department: str = Field(description="运维单位 public_id")
    department_name: str
    integrated: bool = Field(description="已整合融入“一朵云”")
    integrated_on: date | None


def platform_out(p: CloudPlatform) -> dict:
    return {"public_id": p.public_id, "name": p.name, "kind": p.kind, "kind_label": p.get_kind_display(),
            "department": p.department.public_id, "department_name": p.department.name, "integrated": p.integrated,
            "integrated_on": p.integrated_on}


class PoolCountOut(Schema):
    total: int
    allocated: int = Field(description="有效分配合计")
    free: int


class PoolStorageOut(Schema):
    total: float
    allocated: float = Field(description="有效分配合计")
    free: float


class ResourcePoolOut(Schema):
    public_id: str
    name: str
    platform: str | None = Field(description="所属云平台 public_id")
    vcpu: PoolCountOut = Field(description="vCPU（核）")
    memory_gb: PoolCountOut = Field(description="内存（GB）")
    storage_tb: PoolStorageOut = Field(description="存储（TB）")


class ResourcePoolListOut(Schema):
    items: list[ResourcePoolOut]


class SamplesAcceptedOut(Schema):
    count: int = Field(description="写入的采样条数")


def pool_out(capacity: selectors.Capacity) -> dict:
    pool = capacity.pool
    out = {"public_id": pool.public_id, "name": pool.name, "platform": pool.platform.public_id if pool.platform else None}
    for d in capacity.dims:
        out[d.key] = {"total": _num(d.total), "allocated": _num(d.allocated), "free": _num(d.free)}
    return out


class AdoptionOut(Schema):
    value: float | None = Field(description="上云率（%），无应上云系统时为 null")
    numerator: int = Field(description="已上云的非涉密信息系统数")
    denominator: int = Field(description="应上云的非涉密信息系统数（不含经批准暂不上云）")
    by_division: list[PartOut]
    by_department: list[PartOut]


# --- pools, platforms, systems -------------------------------------------------------------------

@router.get("/pools", response=ResourcePoolListOut, summary="资源池容量与分配情况")
@permission("cloud.view")
def list_pools(request):
    return {"items": [pool_out(c) for c in selectors.pool_capacities(selectors.active_pools())]}


@router.post("/pools/{public_id}/samples", response=SamplesAcceptedOut, summary="上报资源使用率采样")
@permission("cloud.manage")
def post_samples(request, public_id: str, payload: SamplesIn):
    pool = get_or_404(ResourcePool.objects.active(), public_id=public_id)
    n = actions.record_samples(request.auth, pool, [s.model_dump() for s in payload.samples])
    return {"count": n}


@router.get("/platforms", response=Page[CloudPlatformOut], summary="云平台列表（含是否整合入“一朵云”）")
@permission("cloud.view")
def list_platforms(request, integrated: bool | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.platforms(request.auth)
    if integrated is not None:
        qs = qs.filter(integrated=integrated)
    return paginate(qs.order_by("name", "id"), page, page_size, platform_out)


@router.post("/platforms/{public_id}/integration", response=CloudPlatformOut, summary="设置云平台整合状态")
@permission("cloud.manage")
def set_integration(request, public_id: str, payload: IntegrationIn):
    platform = get_or_404(selectors.platforms(request.auth, "cloud.manage"), public_id=public_id)
    platform = actions.set_platform_integrated(request.auth, platform, payload.integrated)
    return platform_out(CloudPlatform.objects.select_related("department").get(pk=platform.pk))


@router.get("/systems", response=Page[HostedSystemOut], summary="信息系统列表")
@permission("cloud.view")
def list_systems(request, status: str | None = None, classified: bool | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.systems(request.auth)
    if status:
        if status not in CloudStatus.values:
            raise ValidationFailed("上云状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(cloud_status=status)
    if classified is not None:
        qs = qs.filter(classified=classified)
    return paginate(qs.order_by("department__path", "name", "id"), page, page_size, system_out)


@router.post("/systems/{public_id}/status", response=HostedSystemOut, summary="调整信息系统上云状态")
@permission("cloud.manage")
def set_system_status(request, public_id: str, payload: SystemStatusIn):
    system = get_or_404(selectors.systems(request.auth, "cloud.manage"), public_id=public_id)
    system = actions.set_system_status(request.auth, system, payload.cloud_status, exempt_reason=payload.exempt_reason)
    return system_out(HostedSystem.objects.select_related("department", "platform").get(pk=system.pk))


@router.get("/adoption", response=AdoptionOut, summary="非涉密信息系统上云率（含分解）")
@permission("cloud.view")
def adoption(request):
    r = kpis.cloud_rate()
    by_division, by_department = visible_parts(request.auth, r, "cloud.view")  # the figure is the city's; parts only in reach
    return {"value": r.value, "numerator": r.numerator, "denominator": r.denominator,
            "by_division": [p.as_dict() for p in by_division], "by_department": [p.as_dict() for p in by_department]}


# --- resource requests ---------------------------------------------------------------------------

def _requests(user, perm: str):
    return selectors.requests(user, perm)


@router.get("/requests", response=Page[ResourceRequestOut], summary="云资源申请列表")
@permission("cloud.view")
def list_requests(request, status: str | None = None, page: int = 1, page_size: int = 50):
    qs = _requests(request.auth, "cloud.view").filter(voided_at__isnull=True)
    if status:
        if status not in RequestStatus.values:
            raise ValidationFailed("申请状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, request_out)


@router.post("/requests", response={200: ResourceRequestOut, 201: ResourceRequestOut}, summary="提交云资源申请（支持 Idempotency-Key）")
@permission("cloud.request")
def create_request(request, payload: RequestIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    key = (idempotency_key or "").strip()
    body_key = (payload.idempotency_key or "").strip()
    if key and body_key and key != body_key:
        raise ValidationFailed("请求头与请求体中的幂等键不一致", code="idempotency_key_mismatch", detail={"field": "idempotency_key"})
    department = Department.objects.active().filter(public_id=payload.department).select_related("division").first()
    if department is None:
        raise ValidationFailed("申请单位不存在", code="unknown_department", detail={"field": "department"})
    system = None
    if payload.system:
        # only systems within the caller's reach can be named (no existence oracle for other departments')
        system = scope_queryset(request.auth, "cloud.request", HostedSystem.objects.all(), **SCOPE).filter(public_id=payload.system).first()
        if system is None:
            raise ValidationFailed("信息系统不存在", code="unknown_system", detail={"field": "system"})
    pool = None
    if payload.pool:
        pool = ResourcePool.objects.filter(public_id=payload.pool).first()
        if pool is None:
            raise ValidationFailed("资源池不存在", code="unknown_pool", detail={"field": "pool"})
    req, created = actions.submit_request(
        request.auth, department=department, purpose=payload.purpose, vcpu=payload.vcpu, memory_gb=payload.memory_gb,
        storage_tb=payload.storage_tb, reason=payload.reason, system=system, pool=pool, idempotency_key=key or body_key,
    )
    req = ResourceRequest.objects.select_related("department", "pool", "system").get(pk=req.pk)
    return Status(201 if created else 200, request_out(req))


@router.get("/requests/{public_id}", response=ResourceRequestOut, summary="云资源申请详情")
@permission("cloud.view")
def get_request(request, public_id: str):
    return request_out(get_or_404(_requests(request.auth, "cloud.view"), public_id=public_id))


@router.post("/requests/{public_id}/approve", response=ResourceRequestOut, summary="批准申请（检查资源池容量并分配资源）")
@permission("cloud.approve")
def approve(request, public_id: str, payload: DecisionIn):
    req = get_or_404(_requests(request.auth, "cloud.approve"), public_id=public_id)
    actions.approve_request(request.auth, req, payload.note)
    return request_out(_requests(request.auth, "cloud.approve").get(pk=req.pk))


@router.post("/requests/{public_id}/reject", response=ResourceRequestOut, summary="驳回申请（须填写审批意见）")
@permission("cloud.approve")
def reject(request, public_id: str, payload: DecisionIn):
    req = get_or_404(_requests(request.auth, "cloud.approve"), public_id=public_id)
    actions.reject_request(request.auth, req, payload.note)
    return request_out(_requests(request.auth, "cloud.approve").get(pk=req.pk))


@router.post("/requests/{public_id}/withdraw", response=ResourceRequestOut, summary="撤回本单位未审批的申请")
@permission("cloud.request")
def withdraw(request, public_id: str):
    req = get_or_404(_requests(request.auth, "cloud.request"), public_id=public_id)
    actions.withdraw_request(request.auth, req)
    return request_out(_requests(request.auth, "cloud.request").get(pk=req.pk))

