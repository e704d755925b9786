"""REST API of 分类分级 at /api/v1/data/grading/ (proposals, confirmation, history, suggestions) and the masked
data preview at /api/v1/data/datasets/{entry}/rows. Entries are addressed by their resource code (资源代码)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.data.catalog.models import DataItem
from digigov.data.catalog.selectors import visible_entries

from . import actions, preview, selectors, suggest
from .models import LevelChange, LevelProposal, ProposalStatus

router = Router(tags=["data.grading 数据分类分级"])
datasets_router = Router(tags=["data.datasets 数据预览"])


class GradingLineIn(StrictSchema):
    item: str | None = Field(None, description="信息项字段名（field_name）；为空表示目录条目本身")
    level: int = Field(description="数据级别：1 一般数据，2 重要数据，3 核心数据")
    personal: int = Field(description="个人信息类别：0 非个人信息，1 个人信息，2 敏感个人信息")
    basis: str = ""
    source: str = "manual"


class GradingProposeIn(StrictSchema):
    entry: str = Field(description="目录条目的资源代码")
    reason: str
    basis: str = ""
    lines: list[GradingLineIn]


class GradingDecisionIn(StrictSchema):
    note: str = ""


class GradingProposalOut(Schema):
    public_id: str
    batch: str
    entry: str = Field(description="资源代码")
    entry_name: str
    department_name: str
    item: str | None = Field(description="信息项字段名；为空表示目录条目本身")
    item_name: str | None
    current_level: int
    current_personal: int
    level: int
    level_label: str
    personal: int
    personal_label: str
    reason: str
    basis: str
    source: str = Field(description="manual | suggested")
    status: str = Field(description="pending | confirmed | rejected | withdrawn")
    status_label: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


def proposal_out(p: LevelProposal) -> dict:
    return {
        "public_id": p.public_id, "batch": p.batch, "entry": p.entry.code, "entry_name": p.entry.name, "department_name": p.entry.department.name,
        "item": p.item.field_name if p.item_id else None, "item_name": p.item.name if p.item_id else None,
        "current_level": p.current_level, "current_personal": p.current_personal, "level": p.level, "level_label": p.get_level_display(),
        "personal": p.personal, "personal_label": p.get_personal_display(), "reason": p.reason, "basis": p.basis, "source": p.source,
        "status": p.status, "status_label": p.get_status_display(), "decision_note": p.decision_note, "created_at": p.created_at,
        "decided_at": p.decided_at,
    }


class GradingChangeOut(Schema):
    entry: str
    entry_name: str
    item: str | None
    item_name: str | None
    level_before: int
    level_after: int
    personal_before: int
    personal_after: int
    summary: str = Field(description="中文变更说明")
    note: str
    at: datetime


def change_out(c: LevelChange) -> dict:
    return {
        "entry": c.entry.code, "entry_name": c.entry.name, "item": c.item.field_name if c.item_id else None,
        "item_name": c.item.name if c.item_id else None, "level_before": c.level_before, "level_after": c.level_after,
        "personal_before": c.personal_before, "personal_after": c.personal_after,
        "summary": f"{c.get_level_before_display()}／{c.get_personal_before_display()} → {c.get_level_after_display()}／{c.get_personal_after_display()}",
        "note": c.note, "at": c.at,
    }


class GradingSuggestionOut(Schema):
    item: str = Field(description="信息项字段名")
    item_name: str
    current_level: int
    current_personal: int
    level: int
    personal: int
    basis: str


class DatasetColumnOut(Schema):
    field_name: str
    name: str
    shown: str = Field(description="clear 明文 | masked 脱敏")


class DatasetRowsOut(Schema):
    entry: str
    columns: list[DatasetColumnOut]
    rows: list[dict[str, str]]
    next_cursor: str | None = Field(description="下一页游标（after 参数）；没有下一页为 null")
    hidden: list[str] = Field(description="因级别不向调用方展示的信息项名称")
    message: str = Field(description="没有数据时的中文说明")


# --- proposals -------------------------------------------------------------------------------------

@router.get("/proposals", response=Page[GradingProposalOut], summary="分级建议列表")
@permission("grading.view")
def list_proposals(request, status: str | None = None, entry: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.proposals(request.auth)
    if status:
        if status not in ProposalStatus.values:
            raise ValidationFailed("状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    if entry:
        qs = qs.filter(entry__code=entry)
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, proposal_out)


@router.post("/proposals", response={201: list[GradingProposalOut]}, summary="提出分级建议（可一次提交多个信息项）")
@permission("grading.propose")
@errors(404)
def create_proposals(request, payload: GradingProposeIn):
    entry = get_or_404(selectors.entries(request.auth, "grading.propose"), code=payload.entry)
    items = {i.field_name: i for i in DataItem.objects.filter(entry=entry)}
    lines = []
    for n, line in enumerate(payload.lines):
        if line.item is not None and line.item not in items:
            raise ValidationFailed(f"信息项“{line.item}”不属于该目录条目", code="unknown_item", detail={"field": "item", "index": n})
        lines.append({"item": items[line.item] if line.item is not None else None, "level": line.level, "personal": line.personal,
                      "basis": line.basis, "source": line.source})
    created = actions.propose_levels(request.auth, entry, lines, reason=payload.reason, basis=payload.basis)
    return Status(201, [proposal_out(selectors.proposals(request.auth).get(pk=p.pk)) for p in created])


@router.get("/proposals/{public_id}", response=GradingProposalOut, summary="分级建议详情")
@permission("grading.view")
def get_proposal(request, public_id: str):
    return proposal_out(get_or_404(selectors.proposals(request.auth), public_id=public_id))


@router.post("/proposals/{public_id}/confirm", response=GradingProposalOut, summary="确认分级建议（写入目录条目/信息项的级别）")
@permission("grading.confirm")
def confirm(request, public_id: str, payload: GradingDecisionIn):
    p = get_or_404(selectors.proposals(request.auth, "grading.confirm"), public_id=public_id)
    actions.confirm_proposal(request.auth, p, payload.note)
    return proposal_out(selectors.proposals(request.auth).get(pk=p.pk))


@router.post("/proposals/{public_id}/reject", response=GradingProposalOut, summary="驳回分级建议（须填写理由）")
@permission("grading.confirm")
def reject(request, public_id: str, payload: GradingDecisionIn):
    p = get_or_404(selectors.proposals(request.auth, "grading.confirm"), public_id=public_id)
    actions.reject_proposal(request.auth, p, payload.note)
    return proposal_out(selectors.proposals(request.auth).get(pk=p.pk))


@router.post("/proposals/{public_id}/withdraw", response=GradingProposalOut, summary="撤回本单位未确认的分级建议")
@permission("grading.propose")
def withdraw(request, public_id: str):
    p = get_or_404(selectors.proposals(request.auth, "grading.propose"), public_id=public_id)
    actions.withdraw_proposal(request.auth, p)
    return proposal_out(selectors.proposals(request.auth).get(pk=p.pk))


@router.get("/history", response=Page[GradingChangeOut], summary="分级变更记录")
@permission("grading.view")
def history(request, entry: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.changes(request.auth)
    if entry:
        qs = qs.filter(entry__code=entry)
    return paginate(qs.order_by("-at", "-id"), page, page_size, change_out)


@router.get("/entries/{code}/suggestions", response=list[GradingSuggestionOut], summary="按规则自动生成的分级建议（不会自动生效）")
@permission("grading.propose")
def suggestions(request, code: str):
    entry = get_or_404(selectors.entries(request.auth, "grading.propose"), code=code)
    return [{"item": s.item.field_name, "item_name": s.item.name, "current_level": s.item.level, "current_personal": s.item.personal,
             "level": s.level, "personal": s.personal, "basis": s.basis}
            for s in suggest.suggest_entry(entry.items.all().order_by("seq"))]


# --- the masked preview -------------------------------------------------------------------------------

@datasets_router.get("/{code}/rows", response=DatasetRowsOut, summary="数据预览：按调用方权限脱敏的前若干行（键集分页）")
@permission("grading.view")
def rows(request, code: str, after: str | None = None, limit: int = preview.DEFAULT_LIMIT):
    entry = get_or_404(visible_entries(request.auth).select_related("department"), code=code)
    result = preview.preview_rows(request.auth, entry, after=after, limit=limit)
    masked = set(result.masked)
    return {
        "entry": entry.code,
        "columns": [{"field_name": i.field_name, "name": i.name, "shown": "masked" if i.field_name in masked else "clear"} for i in result.columns],
        "rows": result.rows, "next_cursor": result.next_cursor, "hidden": [i.name for i in result.hidden], "message": result.message,
    }
