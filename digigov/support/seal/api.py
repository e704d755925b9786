"""REST API of the seal registry at /api/v1/support/seals/. Objects are addressed by ``public_id`` (seals also
answer to their esID ``code``); lists are paginated and scoped to the caller's reach. Certificates are
public X.509 certificates only; private keys never leave the key store."""

from __future__ import annotations

import base64
from datetime import datetime

from asn1crypto import pem
from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, paginate, permission
from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account
from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.accounts.models import User
from digigov.core.org.models import Department

from . import actions, ca, selectors
from .models import ApplicationStatus, CertKind, Certificate, CertStatus, Seal, SealApplication, SealStatus, SealType

router = Router(tags=["support.seals 电子印章"])


class SealCertOut(Schema):
    public_id: str
    kind: str = Field(description="root | maker | unit | person")
    kind_label: str
    subject: str
    serial: str = Field(description="序列号（十六进制）")
    fingerprint: str = Field(description="证书 DER 的 SM3（十六进制）")
    not_before: datetime
    not_after: datetime
    status: str = Field(description="valid | revoked")
    status_label: str
    department: str | None = Field(description="所属单位 public_id")


def cert_out(c: Certificate) -> dict:
    return {"public_id": c.public_id, "kind": c.kind, "kind_label": c.get_kind_display(), "subject": c.subject, "serial": c.serial,
            "fingerprint": c.fingerprint, "not_before": c.not_before, "not_after": c.not_after, "status": c.status,
            "status_label": c.get_status_display(), "department": c.department.public_id if c.department_id else None}


class SealSummaryOut(Schema):
    public_id: str
    code: str = Field(description="印章编码（esID，14 位：区划 6 位 + 类型 2 位 + 序号 6 位）")
    name: str
    seal_type: int = Field(description="1 公章 | 2 业务专用章 | 3 合同专用章 | 4 法人章 | 5 个人签名章")
    seal_type_label: str
    department: str = Field(description="所属单位 public_id")
    department_name: str
    status: str = Field(description="active | suspended | revoked")
    status_label: str
    status_reason: str
    valid_start: datetime
    valid_end: datetime
    width_mm: int
    height_mm: int
    sign_count: int
    verify_count: int


class SealDetailOut(SealSummaryOut):
    signers: list[SealCertOut]
    replaces: str | None = Field(description="被替换印章的编码")


def seal_out(s: Seal) -> dict:
    return {"public_id": s.public_id, "code": s.code, "name": s.name, "seal_type": s.seal_type,
            "seal_type_label": s.get_seal_type_display(), "department": s.department.public_id, "department_name": s.department.name,
            "status": s.status, "status_label": s.get_status_display(), "status_reason": s.status_reason,
            "valid_start": s.valid_start, "valid_end": s.valid_end, "width_mm": s.width_mm, "height_mm": s.height_mm,
            "sign_count": s.sign_count, "verify_count": s.verify_count}


def seal_detail_out(s: Seal) -> dict:
    return {**seal_out(s), "signers": [cert_out(c) for c in s.signers.select_related("department").order_by("kind", "id")],
            "replaces": s.replaces.code if s.replaces_id else None}


class SealApplyIn(StrictSchema):
    department: str = Field(description="申请单位 public_id")
    seal_type: int = Field(description="1 公章 | 2 业务专用章 | 3 合同专用章 | 4 法人章 | 5 个人签名章")
    name: str = Field(max_length=64)
    holders: list[str] = Field(default_factory=list, max_length=20, description="授权签章人账户 public_id")
    valid_years: int = 5
    reason: str = Field(max_length=200)


class SealDecisionIn(StrictSchema):
    opinion: str = Field("", max_length=200)


class SealApplicationOut(Schema):
    public_id: str
    department: str
    department_name: str
    seal_type: int
    seal_type_label: str
    name: str
    holders: list[str] = Field(description="授权签章人账户 public_id")
    valid_years: int
    reason: str
    status: str = Field(description="submitted | approved | rejected | withdrawn")
    status_label: str
    opinion: str
    created_at: datetime
    decided_at: datetime | None
    seal: str | None = Field(description="制作的印章 public_id")
    seal_code: str | None


def app_out(a: SealApplication) -> dict:
    return {"public_id": a.public_id, "department": a.department.public_id, "department_name": a.department.name,
            "seal_type": a.seal_type, "seal_type_label": a.get_seal_type_display(), "name": a.name,
            "holders": [u.public_id for u in a.holders.all()], "valid_years": a.valid_years, "reason": a.reason,
            "status": a.status, "status_label": a.get_status_display(), "opinion": a.opinion, "created_at": a.created_at,
            "decided_at": a.decided_at, "seal": a.seal.public_id if a.seal_id else None, "seal_code": a.seal.code if a.seal_id else None}


def _seal(request, key: str) -> Seal:
    qs = selectors.seals_in_reach(request.auth)
    seal = qs.filter(public_id=key).first() or qs.filter(code=key).first()
    if seal is None:
        raise NotFound("印章不存在或无权查看", code="not_found")
    return seal


