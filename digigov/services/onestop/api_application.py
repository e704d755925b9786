"""REST API of online applications at /api/v1/services/applications/ (the applicant's own): create a draft
(pre-filled), update it, add a material (multipart), submit with an ``Idempotency-Key`` header (the same
key answers the same application), get, list mine (keyset), withdraw. Someone else's application answers
404; every refusal is ``{code, message(中文), detail}``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field
from pydantic import Field as PydField

from digigov.core.api import OpenObject, StrictSchema, errors, permission
from digigov.core.errors import NotFound, ValidationFailed

from .actions import applications as actions
from .models import Application, Bundle, ServiceItem
from .selectors import applications as sel

router = Router(tags=["services.applications 网上申请"])


class CreateIn(StrictSchema):
    item: str | None = Field(None, max_length=40, description="事项实施编码（与 bundle 二选一）")
    bundle: str | None = Field(None, max_length=40, description="一件事编码")
    members: list[str] | None = Field(None, max_length=20, description="一件事中勾选办理的可选事项编码")
    division: str | None = Field(None, max_length=12, description="办理区划代码（事项限定区划时必填）")
    acting_for: str | None = Field(None, max_length=32, description="代为办理的企业（法人 public_id）")
    channel: str = Field("online", description="online 网上办理 | mobile 移动端")


class UpdateIn(StrictSchema):
    data: OpenObject | None = Field(None, description="申请表填报内容（字段 key → 值）")
    division: str | None = Field(None, max_length=12, description="办理区划代码")


class WithdrawIn(StrictSchema):
    reason: str = Field("", max_length=200)


class MaterialNeedOut(Schema):
    key: str
    name: str
    required: bool
    how: str = Field(description="upload 已上传 | licence 电子证照替代（免提交） | shared 共享数据替代（免提交） | missing 待上传")
    how_label: str
    source: str = Field(description="免提交时的来源，如“电子证照：结婚证”")


class CaseLinkOut(Schema):
    item: str
    case_number: str
    department: str
    status: str
    status_label: str


class StepOut(Schema):
    at: datetime
    text: str
    item: str


class PrefilledOut(Schema):
    field: str = Field(description="字段 key")
    source: str = Field(description="数据来源，如“公安局·人口基础库”")


class ApplicationOut(Schema):
    public_id: str
    number: str | None
    title: str
    status: str = Field(description="draft | submitted | in_progress | correction | awaiting_payment | done | rejected | withdrawn")
    status_label: str
    channel: str
    item: str | None = Field(description="事项实施编码")
    bundle: str | None
    division: str | None = Field(description="申请地区划名称")
    acting_for: str | None = Field(description="代为办理的企业名称")
    data: OpenObject
    prefilled: list[PrefilledOut] = Field(description="已预填的字段及其数据来源")
    materials: list[MaterialNeedOut]
    cases: list[CaseLinkOut]
    timeline: list[StepOut]
    submitted_at: datetime | None
    finished_at: datetime | None


class ApplicationSummaryOut(Schema):
    public_id: str
    number: str | None
    title: str
    status: str
    status_label: str
    submitted_at: datetime | None


class ApplicationPageOut(Schema):
    items: list[ApplicationSummaryOut]
    next: int | None = Field(description="下一页游标（after 参数）；无更多时为 null")


class UploadOut(Schema):
    public_id: str
    name: str
    content_type: str
    size: int
    pages: int | None
    sha256: str


HOW = {"upload": "已上传", "licence": "电子证照替代（免提交）", "shared": "共享数据替代（免提交）", "missing": "待上传"}


def app_out(app: Application) -> dict:
    links = sel.case_links(app)
    rows = actions.resolve_materials(app, actions.requirements_of(app)) if app.status == "draft" else []
    return {
        "public_id": app.public_id, "number": app.number, "title": app.title, "status": app.status, "status_label": app.get_status_display(),
        "channel": app.channel, "item": app.item.code if app.item_id else None, "bundle": app.bundle.code if app.bundle_id else None,
        "division": app.division.name if app.division_id else None, "acting_for": app.acting_for.name if app.acting_for_id else None,
        "data": {k: v for k, v in (app.data or {}).items() if not k.startswith("_")}, "prefilled": [{"field": k, "source": v} for k, v in (app.prefilled or {}).items()],
        "materials": [{"key": r["need"].key, "name": r["need"].name, "required": r["need"].required, "how": r["how"], "how_label": HOW[r["how"]],
                       "source": r["source"]} for r in rows],
        "cases": [{"item": link.item.name, "case_number": link.case.number, "department": link.case.department.name,
                   "status": link.case.status, "status_label": link.case.get_status_display()} for link in links],
        "timeline": [{"at": s.at, "text": s.text, "item": s.item} for s in sel.timeline(app, links)],
        "submitted_at": app.submitted_at, "finished_at": app.finished_at,
    }


def _mine(request, public_id: str) -> Application:
    return sel.my_application(request.auth, public_id[:32])


@router.post("/", response={201: ApplicationOut}, summary="创建申请草稿（自动预填申请表）")
@permission("workflow.apply")
@errors(404)
def create(request, payload: CreateIn):
    from digigov.core.accounts.models import LegalPerson

    item = bundle = lp = None
    if payload.item:
        item = ServiceItem.objects.filter(code=payload.item, active=True, voided_at__isnull=True).first()
        if item is None:
            raise NotFound("事项不存在或已停止办理", code="item_not_found", detail={"field": "item"})
    if payload.bundle:
        bundle = Bundle.objects.filter(code=payload.bundle, active=True, voided_at__isnull=True).first()
        if bundle is None:
            raise NotFound("一件事不存在或已停止办理", code="bundle_not_found", detail={"field": "bundle"})
    if payload.acting_for:
        lp = LegalPerson.objects.filter(public_id=payload.acting_for).first()
        if lp is None:
            raise NotFound("企业不存在", code="legal_person_not_found", detail={"field": "acting_for"})
    app = actions.start_application(request.auth, item=item, bundle=bundle, members=payload.members, division=payload.division,
                                    acting_for=lp, channel=payload.channel)
    return Status(201, app_out(app))


@router.get("/", response=ApplicationPageOut, summary="我的申请（新的在前，游标分页）")
@permission("workflow.apply")
def list_mine(request, after: Annotated[int, PydField(ge=1, le=2**62)] | None = None):
    rows, nxt = sel.page(sel.my_applications(request.auth), after)
    return {"items": [{"public_id": a.public_id, "number": a.number, "title": a.title, "status": a.status,
                       "status_label": a.get_status_display(), "submitted_at": a.submitted_at} for a in rows], "next": nxt}


@router.get("/{public_id}", response=ApplicationOut, summary="申请详情（含各部门办件和合并的办理进度）")
@permission("workflow.apply")
def get(request, public_id: str):
    return app_out(_mine(request, public_id))


@router.patch("/{public_id}", response=ApplicationOut, summary="修改草稿（申请表内容、办理区划）")
@permission("workflow.apply")
def update(request, public_id: str, payload: UpdateIn):
    kwargs = {"division": payload.division} if "division" in payload.model_fields_set else {}
    app = actions.save_draft(request.auth, _mine(request, public_id), data=payload.data, **kwargs)
    return app_out(app)


@router.post("/{public_id}/materials", response={201: UploadOut},
             summary="上传申请材料（multipart：key 材料键，file 文件；按内容识别 PDF/OFD/JPEG/PNG）")
@permission("workflow.apply")
def add_material(request, public_id: str, key: str = Form("", max_length=40, description="材料键（申请详情 materials[].key）"), file: UploadedFile | None = File(None, description="PDF、OFD、JPEG 或 PNG")):
    from digigov.support.workflow.materials import MAX_BYTES

    app = _mine(request, public_id)
    if file is None:
        raise ValidationFailed("请选择要上传的文件", code="material_required", detail={"field": "file"})
    if file.size and file.size > MAX_BYTES:
        raise ValidationFailed(f"文件过大（不超过 {MAX_BYTES // (1024 * 1024)} MB）", code="material_too_large", detail={"field": "file"})
    m = actions.add_material(request.auth, app, key=key[:40], data=file.read(MAX_BYTES + 1), filename=(file.name or "")[:200])
    return Status(201, {"public_id": m.public_id, "name": m.name, "content_type": m.content_type, "size": m.size, "pages": m.pages,
                        "sha256": m.sha256})


@router.post("/{public_id}/submit", response=ApplicationOut, summary="提交申请（Idempotency-Key 请求头防重复提交）")
@permission("workflow.apply")
def submit(request, public_id: str, idempotency_key: str = Header("", alias="Idempotency-Key", max_length=100)):
    return app_out(actions.submit(request.auth, _mine(request, public_id), idempotency_key))


@router.post("/{public_id}/withdraw", response=ApplicationOut, summary="撤回申请（草稿则放弃）")
@permission("workflow.apply")
def withdraw(request, public_id: str, payload: WithdrawIn):
    return app_out(actions.withdraw(request.auth, _mine(request, public_id), reason=payload.reason))
