"""REST API of e-licence use.

* ``/api/v1/my/licences/`` (``license.hold``): the holder's wallet — list, detail, a 亮证 token, use log,
  one-time grants (create shows the code once; revoke).
* ``/api/v1/support/licence-use/`` (``license.verify``): staff scan a 亮证 token or redeem a grant code and
  get the licence in clear (the read is audited).

The same ``wallet`` selectors and ``grants`` actions as the pages; errors answer ``{code, message, detail}``."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import NotFound

from . import grants, wallet
from .models import GranteeKind, Licence, LicenceUse, UseGrant

my_router = Router(tags=["support.license 我的证照"])
use_router = Router(tags=["support.license 用证核验"])


class WalletLicenceOut(Schema):
    public_id: str
    type_name: str = Field(description="证照名称")
    number_masked: str = Field(description="证照编号（部分隐藏）")
    holder_name: str
    issuer: str = Field(description="发证机关")
    valid_from: date
    valid_until: date | None = Field(description="空表示长期有效")
    status: str = Field(description="valid 有效 | expired 已过期 | revoked 已注销 | superseded 已变更")
    status_label: str


class WalletFieldOut(Schema):
    label: str
    value: str


class WalletLicenceDetailOut(WalletLicenceOut):
    number: str
    identifier: str = Field(description="证照标识（GB/T 36903）")
    issued_on: date
    fields: list[WalletFieldOut]


def licence_out(lic: Licence) -> dict:
    code, label = wallet.effective_status(lic)
    return {"public_id": lic.public_id, "type_name": lic.licence_type.name, "number_masked": wallet.mask_number(lic.number),
            "holder_name": lic.holder_name, "issuer": lic.issuer.name, "valid_from": lic.valid_from, "valid_until": lic.valid_until,
            "status": code, "status_label": label}


def _fields(lic: Licence) -> list[dict]:
    data = lic.data or {}
    return [{"label": str(f.get("label") or ""), "value": str(data[f["key"]])} for f in (lic.licence_type.fields or [])
            if isinstance(f, dict) and f.get("key") in data]


def licence_detail_out(lic: Licence) -> dict:
    return {**licence_out(lic), "number": lic.number, "identifier": lic.identifier, "issued_on": lic.issued_on, "fields": _fields(lic)}


class LicenceUseOut(Schema):
    at: datetime
    licence: str = Field(description="证照名称")
    channel: str = Field(description="grant 持证人授权 | present 亮证扫码 | window 窗口调取 | sharing 数据共享")
    channel_label: str
    department: str | None = Field(description="用证部门")
    item: str | None = Field(description="事项")
    purpose: str


def use_out(u: LicenceUse) -> dict:
    return {"at": u.at, "licence": u.licence.licence_type.name, "channel": u.channel, "channel_label": u.get_channel_display(),
            "department": u.department.name if u.department_id else None, "item": u.process.name if u.process_id else None,
            "purpose": u.purpose}


class UseGrantOut(Schema):
    public_id: str
    licence: str
    grantee_kind: str = Field(description="department 部门 | window 窗口 | service 服务事项")
    grantee: str = Field(description="被授权方")
    purpose: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    state: str = Field(description="open 待使用 | used 已使用 | expired 已过期 | revoked 已撤销")
    state_label: str


def grant_out(g: UseGrant) -> dict:
    state, label = grants.grant_state(g)
    return {"public_id": g.public_id, "licence": g.licence.licence_type.name, "grantee_kind": g.grantee_kind, "grantee": grants.grantee_label(g),
            "purpose": g.purpose, "expires_at": g.expires_at, "used_at": g.used_at, "revoked_at": g.revoked_at, "state": state, "state_label": label}


class UseGrantCreatedOut(UseGrantOut):
    code: str = Field(description="授权码，只返回这一次（XXXX-XXXX-XXXX-XXXX）")


class UseGrantIn(StrictSchema):
    grantee_kind: str = Field(description="department 部门 | window 窗口（综合窗口所在大厅）| service 服务事项")
    department: str | None = Field(None, max_length=22, description="部门 public_id（department 时必填）")
    hall: str | None = Field(None, max_length=22, description="大厅 public_id（window 时必填）")
    process: str | None = Field(None, max_length=22, description="事项 public_id（service 时必填）")
    purpose: str = Field(max_length=200)
    hours: int = Field(24, ge=1, le=grants.MAX_GRANT_HOURS, description="有效期（小时，最长 7 天）")


class PresentTokenOut(Schema):
    token: str = Field(description="亮证码（二维码内容），只能被扫一次")
    expires_at: datetime
    refresh_seconds: int


# --- holder -----------------------------------------------------------------------------------------

@my_router.get("/", response=Page[WalletLicenceOut], summary="我的证照")
@permission("license.hold")
def list_licences(request, page: int = 1, page_size: int = 50):
    return paginate(wallet.holder_licences(request.auth), page, page_size, licence_out)


@my_router.get("/uses", response=Page[LicenceUseOut], summary="我的全部用证记录")
@permission("license.hold")
def list_uses(request, page: int = 1, page_size: int = 50):
    return paginate(wallet.holder_uses(request.auth), page, page_size, use_out)


@my_router.get("/grants", response=Page[UseGrantOut], summary="我的用证授权")
@permission("license.hold")
def list_grants(request, page: int = 1, page_size: int = 50):
    return paginate(wallet.holder_grants(request.auth), page, page_size, grant_out)


@my_router.post("/grants/{public_id}/revoke", response=UseGrantOut, summary="撤销尚未使用的授权")
@permission("license.hold")
def revoke_grant(request, public_id: str):
    return grant_out(grants.revoke_grant(request.auth, wallet.holder_grant(request.auth, public_id)))


@my_router.get("/{public_id}", response=WalletLicenceDetailOut, summary="证照详情")
@permission("license.hold")
def licence_detail(request, public_id: str):
    return licence_detail_out(wallet.holder_licence(request.auth, public_id))


@my_router.get("/{public_id}/uses", response=Page[LicenceUseOut], summary="该证照的用证记录")
@permission("license.hold")
def licence_uses(request, public_id: str, page: int = 1, page_size: int = 50):
    lic = wallet.holder_licence(request.auth, public_id)
    return paginate(wallet.holder_uses(request.auth, lic), page, page_size, use_out)


@my_router.post("/{public_id}/present", response=PresentTokenOut, summary="亮证：生成 3 分钟有效、只能扫一次的亮证码")
@permission("license.hold")
def present(request, public_id: str):
    made = grants.present(request.auth, wallet.holder_licence(request.auth, public_id))
    return {"token": made.code, "expires_at": made.expires_at, "refresh_seconds": grants.PRESENT_REFRESH_SECONDS}


def _by_public_id(qs, public_id, label):
    if not public_id:
        return None
    obj = qs.filter(public_id=public_id).first()
    if obj is None:
        raise NotFound(f"{label}不存在", code="not_found")
    return obj


@my_router.post("/{public_id}/grants", response={201: UseGrantCreatedOut}, summary="授权一次用证（部门、窗口或事项；授权码只返回一次）")
@permission("license.hold")
def create_grant(request, public_id: str, payload: UseGrantIn):
    from digigov.core.org.models import Department
    from digigov.support.window.models import ServiceHall
    from digigov.support.workflow.models import ProcessDefinition

    lic = wallet.holder_licence(request.auth, public_id)
    kind = payload.grantee_kind
    made = grants.grant_use(
        request.auth, lic, grantee_kind=kind, purpose=payload.purpose, hours=payload.hours,
        department=_by_public_id(Department.objects.active(), payload.department, "部门") if kind == GranteeKind.DEPARTMENT else None,
        hall=_by_public_id(ServiceHall.objects.active(), payload.hall, "大厅") if kind == GranteeKind.WINDOW else None,
        process=_by_public_id(ProcessDefinition.objects.active(), payload.process, "事项") if kind == GranteeKind.SERVICE else None,
    )
    return Status(201, {**grant_out(made.grant), "code": made.code})


# --- staff ------------------------------------------------------------------------------------------

class PresentScanIn(StrictSchema):
    token: str = Field(max_length=200, description="亮证码（二维码内容）")
    process: str | None = Field(None, max_length=22, description="办理事项 public_id（可不填）")
    purpose: str | None = Field(None, max_length=200)


class GrantRedeemIn(StrictSchema):
    code: str = Field(max_length=40, description="授权码（16 位，可含连字符）")
    process: str | None = Field(None, max_length=22, description="办理事项 public_id（可不填；授权给事项时以授权为准）")
    purpose: str | None = Field(None, max_length=200)


class VerifiedLicenceOut(WalletLicenceDetailOut):
    holder_code: str = Field(description="持证主体代码（明文，读取已记入审计）")
    use: LicenceUseOut


def used_out(use: LicenceUse) -> dict:
    lic = use.licence
    return {**licence_detail_out(lic), "holder_code": lic.holder_code, "use": use_out(use)}


def _process(public_id):
    from digigov.support.workflow.models import ProcessDefinition

    return _by_public_id(ProcessDefinition.objects.active(), public_id, "事项")


@use_router.post("/scan", response=VerifiedLicenceOut, summary="扫描亮证码核验证照（只能扫一次）")
@permission("license.verify")
@errors(404)
def scan(request, payload: PresentScanIn):
    return used_out(grants.scan_present(request.auth, payload.token, process=_process(payload.process), purpose=payload.purpose or ""))


@use_router.post("/redeem", response=VerifiedLicenceOut, summary="使用持证人的授权码调取证照（只能用一次）")
@permission("license.verify")
@errors(404)
def redeem(request, payload: GrantRedeemIn):
    return used_out(grants.redeem_grant(request.auth, payload.code, process=_process(payload.process), purpose=payload.purpose or ""))
