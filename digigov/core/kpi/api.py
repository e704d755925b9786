
import datetime as dt
from typing import Any

from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import Page, errors, paginate, permission
from digigov.core.errors import NotFound
from digigov.core.registry import KPI_COMPUTERS

from . import actions
from .breakdown import DrillFilter
from .selectors import drill_rows, visible_breakdown
from .models import KpiDefinition

router = Router(tags=["指标 kpi"])


class PartOut(Schema):
    """One slice of a KPI's breakdown (``digigov.core.kpi.types.Part.as_dict``)."""

    key: str = Field(description="区划代码前6位，或单位 public_id")
    label: str
    numerator: float
    denominator: float
    value: float | None = Field(description="百分比，两位小数；分母为 0 时为 null")


class KpiOut(Schema):
    code: str
    seq: int
    category: str
    name: str
    definition: str
    baseline_2022: str
    target_2025: str
    nature: str
    status: str  # connected | not_connected | pending
    value: float | None
    numerator: float | None
    denominator: float | None
    computed_at: dt.datetime | None
    duration_ms: float | None
    breakdown: dict[str, Any] | None


def kpi_out(row: actions.KpiRow, user=None) -> dict:
    """``user``: leave out the breakdown parts outside their reach (the value itself is the city's)."""
    d, s = row.definition, row.snapshot
    return {
        "code": d.code, "seq": d.seq, "category": d.category, "name": d.name, "definition": d.definition,
        "baseline_2022": d.baseline_2022, "target_2025": d.target_2025, "nature": d.nature,
        "status": "not_connected" if not row.connected else ("connected" if s else "pending"),
        "value": s.value if s else None, "numerator": s.numerator if s else None, "denominator": s.denominator if s else None,
        "computed_at": s.computed_at if s else None, "duration_ms": s.duration_ms if s else None,
        "breakdown": (visible_breakdown(user, s.breakdown) if user is not None else s.breakdown) if s else None,
    }


def _row(code: str) -> actions.KpiRow:
    for row in actions.board():
        if row.definition.code == code:
            return row
    raise NotFound("指标不存在", code="kpi_not_found")


@router.get("/", response=list[KpiOut], summary="表1 主要指标（未接入的指标不给出数值）")
@permission("kpi.view")
def list_kpis(request):
    return [kpi_out(r, request.auth) for r in actions.board()]


@router.get("/{code}", response=KpiOut, summary="指标详情与分解")
@permission("kpi.view")
def get_kpi(request, code: str):
    return kpi_out(_row(code), request.auth)


class DrillRowOut(Schema):
    counted: bool
    cells: list[str]


class DrillPage(Page[DrillRowOut]):
    columns: list[str]


@router.get("/{code}/rows", response=DrillPage, summary="指标明细（下钻）：分母中调用者可见范围内的每一行，counted 表示是否计入分子")
@permission("kpi.view")
def kpi_rows(request, code: str, division: str | None = None, department: str | None = None, page: int = 1, page_size: int = 50):
    if not KpiDefinition.objects.filter(code=code).exists():
        raise NotFound("指标不存在", code="kpi_not_found")
    computer = KPI_COMPUTERS.get(code)
    if computer is None:
        raise NotFound("该指标尚未接入数据", code="kpi_not_connected")
    drill = drill_rows(request.auth, computer, DrillFilter.from_query({"division": division, "department": department}))
    result = paginate(drill.queryset, page, page_size, lambda o: {"counted": drill.counted(o), "cells": [str(c) for c in drill.cells(o)]})
    result["columns"] = drill.columns
    return result


@router.post("/{code}/recompute", response=KpiOut, summary="重新计算指标")
@permission("kpi.recompute")
@errors(without=(409,))  # recomputing writes a new snapshot: nothing to conflict with
def recompute(request, code: str):
    if not KpiDefinition.objects.filter(code=code).exists():
        raise NotFound("指标不存在", code="kpi_not_found")
    if code not in KPI_COMPUTERS:
        raise NotFound("该指标尚未接入数据", code="kpi_not_connected")
    actions.recompute(request.auth, code)
    return kpi_out(_row(code), request.auth)
