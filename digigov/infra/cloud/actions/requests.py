"""Resource requests (云资源申请): submission, approval (which grants an allocation), rejection, withdrawal, voiding."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.kpi.actions import recompute_after_commit
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from ..models import CloudStatus, HostedSystem, RequestPurpose, RequestStatus, ResourcePool, ResourceRequest
from ..selectors import default_pool, describe_shortfall, pool_capacity
from ._common import CENT, active_department, parse_amounts
from .quotas import _new_allocation, check_capacity

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


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
    department = active_department(department)
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
    amounts = parse_amounts(vcpu, memory_gb, storage_tb)
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
    # a request larger than the whole pool could never be granted; one above what is free now may be,
    # once allocations are released or the pool grows (the form asks the user to confirm such a request)
    over = pool_capacity(pool).total_excess(amounts)
    if over:
        raise ValidationFailed(f"申请超过资源池总量：{describe_shortfall(over)}", code="exceeds_pool_total",
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
    check_capacity(pool, req.department, amounts)

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
