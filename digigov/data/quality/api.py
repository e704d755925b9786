"""REST API of data quality governance at /api/v1/data/quality/. Entries, rules, runs and tasks are
addressed by ``public_id``; every operation names its permission; reads are scoped to the caller's
reach (the entry's department)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import IsoDate, Page, StrictSchema, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed

from . import actions, selectors
from .models import QualityRule, RectificationTask, RunTrigger, ScoreScope, TaskStatus

router = Router(tags=["data.quality 数据质量"])



class ParamsIn(StrictSchema):
    """The parameters of every rule type (each type takes its own subset; see ``rules``)."""

    format: str | None = Field(None, description="格式规则：resident_id | uscc | phone | division | email | regex")
    pattern: str | None = Field(None, description="格式规则（regex）：正则表达式")
    min: float | None = Field(None, description="取值范围（数值型）：最小值")
    max: float | None = Field(None, description="取值范围（数值型）：最大值")
    min_date: IsoDate | None = Field(None, description="取值范围（日期型）：最早日期")
    max_date: IsoDate | None = Field(None, description="取值范围（日期型）：最晚日期")
    entry: str | None = Field(None, description="参照完整性：被参照目录条目的资源代码")
    field: str | None = Field(None, description="参照完整性：被参照字段名")
    with_: list[str] | None = Field(None, alias="with", description="唯一性：组合唯一的其他字段名")
    max_age_days: int | None = Field(None, description="及时性（日期项）：最长天数")
    other: str | None = Field(None, description="一致性：比较字段名")
    op: str | None = Field(None, description="一致性：lt | le | eq | ne | ge | gt")


class ParamsOut(Schema):
    format: str | None = None
    pattern: str | None = None
    min: float | str | None = Field(None, description="数值，或日期型项的 ISO 日期")
    max: float | str | None = Field(None, description="数值，或日期型项的 ISO 日期")
    entry: str | None = None
    field: str | None = None
    with_: list[str] | None = Field(None, alias="with")
    max_age_days: int | None = None
    other: str | None = None
    op: str | None = None


def _params(p: ParamsIn | None) -> dict | None:
    if p is None:
        return None
    out = p.model_dump(by_alias=True, exclude_none=True)
    for bound in ("min", "max"):
        if f"{bound}_date" in out:
            if bound in out:
                raise ValidationFailed("数值和日期的取值范围不能同时填写", code="invalid_params", detail={"field": bound})
            out[bound] = out.pop(f"{bound}_date").isoformat()
    return out


# --- schemas ---------------------------------------------------------------------------------------
class RuleIn(StrictSchema):
    item: str | None = Field(None, description="信息项字段名；数据集级的及时性规则为空")
    rule_type: str = Field(description="required | format | range | code_list | reference | unique | timeliness | consistency")
    params: ParamsIn | None = Field(None, description="按规则类型的参数，见规则库说明")
    severity: str = Field("medium", description="low | medium | high")
    weight: int = 1
    enabled: bool = True
    description: str = ""


class RulePatch(StrictSchema):
    params: ParamsIn | None = None
    severity: str | None = None
    weight: int | None = None
    enabled: bool | None = None
    description: str | None = None


class RuleOut(Schema):
    public_id: str
    entry: str = Field(description="目录条目 public_id")
    item: str | None = Field(description="信息项字段名")
    item_name: str | None
    rule_type: str
    rule_type_label: str
    label: str = Field(description="规则的中文说明")
    params: ParamsOut
    severity: str
    severity_label: str
    weight: int
    enabled: bool
    derived: bool = Field(description="由信息项声明生成的基础规则")
    voided: bool


def rule_out(r: QualityRule) -> dict:
    return {"public_id": r.public_id, "entry": r.entry.public_id, "item": r.item.field_name if r.item_id else None,
            "item_name": r.item.name if r.item_id else None, "rule_type": r.rule_type, "rule_type_label": r.get_rule_type_display(),
            "label": str(r), "params": r.params, "severity": r.severity, "severity_label": r.get_severity_display(), "weight": r.weight,
            "enabled": r.enabled, "derived": r.derived, "voided": r.voided_at is not None}


class RuleListOut(Schema):
    items: list[RuleOut]


class SampleOut(Schema):
    row_no: int
    value: str = Field(description="已脱敏的值")
    reason: str


class ResultOut(Schema):
    rule: str | None = Field(description="规则 public_id")
    rule_type: str
    label: str
    severity: str
    weight: int
    checked: int
    failed: int
    pass_rate: float | None = Field(description="合格率（%）")
    error: str
    samples: list[SampleOut]


class RunOut(Schema):
    public_id: str
    entry: str
    entry_name: str
    trigger: str
    trigger_label: str
    status: str
    status_label: str
    message: str
    started_at: datetime
    rows_checked: int
    failed_checks: int
    score: float | None = Field(description="质量得分（0–100），无可检查数据时为 null")


class RunReportOut(RunOut):
    results: list[ResultOut]


def run_out(run, *, results: bool = False) -> dict:
    out = {"public_id": run.public_id, "entry": run.entry.public_id, "entry_name": run.entry.name, "trigger": run.trigger,
           "trigger_label": run.get_trigger_display(), "status": run.status, "status_label": run.get_status_display(), "message": run.message,
           "started_at": run.started_at, "rows_checked": run.rows_checked, "failed_checks": run.failed_checks,
           "score": float(run.score) if run.score is not None else None}
    if results:
        out["results"] = [{"rule": r.rule.public_id if r.rule else None, "rule_type": r.rule_type, "label": r.label, "severity": r.severity,
                           "weight": r.weight, "checked": r.checked, "failed": r.failed, "pass_rate": r.pass_rate, "error": r.error,
                           "samples": [{"row_no": s.row_no, "value": s.value, "reason": s.reason} for s in r.samples.all()]}
                          for r in run.results.select_related("rule").prefetch_related("samples")]
    return out


class DatasetScoreOut(Schema):
    entry: str
    code: str
    name: str
    department: str
    department_name: str
    score: float | None
    checked_at: datetime | None


class DepartmentScoreOut(Schema):
    department: str
    name: str
    score: float
    datasets: int


class ScoresOut(Schema):
    city_score: float | None = Field(description="全市（可见范围内）数据集最新得分的平均值")
    datasets: int
    departments: list[DepartmentScoreOut]


class TrendPointOut(Schema):
    day: date
    score: float
    datasets: int


class TrendOut(Schema):
    scope: str
    points: list[TrendPointOut]


class TaskEventOut(Schema):
    status: str
    status_label: str
    note: str
    actor: str
    at: datetime


class TaskOut(Schema):
    public_id: str
    entry: str
    entry_name: str
    department: str
    department_name: str
    status: str
    status_label: str
    problems: str
    due_on: date
    overdue: bool
    note: str
    created_at: datetime
    closed_at: datetime | None
    events: list[TaskEventOut]


def task_out(t: RectificationTask, events: bool = False) -> dict:
    return {"public_id": t.public_id, "entry": t.entry.public_id, "entry_name": t.entry.name, "department": t.department.public_id,
            "department_name": t.department.name, "status": t.status, "status_label": t.get_status_display(), "problems": t.problems,
            "due_on": t.due_on, "overdue": t.overdue(), "note": t.note, "created_at": t.created_at, "closed_at": t.closed_at,
            "events": [{"status": e.status, "status_label": e.get_status_display(), "note": e.note, "actor": e.actor.display_name, "at": e.at}
                       for e in t.events.select_related("actor")] if events else []}


class NoteIn(StrictSchema):
    note: str


class DueIn(StrictSchema):
    due_on: IsoDate


# --- rules ------------------------------------------------------------------------------------------
def _entry(request, public_id: str, perm: str = "quality.view"):
    return get_or_404(selectors.entries(request.auth, perm), public_id=public_id)


def _rule(request, public_id: str, perm: str):
    qs = QualityRule.objects.filter(voided_at__isnull=True, entry__in=selectors.entries(request.auth, perm)).select_related("entry", "item__code_list")
    return get_or_404(qs, public_id=public_id)


@router.get("/entries/{public_id}/rules", response=RuleListOut, summary="目录条目的质量规则")
@permission("quality.view")
def list_rules(request, public_id: str):
    entry = _entry(request, public_id)
    return {"items": [rule_out(r) for r in selectors.rules(entry).select_related("entry")]}


@router.post("/entries/{public_id}/rules", response={201: RuleOut}, summary="新增质量规则")
@permission("quality.manage")
def create_rule(request, public_id: str, payload: RuleIn):
    entry = _entry(request, public_id, "quality.manage")
    rule = actions.create_rule(request.auth, entry, item=payload.item, rule_type=payload.rule_type, params=_params(payload.params),
                               severity=payload.severity, weight=payload.weight, enabled=payload.enabled, description=payload.description)
    return Status(201, rule_out(rule))


@router.post("/entries/{public_id}/rules/derive", response=RuleListOut, summary="按信息项声明生成基础规则（已有的不重复生成）")
@permission("quality.manage")
def derive_rules(request, public_id: str):
    entry = _entry(request, public_id, "quality.manage")
    return {"items": [rule_out(r) for r in actions.derive_baseline(request.auth, entry)]}


@router.patch("/rules/{public_id}", response=RuleOut, summary="修改质量规则")
@permission("quality.manage")
def update_rule(request, public_id: str, payload: RulePatch):
    fields = payload.model_dump(exclude_none=True, exclude={"params"})
    rule = actions.update_rule(request.auth, _rule(request, public_id, "quality.manage"), params=_params(payload.params), **fields)
    return rule_out(rule)


@router.delete("/rules/{public_id}", response=RuleOut, summary="删除质量规则（作废，保留历史结果）")
@permission("quality.manage")
def delete_rule(request, public_id: str):
    return rule_out(actions.void_rule(request.auth, _rule(request, public_id, "quality.manage")))


# --- runs -------------------------------------------------------------------------------------------
@router.post("/entries/{public_id}/runs", response={201: RunOut}, summary="立即检查该数据集")
@permission("quality.manage")
def run_now(request, public_id: str):
    run = actions.run_now(request.auth, _entry(request, public_id, "quality.manage"), trigger=RunTrigger.MANUAL)
    return Status(201, run_out(run))


@router.get("/entries/{public_id}/runs", response=Page[RunOut], summary="该数据集的检查记录")
@permission("quality.view")
def list_runs(request, public_id: str, page: int = 1, page_size: int = 50):
    entry = _entry(request, public_id)
    return paginate(entry.quality_runs.select_related("entry").order_by("-started_at", "-id"), page, page_size, run_out)


@router.get("/runs/{public_id}", response=RunReportOut, summary="检查报告（各规则结果与脱敏样例）")
@permission("quality.view")
def get_run(request, public_id: str):
    return run_out(get_or_404(selectors.runs(request.auth).select_related("entry"), public_id=public_id), results=True)


# --- scores -----------------------------------------------------------------------------------------
@router.get("/scores", response=ScoresOut, summary="全市与各部门的数据质量得分")
@permission("quality.view")
def scores(request):
    city = selectors.city_score(request.auth)
    return {"city_score": city["score"], "datasets": city["datasets"], "departments": selectors.department_ranking(request.auth)}


@router.get("/scores/datasets", response=Page[DatasetScoreOut], summary="各数据集最新得分（低分在前）")
@permission("quality.view")
def dataset_scores(request, page: int = 1, page_size: int = 50):
    from django.db.models import F

    qs = selectors.checked_entries(request.auth).order_by(F("latest_score").asc(nulls_last=True), "code")
    return paginate(qs, page, page_size, lambda e: {
        "entry": e.public_id, "code": e.code, "name": e.name, "department": e.department.public_id, "department_name": e.department.name,
        "score": float(e.latest_score) if e.latest_score is not None else None, "checked_at": e.latest_at})


@router.get("/scores/trend", response=TrendOut, summary="得分趋势（每日）")
@permission("quality.view")
def score_trend(request, scope: str = "city", id: str | None = None, days: int = 90):
    if scope not in ScoreScope.values:
        raise ValidationFailed("范围应为 city、department 或 entry", code="invalid_scope", detail={"field": "scope"})
    if not 1 <= days <= 730:
        raise ValidationFailed("天数应在 1 到 730 之间", code="invalid_days", detail={"field": "days"})
    kwargs = {}
    if scope == ScoreScope.ENTRY:
        kwargs["entry"] = selectors.entries(request.auth).filter(public_id=id or "").first()
    elif scope == ScoreScope.DEPARTMENT:
        from digigov.core.org.models import Department
        from digigov.core.rbac.checks import scope_queryset

        kwargs["department"] = scope_queryset(request.auth, "quality.view", Department.objects.all(), "", "division").filter(public_id=id or "").first()
    if scope != ScoreScope.CITY and next(iter(kwargs.values())) is None:
        # the object is named by a query parameter: an unknown one is bad input (422), as for any filter
        raise ValidationFailed("未找到该数据集或部门", code="unknown_id", detail={"field": "id"})
    points = selectors.trend(scope=scope, days=days, **kwargs)
    return {"scope": scope, "points": [{"day": p.day, "score": float(p.score), "datasets": p.datasets} for p in points]}


# --- rectification ----------------------------------------------------------------------------------
def _task(request, public_id: str, perm: str = "quality.view"):
    return get_or_404(selectors.tasks(request.auth, perm).select_related("entry", "department"), public_id=public_id)


def _task_after(request, task):
    return task_out(selectors.tasks(request.auth).select_related("entry", "department").get(pk=task.pk), events=True)


@router.get("/tasks", response=Page[TaskOut], summary="整改任务列表")
@permission("quality.view")
def list_tasks(request, status: str | None = None, page: int = 1, page_size: int = 50):
    qs = selectors.tasks(request.auth).select_related("entry", "department")
    if status:
        if status not in TaskStatus.values:
            raise ValidationFailed("任务状态无效", code="invalid_status", detail={"field": "status"})
        qs = qs.filter(status=status)
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, task_out)


@router.get("/tasks/{public_id}", response=TaskOut, summary="整改任务详情（含办理记录）")
@permission("quality.view")
def get_task(request, public_id: str):
    return task_out(_task(request, public_id), events=True)


@router.post("/tasks/{public_id}/start", response=TaskOut, summary="开始整改")
@permission("quality.rectify")
def start_task(request, public_id: str):
    return _task_after(request, actions.start_task(request.auth, _task(request, public_id, "quality.rectify")))


@router.post("/tasks/{public_id}/submit", response=TaskOut, summary="提交整改结果（须填写整改说明）")
@permission("quality.rectify")
def submit_task(request, public_id: str, payload: NoteIn):
    return _task_after(request, actions.submit_task(request.auth, _task(request, public_id, "quality.rectify"), payload.note))


@router.post("/tasks/{public_id}/verify", response=TaskOut, summary="核验整改：复检通过则关闭，否则退回")
@permission("quality.verify")
def verify_task(request, public_id: str):
    return _task_after(request, actions.verify_task(request.auth, _task(request, public_id, "quality.verify")))


@router.post("/tasks/{public_id}/due", response=TaskOut, summary="调整整改期限")
@permission("quality.verify")
def set_due(request, public_id: str, payload: DueIn):
    return _task_after(request, actions.set_due(request.auth, _task(request, public_id, "quality.verify"), payload.due_on))
