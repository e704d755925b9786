"""The city's holiday calendar (节假日和调休安排), maintained by the city admin (``workflow.calendar``).

Exceptions to Monday–Friday are stored: a holiday (``holiday``; on a weekend it changes nothing but lets
the month view show the whole 共9天 of 春节) or a weekend day that is a 调休 working day (``workday``).
A 调休 working day on a weekday means nothing and is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text

from .. import calendar
from ..models import CalendarDay, DayKind

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_IMPORT_LINES = 400
FIELDS = ["date", "kind", "name"]
# what a person types in the import list for each kind
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "休息": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY, "假": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY, "法定节假日": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY, "上班": DayKind.WORKDAY, "调休上班": DayKind.WORKDAY, "补班": DayKind.WORKDAY,
}


def parse_date(value, field: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = (value or "").strip() if isinstance(value, str) else ""
        try:
            day = dt.date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise ValidationFailed("日期格式应为 2026-10-01", code="bad_date", detail={"field": field}) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationFailed(f"日期应在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间", code="bad_date", detail={"field": field})
    return day


def _kind(value, field: str = "kind") -> str:
    kind = KIND_WORDS.get((value or "").strip().lower() if isinstance(value, str) else "")
    if kind is None:
        raise ValidationFailed("类型应为“放假”或“调休上班”", code="bad_kind", detail={"field": field})
    return kind


def _check_meaningful(day: dt.date, kind: str, field: str = "date") -> None:
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise ValidationFailed(f"{day:%Y-%m-%d} 是工作日，本来就上班，无需登记为调休上班", code="workday_on_weekday", detail={"field": field})


@transaction.atomic
def set_day(actor, *, date, kind, name) -> CalendarDay:
    """Add a holiday or a 调休 working day, or change the one on that date."""
    require(actor, "workflow.calendar", WHOLE_CITY)
    day = parse_date(date)
    kind = _kind(kind)
    name = clean_text(name, "name", "名称", 32)
    _check_meaningful(day, kind)
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is None:
        obj = CalendarDay.objects.create(date=day, kind=kind, name=name, updated_by=actor)
        record(actor, "workflow.calendar.add", obj, after=snapshot(obj, FIELDS))
    else:
        before = snapshot(existing, FIELDS)
        existing.kind, existing.name, existing.updated_by = kind, name, actor
        existing.save()
        obj = existing
        record(actor, "workflow.calendar.change", obj, before=before, after=snapshot(obj, FIELDS))
    calendar.clear_cache()
    return obj


@transaction.atomic
def remove_day(actor, *, date) -> None:
    """Remove the holiday or 调休 day on ``date``: the day follows Monday–Friday again."""
    require(actor, "workflow.calendar", WHOLE_CITY)
    day = parse_date(date)
    obj = CalendarDay.objects.select_for_update().filter(date=day).first()
    if obj is None:
        raise NotFound(f"{day:%Y-%m-%d} 没有节假日或调休安排", code="no_such_day")
    before = snapshot(obj, FIELDS)
    record(actor, "workflow.calendar.remove", obj, before=before)
    obj.delete()
    calendar.clear_cache()


def parse_list(text: str) -> list[tuple[dt.date, str, str]]:
    """Rows ``日期,类型,名称`` (comma, tab, ideographic comma or spaces between; ``#`` starts a comment;
    an optional header line). Raises one ValidationFailed naming every bad line."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed("请粘贴或上传节假日清单", code="empty_list", detail={"field": "text"})
    lines = [ln for ln in text.replace("\ufeff", "").splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) > MAX_IMPORT_LINES:
        raise ValidationFailed(f"一次最多导入 {MAX_IMPORT_LINES} 行", code="too_many_lines", detail={"field": "text"})
    rows, problems, seen = [], [], set()
    for number, line in enumerate(lines, start=1):
        normalised = line.replace("，", ",").replace("、", ",").replace("\t", ",")
        parts = next(csv.reader(io.StringIO(normalised))) if "," in normalised else normalised.split()
        parts = [p.strip() for p in parts if p.strip()]
        if number == 1 and parts and parts[0] in ("日期", "date"):
            continue
        if len(parts) != 3:
            problems.append({"line": number, "text": line[:80], "message": "每行应为：日期,类型,名称"})
            continue
        try:
            day = parse_date(parts[0])
            kind = _kind(parts[1])
            name = clean_text(parts[2], "name", "名称", 32)
            _check_meaningful(day, kind)
        except ValidationFailed as exc:
            problems.append({"line": number, "text": line[:80], "message": exc.message})
            continue
        if day in seen:
            problems.append({"line": number, "text": line[:80], "message": f"{day:%Y-%m-%d} 重复"})
            continue
        seen.add(day)
        rows.append((day, kind, name))
    if problems:
        first = problems[0]
        raise ValidationFailed(f"第 {first['line']} 行：{first['message']}" + (f"（共 {len(problems)} 行有误）" if len(problems) > 1 else ""),
                               code="bad_lines", detail={"field": "text", "lines": problems})
    if not rows:
        raise ValidationFailed("清单中没有日期", code="empty_list", detail={"field": "text"})
    return rows


@transaction.atomic
def import_year(actor, *, year, text: str) -> dict:
    """Replace one year's holidays and 调休 days with the list (every date must lie in ``year``); all or nothing."""
    require(actor, "workflow.calendar", WHOLE_CITY)
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(f"年份应在 {MIN_YEAR} 至 {MAX_YEAR} 之间", code="bad_year", detail={"field": "year"})
    rows = parse_list(text)
    outside = [d for d, _k, _n in rows if d.year != year]
    if outside:
        raise ValidationFailed(f"{outside[0]:%Y-%m-%d} 不在 {year} 年内", code="date_outside_year", detail={"field": "text"})
    existing = CalendarDay.objects.select_for_update().filter(date__year=year)
    before = {f"{d.date:%Y-%m-%d}": f"{d.get_kind_display()} {d.name}" for d in existing}
    existing.delete()
    CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n, updated_by=actor) for d, k, n in rows])
    calendar.clear_cache()
    after = {f"{d:%Y-%m-%d}": f"{DayKind(k).label} {n}" for d, k, n in rows}
    summary = {"year": year, "holidays": sum(1 for _d, k, _n in rows if k == DayKind.HOLIDAY),
               "workdays": sum(1 for _d, k, _n in rows if k == DayKind.WORKDAY)}
    record(actor, "workflow.calendar.import", None, before=before or None, after=after, object_type="workflow.calendarday",
           object_id=str(year), object_repr=f"{year} 年节假日安排")
    return summary
