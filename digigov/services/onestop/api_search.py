"""Public search API (no login): ``GET /api/v1/services/search`` and ``GET /api/v1/services/suggest``.

Search answers one page of items and 一件事 best first, each with why it was found (synonym, correction,
pinyin, life event); ``cursor`` continues with the page's ``next_cursor``. Read-only and cheap (one
full-text query), so it is not counted per caller beyond the API's own throttle."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from digigov.core.api import errors, public
from digigov.core.errors import ValidationFailed

from . import search as svc
from . import suggest as sug
from .models import Audience

search_router = Router(tags=["services 一网通办：事项搜索"])
suggest_router = Router(tags=["services 一网通办：事项搜索"])

MAX_LIMIT = 50


class ServiceSearchHitOut(Schema):
    name: str = Field(description="事项或一件事名称")
    code: str = Field(description="事项实施编码或一件事编码")
    department: str = Field(description="实施部门（一件事为牵头部门）")
    kind: str = Field(description="item 政务服务事项 | bundle 一件事")
    kind_label: str = Field(description="类别（中文）")
    url: str = Field(description="办事指南页面地址")
    score: float = Field(description="排序得分（越大越靠前），公式见 onestop.search")
    why: str = Field(description="命中原因（中文），如“同义词：社保卡→社会保障卡”；无特别原因时为空")


class ServiceSearchPageOut(Schema):
    items: list[ServiceSearchHitOut]
    next_cursor: str | None = Field(description="下一页的 cursor；没有更多结果时为 null")
    understood: list[str] = Field(description="对查询的理解（纠错、拼音、人生事件），中文")


class ServiceSuggestionOut(Schema):
    text: str = Field(description="建议的搜索词或事项名称")
    kind: str = Field(description="item 事项 | bundle 一件事 | word 常用说法")
    url: str = Field(description="事项或一件事的办事指南地址；常用说法为搜索结果页地址")


class ServiceSuggestOut(Schema):
    items: list[ServiceSuggestionOut]


KIND_LABELS = {"item": "政务服务事项", "bundle": "一件事"}


def check_query(q: str, field: str = "q") -> str:
    q = (q or "").strip()
    if not q:
        raise ValidationFailed("请输入要搜索的内容", code="q_required", detail={"field": field})
    if len(q) > svc.qu.MAX_QUERY:
        raise ValidationFailed(f"搜索内容不能超过 {svc.qu.MAX_QUERY} 个字", code="q_too_long", detail={"field": field})
    return q


def check_filters(audience: str | None, department: str | None) -> tuple[str | None, str | None]:
    from digigov.core.org.models import Department

    if audience and audience not in (Audience.PERSON, Audience.ENTERPRISE):
        raise ValidationFailed("服务对象应为 person（个人）或 enterprise（法人）", code="bad_audience", detail={"field": "audience"})
    if department and not Department.objects.filter(code=department, voided_at__isnull=True).exists():
        raise ValidationFailed("没有这个部门", code="unknown_department", detail={"field": "department"})
    return audience or None, department or None


def hit_out(h: svc.Hit) -> dict:
    return {"name": h.name, "code": h.code, "department": h.department, "kind": h.kind, "kind_label": KIND_LABELS[h.kind],
            "url": h.url, "score": h.score, "why": "；".join(h.why)}


@search_router.get("", response=ServiceSearchPageOut, auth=None, summary="搜索政务服务事项和一件事（无需登录；同义词、口语、错别字、拼音）")
@public
@errors(without=(409,))
def search_services(request, q: str = Query(..., max_length=200, description="搜索内容，如“社保卡丢了怎么办”、shebaoka"),
                    audience: str | None = Query(None, max_length=20, description="person 个人 | enterprise 法人"),
                    department: str | None = Query(None, max_length=32, description="部门单位代码"),
                    limit: int = Query(10, description=f"每页条数，1–{MAX_LIMIT}"),
                    cursor: str | None = Query(None, max_length=200, description="上一页的 next_cursor")):
    q = check_query(q)
    audience, department = check_filters(audience, department)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"每页条数应在 1 到 {MAX_LIMIT} 之间", code="bad_limit", detail={"field": "limit"})
    try:
        result = svc.search(q, audience=audience, department=department, limit=limit, after=cursor)
    except ValueError:
        raise ValidationFailed("翻页参数无效，请从第一页重新搜索", code="bad_cursor", detail={"field": "cursor"}) from None
    return {"items": [hit_out(h) for h in result.hits], "next_cursor": result.next_cursor,
            "understood": understood(result.understanding)}


@suggest_router.get("", response=ServiceSuggestOut, auth=None, summary="搜索框输入提示（前缀、拼音、首字母）")
@public
@errors(without=(409,))
def suggest_services(request, q: str = Query(..., max_length=200, description="已输入的内容"),
                     limit: int = Query(8, description="提示条数，1–20")):
    q = check_query(q)
    if not 1 <= limit <= 20:
        raise ValidationFailed("提示条数应在 1 到 20 之间", code="bad_limit", detail={"field": "limit"})
    return {"items": [{"text": s.text, "kind": s.kind, "url": s.url} for s in sug.suggest(q, limit=limit)]}


def understood(u) -> list[str]:
    out = list(u.notes)
    for topic in u.topics:
        out.append(f"{'企业阶段' if topic in svc._STAGES else '人生事件'}：{topic}")
    return out
