"""REST API of 好差评 and the service statistics.

* ``POST /api/v1/services/ratings/`` (onestop.rate) — the applicant rates one application or one window visit
  (the body names it by public id); ``GET /api/v1/services/ratings/mine`` — the caller's ratings.
* ``GET /api/v1/services/ratings/`` (onestop.view) — the ratings in the caller's reach, filtered.
* ``GET /api/v1/services/ratings/rectifications`` (onestop.view) — the rectification queue;
  ``POST …/rectifications/reply`` (onestop.rectify) and ``POST …/rectifications/visit`` (onestop.visit).
* ``GET /api/v1/services/stats/`` (onestop.view) — the statistics of a period by department, item or hall.

The same selectors and actions as the pages; errors answer ``{code, message, detail}``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import ValidationFailed

from . import rating_codes as codes
from .actions import ratings as actions
from .models import Rating, RatingChannel, Rectification, RectificationStatus
from .selectors import ratings as sel
from .selectors import stats as st

router = Router(tags=["services.onestop 好差评"])
stats_router = Router(tags=["services.onestop 政务服务统计"])

PublicId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class RatingIn(StrictSchema):
    application: PublicId | None = Field(None, description="被评价的申请（公开编号）；与 reception 二选一")
    reception: PublicId | None = Field(None, description="被评价的窗口服务（公开编号）；与 application 二选一")
    level: int = Field(description="评价等级：5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意")
    reasons: list[Annotated[str, Field(max_length=8, pattern=r"^[A-Z][0-9]{2}$")]] = Field(
        default_factory=list, max_length=20, description="评价原因代码（好评 G01–G08，差评 P01–P10，差评至少一项）")
    comment: Annotated[str, Field(max_length=500)] = Field("", description="评价内容")
    channel: Literal["pc", "mobile", "pad", "sms", "hotline"] = Field("mobile", description="评价渠道")


class RectificationOut(Schema):
    public_id: str
    department: str
    status: str = Field(description="open 待整改 | replied 已整改待回访 | closed 已回访办结")
    status_label: str
    deadline: date
    overdue: bool
    reply: str
    replied_at: datetime | None
    visit_satisfied: bool | None
    visit_note: str
    visited_at: datetime | None


class RatingOut(Schema):
    public_id: str
    subject: str = Field(description="评价对象（申请事项、事项或大厅）")
    department: str = Field(description="被评价部门")
    item_code: str | None
    case_number: str | None
    level: int
    level_label: str
    reasons: list[str]
    reason_labels: list[str]
    comment: str
    channel: str
    channel_label: str
    created_at: datetime
    rectification: RectificationOut | None


def rect_out(t: Rectification) -> dict:
    return {"public_id": t.public_id, "department": t.department.name, "status": t.status, "status_label": t.get_status_display(),
            "deadline": t.deadline, "overdue": sel.is_overdue(t), "reply": t.reply, "replied_at": t.replied_at,
            "visit_satisfied": t.visit_satisfied, "visit_note": t.visit_note, "visited_at": t.visited_at}


def rating_out(r: Rating) -> dict:
    try:
        rect = r.rectification
    except Rectification.DoesNotExist:
        rect = None
    subject = r.application.title if r.application_id else (r.item.name if r.item_id else (r.hall.name if r.hall_id else r.department.name))
    return {"public_id": r.public_id, "subject": subject, "department": r.department.name, "item_code": r.item.code if r.item_id else None,
            "case_number": r.case.number if r.case_id else None, "level": r.level, "level_label": codes.LEVEL_LABELS[r.level],
            "reasons": list(r.reasons or []), "reason_labels": codes.reason_labels(r.reasons), "comment": r.comment, "channel": r.channel,
            "channel_label": codes.CHANNEL_LABELS.get(r.channel, ""), "created_at": r.created_at,
            "rectification": rect_out(rect) if rect else None}


RELATED = ("department", "item", "hall", "application", "case", "rectification__department")


@router.post("/", response={201: RatingOut}, summary="评价本人的办件或窗口服务（好差评）")
@permission("onestop.rate")
@errors(404)
def create_rating(request, payload: RatingIn):
    if (payload.application is None) == (payload.reception is None):
        raise ValidationFailed("请指定评价的办件或窗口服务（二选一）", code="target_required")
    kw = {"application": sel.my_application(request.auth, payload.application)} if payload.application else \
        {"reception": sel.my_reception(request.auth, payload.reception)}
    rating = actions.rate(request.auth, level=payload.level, reasons=payload.reasons, comment=payload.comment, channel=payload.channel, **kw)
    return Status(201, rating_out(Rating.objects.select_related(*RELATED).get(pk=rating.pk)))


@router.get("/mine", response=Page[RatingOut], summary="我的评价")
@permission("onestop.rate")
def my_ratings(request, page: int = 1, page_size: int = 50):
    return paginate(sel.my_ratings(request.auth).select_related(*RELATED).order_by("-id"), page, page_size, rating_out)


@router.get("/", response=Page[RatingOut], summary="好差评列表（本部门及下级）")
@permission("onestop.view")
def list_ratings(request, level: Annotated[int, Field(ge=1, le=5)] | None = None, poor: bool = False,
                 department: PublicId | None = None, item: Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")] | None = None,
                 date_from: date | None = None, date_to: date | None = None, page: int = 1, page_size: int = 50):
    qs = sel.filter_ratings(sel.staff_ratings(request.auth), level=level, poor=poor, department=department, item=item,
                            date_from=date_from, date_to=date_to)
    return paginate(qs.select_related(*RELATED).order_by("-id"), page, page_size, rating_out)


@router.get("/rectifications", response=Page[RectificationOut], summary="差评整改单")
@permission("onestop.view")
def list_rectifications(request, status: Literal["open", "replied", "closed"] | None = None, overdue: bool = False,
                        page: int = 1, page_size: int = 50):
    qs = sel.rectification_queue(request.auth, status=status or "", overdue=overdue).select_related("department").order_by("-id")
    return paginate(qs, page, page_size, rect_out)


class ReplyIn(StrictSchema):
    rectification: PublicId = Field(description="整改单公开编号")
    reply: Annotated[str, Field(min_length=1, max_length=2000)] = Field(description="整改情况")


class VisitIn(StrictSchema):
    rectification: PublicId = Field(description="整改单公开编号")
    satisfied: bool = Field(description="回访时评价人是否满意")
    note: Annotated[str, Field(min_length=1, max_length=500)] = Field(description="回访记录")


@router.post("/rectifications/reply", response=RectificationOut, summary="答复差评整改情况（本部门）")
@permission("onestop.rectify")
@errors(404)
def reply(request, payload: ReplyIn):
    rect = sel.staff_rectification(request.auth, payload.rectification, perm="onestop.rectify")
    rect = actions.reply(request.auth, rect, reply=payload.reply)
    return rect_out(Rectification.objects.select_related("department").get(pk=rect.pk))


@router.post("/rectifications/visit", response=RectificationOut, summary="差评整改回访并办结")
@permission("onestop.visit")
@errors(404)
def visit(request, payload: VisitIn):
    rect = sel.staff_rectification(request.auth, payload.rectification, perm="onestop.visit")
    rect = actions.visit(request.auth, rect, satisfied=payload.satisfied, note=payload.note)
    return rect_out(Rectification.objects.select_related("department").get(pk=rect.pk))


class StatsGroupOut(Schema):
    key: str = Field(description="部门/大厅公开编号或事项编码；合计为空")
    label: str
    cases: int = Field(description="办件量（期间内受理）")
    online: int
    online_rate: float | None = Field(description="网上受理率（%）")
    finished: int
    once: int
    once_rate: float | None = Field(description="一次办率（%）")
    avg_days: float | None = Field(description="平均办理时长（工作日）")
    with_due: int
    overdue: int
    overdue_rate: float | None = Field(description="超期率（%）")
    rated: int
    participation: float | None = Field(description="参评率（%）")
    ratings: int
    satisfied: int
    satisfaction: float | None = Field(description="满意率（%）")
    mean_score: float | None = Field(description="平均分（1–5）")


class StatsOut(Schema):
    date_from: date
    date_to: date
    dimension: str
    total: StatsGroupOut
    groups: list[StatsGroupOut]


@stats_router.get("/", response=StatsOut, summary="政务服务统计（网上受理率、一次办率、办理时长、超期率、参评率、满意率）")
@permission("onestop.view")
def stats(request, date_from: date | None = None, date_to: date | None = None,
          dimension: Literal["department", "item", "hall"] = "department"):
    result = st.compute(request.auth, st.period_from(date_from, date_to), dimension)
    return {"date_from": result.period.start, "date_to": result.period.end, "dimension": result.dimension,
            "total": result.total.as_dict(), "groups": [g.as_dict() for g in result.groups]}


__all__ = ["router", "stats_router", "RatingChannel", "RectificationStatus"]
