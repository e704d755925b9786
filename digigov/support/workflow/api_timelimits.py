"""REST API of time limits and the holiday calendar:

* ``/api/v1/workflow/timelimits/``: figures per department, warned cases (keyset), special procedures
  (the case is named in the body, so no path names an object);
* ``/api/v1/workflow/calendar/``: a year's holidays and 调休 days; add/change, remove, import a year.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import IsoDate, StrictSchema, errors, get_or_404, permission

from . import timelimit_stats, timelimits
from .actions import calendar as calendar_actions
from .actions import timelimits as clock_actions
from .models import OPEN_CASE_STATUSES, CalendarDay, Warning
from .views_timelimits import scoped_cases, warned_page

router = Router(tags=["support.workflow 办件时限"])
calendar_router = Router(tags=["support.workflow 节假日安排"])


class DepartmentFiguresOut(Schema):
    department: str = Field(description="承办部门 public_id")
    department_name: str
    open: int
    yellow: int
    red: int
    overdue: int
    finished: int
    on_time: int
    on_time_rate: float | None = Field(description="按期办结率（%）= 按期办结 / 已办结 × 100；无已办结时为 null")


class WarnedCaseOut(Schema):
    public_id: str
    number: str
    title: str
    department: str
    status: str
    status_label: str
    warning: str = Field(description="yellow | red | overdue")
    warning_label: str
    promised_due: dt.date | None
    statutory_due: dt.date | None
    working_days_left: int | None = Field(description="剩余工作日，负数为已超期")


class OverviewOut(Schema):
    departments: list[DepartmentFiguresOut]
    cases: list[WarnedCaseOut]
    next_after: str | None = Field(description="下一页的 after 参数；null 表示没有更多")


class SuspendIn(StrictSchema):
    case: str = Field(description="办件 public_id", max_length=22)
    reason: Literal["hearing", "inspection", "expert_review", "other"]
    note: str = Field(max_length=500)


class ResumeIn(StrictSchema):
    case: str = Field(description="办件 public_id", max_length=22)
    note: str = Field("", max_length=200)


class ClockOut(Schema):
    case: str
    clock: str
    clock_label: str
    status: str
    promised_due: dt.date | None
    statutory_due: dt.date | None
    paused_days: int
    suspension_reason: str
    suspension_working_days: int


def _case_out(c, today) -> dict:
    return {"public_id": c.public_id, "number": c.number, "title": c.title, "department": c.department.public_id,
            "status": c.status, "status_label": c.get_status_display(), "warning": c.warning, "warning_label": c.get_warning_display(),
            "promised_due": c.promised_due, "statutory_due": c.statutory_due, "working_days_left": timelimits.working_days_left(c, today)}


@router.get("/", response=OverviewOut, summary="各部门时限统计与预警办件")
@permission("workflow.view")
def overview(request, department: Annotated[str, Field(max_length=22)] = "", level: Literal["", "yellow", "red", "overdue"] = "",
             after: Annotated[str, Field(max_length=40)] = ""):
    from digigov.core.org.models import Department
    from django.utils import timezone

    cases = scoped_cases(request.auth)
    figures = timelimit_stats.by_department(cases)
    warned = cases.filter(status__in=OPEN_CASE_STATUSES, warning__in=[Warning.YELLOW, Warning.RED, Warning.OVERDUE])
    if level:
        warned = warned.filter(warning=level)
    if department:
        warned = warned.filter(department__in=Department.objects.filter(public_id=department))
    rows, next_after = warned_page(warned, after or None)
    today = timezone.localdate()
    return {"departments": [{"department": f.public_id, "department_name": f.department, "open": f.open, "yellow": f.yellow, "red": f.red,
                             "overdue": f.overdue, "finished": f.finished, "on_time": f.on_time, "on_time_rate": f.on_time_rate} for f in figures],
            "cases": [_case_out(c, today) for c in rows], "next_after": next_after}


def _clock_out(case, suspension) -> dict:
    case.refresh_from_db()
    return {"case": case.public_id, "clock": case.clock, "clock_label": case.get_clock_display(), "status": case.status,
            "promised_due": case.promised_due, "statutory_due": case.statutory_due, "paused_days": case.paused_days,
            "suspension_reason": suspension.reason, "suspension_working_days": suspension.working_days}


@router.post("/suspend", response=ClockOut, summary="启动特别程序（听证、检验检测、专家评审），暂停计时")
@permission("workflow.suspend")
@errors(404)
def suspend(request, payload: SuspendIn):
    case = get_or_404(scoped_cases(request.auth), public_id=payload.case)
    s = clock_actions.suspend_clock(request.auth, case, reason=payload.reason, note=payload.note)
    return _clock_out(case, s)


@router.post("/resume", response=ClockOut, summary="结束特别程序，恢复计时（期限按暂停的工作日顺延）")
@permission("workflow.suspend")
@errors(404)
def resume(request, payload: ResumeIn):
    case = get_or_404(scoped_cases(request.auth), public_id=payload.case)
    s = clock_actions.resume_clock(request.auth, case, note=payload.note)
    return _clock_out(case, s)


# --- calendar ---------------------------------------------------------------------------------------

class DayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday（放假）| workday（调休上班）")
    kind_label: str
    name: str


class YearOut(Schema):
    year: int
    days: list[DayOut]


class DayIn(StrictSchema):
    date: IsoDate
    kind: Literal["holiday", "workday"]
    name: str = Field(max_length=32)


class RemoveIn(StrictSchema):
    date: IsoDate


class ImportIn(StrictSchema):
    year: int = Field(description=f"年份（{calendar_actions.MIN_YEAR}–{calendar_actions.MAX_YEAR}，超出时返回 bad_year）")
    text: str = Field(max_length=20000, description="每行：日期,类型,名称（类型为 放假/调休上班 或 holiday/workday）")


class ImportOut(Schema):
    year: int
    holidays: int
    workdays: int


class RemovedOut(Schema):
    date: dt.date
    removed: bool


def _day_out(d: CalendarDay) -> dict:
    return {"date": d.date, "kind": d.kind, "kind_label": "放假" if d.kind == "holiday" else "调休上班", "name": d.name}


@calendar_router.get("/", response=YearOut, summary="一年的节假日和调休安排")
@permission("workflow.view")
def year_days(request, year: Annotated[int, Field(ge=calendar_actions.MIN_YEAR, le=calendar_actions.MAX_YEAR)]):
    return {"year": year, "days": [_day_out(d) for d in CalendarDay.objects.filter(date__year=year).order_by("date")]}


@calendar_router.post("/days", response=DayOut, summary="新增或修改一天（放假或调休上班）")
@permission("workflow.calendar")
@errors(without=(409,))
def set_day(request, payload: DayIn):
    return _day_out(calendar_actions.set_day(request.auth, date=payload.date, kind=payload.kind, name=payload.name))


@calendar_router.post("/days/remove", response=RemovedOut, summary="删除一天的安排")
@permission("workflow.calendar")
@errors(404, without=(409,))
def remove_day(request, payload: RemoveIn):
    calendar_actions.remove_day(request.auth, date=payload.date)
    return {"date": payload.date, "removed": True}


@calendar_router.post("/import", response=ImportOut, summary="导入全年安排（替换该年已登记的日期）")
@permission("workflow.calendar")
@errors(without=(409,))
def import_year(request, payload: ImportIn):
    return calendar_actions.import_year(request.auth, year=payload.year, text=payload.text)
