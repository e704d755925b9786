"""REST API of e-licences at /api/v1/support/licences/: the type catalog, the licences an issuing unit issued
(scoped by issuer), issuing one (sealed OFD + PDF, indexed) and revoking one. Objects are addressed by
``public_id``; errors answer ``{code, message, detail}`` (a bad field value: ``detail.fields`` = {key: 原因})."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import OpenObject, Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import NotFound

from . import selectors
from .actions import licences as licence_actions
from .fields import display
from .models import Licence, LicenceSource, LicenceType

router = Router(tags=["support.license 电子证照"])


class LicenceFieldOut(Schema):
    key: str
    label: str
    type: str = Field(description="text | date | id_number | uscc | choice | number")
    required: bool
    options: list[str] = Field(default_factory=list)


class LicenceTypeOut(Schema):
    public_id: str
    code: str = Field(description="证照类型代码（GB/T 36902 风格：6 位区划 + 机构缩写 + 3 位顺序号）")
    name: str
    holder_kind: str = Field(description="person 自然人 | enterprise 法人和其他组织")
    department: str = Field(description="发证部门名称")
    department_code: str
    valid_years: int | None = Field(description="有效期（年），空为长期")
    is_licensing: bool
    active: bool


class LicenceTypeDetailOut(LicenceTypeOut):
    fields: list[LicenceFieldOut]


def type_out(t: LicenceType, *, detail: bool = False) -> dict:
    out = {"public_id": t.public_id, "code": t.code, "name": t.name, "holder_kind": t.holder_kind, "department": t.department.name,
           "department_code": t.department.code, "valid_years": t.valid_years, "is_licensing": t.is_licensing, "active": t.active}
    if detail:
        out["fields"] = [{"key": f["key"], "label": f["label"], "type": f.get("type", "text"), "required": bool(f.get("required", True)),
                          "options": list(f.get("options", []))} for f in t.fields]
    return out


class IssuedLicenceOut(Schema):
    public_id: str
    identifier: str = Field(description="证照标识（GB/T 36903）")
    number: str = Field(description="证照编号")
    licence_type: str = Field(description="证照类型代码")
    licence_name: str
    holder_kind: str
    holder_name: str
    issuer: str = Field(description="发证部门名称")
    issued_on: date
    valid_from: date
    valid_until: date | None
    status: str = Field(description="valid 有效 | expired 已过期 | revoked 已注销 | superseded 已变更")
    status_label: str
    source: str = Field(description="approval 审批结果 | batch 批量导入 | migration 纸质证照转换")


class LicenceFieldValueOut(Schema):
    label: str
    value: str


class IssuedLicenceDetailOut(IssuedLicenceOut):
    fields: list[LicenceFieldValueOut]
    previous: str | None = Field(description="变更前证照的 public_id")


def licence_out(lic: Licence) -> dict:
    return {"public_id": lic.public_id, "identifier": lic.identifier, "number": lic.number, "licence_type": lic.licence_type.code,
            "licence_name": lic.licence_type.name, "holder_kind": lic.holder_kind, "holder_name": lic.holder_name,
            "issuer": lic.issuer.name, "issued_on": lic.issued_on, "valid_from": lic.valid_from, "valid_until": lic.valid_until,
            "status": lic.status, "status_label": lic.get_status_display(), "source": lic.source}


class LicenceIssueIn(StrictSchema):
    licence_type: str = Field(description="证照类型 public_id")
    holder_code: str = Field(max_length=40, description="公民身份号码或统一社会信用代码")
    holder_name: str = Field(max_length=100)
    data: OpenObject = Field(default_factory=dict, description="证照字段值（字段代码 → 值，见证照类型的 fields）")
    valid_from: date | None = Field(None, description="有效期起，不填为当天")
    paper_number: str | None = Field(None, max_length=64, description="纸质证照转换时原证编号（来源记为纸质证照转换）")


class LicenceRevokeIn(StrictSchema):
    reason: str = Field(max_length=200)


@router.get("/types", response=Page[LicenceTypeOut], summary="证照类型目录")
@permission("license.view")
def list_types(request, q: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.licence_types()
    if q:
        qs = qs.filter(name__contains=q[:32])
    return paginate(qs.order_by("code"), page, page_size, type_out)


@router.get("/types/{public_id}", response=LicenceTypeDetailOut, summary="证照类型（含字段模板）")
@permission("license.view")
def get_type(request, public_id: str):
    return type_out(selectors.licence_type_for(public_id), detail=True)


@router.get("/", response=Page[IssuedLicenceOut], summary="本人范围内签发的电子证照")
@permission("license.view")
def list_licences(request, q: str | None = None, status: str | None = None, licence_type: str | None = None, page: int = 1,
                  page_size: int = 50):
    cond = selectors.licence_filter(q=q or "", status=status or "", licence_type=(licence_type or "")[:22])
    return paginate(selectors.licences(request.auth).filter(cond).order_by("-issued_on", "-id"), page, page_size, licence_out)


@router.post("/", response={201: IssuedLicenceDetailOut}, summary="签发电子证照（生成 OFD/PDF 并加盖发证部门电子印章，登记目录索引）")
@permission("license.issue")
@errors(404)
def issue(request, payload: LicenceIssueIn):
    lt = selectors.issuable_types(request.auth).filter(public_id=payload.licence_type).first()
    if lt is None:
        raise NotFound("证照类型不存在、已停用或您不能签发", code="not_found", detail={"field": "licence_type"})
    if payload.paper_number:
        from .actions.batch import migrate_paper_licence

        lic = migrate_paper_licence(request.auth, lt, holder_code=payload.holder_code, holder_name=payload.holder_name,
                                    number=payload.paper_number, data=payload.data, valid_from=payload.valid_from)
    else:
        lic = licence_actions.issue_licence(request.auth, lt, lt.holder_kind, payload.holder_code, payload.holder_name, payload.data,
                                            payload.valid_from, source=LicenceSource.APPROVAL)
    return Status(201, _detail(lic))


def _detail(lic: Licence) -> dict:
    return {**licence_out(lic), "fields": [{"label": k, "value": v} for k, v in display(lic.licence_type.fields, lic.data)],
            "previous": lic.previous.public_id if lic.previous_id else None}


@router.get("/{public_id}", response=IssuedLicenceDetailOut, summary="电子证照详情（字段值）")
@permission("license.view")
def get_licence(request, public_id: str):
    from digigov.core.audit.actions import record

    lic = selectors.licence_for(request.auth, public_id)
    record(request.auth, "pii.read", lic, after={"fields": ["data"], "purpose": "接口查看电子证照"})
    return _detail(lic)


@router.post("/{public_id}/revoke", response=IssuedLicenceOut, summary="注销电子证照")
@permission("license.issue")
def revoke(request, public_id: str, payload: LicenceRevokeIn):
    lic = selectors.licence_for(request.auth, public_id, "license.issue")
    return licence_out(licence_actions.revoke_licence(request.auth, lic, payload.reason))
