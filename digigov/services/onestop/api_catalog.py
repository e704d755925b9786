"""Public catalog API (no login): ``GET /api/v1/services/items/`` (keyset pages: ``after`` = the previous
page's ``next_cursor``; filters topic, department, audience, type, citywide), ``GET /api/v1/services/items/{code}``
(the item's guide: materials with what replaces them, fees, time limits, legal basis) and
``GET /api/v1/services/topics/``. Anyone may call them, so each caller address is rate-limited here."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from digigov.core import counters
from digigov.core.api import public
from digigov.core.errors import RateLimited

from . import prefill
from .models import Audience, ItemType, MaterialForm, OnlineDepth, TopicKind
from .selectors import catalog as sel

items_router = Router(tags=["services.onestop 政务服务事项目录"])
topics_router = Router(tags=["services.onestop 政务服务事项目录"])
PUBLIC_PER_MINUTE = 600


def check_rate(request) -> None:
    from django.conf import settings

    from digigov.core.web.middleware import client_ip

    limit = getattr(settings, "ONESTOP_PUBLIC_API_PER_MINUTE", PUBLIC_PER_MINUTE)
    if limit and counters.hit(f"onestop.catalog:{client_ip(request)}", 60) > limit:
        raise RateLimited("查询过于频繁，请稍后再试", code="catalog_rate_limited")


class CatalogDepartmentOut(Schema):
    code: str
    name: str


class CatalogItemRowOut(Schema):
    code: str = Field(description="实施编码（GB/T 39554.1）")
    name: str
    item_type: str = Field(description="事项类型：" + "、".join(f"{v} {label}" for v, label in ItemType.choices))
    item_type_label: str
    audience: str = Field(description="person 个人 | enterprise 法人 | both 个人和法人")
    audience_label: str
    department: CatalogDepartmentOut
    online_depth: int = Field(description="网办深度 1–4（4 = 全程网办）")
    citywide: bool = Field(description="全市通办")
    promised_days: int | None
    fee_required: bool
    online_apply: bool = Field(description="可在线办理（有办理流程且网办深度 ≥ 3）")
    url: str = Field(description="办事指南页面")


class CatalogItemPageOut(Schema):
    items: list[CatalogItemRowOut]
    next_cursor: str | None = Field(description="下一页游标（作为 after 传入）；没有下一页时为 null")


class CatalogMaterialOut(Schema):
    name: str
    form: str = Field(description="original 原件 | copy 复印件 | both 原件和复印件 | electronic 电子材料")
    form_label: str
    copies: int
    required: bool
    note: str
    replaced_by_licence: str | None = Field(description="可替代该材料的电子证照名称（免提交）")
    replaced_by_data: str | None = Field(description="可替代该材料的共享数据名称（免提交）")


class CatalogFeeOut(Schema):
    name: str
    amount_cents: int
    basis: str


class CatalogTopicRefOut(Schema):
    code: str
    name: str


class CatalogItemOut(CatalogItemRowOut):
    basic_code: str
    legal_basis: str
    conditions: str
    process_steps: list[str]
    fees: list[CatalogFeeOut]
    statutory_days: int | None
    visits_required: int
    online_depth_label: str
    divisions: list[str] = Field(description="办理区划名称；为空表示全市各区划均可办理")
    topics: list[CatalogTopicRefOut]
    materials: list[CatalogMaterialOut]
    keywords: list[str]
    window_phone: str
    apply_url: str | None = Field(description="在线办理入口；不可在线办理时为 null")


class CatalogTopicOut(Schema):
    code: str
    name: str
    kind: str = Field(description="life 个人生命周期 | stage 企业生命周期")
    kind_label: str
    description: str
    item_count: int
    url: str


def row_out(item) -> dict:
    return {
        "code": item.code, "name": item.name, "item_type": item.item_type, "item_type_label": str(ItemType(item.item_type).label),
        "audience": item.audience, "audience_label": str(Audience(item.audience).label),
        "department": {"code": item.department.code, "name": item.department.name}, "online_depth": item.online_depth,
        "citywide": item.citywide, "promised_days": item.promised_days, "fee_required": item.fee_required,
        "online_apply": sel.online_applicable(item), "url": f"/services/items/{item.code}/",
    }


def item_out(item) -> dict:
    out = row_out(item)
    out.update({
        "basic_code": item.basic_code, "legal_basis": item.legal_basis, "conditions": item.conditions,
        "process_steps": [str(s) for s in item.process_steps or []],
        "fees": [{"name": f["name"], "amount_cents": f["amount_cents"], "basis": f.get("basis", "")} for f in item.fees or []],
        "statutory_days": item.statutory_days, "visits_required": item.visits_required,
        "online_depth_label": str(OnlineDepth(item.online_depth).label), "divisions": [d.name for d in item.divisions.all()],
        "topics": [{"code": t.code, "name": t.name} for t in item.topics.all()],
        "materials": [{"name": m.name, "form": m.form, "form_label": str(MaterialForm(m.form).label), "copies": m.copies,
                       "required": m.required, "note": m.note, "replaced_by_licence": m.licence_type.name if m.licence_type_id else None,
                       "replaced_by_data": prefill.label(m.shared_source) or None if m.shared_source else None}
                      for m in item.materials.all()],
        "keywords": item.keywords.split(), "window_phone": item.window_phone,
        "apply_url": f"/services/apply/item/{item.code}/" if sel.online_applicable(item) else None,
    })
    return out


@items_router.get("/", response=CatalogItemPageOut, auth=None, summary="政务服务事项列表（按办件量排序，游标分页）")
@public
def list_items(request, topic: str = "", department: str = "", audience: str = "", type: str = "", citywide: bool | None = None,
               after: str = "", limit: int = 20):
    """topic 主题代码；department 部门代码；audience person/enterprise/both；type 事项类型代码；citywide 全市通办；
    after 上一页的 next_cursor；limit 每页 1–100 条。"""
    check_rate(request)
    f = sel.clean_filter(topic=topic, department=department, audience=audience, item_type=type, citywide=citywide)
    rows, cursor = sel.browse(f, after=after, limit=limit)
    return {"items": [row_out(i) for i in rows], "next_cursor": cursor}


@items_router.get("/{code}", response=CatalogItemOut, auth=None, summary="政务服务事项办事指南")
@public
def get_item(request, code: str):
    check_rate(request)
    return item_out(sel.item_for_guide(code))


@topics_router.get("/", response=list[CatalogTopicOut], auth=None, summary="办事主题（个人生命周期、企业生命周期）")
@public
def list_topics(request, kind: str = ""):
    """kind: life（个人生命周期）| stage（企业生命周期）；空为全部。"""
    check_rate(request)
    if kind and kind not in TopicKind.values:
        from digigov.core.errors import ValidationFailed

        raise ValidationFailed("主题类别应为 life（个人）或 stage（法人）", code="invalid_topic_kind", detail={"field": "kind"})
    return [{"code": t.code, "name": t.name, "kind": t.kind, "kind_label": str(TopicKind(t.kind).label), "description": t.description,
             "item_count": t.item_count, "url": f"/services/topics/{t.code}/"} for t in sel.topics(kind or None)]
