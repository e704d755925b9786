"""REST API of data sharing at /api/v1/data/sharing/: 共享申请 (list, file, get, decide, withdraw), 共享授权
(list, get) and the department's calling apps (list, create, rotate the secret). Objects are addressed by
``public_id``; every operation names its permission and the object scope is checked again in the action.
An app's secret appears only in the answers of create and rotate, never again."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.org.models import Department
from digigov.data.catalog.models import CatalogEntry

from . import selectors
from .actions import apps as app_actions
from .actions import requests as req_actions
from .models import AppKind, ConsumerApp, RequestStatus, ShareRequest, Subscription, SubscriptionStatus

router = Router(tags=["data.sharing 数据共享交换"])


class ShareRequestOut(Schema):
    public_id: str
    requester: str = Field(description="需求部门名称")
    provider: str = Field(description="提供部门名称")
    entry: str = Field(description="目录条目 public_id")
    entry_name: str
    entry_code: str
    app: str = Field(description="调用应用 public_id")
    app_name: str
    fields: list[str] = Field(description="申请的信息项（字段名）")
    clear_fields: list[str] = Field(description="申请明文的信息项")
    purpose: str
    basis: str
    period_start: date
    period_end: date
    status: str = Field(description="submitted 待审核 | approved 已同意 | narrowed 部分同意 | rejected 不予同意 | withdrawn 已撤回")
    status_label: str
    approved_fields: list[str]
    approved_clear_fields: list[str]
    approved_until: date | None
    reply: str
    created_at: datetime
    decided_at: datetime | None
    subscription: str | None = Field(description="同意后生成的共享授权 public_id")


def request_out(r: ShareRequest) -> dict:
    try:
        sub = r.subscription.public_id  # reverse one-to-one: lists select_related it
    except Subscription.DoesNotExist:
        sub = None
    return {"public_id": r.public_id, "requester": r.requester.name, "provider": r.provider.name, "entry": r.entry.public_id,
            "entry_name": r.entry.name, "entry_code": r.entry.code, "app": r.app.public_id, "app_name": r.app.name, "fields": r.fields,
            "clear_fields": r.clear_fields, "purpose": r.purpose, "basis": r.basis, "period_start": r.period_start,
            "period_end": r.period_end, "status": r.status, "status_label": r.get_status_display(), "approved_fields": r.approved_fields,
            "approved_clear_fields": r.approved_clear_fields, "approved_until": r.approved_until, "reply": r.reply,
            "created_at": r.created_at, "decided_at": r.decided_at, "subscription": sub}


class ShareRequestIn(StrictSchema):
    requester: str = Field(description="需求部门 public_id（本人可代表提出申请的部门）", max_length=32)
    entry: str = Field(description="目录条目 public_id（已发布、可共享）", max_length=32)
    app: str = Field(description="本部门调用应用 public_id", max_length=32)
    fields: list[str] = Field(description="申请的信息项（目录条目的字段名）", max_length=200)
    clear_fields: list[str] = Field(default_factory=list, description="申请明文的信息项（须在 fields 中），其余按分类分级脱敏", max_length=200)
    purpose: str = Field(max_length=500)
    basis: str = Field(description="申请依据（法律法规、三定职责）", max_length=500)
    period_start: date
    period_end: date


class ShareDecisionIn(StrictSchema):
    decision: str = Field(description="approve 同意 | narrow 部分同意 | reject 不予同意")
    fields: list[str] | None = Field(None, description="部分同意时同意的信息项（申请信息项的子集）", max_length=200)
    clear_fields: list[str] | None = Field(None, description="部分同意时同意明文的信息项", max_length=200)
    until: date | None = Field(None, description="部分同意时的同意期限止（不晚于申请的期限止）")
    reply: str = Field("", description="答复意见；不予同意时必填", max_length=500)


class ShareWithdrawIn(StrictSchema):
    reason: str = Field("", max_length=200)


class ShareSubscriptionOut(Schema):
    public_id: str
    app: str
    app_name: str
    consumer: str | None = Field(description="使用部门名称")
    entry: str
    entry_name: str
    provider: str = Field(description="提供部门名称")
    source: str = Field(description="share_request 共享申请 | open_public 无条件开放 | open_application 有条件开放申请 | peer 级联共享")
    fields: list[str]
    clear_fields: list[str]
    purpose: str
    valid_from: date
    valid_until: date | None
    status: str = Field(description="active 有效 | suspended 暂停 | revoked 已撤销")
    status_label: str
    rate_limit: int = Field(description="每秒调用上限（生效值）")
    daily_quota: int = Field(description="每日调用配额（生效值）")


def subscription_out(s: Subscription) -> dict:
    return {"public_id": s.public_id, "app": s.app.public_id, "app_name": s.app.name,
            "consumer": s.app.department.name if s.app.department_id else None, "entry": s.entry.public_id, "entry_name": s.entry.name,
            "provider": s.entry.department.name, "source": s.source, "fields": s.fields, "clear_fields": s.clear_fields,
            "purpose": s.purpose, "valid_from": s.valid_from, "valid_until": s.valid_until, "status": s.status,
            "status_label": s.get_status_display(), "rate_limit": s.rate_limit or s.app.rate_limit,
            "daily_quota": s.daily_quota or s.app.daily_quota}


class ConsumerAppOut(Schema):
    public_id: str
    name: str
    department: str
    app_key: str = Field(description="应用标识（公开）")
    description: str
    status: str = Field(description="active 启用 | suspended 暂停 | revoked 已注销")
    status_label: str
    rate_limit: int
    daily_quota: int
    secret_rotated_at: datetime


def app_out(a: ConsumerApp) -> dict:
    return {"public_id": a.public_id, "name": a.name, "department": a.department.name if a.department_id else "", "app_key": a.app_key,
            "description": a.description, "status": a.status, "status_label": a.get_status_display(), "rate_limit": a.rate_limit,
            "daily_quota": a.daily_quota, "secret_rotated_at": a.secret_rotated_at}


class ConsumerAppIn(StrictSchema):
    department: str = Field(description="所属部门 public_id", max_length=32)
    name: str = Field(max_length=100)
    description: str = Field("", max_length=500)
    rate_limit: int = Field(50, ge=1, le=app_actions.MAX_RATE_LIMIT)
    daily_quota: int = Field(100_000, ge=1, le=app_actions.MAX_DAILY_QUOTA)


class ConsumerAppSecretOut(Schema):
    app: ConsumerAppOut
    secret: str = Field(description="应用密钥：仅此一次返回，请妥善保存")


def _department(pid: str, field: str) -> Department:
    d = Department.objects.select_related("division").filter(public_id=pid[:32]).first()
    if d is None:
        raise NotFound("单位不存在", code="department_not_found", detail={"field": field})
    return d


def _choice(value, allowed, field: str):
    if value and value not in allowed:
        raise ValidationFailed("筛选条件取值无效", code="invalid_filter", detail={"field": field})
    return value or ""


REQ_RELATED = ("requester", "provider", "entry", "app", "subscription")


@router.get("/requests", response=Page[ShareRequestOut], summary="共享申请（本部门提出的或收到的）")
@permission("sharing.view")
def list_requests(request, side: str | None = None, status: str | None = None, page: int = 1, page_size: int = 50):
    side = _choice(side, ("made", "received", "review"), "side")
    status = _choice(status, RequestStatus.values, "status")
    qs = {"made": selectors.requests_made, "review": selectors.review_queue}.get(side, selectors.requests_visible)(request.auth)
    if side == "received":
        qs = qs.exclude(pk__in=selectors.requests_made(request.auth).values("pk"))
    if status:
        qs = qs.filter(status=status)
    return paginate(qs.select_related(*REQ_RELATED).order_by("-id"), page, page_size, request_out, count=False)


@router.post("/requests", response={201: ShareRequestOut}, summary="提出共享申请（无条件共享且不申请明文的自动同意）")
@permission("sharing.request")
@errors(404)
def file_request(request, payload: ShareRequestIn):
    requester = _department(payload.requester, "requester")
    entry = CatalogEntry.objects.select_related("department").filter(public_id=payload.entry[:32], voided_at__isnull=True).first()
    if entry is None:
        raise NotFound("目录条目不存在", code="entry_not_found", detail={"field": "entry"})
    app = ConsumerApp.objects.filter(public_id=payload.app[:32]).first()
    if app is None:
        raise NotFound("调用应用不存在", code="app_not_found", detail={"field": "app"})
    req = req_actions.file_request(request.auth, requester=requester, entry=entry, app=app, fields=payload.fields,
                                   clear_fields=payload.clear_fields, purpose=payload.purpose, basis=payload.basis,
                                   period_start=payload.period_start, period_end=payload.period_end)
    return Status(201, request_out(req))


@router.get("/requests/{public_id}", response=ShareRequestOut, summary="共享申请详情")
@permission("sharing.view")
def get_request(request, public_id: str):
    return request_out(selectors.request_for(request.auth, public_id))


@router.post("/requests/{public_id}/decide", response=ShareRequestOut, summary="审核共享申请（同意 / 部分同意 / 不予同意）")
@permission("sharing.review")
def decide(request, public_id: str, payload: ShareDecisionIn):
    req = selectors.request_for(request.auth, public_id)
    req = req_actions.decide_request(request.auth, req, payload.decision, fields=payload.fields, clear_fields=payload.clear_fields,
                                     until=payload.until, reply=payload.reply)
    return request_out(req)


@router.post("/requests/{public_id}/withdraw", response=ShareRequestOut, summary="撤回共享申请（仅待审核的）")
@permission("sharing.request")
def withdraw(request, public_id: str, payload: ShareWithdrawIn):
    req = selectors.request_for(request.auth, public_id)
    return request_out(req_actions.withdraw_request(request.auth, req, payload.reason))


SUB_RELATED = ("app__department", "entry__department")


@router.get("/subscriptions", response=Page[ShareSubscriptionOut], summary="共享授权（本部门持有的或授出的）")
@permission("sharing.view")
def list_subscriptions(request, status: str | None = None, page: int = 1, page_size: int = 50):
    status = _choice(status, SubscriptionStatus.values, "status")
    qs = selectors.subscriptions_visible(request.auth)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs.select_related(*SUB_RELATED).order_by("-id"), page, page_size, subscription_out, count=False)


@router.get("/subscriptions/{public_id}", response=ShareSubscriptionOut, summary="共享授权详情（网关执行的信息项、明文项、期限和限额）")
@permission("sharing.view")
def get_subscription(request, public_id: str):
    return subscription_out(selectors.subscription_for(request.auth, public_id))


@router.get("/apps", response=Page[ConsumerAppOut], summary="本部门的调用应用")
@permission("sharing.view")
def list_apps(request, page: int = 1, page_size: int = 50):
    qs = selectors.apps_visible(request.auth).select_related("department").order_by("-id")
    return paginate(qs, page, page_size, app_out, count=False)


@router.post("/apps", response={201: ConsumerAppSecretOut}, summary="创建调用应用（密钥仅此一次返回）")
@permission("sharing.manage_apps")
@errors(404)
def create_app(request, payload: ConsumerAppIn):
    department = _department(payload.department, "department")
    app, secret = app_actions.create_app(request.auth, kind=AppKind.DEPARTMENT, name=payload.name, department=department,
                                         description=payload.description, rate_limit=payload.rate_limit, daily_quota=payload.daily_quota)
    return Status(201, {"app": app_out(app), "secret": secret})


@router.post("/apps/{public_id}/rotate", response=ConsumerAppSecretOut, summary="更换应用密钥（旧密钥立即失效，新密钥仅此一次返回）")
@permission("sharing.manage_apps")
def rotate(request, public_id: str):
    app = selectors.app_for(request.auth, public_id)
    secret = app_actions.rotate_secret(request.auth, app)
    app.refresh_from_db()
    return {"app": app_out(app), "secret": secret}
