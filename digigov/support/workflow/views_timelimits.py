"""Pages of time limits (办件时限) and the holiday calendar (节假日安排).

* ``/workbench/support/timelimits/``: figures per department (``timelimit_stats``) with a stacked bar chart
  whose bars drill down to the department's list; the warned open cases (yellow, red, overdue), filtered
  by department and level, paged by keyset on (promised due date, id) — no COUNT over the case table.
* ``/workbench/support/timelimits/cases/<id>/``: one case's clock: limits, due dates, suspensions, and the
  special-procedure controls for those holding ``workflow.suspend``.
* ``/workbench/support/calendar/``: the city admin's calendar: a year of month grids with holidays and 调休
  days, add/change/remove a day, import a year from a list.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError, Forbidden, get_or_404
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.forms import bind, keep_invalid

from . import calendar, timelimit_stats, timelimits
from .actions import calendar as calendar_actions
from .actions import timelimits as clock_actions
from .models import OPEN_CASE_STATUSES, CalendarDay, Case, ClockSuspension, DayKind, SuspensionReason, Warning

PAGE = 50
LEVELS = [(Warning.OVERDUE, "已超期"), (Warning.RED, "红灯预警"), (Warning.YELLOW, "黄灯预警")]
LEVEL_BADGE = {Warning.YELLOW: "warn", Warning.RED: "bad", Warning.OVERDUE: "bad", Warning.NORMAL: "ok"}


def scoped_cases(user):
    return scope_queryset(user, "workflow.view", Case.objects.all())


def _cursor(raw) -> tuple[dt.date, int] | None:
    try:
        day, pk = (raw or "").split("_", 1)
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def warned_page(qs, after: str | None, size: int = PAGE) -> tuple[list, str | None]:
    """Warned cases by promised due date (the most urgent first), keyset ``after`` = "YYYY-MM-DD_id"."""
    from django.db.models import Q

    qs = qs.order_by("promised_due", "id")
    cursor = _cursor(after)
    if cursor:
        qs = qs.filter(Q(promised_due__gt=cursor[0]) | Q(promised_due=cursor[0], id__gt=cursor[1]))
    rows = list(qs.select_related("department")[: size + 1])
    if len(rows) > size:
        last = rows[size - 1]
        return rows[:size], f"{last.promised_due:%Y-%m-%d}_{last.pk}"
    return rows, None


@requires("workflow.view")
def overview(request):
    cases = scoped_cases(request.user)
    figures = timelimit_stats.by_department(cases)
    base = reverse("timelimits:overview")
    chart = timelimit_stats.chart(figures, lambda f: f"{base}?{urlencode({'department': f.public_id})}#warned") if figures else None
    departments = [(f.public_id, f.department) for f in sorted(figures, key=lambda f: f.department) if f.public_id]
    department = request.GET.get("department") or ""
    level = request.GET.get("level") or ""
    warned = cases.filter(status__in=OPEN_CASE_STATUSES, warning__in=[lvl for lvl, _ in LEVELS])
    if level in dict(LEVELS):
        warned = warned.filter(warning=level)
    else:
        level = ""
    if department:
        dept = Department.objects.filter(public_id=department).first()
        warned = warned.filter(department=dept) if dept else warned.none()
    rows, next_cursor = warned_page(warned, request.GET.get("after"))
    today = timezone.localdate()
    for case in rows:
        case.days_left = timelimits.working_days_left(case, today)
        case.overdue_by = -case.days_left if case.days_left is not None and case.days_left < 0 else 0
        case.badge = LEVEL_BADGE.get(case.warning, "muted")
    params = {k: v for k, v in {"department": department, "level": level}.items() if v}
    return render(request, "workflow/timelimits/overview.html", {
        "figures": figures, "total": timelimit_stats.totals(figures), "chart": chart,
        "rows": rows, "next_url": f"?{urlencode(params | {'after': next_cursor})}#warned" if next_cursor else "",
        "first_url": f"?{urlencode(params)}#warned" if request.GET.get("after") else "",
        "departments": departments, "department": department, "levels": LEVELS, "level": level, "today": today,
        "can_calendar": can(request.user, "workflow.calendar"),
    })


class SuspendForm(forms.Form):
    reason = forms.ChoiceField(label="特别程序", choices=[(r.value, r.label) for r in SuspensionReason if r != SuspensionReason.CORRECTION])
    note = forms.CharField(label="说明（如 听证会安排、检测机构、专家名单）", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(forms.Form):
    note = forms.CharField(label="结束说明（可不填）", max_length=200, required=False)


@requires("workflow.view")
def case_clock(request, public_id: str):
    case = get_or_404(scoped_cases(request.user).select_related("department", "process_version__process"), public_id=public_id)
    may_suspend = can(request.user, "workflow.suspend", case)
    suspend_form = bind(request, SuspendForm, prefix="s")
    resume_form = bind(request, ResumeForm, prefix="r")
    if request.method == "POST":
        if not may_suspend:
            raise Forbidden("无权执行此操作（需要权限：发起和结束特别程序（暂停计时））")
        op = request.POST.get("op")
        form = suspend_form if op == "suspend" else resume_form
        if form.is_valid():
            try:
                if op == "suspend":
                    clock_actions.suspend_clock(request.user, case, **form.cleaned_data)
                    messages.success(request, "已启动特别程序，暂停计时")
                else:
                    s = clock_actions.resume_clock(request.user, case, **form.cleaned_data)
                    messages.success(request, f"特别程序已结束，恢复计时（暂停 {s.working_days} 个工作日）")
                return redirect(request.path)
            except DigiGovError as exc:
                field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
        return keep_invalid(request, form)
    suspensions = list(ClockSuspension.objects.filter(case=case).select_related("started_by", "ended_by").order_by("-started_at"))
    current = next((s for s in suspensions if s.ended_at is None), None)
    return render(request, "workflow/timelimits/case.html", {
        "case": case, "suspensions": suspensions, "current": current, "days_left": timelimits.working_days_left(case),
        "badge": LEVEL_BADGE.get(case.warning, "muted"), "may_suspend": may_suspend and case.status in OPEN_CASE_STATUSES,
        "special_running": current is not None and current.reason != SuspensionReason.CORRECTION,
        "suspend_form": suspend_form, "resume_form": resume_form,
    })


# --- the calendar --------------------------------------------------------------------------------------

class DayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=[(DayKind.HOLIDAY.value, "放假"), (DayKind.WORKDAY.value, "调休上班")])
    name = forms.CharField(label="名称（如 春节、国庆节调休）", max_length=32)


class RemoveForm(forms.Form):
    date = forms.DateField(label="日期")


class ImportForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=calendar_actions.MIN_YEAR, max_value=calendar_actions.MAX_YEAR)
    text = forms.CharField(label="清单（每行：日期,类型,名称；类型为 放假 或 调休上班）", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label="或上传 CSV/文本文件（UTF-8 或 GBK）", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 64 * 1024:
                self.add_error("file", "文件不能超过 64 KB")
                return data
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                self.add_error("file", "无法识别文件编码，请使用 UTF-8 或 GBK")
        if not (data.get("text") or "").strip() and not self.errors:
            self.add_error("text", "请粘贴清单或上传文件")
        return data


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, calendar_actions.MIN_YEAR), calendar_actions.MAX_YEAR)


WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


def _months(year: int, names: dict) -> list[dict]:
    months = []
    for month in range(1, 13):
        days = calendar.month_days(year, month)
        cells = [None] * days[0]["date"].weekday()
        for d in days:
            d["name"] = names.get(d["date"], "")
            cells.append(d)
        cells += [None] * (-len(cells) % 7)
        months.append({"month": month, "weeks": [cells[i:i + 7] for i in range(0, len(cells), 7)]})
    return months


@requires("workflow.calendar")
def calendar_year(request):
    year = _year(request)
    here = f"{reverse('workcalendar:year')}?year={year}"
    day_form = bind(request, DayForm, prefix="day")
    import_form = bind(request, ImportForm, prefix="imp", initial={"year": year})
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "import":
                form = ImportForm(request.POST, request.FILES, prefix="imp")
                if form.is_valid():
                    summary = calendar_actions.import_year(request.user, year=form.cleaned_data["year"], text=form.cleaned_data["text"])
                    messages.success(request, f"已导入 {summary['year']} 年：放假 {summary['holidays']} 天、调休上班 {summary['workdays']} 天")
                    return redirect(f"{reverse('workcalendar:year')}?year={summary['year']}")
                return keep_invalid(request, form, to=here)
            form = DayForm(request.POST, prefix="day")
            if form.is_valid():
                day = calendar_actions.set_day(request.user, **form.cleaned_data)
                messages.success(request, f"已保存 {day.date:%Y-%m-%d} {day.get_kind_display()}（{day.name}）")
                return redirect(f"{reverse('workcalendar:year')}?year={day.date.year}")
            return keep_invalid(request, form, to=here)
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
            return keep_invalid(request, form, to=here)
    days = list(CalendarDay.objects.filter(date__year=year).select_related("updated_by").order_by("date"))
    names = {d.date: d.name for d in days}
    return render(request, "workflow/timelimits/calendar.html", {
        "year": year, "months": _months(year, names), "days": days, "weekdays": WEEKDAYS,
        "day_form": day_form, "import_form": import_form, "prev_year": year - 1, "next_year": year + 1,
        "holidays": sum(1 for d in days if d.kind == DayKind.HOLIDAY), "workdays": sum(1 for d in days if d.kind == DayKind.WORKDAY),
    })


@requires("workflow.calendar")
@require_POST
def calendar_remove(request):
    """The remove buttons of the list post here (one per day)."""
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "日期无效")
        return redirect("workcalendar:year")
    day = form.cleaned_data["date"]
    try:
        calendar_actions.remove_day(request.user, date=day)
        messages.success(request, f"已删除 {day:%Y-%m-%d} 的安排")
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('workcalendar:year')}?year={day.year}")
