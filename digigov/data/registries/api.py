"""REST API of the base registries at /api/v1/data/registries/: persons, enterprises, credit, e-licence index.

Reads go through ``selectors`` (the pages' scoped queries); lists are keyset-paginated (``after`` = the
previous page's ``next_cursor``, no count on registries of millions). Personal values are masked. A record's
detail in clear needs ``clear=true`` with a purpose — ``purpose`` (query) or the ``X-Purpose`` header, one of
``purpose.PURPOSES``, and ``purpose_note`` — and ``registries.view_clear`` covering the record: 403 without
the permission, 422 without a purpose; each clear answer writes one ``registries.read_clear`` audit entry
naming the record and fields, never the values."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Header, Router, Schema, Status
from pydantic import Field

from digigov.core.api import StrictSchema, errors, permission
from digigov.core.errors import Forbidden, NotFound
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can

from . import purpose as pp
from . import selectors
from .actions import credit as credit_actions
from .actions import licence as licence_actions
from .models import EnterpriseRecord, PersonRecord, RegistryKind, SubjectKind

router = Router(tags=["data.registries 基础数据库"])



# --- schemas -----------------------------------------------------------------------------------------
class RegistryPersonOut(Schema):
    public_id: str
    name: str = Field(description="姓名（脱敏）")
    id_number: str = Field(description="公民身份号码（脱敏）")
    division: str | None = Field(description="户籍区划代码")
    division_name: str | None
    status: str = Field(description="active | merged | retired")
    status_label: str
    source_count: int
    conflict_count: int


class RegistryEnterpriseOut(Schema):
    public_id: str
    name: str
    uscc: str
    division: str | None = Field(description="登记区划代码")
    division_name: str | None
    status: str = Field(description="active | merged | retired")
    status_label: str
    source_count: int
    conflict_count: int


class RegistrySeenValueOut(Schema):
    value: str
    department: str
    authoritative: bool


class RegistryAttributeOut(Schema):
    code: str
    label: str
    value: str = Field(description="当前值（主体记录采用的取值）；个人信息未说明用途时脱敏")
    department: str = Field(description="当前值的来源部门")
    authoritative: bool = Field(description="当前值是否来自该属性的权威来源部门")
    personal: bool
    conflicts: list[RegistrySeenValueOut] = Field(description="其他来源给出的不同取值")


class RegistrySourceValueOut(Schema):
    attribute: str
    label: str
    value: str
    department: str
    authoritative: bool
    current: bool
    feed: str = Field(description="数据源名称")
    batch: str = Field(description="归集批次编号")
    row_no: int | None
    observed_at: datetime
    superseded_at: datetime | None


class RegistryPersonDetailOut(RegistryPersonOut):
    clear: bool = Field(description="个人信息是否为明文（已说明用途并记入审计日志）")
    attributes: list[RegistryAttributeOut]
    sources: list[RegistrySourceValueOut]


class RegistryCreditOut(Schema):
    public_id: str
    subject_kind: str = Field(description="person | enterprise")
    subject_code: str = Field(description="统一社会信用代码；自然人身份号码脱敏")
    subject_name: str = Field(description="主体名称；自然人姓名脱敏")
    enterprise: str | None = Field(description="法人基础库记录 public_id")
    kind: str = Field(description="reward | punish | license | penalty | commitment")
    kind_label: str
    title: str
    document_no: str
    department: str = Field(description="认定部门 public_id")
    department_name: str
    decided_on: date
    valid_until: date | None
    voided: bool


class RegistryLicenceOut(Schema):
    public_id: str
    holder_kind: str = Field(description="person | enterprise")
    holder_code: str = Field(description="持证主体代码；自然人身份号码脱敏")
    holder_name: str
    licence_type: str
    licence_name: str
    licence_no: str
    issuer: str = Field(description="发证部门 public_id")
    issuer_name: str
    issued_on: date
    valid_until: date | None
    status: str = Field(description="valid | expired | revoked")
    status_label: str
    demo: bool = Field(description="演示数据")


class RegistryEnterpriseDetailOut(RegistryEnterpriseOut):
    clear: bool = Field(description="个人信息（法定代表人）是否为明文")
    attributes: list[RegistryAttributeOut]
    sources: list[RegistrySourceValueOut]
    credit: list[RegistryCreditOut]
    licences: list[RegistryLicenceOut]


class RegistryPersonPage(Schema):
    items: list[RegistryPersonOut]
    next_cursor: str | None = Field(description="下一页的 after 参数；没有下一页为 null")


class RegistryEnterprisePage(Schema):
    items: list[RegistryEnterpriseOut]
    next_cursor: str | None = Field(description="下一页的 after 参数；没有下一页为 null")


class RegistryCreditPage(Schema):
    items: list[RegistryCreditOut]
    next_cursor: str | None = Field(description="下一页的 after 参数；没有下一页为 null")


class RegistryLicencePage(Schema):
    items: list[RegistryLicenceOut]
    next_cursor: str | None = Field(description="下一页的 after 参数；没有下一页为 null")


class RegistryCreditIn(StrictSchema):
    department: str = Field(description="认定部门 public_id")
    subject_kind: str = Field(description="person | enterprise")
    subject_code: str
    subject_name: str
    kind: str = Field(description="reward | punish | license | penalty | commitment")
    title: str
    document_no: str = ""
    decided_on: date
    valid_until: date | None = None


class RegistryVoidIn(StrictSchema):
    reason: str


class RegistryLicenceIn(StrictSchema):
    issuer: str = Field(description="发证部门 public_id")
    holder_kind: str = Field(description="person | enterprise")
    holder_code: str
    holder_name: str
    licence_type: str
    licence_name: str
    licence_no: str
    issued_on: date
    valid_until: date | None = None
    status: str = "valid"
    source_ref: str = ""


# --- serialisers ------------------------------------------------------------------------------------
def person_out(p: PersonRecord) -> dict:
    return {"public_id": p.public_id, "name": pp.mask("person", "name", p.name), "id_number": pp.mask("person", "id_number", p.id_number),
            "division": p.division.code if p.division_id else None, "division_name": p.division.name if p.division_id else None,
            "status": p.status, "status_label": p.get_status_display(), "source_count": p.source_count, "conflict_count": p.conflict_count}


def enterprise_out(e: EnterpriseRecord) -> dict:
    return {"public_id": e.public_id, "name": e.name, "uscc": e.uscc, "division": e.division.code if e.division_id else None,
            "division_name": e.division.name if e.division_id else None, "status": e.status, "status_label": e.get_status_display(),
            "source_count": e.source_count, "conflict_count": e.conflict_count}


def credit_out(row) -> dict:
    c, code, name = row
    return {"public_id": c.public_id, "subject_kind": c.subject_kind, "subject_code": code, "subject_name": name,
            "enterprise": c.enterprise.public_id if c.enterprise_id else None, "kind": c.kind, "kind_label": c.get_kind_display(),
            "title": c.title, "document_no": c.document_no, "department": c.department.public_id, "department_name": c.department.name,
            "decided_on": c.decided_on, "valid_until": c.valid_until, "voided": c.voided_at is not None}


def licence_out(r) -> dict:
    person = r.holder_kind == SubjectKind.PERSON
    return {"public_id": r.public_id, "holder_kind": r.holder_kind,
            "holder_code": pp.mask("person", "id_number", r.holder_code) if person else r.holder_code,
            "holder_name": pp.mask("person", "name", r.holder_name) if person else r.holder_name,
            "licence_type": r.licence_type, "licence_name": r.licence_name, "licence_no": r.licence_no, "issuer": r.issuer.public_id,
            "issuer_name": r.issuer.name, "issued_on": r.issued_on, "valid_until": r.valid_until, "status": r.status,
            "status_label": r.get_status_display(), "demo": r.is_demo}


def _view_out(view: selectors.SubjectView) -> dict:
    return {
        "clear": view.clear,
        "attributes": [{"code": r.attribute.code, "label": r.attribute.label, "value": r.golden, "department": r.department,
                        "authoritative": r.authoritative, "personal": r.personal,
                        "conflicts": [{"value": c.text, "department": c.department, "authoritative": c.authoritative} for c in r.conflicts]}
                       for r in view.rows],
        "sources": [{"attribute": h.code, "label": h.attribute, "value": h.text, "department": h.department, "authoritative": h.authoritative,
                     "current": h.current, "feed": h.feed, "batch": h.batch, "row_no": h.row_no, "observed_at": h.observed_at,
                     "superseded_at": h.superseded_at} for h in view.history],
    }


def _clear_view(request, subject, registry: str, clear: bool, purpose: str | None, header: str | None, note: str | None):
    """The record's attributes, in clear when asked for with a purpose (403 without the permission, 422
    without a purpose); the clear read is audited before anything is answered."""
    code = purpose or header
    wants = clear or bool(code)
    if not wants:
        return selectors.subject_view(subject, registry)
    if not can(request.auth, pp.PERM):
        raise Forbidden("无权查看基础库个人信息明文（需要权限：说明用途后查看基础数据库中的个人信息明文）", code="forbidden_clear")
    text = pp.clean_purpose(code, note)
    view = selectors.subject_view(subject, registry, clear=True)
    pp.reveal(request.auth, subject, view.personal_fields, text)
    return view


# --- persons --------------------------------------------------------------------------------------
@router.get("/persons", response=RegistryPersonPage, summary="检索人口基础库（身份号码或姓名精确匹配，游标分页）")
@permission("registries.view")
def list_persons(request, q: str = "", id_number: str = "", name: str = "", division: str = "", has_conflicts: bool = False,
                 after: str | None = None, limit: int = selectors.DEFAULT_LIMIT):
    query = selectors.PersonQuery.parse(q, id_number=id_number, name=name, division=division, has_conflicts=has_conflicts)
    rows, cursor = selectors.search_persons(request.auth, query, after=after, limit=limit)
    return {"items": [person_out(p) for p in rows], "next_cursor": cursor}


@router.get("/persons/{public_id}", response=RegistryPersonDetailOut, summary="人口基础库记录：属性、来源与冲突（说明用途可查看明文）")
@permission("registries.view")
def get_person(request, public_id: str, clear: bool = False, purpose: str | None = None, purpose_note: str | None = None,
               x_purpose: str | None = Header(None, alias="X-Purpose", description="用途代码，同 purpose 参数")):
    person = selectors.person_for(request.auth, public_id)
    view = _clear_view(request, person, RegistryKind.PERSON, clear, purpose, x_purpose, purpose_note)
    return {**person_out(person), **_view_out(view)}


# --- enterprises -----------------------------------------------------------------------------------
@router.get("/enterprises", response=RegistryEnterprisePage, summary="检索法人基础库（统一社会信用代码或名称，游标分页）")
@permission("registries.view")
def list_enterprises(request, q: str = "", division: str = "", has_conflicts: bool = False, after: str | None = None,
                     limit: int = selectors.DEFAULT_LIMIT):
    rows, cursor = selectors.search_enterprises(request.auth, q, division=division, has_conflicts=has_conflicts, after=after, limit=limit)
    return {"items": [enterprise_out(e) for e in rows], "next_cursor": cursor}


@router.get("/enterprises/{public_id}", response=RegistryEnterpriseDetailOut, summary="法人基础库记录：属性、来源、信用信息与电子证照")
@permission("registries.view")
def get_enterprise(request, public_id: str, clear: bool = False, purpose: str | None = None, purpose_note: str | None = None,
                   x_purpose: str | None = Header(None, alias="X-Purpose", description="用途代码，同 purpose 参数")):
    ent = selectors.enterprise_for(request.auth, public_id)
    view = _clear_view(request, ent, RegistryKind.ENTERPRISE, clear, purpose, x_purpose, purpose_note)
    return {**enterprise_out(ent), **_view_out(view),
            "credit": [credit_out(r) for r in selectors.credit_rows(selectors.enterprise_credit(ent)[:50])],
            "licences": [licence_out(r) for r in selectors.enterprise_licences(ent)[:50]]}


# --- credit ----------------------------------------------------------------------------------------
@router.get("/credit", response=RegistryCreditPage, summary="检索信用信息（主体代码或名称、类别，游标分页）")
@permission("registries.view")
def list_credit(request, q: str = "", kind: str = "", subject_kind: str = "", after: str | None = None,
                limit: int = selectors.DEFAULT_LIMIT):
    rows, cursor = selectors.search_credit(request.auth, q, kind=kind, subject_kind=subject_kind, after=after, limit=limit)
    return {"items": [credit_out(r) for r in selectors.credit_rows(rows)], "next_cursor": cursor}


def _department(public_id: str, field: str) -> Department:
    d = Department.objects.filter(public_id=public_id, voided_at__isnull=True).first()
    if d is None:
        raise NotFound("未找到该部门", code="department_not_found", detail={"field": field})
    return d


@router.post("/credit", response={201: RegistryCreditOut}, summary="录入信用信息（校验主体代码校验位）")
@permission("registries.credit_record")
@errors(404, without=(409,))
def create_credit(request, payload: RegistryCreditIn):
    data = payload.model_dump()
    data["department"] = _department(data["department"], "department")
    c = credit_actions.record_credit(request.auth, **data)
    return Status(201, credit_out(selectors.credit_rows([c])[0]))


@router.post("/credit/{public_id}/void", response=RegistryCreditOut, summary="作废信用信息（须说明原因）")
@permission("registries.credit_record")
def void_credit(request, public_id: str, payload: RegistryVoidIn):
    c = credit_actions.void_credit(request.auth, selectors.credit_for(request.auth, public_id), payload.reason)
    return credit_out(selectors.credit_rows([c])[0])


# --- e-licence index -------------------------------------------------------------------------------
@router.get("/licences", response=RegistryLicencePage, summary="检索电子证照目录索引（持证主体代码或名称，游标分页）")
@permission("registries.view")
def list_licences(request, holder: str = "", status: str = "", after: str | None = None,
                  limit: int = selectors.DEFAULT_LIMIT):
    rows, cursor = selectors.search_licences(request.auth, holder, status=status, after=after, limit=limit)
    return {"items": [licence_out(r) for r in rows], "next_cursor": cursor}


@router.post("/licences", response={200: RegistryLicenceOut, 201: RegistryLicenceOut}, summary="登记电子证照目录索引（同类型同编号再次登记即更新，可安全重试）")
@permission("registries.licence_index")
@errors(404, without=(409,))
def index_licence(request, payload: RegistryLicenceIn):
    data = payload.model_dump()
    data["issuer"] = _department(data["issuer"], "issuer")
    row, created = licence_actions.index_licence(request.auth, **data)
    return Status(201 if created else 200, licence_out(row))
