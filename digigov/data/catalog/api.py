"""REST API of the data-resource catalog at /api/v1/data/catalog/. Entries, mounts, 责任清单 lines and
demands are addressed by ``public_id``; every operation names its permission and object scope is
checked again inside the action. The entry list is keyset-paginated (``after`` = the ``next_cursor``
of the previous page) through ``search.search_entries``, the catalog's one search entry point.

``POST /entries`` may be retried safely: the resource code is its natural idempotency key — a retry
with the same code and the same content answers 200 with the existing draft; different content, 409."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import Conflict, NotFound, ValidationFailed
from digigov.core.org.models import Department

from . import actions, selectors
from .actions._common import clean_fields, clean_items, live_document
from .models import (CatalogEntry, Category, CodeList, DataDemand, DemandStatus, EntryStatus, MountedResource,
                     ResponsibilityItem)
from .search import SearchFilters, search_entries

router = Router(tags=["data.catalog 数据资源目录"])


# --- schemas ---------------------------------------------------------------------------------------
class DataItemIn(StrictSchema):
    name: str
    field_name: str
    data_type: str = Field("C", description="C 字符型 | N 数值型 | D 日期型 | T 日期时间型 | B 布尔型 | BLOB 二进制")
    length: int | None = None
    format: str = Field("", description="'' | resident_id | uscc | phone | division | email")
    code_list: str | None = Field(None, description="代码表编号（仅字符型、数值型）")
    required: bool = False
    is_key: bool = False
    description: str = ""


class CatalogEntryFieldsIn(StrictSchema):
    name: str | None = None
    abstract: str | None = None
    category: str | None = Field(None, description="资源分类代码")
    resource_format: str | None = None
    sharing_type: str | None = Field(None, description="unconditional | conditional | none")
    sharing_condition: str | None = None
    sharing_basis: str | None = None
    open_type: str | None = Field(None, description="unconditional | conditional | none")
    open_condition: str | None = None
    update_cycle: str | None = None
    items: list[DataItemIn] | None = Field(None, description="给出则整体替换信息项（按顺序编号）")


class CatalogEntryIn(CatalogEntryFieldsIn):
    department: str = Field(description="资源提供方 public_id")
    code: str
    name: str
    abstract: str
    category: str


class ReviewOpinionIn(StrictSchema):
    approve: bool
    opinion: str = ""


class CatalogReasonIn(StrictSchema):
    reason: str


class CatalogMountIn(StrictSchema):
    kind: str = Field(description="table | api（文件资源在工作台页面上传）")
    name: str
    endpoint: str = ""
    method: str = "GET"


class ResponsibilityIn(StrictSchema):
    department: str = Field(description="责任部门 public_id")
    name: str
    category: str | None = Field(None, description="资源分类代码")
    basis: str = ""
    update_cycle: str = "monthly"


class ResponsibilityEditIn(StrictSchema):
    name: str
    category: str | None = None
    basis: str = ""
    update_cycle: str = "monthly"


class ResponsibilityLinkIn(StrictSchema):
    entry: str | None = Field(description="目录条目 public_id；null 取消关联")


class DataDemandIn(StrictSchema):
    requester: str = Field(description="需求部门 public_id")
    provider: str | None = Field(None, description="提供部门 public_id（针对目录条目时可省略）")
    entry: str | None = Field(None, description="目录条目 public_id")
    title: str = ""
    wanted_items: str = Field("", description="所需信息项")
    purpose: str
    basis: str = ""


class DemandReplyIn(StrictSchema):
    reply: str = ""
    entry: str | None = Field(None, description="满足需求的目录条目 public_id（仅 meet）")


class DataItemOut(Schema):
    seq: int
    name: str
    field_name: str
    data_type: str
    data_type_label: str
    length: int | None
    format: str
    format_label: str
    code_list: str | None = Field(description="代码表编号")
    required: bool
    is_key: bool
    description: str
    level: int
    level_label: str
    personal: int
    personal_label: str


class CatalogEntryOut(Schema):
    public_id: str
    code: str
    name: str
    department: str
    department_name: str
    category: str = Field(description="资源分类代码")
    category_name: str
    category_kind: str
    status: str
    status_label: str
    pending_status: str = Field(description="进行中变更的状态；无变更为空")
    pending_status_label: str
    version: int
    published_on: date | None
    sharing_type: str
    sharing_type_label: str
    open_type: str
    open_type_label: str
    level: int
    level_label: str
    personal: int
    personal_label: str


class CatalogMountOut(Schema):
    public_id: str
    kind: str
    kind_label: str
    name: str
    table_name: str
    endpoint: str
    method: str
    file_name: str
    record_count: int
    mounted_at: datetime


class PendingItemOut(Schema):
    seq: int
    name: str
    field_name: str
    data_type: str
    length: int | None
    format: str
    code_list: int | None = Field(description="代码表内部编号")
    required: bool
    is_key: bool
    description: str


class PendingVersionOut(Schema):
    status: str
    status_label: str
    name: str
    abstract: str
    category: str = Field(description="资源分类代码")
    resource_format: str
    sharing_type: str
    sharing_condition: str
    sharing_basis: str
    open_type: str
    open_condition: str
    update_cycle: str
    data_items: list[PendingItemOut]


class CatalogEntryDetailOut(CatalogEntryOut):
    abstract: str
    resource_format: str
    resource_format_label: str
    sharing_condition: str
    sharing_basis: str
    open_condition: str
    update_cycle: str
    update_cycle_label: str
    items: list[DataItemOut]
    mounts: list[CatalogMountOut]
    pending: PendingVersionOut | None = Field(description="进行中的变更（已发布条目的下一版本）；读者看到的仍是已发布版本")


class CatalogEntryPageOut(Schema):
    items: list[CatalogEntryOut]
    next_cursor: str | None = Field(description="下一页的 after 参数；没有下一页为 null")


class EntryRevisionOut(Schema):
    version: int
    status: str
    status_label: str
    action: str
    summary: str
    opinion: str
    actor: str
    at: datetime


class ResponsibilityOut(Schema):
    public_id: str
    department: str
    department_name: str
    name: str
    category: str | None
    basis: str
    update_cycle: str
    update_cycle_label: str
    entry: str | None
    entry_name: str | None
    catalogued: bool


class DataDemandOut(Schema):
    public_id: str
    requester: str
    requester_name: str
    provider: str
    provider_name: str
    entry: str | None
    title: str
    wanted_items: str = Field(description="所需信息项")
    purpose: str
    basis: str
    status: str
    status_label: str
    reply: str
    created_at: datetime


class CodeListValueOut(Schema):
    value: str
    label: str


class CodeListOut(Schema):
    code: str
    name: str
    standard: str
    values: list[CodeListValueOut]


class CatalogCategoryOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent: str | None


# --- serializers -----------------------------------------------------------------------------------
def entry_out(e: CatalogEntry) -> dict:
    return {
        "public_id": e.public_id, "code": e.code, "name": e.name, "department": e.department.public_id,
        "department_name": e.department.name, "category": e.category.code, "category_name": e.category.name,
        "category_kind": e.category.kind, "status": e.status, "status_label": e.get_status_display(),
        "pending_status": e.pending_status, "pending_status_label": e.get_pending_status_display() if e.pending_status else "",
        "version": e.version, "published_on": e.published_on, "sharing_type": e.sharing_type,
        "sharing_type_label": e.get_sharing_type_display(), "open_type": e.open_type, "open_type_label": e.get_open_type_display(),
        "level": e.level, "level_label": e.get_level_display(), "personal": e.personal, "personal_label": e.get_personal_display(),
    }


def item_out(i) -> dict:
    return {
        "seq": i.seq, "name": i.name, "field_name": i.field_name, "data_type": i.data_type, "data_type_label": i.get_data_type_display(),
        "length": i.length, "format": i.format, "format_label": i.get_format_display() if i.format else "",
        "code_list": i.code_list.code if i.code_list_id else None, "required": i.required, "is_key": i.is_key,
        "description": i.description, "level": i.level, "level_label": i.get_level_display(), "personal": i.personal,
        "personal_label": i.get_personal_display(),
    }


def mount_out(m: MountedResource) -> dict:
    return {"public_id": m.public_id, "kind": m.kind, "kind_label": m.get_kind_display(), "name": m.name, "table_name": m.table_name,
            "endpoint": m.endpoint, "method": m.method, "file_name": m.file.name.rsplit("/", 1)[-1] if m.file else "",
            "record_count": m.record_count, "mounted_at": m.mounted_at}


def entry_detail(e: CatalogEntry) -> dict:
    pending = None
    if e.pending is not None:
        f = e.pending["fields"]
        cat = Category.objects.filter(pk=f["category"]).values_list("code", flat=True).first() or ""
        pending = {"status": e.pending_status, "status_label": e.get_pending_status_display(), "category": cat,
                   **{k: f[k] for k in ("name", "abstract", "resource_format", "sharing_type", "sharing_condition", "sharing_basis",
                                        "open_type", "open_condition", "update_cycle")},
                   "data_items": [{k: i[k] for k in PendingItemOut.model_fields} for i in e.pending["items"]]}
    return entry_out(e) | {
        "abstract": e.abstract, "resource_format": e.resource_format, "resource_format_label": e.get_resource_format_display(),
        "sharing_condition": e.sharing_condition, "sharing_basis": e.sharing_basis, "open_condition": e.open_condition,
        "update_cycle": e.update_cycle, "update_cycle_label": e.get_update_cycle_display(),
        "items": [item_out(i) for i in e.items.select_related("code_list").order_by("seq")],
        "mounts": [mount_out(m) for m in selectors.mounts_of(e)], "pending": pending,
    }


def responsibility_out(r: ResponsibilityItem) -> dict:
    return {"public_id": r.public_id, "department": r.department.public_id, "department_name": r.department.name, "name": r.name,
            "category": r.category.code if r.category_id else None, "basis": r.basis, "update_cycle": r.update_cycle,
            "update_cycle_label": r.get_update_cycle_display(), "entry": r.entry.public_id if r.entry_id else None,
            "entry_name": r.entry.name if r.entry_id else None, "catalogued": r.entry_id is not None}


def demand_out(d: DataDemand) -> dict:
    return {"public_id": d.public_id, "requester": d.requester.public_id, "requester_name": d.requester.name,
            "provider": d.provider.public_id, "provider_name": d.provider.name, "entry": d.entry.public_id if d.entry_id else None,
            "title": d.title, "wanted_items": d.items, "purpose": d.purpose, "basis": d.basis, "status": d.status,
            "status_label": d.get_status_display(), "reply": d.reply, "created_at": d.created_at}


# --- lookups ---------------------------------------------------------------------------------------
def _department(public_id: str | None, field: str, *, as_filter: bool = False) -> Department | None:
    """A department named in a body (404 when missing) or in a list filter (a bad filter value: 422)."""
    if public_id is None:
        return None
    dept = Department.objects.select_related("division").filter(public_id=public_id).first()
    if dept is None:
        error = ValidationFailed if as_filter else NotFound
        raise error("单位不存在", code="department_not_found", detail={"field": field})
    return dept


def _category(code: str | None) -> Category | None:
    if code is None:
        return None
    cat = Category.objects.filter(code=code).first()
    if cat is None:
        raise ValidationFailed("资源分类不存在", code="invalid_category", detail={"field": "category"})
    return cat


def _items(items: list[DataItemIn] | None) -> list[dict] | None:
    if items is None:
        return None
    codes = {i.code_list for i in items if i.code_list}
    found = dict(CodeList.objects.filter(code__in=codes).values_list("code", "pk"))
    out = []
    for n, i in enumerate(items):
        d = i.model_dump()
        if i.code_list:
            if i.code_list not in found:
                raise ValidationFailed(f"第 {n + 1} 个信息项的代码表不存在", code="invalid_code_list", detail={"field": f"items.{n}.code_list"})
            d["code_list"] = found[i.code_list]
        out.append(d)
    return out


def _fields(payload: CatalogEntryFieldsIn) -> dict:
    data = payload.model_dump(exclude_unset=True, exclude={"items", "department", "code"})
    if "category" in data:
        if data["category"] is None:
            raise ValidationFailed("请选择资源分类", code="category_required", detail={"field": "category"})
        data["category"] = _category(data["category"]).pk
    return data


def _entry(request, public_id: str) -> CatalogEntry:
    return selectors.entry_for(request.auth, public_id)


# --- entries ---------------------------------------------------------------------------------------
@router.get("/entries", response=CatalogEntryPageOut, summary="检索目录条目（关键词 + 筛选，游标分页）")
@permission("catalog.view")
def list_entries(request, q: str = "", department: str | None = None, category_kind: str | None = None,
                 sharing_type: str | None = None, open_type: str | None = None, level: int | None = None,
                 status: str | None = None, after: str | None = None, limit: int = 20):
    if not 1 <= limit <= 100:
        raise ValidationFailed("每页条数应在 1 到 100 之间", code="bad_limit", detail={"field": "limit"})
    if status is not None and status not in EntryStatus.values:
        raise ValidationFailed("状态无效", code="invalid_status", detail={"field": "status"})
    dept = _department(department, "department", as_filter=True)
    filters = SearchFilters(department_id=dept.pk if dept else None, category_kind=category_kind, sharing_type=sharing_type,
                            open_type=open_type, level=level, status=status)
    rows, cursor = search_entries(request.auth, q, filters, after=after, limit=limit)
    return {"items": [entry_out(e) for e in rows], "next_cursor": cursor}


@router.post("/entries", response={200: CatalogEntryDetailOut, 201: CatalogEntryDetailOut}, summary="编制目录条目（草稿，可安全重试）")
@permission("catalog.edit")
@errors(404)
def create_entry(request, payload: CatalogEntryIn):
    dept = _department(payload.department, "department")
    fields = _fields(payload)
    items = _items(payload.items) or []
    try:
        entry = actions.create_entry(request.auth, department=dept, code=payload.code, items=items, **fields)
    except Conflict as exc:
        if exc.code != "duplicate_code":
            raise
        existing = CatalogEntry.objects.filter(code=payload.code.strip(), department=dept, version=0, voided_at__isnull=True).first()
        if existing is None or existing.maintainer_id != request.auth.pk:
            raise
        doc = live_document(existing)
        same = ({k: doc["fields"][k] for k in clean_fields(fields)} == clean_fields(fields)
                and [{k: v for k, v in i.items() if k not in ("level", "personal")} for i in doc["items"]]
                == [{k: v for k, v in i.items() if k not in ("level", "personal")} for i in clean_items(items)])
        if not same:
            raise Conflict("该资源代码已用于内容不同的目录条目", code="duplicate_code", detail={"field": "code", "public_id": existing.public_id})
        return Status(200, entry_detail(existing))
    return Status(201, entry_detail(entry))


@router.get("/entries/{public_id}", response=CatalogEntryDetailOut, summary="目录条目详情（元数据、信息项、挂载资源、进行中的变更）")
@permission("catalog.view")
def get_entry(request, public_id: str):
    return entry_detail(_entry(request, public_id))


@router.patch("/entries/{public_id}", response=CatalogEntryDetailOut, summary="编辑草稿或进行中的变更")
@permission("catalog.edit")
def update_entry(request, public_id: str, payload: CatalogEntryFieldsIn):
    entry = _entry(request, public_id)
    entry = actions.update_entry(request.auth, entry, items=_items(payload.items), **_fields(payload))
    return entry_detail(CatalogEntry.objects.get(pk=entry.pk))


@router.get("/entries/{public_id}/items", response=list[DataItemOut], summary="目录条目的信息项（已发布版本）")
@permission("catalog.view")
def list_items(request, public_id: str):
    entry = _entry(request, public_id)
    return [item_out(i) for i in entry.items.select_related("code_list").order_by("seq")]


@router.get("/entries/{public_id}/revisions", response=list[EntryRevisionOut], summary="变更记录")
@permission("catalog.view")
def list_revisions(request, public_id: str):
    entry = _entry(request, public_id)
    return [{"version": r.version, "status": r.status, "status_label": r.get_status_display(), "action": r.action,
             "summary": r.summary, "opinion": r.opinion, "actor": r.actor.display_name or r.actor.username, "at": r.at}
            for r in entry.revisions.select_related("actor").order_by("-at", "-id")]


def _after(entry: CatalogEntry) -> dict:
    return entry_detail(CatalogEntry.objects.select_related("department", "category").get(pk=entry.pk))


@router.post("/entries/{public_id}/submit", response=CatalogEntryDetailOut, summary="提交部门审核")
@permission("catalog.edit")
def submit(request, public_id: str):
    return _after(actions.submit_entry(request.auth, _entry(request, public_id)))


@router.post("/entries/{public_id}/dept-review", response=CatalogEntryDetailOut, summary="部门审核（通过报数据主管部门 / 退回须填意见）")
@permission("catalog.dept_review")
def dept_review(request, public_id: str, payload: ReviewOpinionIn):
    return _after(actions.dept_review(request.auth, _entry(request, public_id), approve=payload.approve, opinion=payload.opinion))


@router.post("/entries/{public_id}/authority-review", response=CatalogEntryDetailOut, summary="数据主管部门审核（通过即发布 / 退回须填意见）")
@permission("catalog.authority_review")
def authority_review(request, public_id: str, payload: ReviewOpinionIn):
    return _after(actions.authority_review(request.auth, _entry(request, public_id), approve=payload.approve, opinion=payload.opinion))


@router.post("/entries/{public_id}/revise", response=CatalogEntryDetailOut, summary="对已发布条目发起变更（新版本走同样的审核流程）")
@permission("catalog.edit")
def revise(request, public_id: str):
    return _after(actions.revise_entry(request.auth, _entry(request, public_id)))


@router.post("/entries/{public_id}/withdraw", response=CatalogEntryDetailOut, summary="撤销进行中的变更或已发布的条目")
@permission("catalog.edit")
def withdraw(request, public_id: str, payload: CatalogReasonIn):
    return _after(actions.withdraw_entry(request.auth, _entry(request, public_id), payload.reason))


@router.post("/entries/{public_id}/void", response=CatalogEntryOut, summary="作废未发布的条目")
@permission("catalog.edit")
def void(request, public_id: str, payload: CatalogReasonIn):
    entry = actions.void_entry(request.auth, _entry(request, public_id), payload.reason)
    return entry_out(CatalogEntry.objects.select_related("department", "category").get(pk=entry.pk))


# --- mounts ----------------------------------------------------------------------------------------
@router.get("/entries/{public_id}/mounts", response=list[CatalogMountOut], summary="挂载的资源")
@permission("catalog.view")
def list_mounts(request, public_id: str):
    return [mount_out(m) for m in selectors.mounts_of(_entry(request, public_id))]


@router.post("/entries/{public_id}/mounts", response={201: CatalogMountOut}, summary="挂载库表或接口资源")
@permission("catalog.edit")
def add_mount(request, public_id: str, payload: CatalogMountIn):
    if payload.kind == "file":
        raise ValidationFailed("文件资源请在工作台页面上传", code="use_file_upload", detail={"field": "kind"})
    m = actions.mount_resource(request.auth, _entry(request, public_id), kind=payload.kind, name=payload.name,
                               endpoint=payload.endpoint, method=payload.method)
    return Status(201, mount_out(m))


@router.post("/mounts/{public_id}/unmount", response=CatalogMountOut, summary="取消挂载")
@permission("catalog.edit")
def unmount(request, public_id: str, payload: CatalogReasonIn):
    m = MountedResource.objects.filter(public_id=public_id, voided_at__isnull=True,
                                       entry__in=selectors.visible_entries(request.auth)).select_related("entry").first()
    if m is None:
        raise NotFound("挂载资源不存在或无权查看", code="mount_not_found")
    return mount_out(actions.unmount_resource(request.auth, m, payload.reason))


# --- 责任清单 -----------------------------------------------------------------------------------------
def _line(request, public_id: str) -> ResponsibilityItem:
    line = selectors.responsibilities(request.auth).filter(public_id=public_id).first()
    if line is None:
        raise NotFound("责任清单事项不存在或无权查看", code="responsibility_not_found")
    return line


@router.get("/responsibilities", response=Page[ResponsibilityOut], summary="数据责任清单")
@permission("catalog.view")
def list_responsibilities(request, department: str | None = None, catalogued: bool | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.responsibilities(request.auth).order_by("department__path", "name", "pk")
    dept = _department(department, "department", as_filter=True)
    if dept:
        qs = qs.filter(department__path__startswith=dept.path)
    if catalogued is not None:
        qs = qs.filter(entry__isnull=not catalogued)
    return paginate(qs, page, page_size, responsibility_out)


@router.post("/responsibilities", response={201: ResponsibilityOut}, summary="新增责任清单事项")
@permission("catalog.edit")
@errors(404)
def add_responsibility(request, payload: ResponsibilityIn):
    line = actions.add_responsibility(request.auth, department=_department(payload.department, "department"), name=payload.name,
                                      category=_category(payload.category), basis=payload.basis, update_cycle=payload.update_cycle)
    return Status(201, responsibility_out(line))


@router.put("/responsibilities/{public_id}", response=ResponsibilityOut, summary="修改责任清单事项")
@permission("catalog.edit")
def edit_responsibility(request, public_id: str, payload: ResponsibilityEditIn):
    line = actions.edit_responsibility(request.auth, _line(request, public_id), name=payload.name, category=_category(payload.category),
                                       basis=payload.basis, update_cycle=payload.update_cycle)
    return responsibility_out(line)


@router.post("/responsibilities/{public_id}/link", response=ResponsibilityOut, summary="关联（或取消关联）目录条目")
@permission("catalog.edit")
def link_responsibility(request, public_id: str, payload: ResponsibilityLinkIn):
    entry = _entry(request, payload.entry) if payload.entry else None
    return responsibility_out(actions.link_responsibility(request.auth, _line(request, public_id), entry))


@router.post("/responsibilities/{public_id}/void", response=ResponsibilityOut, summary="作废责任清单事项")
@permission("catalog.edit")
def void_responsibility(request, public_id: str, payload: CatalogReasonIn):
    return responsibility_out(actions.void_responsibility(request.auth, _line(request, public_id), payload.reason))


# --- 需求目录 -----------------------------------------------------------------------------------------
def _demand(request, public_id: str) -> DataDemand:
    d = selectors.demands(request.auth).filter(public_id=public_id).first()
    if d is None:
        raise NotFound("数据需求不存在或无权查看", code="demand_not_found")
    return d


@router.get("/demands", response=Page[DataDemandOut], summary="需求目录（本单位提出的和收到的）")
@permission("catalog.view")
def list_demands(request, status: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.demands(request.auth).order_by("-created_at", "-pk")
    if status is not None:
        if status not in DemandStatus.values:
            raise ValidationFailed("状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    return paginate(qs, page, page_size, demand_out)


@router.post("/demands", response={201: DataDemandOut}, summary="提出数据需求")
@permission("catalog.edit")
@errors(404)
def file_demand(request, payload: DataDemandIn):
    entry = _entry(request, payload.entry) if payload.entry else None
    d = actions.file_demand(request.auth, requester=_department(payload.requester, "requester"),
                            provider=_department(payload.provider, "provider"), entry=entry, title=payload.title,
                            items=payload.wanted_items, purpose=payload.purpose, basis=payload.basis)
    return Status(201, demand_out(d))


@router.post("/demands/{public_id}/accept", response=DataDemandOut, summary="受理数据需求")
@permission("catalog.edit")
def accept_demand(request, public_id: str, payload: DemandReplyIn):
    return demand_out(actions.accept_demand(request.auth, _demand(request, public_id), payload.reply))


@router.post("/demands/{public_id}/reject", response=DataDemandOut, summary="不予满足（须说明理由）")
@permission("catalog.edit")
def reject_demand(request, public_id: str, payload: DemandReplyIn):
    return demand_out(actions.reject_demand(request.auth, _demand(request, public_id), payload.reply))


@router.post("/demands/{public_id}/meet", response=DataDemandOut, summary="标记需求已满足")
@permission("catalog.edit")
def meet_demand(request, public_id: str, payload: DemandReplyIn):
    entry = _entry(request, payload.entry) if payload.entry else None
    return demand_out(actions.meet_demand(request.auth, _demand(request, public_id), entry, payload.reply))


# --- reference data ---------------------------------------------------------------------------------
@router.get("/code-lists", response=list[CodeListOut], summary="代码表")
@permission("catalog.view")
def list_code_lists(request):
    return [{"code": c.code, "name": c.name, "standard": c.standard, "values": [{"value": v.value, "label": v.label} for v in c.values.all()]}
            for c in CodeList.objects.prefetch_related("values").order_by("code")]


@router.get("/categories", response=list[CatalogCategoryOut], summary="资源分类（基础/主题/部门）")
@permission("catalog.view")
def list_categories(request):
    return [{"code": c.code, "name": c.name, "kind": c.kind, "kind_label": c.get_kind_display(), "parent": c.parent.code if c.parent_id else None}
            for c in Category.objects.select_related("parent").order_by("kind", "order", "code")]