@router.get("/", response=Page[SealSummaryOut], summary="电子印章列表（按单位、类型、状态筛选）")
@permission("seal.view")
def list_seals(request, department: str | None = None, seal_type: int | None = None, status: str | None = None,
               page: int = 1, page_size: int = 50):
    dept = None
    if department:
        dept = Department.objects.filter(public_id=department).first()
        if dept is None:
            raise ValidationFailed("单位不存在", code="unknown_department", detail={"field": "department"})
    if seal_type is not None and seal_type not in SealType.values:
        raise ValidationFailed("印章类型无效", code="invalid_seal_type", detail={"field": "seal_type"})
    if status and status not in SealStatus.values:
        raise ValidationFailed("印章状态无效", code="invalid_status", detail={"field": "status"})
    qs = selectors.filter_seals(selectors.seals_in_reach(request.auth), department=dept, seal_type=seal_type, status=status)
    return paginate(qs.order_by("department__path", "seal_type", "code"), page, page_size, seal_out)


class SealCertFileOut(Schema):
    public_id: str
    kind: str = Field(description="root | maker | unit | person")
    subject: str
    fingerprint: str = Field(description="证书 DER 的 SM3（十六进制）")
    pem: str = Field(description="X.509 证书（PEM）")
    der_base64: str = Field(description="X.509 证书（DER，Base64）")


def cert_file_out(cert: Certificate) -> dict:
    der = bytes(cert.der)
    return {"public_id": cert.public_id, "kind": cert.kind, "subject": cert.subject, "fingerprint": cert.fingerprint,
            "pem": pem.armor("CERTIFICATE", der).decode("ascii"), "der_base64": base64.b64encode(der).decode("ascii")}


@router.get("/ca/root", response=SealCertFileOut, summary="电子印章 CA 根证书（验证方的信任锚）")
@permission("seal.view")
def root_certificate(request):
    root = ca.root()
    if root is None:  # the CA is made on first use (by the platform), also when a verifier asks first
        system = system_account()
        with acting_as(system):  # the platform makes the CA, not the caller (the audit entry names it)
            root, _maker = ca.ensure_ca(system)
    return cert_file_out(root)


@router.get("/certificates", response=Page[SealCertOut], summary="数字证书列表")
@permission("seal.view")
def list_certificates(request, kind: str | None = None, status: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.certificates(request.auth)
    if kind:
        if kind not in CertKind.values:
            raise ValidationFailed("证书类型无效", code="invalid_kind", detail={"field": "kind"})
        qs = qs.filter(kind=kind)
    if status:
        if status not in CertStatus.values:
            raise ValidationFailed("证书状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    return paginate(qs.order_by("kind", "-not_before", "-id"), page, page_size, cert_out)


@router.get("/certificates/{public_id}/download", response=SealCertFileOut, summary="下载证书（仅公钥证书：PEM 与 DER）")
@permission("seal.view")
def download_certificate(request, public_id: str):
    return cert_file_out(selectors.certificate_for(request.auth, public_id))


@router.get("/applications", response=Page[SealApplicationOut], summary="印章申请列表（审批人默认可按待审批筛选）")
@permission("seal.view")
def list_applications(request, status: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.applications_in_reach(request.auth).prefetch_related("holders")
    if status:
        if status not in ApplicationStatus.values:
            raise ValidationFailed("申请状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, app_out)


@router.post("/applications", response={200: SealApplicationOut, 201: SealApplicationOut}, summary="提交印章申请（重复提交返回待审批的同一申请）")
@permission("seal.apply")
def create_application(request, payload: SealApplyIn):
    department = Department.objects.active().filter(public_id=payload.department).select_related("division").first()
    if department is None:
        raise ValidationFailed("申请单位不存在", code="unknown_department", detail={"field": "department"})
    holders = list(User.objects.filter(public_id__in=payload.holders))
    if len(holders) != len(set(payload.holders)):
        raise ValidationFailed("授权签章人不存在", code="unknown_holder", detail={"field": "holders"})
    app, created = actions.apply_for_seal(request.auth, department=department, seal_type=payload.seal_type, name=payload.name,
                                          holders=holders, valid_years=payload.valid_years, reason=payload.reason)
    return Status(201 if created else 200, app_out(SealApplication.objects.select_related("department", "seal").get(pk=app.pk)))


def _application(request, public_id: str) -> SealApplication:
    return selectors.application_for(request.auth, public_id)


@router.get("/applications/{public_id}", response=SealApplicationOut, summary="印章申请详情")
@permission("seal.view")
def get_application(request, public_id: str):
    return app_out(_application(request, public_id))


@router.post("/applications/{public_id}/approve", response=SealApplicationOut, summary="批准印章申请并制作印章")
@permission("seal.approve")
def approve_application(request, public_id: str, payload: SealDecisionIn):
    app = actions.approve(request.auth, _application(request, public_id), payload.opinion)
    return app_out(_application(request, app.public_id))


@router.post("/applications/{public_id}/reject", response=SealApplicationOut, summary="驳回印章申请（须填写审批意见）")
@permission("seal.approve")
def reject_application(request, public_id: str, payload: SealDecisionIn):
    app = actions.reject(request.auth, _application(request, public_id), payload.opinion)
    return app_out(_application(request, app.public_id))


@router.get("/{key}", response=SealDetailOut, summary="电子印章详情（public_id 或印章编码）")
@permission("seal.view")
def get_seal(request, key: str):
    return seal_detail_out(_seal(request, key))
