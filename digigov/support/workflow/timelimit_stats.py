"""Time-limit figures per department (办件时限统计), read by the overdue page and the API.

For the cases in the caller's reach, grouped by 承办部门 (``Case.department``):

* 在办 ``open`` = cases whose status is open (办理中/待补正/特别程序/异常);
* 黄灯 ``yellow`` / 红灯 ``red`` / 超期 ``overdue`` = open cases whose warning is that level (the last
  recompute, see ``timelimits.recompute_warnings``);
* 已办结 ``finished`` = cases approved or rejected that had a promised limit;
* 按期办结 ``on_time`` = of those, the ones finished on or before their promised due date
  (``finished_at``'s local date ≤ ``promised_due``, the due date already pushed by suspensions);
* 按期办结率 ``on_time_rate`` = on_time / finished × 100 (%), None when nothing finished.

One grouped query for all departments (plus one for their names).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q

from digigov.core.org.models import Department

from .models import OPEN_CASE_STATUSES, CaseStatus, Warning

FINISHED = (CaseStatus.APPROVED, CaseStatus.REJECTED)


@dataclass
class DepartmentFigures:
    department_id: int
    department: str
    public_id: str
    open: int
    yellow: int
    red: int
    overdue: int
    finished: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time * 100 / self.finished, 1) if self.finished else None


def _counts():
    opened = Q(status__in=OPEN_CASE_STATUSES)
    done = Q(status__in=FINISHED, finished_at__isnull=False, promised_due__isnull=False)
    return {
        "open": Count("id", filter=opened),
        "yellow": Count("id", filter=opened & Q(warning=Warning.YELLOW)),
        "red": Count("id", filter=opened & Q(warning=Warning.RED)),
        "overdue": Count("id", filter=opened & Q(warning=Warning.OVERDUE)),
        "finished": Count("id", filter=done),
        "on_time": Count("id", filter=done & Q(finished_at__date__lte=F("promised_due"))),
    }


def by_department(cases) -> list[DepartmentFigures]:
    """Figures per department for the queryset ``cases`` (already scoped), most warned first."""
    rows = list(cases.order_by().values("department_id").annotate(**_counts()))
    names = {d.pk: d for d in Department.objects.filter(pk__in=[r["department_id"] for r in rows]).only("pk", "name", "short_name", "public_id")}
    out = []
    for r in rows:
        d = names.get(r["department_id"])
        out.append(DepartmentFigures(r["department_id"], (d.short_name or d.name) if d else "—", d.public_id if d else "",
                                     r["open"], r["yellow"], r["red"], r["overdue"], r["finished"], r["on_time"]))
    out.sort(key=lambda f: (-(f.overdue + f.red + f.yellow), -f.open, f.department))
    return out


def totals(figures: list[DepartmentFigures]) -> DepartmentFigures:
    t = DepartmentFigures(0, "合计", "", 0, 0, 0, 0, 0, 0)
    for f in figures:
        t.open += f.open
        t.yellow += f.yellow
        t.red += f.red
        t.overdue += f.overdue
        t.finished += f.finished
        t.on_time += f.on_time
    return t


def chart(figures: list[DepartmentFigures], link) -> dict:
    """A stacked bar per department (yellow / red / overdue open cases); a click opens that department's list."""
    labels = [f.department for f in figures]

    def series(name, attr, color):
        return {"name": name, "type": "bar", "stack": "warn", "itemStyle": {"color": color}, "cursor": "pointer",
                "data": [{"value": getattr(f, attr), "url": link(f)} for f in figures]}

    return {
        "title": {"text": "各部门预警办件", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "left": "center"},
        "grid": {"left": 40, "right": 10, "top": 40, "bottom": 90, "containLabel": True},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1, "name": "件"},
        "series": [series("黄灯预警", "yellow", "#f59e0b"), series("红灯预警", "red", "#dc2626"), series("已超期", "overdue", "#7f1d1d")],
    }
