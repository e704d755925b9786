"""Every write of the seal registry (电子印章管理): applications, making, the seal's life cycle, certificates.

A unit's administrator applies (``seal.apply`` over the unit); the city's seal authority approves
(``seal.approve``), which *makes* the seal in one transaction: the unit certificate (if the unit has none valid
for the seal's whole life), a person certificate per holder without one, the PNG picture, the GB/T 38540
``SESeal`` signed by the maker, the esID code. Suspending, resuming and revoking need a reason; a re-issue is
a new application naming the seal it ``replaces`` (approval revokes the old one). Every action checks the
permission, validates with Chinese field errors, writes in one transaction and appends an audit entry; bad
input writes nothing. A double-clicked application returns the pending twin instead of filing another.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digigov.core.accounts.models import User, UserKind
from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.org.models import Department, StaffMember
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.rbac.models import RoleAssignment
from digigov.core.text import clean_text

from . import ca, image, ses
from .models import (ApplicationStatus, CertKind, Certificate, CertStatus, Seal, SealApplication, SealStatus, SealType)
from .signing import private_key

MAX_HOLDERS = 20
MAX_VALID_YEARS = 10
SINGLE_HOLDER_TYPES = (SealType.LEGAL_REP, SealType.PERSONAL)
TYPE_CODES = {t: f"{int(t):02d}" for t in SealType}


# --- validation ------------------------------------------------------------------------------------

def _seal_type(value) -> SealType:
    try:
        if isinstance(value, bool):
            raise ValueError
        return SealType(int(value))
    except (TypeError, ValueError):
        raise ValidationFailed("印章类型无效", code="invalid_seal_type", detail={"field": "seal_type"}) from None


def _valid_years(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationFailed("有效期必须是整数年", code="invalid_valid_years", detail={"field": "valid_years"})
    try:
        years = int(value)
    except ValueError:
        raise ValidationFailed("有效期必须是整数年", code="invalid_valid_years", detail={"field": "valid_years"}) from None
    if not 1 <= years <= MAX_VALID_YEARS:
        raise ValidationFailed(f"有效期应为 1 至 {MAX_VALID_YEARS} 年", code="invalid_valid_years", detail={"field": "valid_years"})
    return years


def staff_of(department):
    """Users who work in the unit (a Department, or a queryset of them): a StaffMember row there, or a role
    granted over exactly that unit."""
    where = {"department": department} if isinstance(department, Department) else {"department__in": department}
    staff = StaffMember.objects.filter(voided_at__isnull=True, **where).values("user_id")
    granted = RoleAssignment.objects.filter(voided_at__isnull=True, **where).values("user_id")
    return User.objects.filter(Q(pk__in=staff) | Q(pk__in=granted), is_active=True, kind=UserKind.STAFF)


def _holders(holders, department: Department, seal_type: SealType) -> list:
    holders = list(dict.fromkeys(holders or []))
    if len(holders) > MAX_HOLDERS:
        raise ValidationFailed(f"授权签章人不能超过 {MAX_HOLDERS} 人", code="too_many_holders", detail={"field": "holders"})
    if seal_type in SINGLE_HOLDER_TYPES and len(holders) != 1:
        raise ValidationFailed(f"{seal_type.label}须指定且只能指定一名授权签章人", code="one_holder_required",
                               detail={"field": "holders"})
    allowed = set(staff_of(department).filter(pk__in=[h.pk for h in holders]).values_list("pk", flat=True))
    strangers = [h for h in holders if h.pk not in allowed]
    if strangers:
        raise ValidationFailed(f"授权签章人须为本单位工作人员：{strangers[0]}", code="holder_not_staff",
                               detail={"field": "holders"})
    return holders


def _reason(value, field="reason", label="原因", max_length=200, required=True) -> str:
    return clean_text(value, field, label, max_length, required=required)


# --- applications ----------------------------------------------------------------------------------

def apply_for_seal(actor, *, department: Department, seal_type, name, holders=(), valid_years=5, reason,
                   replaces: Seal | None = None) -> tuple[SealApplication, bool]:
    """File a seal application. Returns ``(application, created)``: the same application filed again while the
    first is pending (a double click) returns the pending one."""
    department = active_department(department)
    require(actor, "seal.apply", SealApplication(department=department))
    seal_type = _seal_type(seal_type)
    name = clean_text(name, "name", "印章名称", 64)
    years = _valid_years(valid_years)
    reason = _reason(reason, label="申请事由")
    holders = _holders(holders, department, seal_type)
    with transaction.atomic():
        Department.objects.select_for_update().filter(pk=department.pk).first()  # serialise a unit's applications
        if replaces is not None:
            replaces = Seal.objects.select_for_update().get(pk=replaces.pk)
            if replaces.department_id != department.pk:
                raise ValidationFailed("只能重新制作本单位的印章", code="replaces_other_unit", detail={"field": "replaces"})
            if replaces.status == SealStatus.REVOKED:
                raise Conflict("该印章已注销，不能重新制作", code="replaces_revoked")
            if replaces.seal_type != seal_type:
                raise ValidationFailed("重新制作的印章类型须与原印章一致", code="replaces_type_mismatch", detail={"field": "seal_type"})
        pending = SealApplication.objects.filter(department=department, seal_type=seal_type, name=name,
                                                 status=ApplicationStatus.SUBMITTED)
        twin = pending.filter(applicant=actor, replaces=replaces, valid_years=years, reason=reason).first()
        if twin is not None and set(twin.holders.values_list("pk", flat=True)) == {h.pk for h in holders}:
            return twin, False
        if pending.exists():
            raise Conflict("本单位已有同名同类型的印章申请待审批", code="duplicate_pending", detail={"field": "name"})
        if replaces is None and seal_type == SealType.OFFICIAL and Seal.objects.filter(
                department=department, seal_type=SealType.OFFICIAL).exclude(status=SealStatus.REVOKED).exists():
            raise Conflict("本单位已有公章；如需更换请申请重新制作", code="official_exists", detail={"field": "seal_type"})
        if replaces is None and Seal.objects.filter(department=department, seal_type=seal_type, name=name).exclude(
                status=SealStatus.REVOKED).exists():
            raise Conflict("本单位已有同名同类型的印章", code="seal_exists", detail={"field": "name"})
        app = SealApplication.objects.create(department=department, seal_type=seal_type, name=name, valid_years=years,
                                             reason=reason, replaces=replaces, applicant=actor)
        app.holders.set(holders)
        record(actor, "seal.application.submit", app, after={**snapshot(app), "holders": [h.public_id for h in holders]})
    return app, True


def reissue(actor, seal: Seal, *, reason, holders=None, valid_years=5) -> tuple[SealApplication, bool]:
    """Apply to re-make ``seal`` (lost key, changed holders, renamed unit): approval revokes the old seal."""
    if holders is None:
        holders = [c.user for c in seal.signers.filter(kind=CertKind.PERSON).select_related("user")]
    return apply_for_seal(actor, department=seal.department, seal_type=seal.seal_type, name=seal.name, holders=holders,
                          valid_years=valid_years, reason=reason, replaces=seal)


def _lock_pending(application: SealApplication) -> SealApplication:
    app = SealApplication.objects.select_for_update().select_related("department__division").get(pk=application.pk)
    if app.status != ApplicationStatus.SUBMITTED:
        raise Conflict(f"该申请已处理（{app.get_status_display()}），不能重复操作", code="already_decided",
                       detail={"status": app.status})
    return app


def _decide(actor, app: SealApplication, status: str, opinion: str) -> dict:
    before = snapshot(app)
    app.status, app.decided_by, app.decided_at, app.opinion = status, actor, timezone.now(), opinion
    return before


def reject(actor, application: SealApplication, opinion) -> SealApplication:
    require(actor, "seal.approve", application)
    opinion = _reason(opinion, "opinion", "审批意见")
    with transaction.atomic():
        app = _lock_pending(application)
        before = _decide(actor, app, ApplicationStatus.REJECTED, opinion)
        app.save(update_fields=["status", "decided_by", "decided_at", "opinion", "updated_at"])
        record(actor, "seal.application.reject", app, before=before, after=snapshot(app))
    return app


def withdraw(actor, application: SealApplication) -> SealApplication:
    require(actor, "seal.apply", application)
    with transaction.atomic():
        app = _lock_pending(application)
        before = snapshot(app)
        app.status = ApplicationStatus.WITHDRAWN
        app.save(update_fields=["status", "updated_at"])
        record(actor, "seal.application.withdraw", app, before=before, after=snapshot(app))
    return app


# --- making the seal -------------------------------------------------------------------------------

def division_prefix(department: Department) -> str:
    code = "".join(ch for ch in (department.division.code or "") if ch.isdigit())
    return (code + "000000")[:6]


def next_code(department: Department, seal_type: int) -> str:
    """esID: ``<6-digit division><2-digit type><6-digit sequence>`` (14 characters), unique.

    Called inside the approving transaction after the department row is locked; the unique index on
    ``Seal.code`` is the last word if two divisions' approvers race."""
    prefix = division_prefix(department) + TYPE_CODES[SealType(seal_type)]
    last = (Seal.objects.filter(code__startswith=prefix, code__regex=r"^\d{14}$").order_by("-code")
            .values_list("code", flat=True).first())
    seq = int(last[8:]) + 1 if last else 1
    if seq > 999_999:
        raise Conflict("该区划该类型印章编号已用尽", code="code_exhausted")
    return f"{prefix}{seq:06d}"


def _valid_cert(kind, *, department, user=None, until) -> Certificate | None:
    qs = Certificate.objects.filter(kind=kind, department=department, status=CertStatus.VALID, not_after__gte=until,
                                    not_before__lte=timezone.now())
    if user is not None:
        qs = qs.filter(user=user)
    return qs.order_by("-not_after").first()


def _years_to_cover(until) -> int:
    return max(1, -(-(until - timezone.now()).days // 365) + 1)


def _make(actor, app: SealApplication) -> Seal:
    now = timezone.now().replace(microsecond=0)
    valid_end = now + dt.timedelta(days=365 * app.valid_years)
    department = app.department
    _, maker = ca.ensure_ca(actor)
    holders = list(app.holders.all())
    signers: list[Certificate] = []
    if app.seal_type not in SINGLE_HOLDER_TYPES:
        unit = _valid_cert(CertKind.UNIT, department=department, until=valid_end)
        signers.append(unit or ca.issue_unit_certificate(actor, department, years=_years_to_cover(valid_end)))
    for holder in holders:
        cert = _valid_cert(CertKind.PERSON, department=department, user=holder, until=valid_end)
        signers.append(cert or ca.issue_person_certificate(actor, holder, department, years=_years_to_cover(valid_end)))
    code = next_code(department, app.seal_type)
    png = image.render_png(app.name, app.seal_type)
    width, height = image.size_mm(app.seal_type)
    info = ses.seal_info(es_id=code, seal_type=int(app.seal_type), name=app.name,
                         signer_certs=[bytes(c.der) for c in signers], created=now, valid_start=now, valid_end=valid_end,
                         picture_png=png, width_mm=width, height_mm=height)
    der = ses.make_seal(info, maker_cert=bytes(maker.der), maker_key=private_key(maker))
    seal = Seal.objects.create(code=code, name=app.name, seal_type=app.seal_type, department=department, maker_cert=maker,
                               image_png=png, width_mm=width, height_mm=height, der=der, valid_start=now,
                               valid_end=valid_end, replaces=app.replaces)
    seal.signers.set(signers)
    record(actor, "seal.make", seal, after={**snapshot(seal), "signers": [c.fingerprint for c in signers]})
    return seal


def approve(actor, application: SealApplication, opinion="") -> SealApplication:
    """Approve and make the seal (and revoke the seal it replaces)."""
    require(actor, "seal.approve", application)
    opinion = _reason(opinion, "opinion", "审批意见", required=False)
    with transaction.atomic():
        app = _lock_pending(application)
        if app.applicant_id == getattr(actor, "pk", None):
            raise Conflict("不能审批本人提交的印章申请", code="self_approval")
        if app.department.voided_at is not None:
            raise Conflict("申请单位已撤销，不能制作印章", code="department_voided")
        Department.objects.select_for_update().filter(pk=app.department_id).first()
        old = None
        if app.replaces_id:
            old = Seal.objects.select_for_update().get(pk=app.replaces_id)
            if old.status == SealStatus.REVOKED:
                raise Conflict("被替换的印章已注销", code="replaces_revoked")
        seal = _make(actor, app)
        before = _decide(actor, app, ApplicationStatus.APPROVED, opinion)
        app.seal = seal
        app.save(update_fields=["status", "decided_by", "decided_at", "opinion", "seal", "updated_at"])
        record(actor, "seal.application.approve", app, before=before, after=snapshot(app))
        if old is not None:
            _set_status(actor, old, SealStatus.REVOKED, f"已重新制作，由 {seal.code} 替换", "seal.revoke")
    return app


# --- the seal's life cycle -------------------------------------------------------------------------

def _set_status(actor, seal: Seal, status: str, reason: str, action: str) -> Seal:
    before = snapshot(seal)
    seal.status, seal.status_reason, seal.status_changed_at = status, reason, timezone.now()
    seal.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    after = snapshot(seal)
    if action == "seal.suspend":
        record(actor, "seal.suspend", seal, before=before, after=after)
    elif action == "seal.resume":
        record(actor, "seal.resume", seal, before=before, after=after)
    else:
        record(actor, "seal.revoke", seal, before=before, after=after)
    return seal


def _transition(actor, seal: Seal, reason, *, allowed_from: tuple, to: str, action: str, refusal: str) -> Seal:
    require(actor, "seal.approve", seal)
    reason = _reason(reason)
    with transaction.atomic():
        seal = Seal.objects.select_for_update().get(pk=seal.pk)
        if seal.status not in allowed_from:
            raise Conflict(refusal.format(status=seal.get_status_display()), code="invalid_status",
                           detail={"status": seal.status})
        return _set_status(actor, seal, to, reason, action)


def suspend(actor, seal: Seal, reason) -> Seal:
    return _transition(actor, seal, reason, allowed_from=(SealStatus.ACTIVE,), to=SealStatus.SUSPENDED,
                       action="seal.suspend", refusal="印章当前{status}，不能暂停")


def resume(actor, seal: Seal, reason) -> Seal:
    return _transition(actor, seal, reason, allowed_from=(SealStatus.SUSPENDED,), to=SealStatus.ACTIVE,
                       action="seal.resume", refusal="印章当前{status}，不能恢复使用")


def revoke(actor, seal: Seal, reason) -> Seal:
    return _transition(actor, seal, reason, allowed_from=(SealStatus.ACTIVE, SealStatus.SUSPENDED), to=SealStatus.REVOKED,
                       action="seal.revoke", refusal="印章当前{status}，不能注销")


def revoke_certificate(actor, cert: Certificate, reason) -> Certificate:
    """Revoke a unit or person certificate (lost device, staff left). The CA's own certificates are not
    revoked here: that would void every seal of the city and is a key ceremony, not a click."""
    require(actor, "seal.approve", cert if cert.department_id else WHOLE_CITY)
    reason = _reason(reason, label="吊销原因")
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=cert.pk)
        if cert.kind in (CertKind.ROOT, CertKind.MAKER):
            raise ValidationFailed("根证书和制章者证书不能在此吊销", code="ca_certificate")
        if cert.status == CertStatus.REVOKED:
            raise Conflict("该证书已吊销", code="already_revoked")
        before = snapshot(cert)
        cert.status, cert.revoked_at, cert.revoke_reason = CertStatus.REVOKED, timezone.now(), reason
        cert.save(update_fields=["status", "revoked_at", "revoke_reason", "updated_at"])
        record(actor, "seal.certificate.revoke", cert, before=before, after=snapshot(cert))
    return cert
