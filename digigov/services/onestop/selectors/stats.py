"""政务服务统计: the figures of the statistics page and API, each computed from rows (workflow ``Case``,
window ``Reception``, ``WorkTask``, ``Rating``) in a period and within the viewer's reach (onestop.view, scoped by
the case's / rating's department), broken down by department, item or hall, with the rows behind every figure.

Per group, over the cases accepted (``Case.started_at``) in the period:

* 网上受理率 = cases whose channel is 网上办理 or 移动端 / all cases.
* 一次办率 = finished cases (准予 or 不予) with at most one window visit (``Reception`` rows of the case) and no
  correction (no ``WorkTask`` completed as 退回补正) / finished cases.
* 平均办理时长 = mean over finished cases of the working days from acceptance to the end
  (``calendar.working_days_between``) less the days the clock was paused (``paused_days``).
* 超期率 = cases with a promised due date that ended after it, or are still open past it / cases with a promised
  due date.
* 参评率 = finished cases that were rated (a ``Rating`` names the case, or the application it belongs to) /
  finished cases.

Over the ratings made (``Rating.created_at``) in the period: 满意率 = 非常满意 + 满意 + 基本满意 / all ratings,
and the mean score (5 … 1).

A case's item is the active ``ServiceItem`` run by the case's process; its hall is the hall of its first window
``Reception`` (cases with no window visit have no hall and are left out of the by-hall breakdown).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from digigov.core.rbac.checks import scope_queryset

from .. import rating_codes as codes
from ..models import ApplicationCase, Rating, ServiceItem

DIMENSIONS = {"department": "部门", "item": "事项", "hall": "政务服务大厅"}
METRICS = {
    "online": "网上受理率",
    "once": "一次办率",
    "days": "平均办理时长（工作日）",
    "overdue": "超期率",
    "participation": "参评率",
    "satisfaction": "满意率",
}
CASE_SCOPE = {"department_field": "department", "division_field": "department__division"}
RATING_SCOPE = {"department_field": "department", "division_field": "department__division"}
MAX_PERIOD_DAYS = 366 * 3


@dataclass
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:  # exclusive
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))


def period_from(date_from, date_to, *, today: dt.date | None = None) -> Period:
    """The period the page asks for; missing or bad dates fall back to the last 365 days up to today."""
    today = today or timezone.localdate()

    def parse(v):
        try:
            return dt.date.fromisoformat(v) if v else None
        except (TypeError, ValueError):
            return None

    end = parse(date_to) if not isinstance(date_to, dt.date) else date_to
    start = parse(date_from) if not isinstance(date_from, dt.date) else date_from
    end = clamp(end or today)
    start = clamp(start or end - dt.timedelta(days=364))
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_PERIOD_DAYS:
        start = end - dt.timedelta(days=MAX_PERIOD_DAYS)
    return Period(start, end)


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def clamp(day: dt.date) -> dt.date:
    """Keep a requested date where datetime arithmetic and time zones still work (no 0001-01-01 or 9999-12-31)."""
    return min(max(day, EARLIEST), LATEST)


@dataclass
class Group:
    key: str
    label: str
    cases: int = 0
    online: int = 0
    finished: int = 0
    once: int = 0
    days_total: int = 0
    with_due: int = 0
    overdue: int = 0
    rated: int = 0
    ratings: int = 0
    satisfied: int = 0
    score_total: int = 0

    @staticmethod
    def _pct(n, d):
        return round(100.0 * n / d, 2) if d else None

    @property
    def online_rate(self):
        return self._pct(self.online, self.cases)

    @property
    def once_rate(self):
        return self._pct(self.once, self.finished)

    @property
    def avg_days(self):
        return round(self.days_total / self.finished, 2) if self.finished else None

    @property
    def overdue_rate(self):
        return self._pct(self.overdue, self.with_due)

    @property
    def participation(self):
        return self._pct(self.rated, self.finished)

    @property
    def satisfaction(self):
        return self._pct(self.satisfied, self.ratings)

    @property
    def mean_score(self):
        return round(self.score_total / self.ratings, 2) if self.ratings else None

    def as_dict(self) -> dict:
        return {
            "key": self.key, "label": self.label, "cases": self.cases, "online": self.online, "online_rate": self.online_rate,
            "finished": self.finished, "once": self.once, "once_rate": self.once_rate, "avg_days": self.avg_days,
            "with_due": self.with_due, "overdue": self.overdue, "overdue_rate": self.overdue_rate, "rated": self.rated,
            "participation": self.participation, "ratings": self.ratings, "satisfied": self.satisfied,
            "satisfaction": self.satisfaction, "mean_score": self.mean_score,
        }


@dataclass
class Stats:
    period: Period
    dimension: str
    total: Group
    groups: list[Group] = field(default_factory=list)


def scoped_cases(user, period: Period) -> QuerySet:
    from digigov.support.workflow.models import Case

    return scope_queryset(user, "onestop.view", Case.objects.filter(started_at__gte=period.start_at, started_at__lt=period.end_at),
                          **CASE_SCOPE)


def scoped_ratings(user, period: Period) -> QuerySet:
    return scope_queryset(user, "onestop.view", Rating.objects.filter(created_at__gte=period.start_at, created_at__lt=period.end_at),
                          **RATING_SCOPE)


@dataclass
class CaseFacts:
    """What the figures need to know of one case (one query per kind of fact, never one per case)."""

    online: bool
    finished: bool
    once: bool
    days: int
    has_due: bool
    overdue: bool
    rated: bool
    department_id: int
    item_id: int | None
    hall_id: int | None


def case_facts(case_qs: QuerySet, *, today: dt.date | None = None) -> dict[int, CaseFacts]:
    from digigov.support.window.models import Reception
    from digigov.support.workflow.calendar import working_days_between
    from digigov.support.workflow.models import CaseStatus, Channel, TaskOutcome, WorkTask

    today = today or timezone.localdate()
    rows = list(case_qs.values_list("id", "department_id", "process_version__process_id", "channel", "status", "started_at",
                                    "finished_at", "paused_days", "promised_due"))
    ids = [r[0] for r in rows]
    id_sub = case_qs.values("id")
    corrected = set(WorkTask.objects.filter(case_id__in=id_sub, outcome=TaskOutcome.CORRECTION).values_list("case_id", flat=True))
    visits: dict[int, int] = defaultdict(int)
    hall_of: dict[int, int] = {}
    for case_id, hall_id in Reception.objects.filter(case_id__in=id_sub).order_by("id").values_list("case_id", "hall_id"):
        visits[case_id] += 1
        hall_of.setdefault(case_id, hall_id)
    rated = set(Rating.objects.filter(case_id__in=id_sub).values_list("case_id", flat=True))
    rated |= set(ApplicationCase.objects.filter(case_id__in=id_sub, application__ratings__isnull=False).values_list("case_id", flat=True))
    process_ids = {r[2] for r in rows}
    item_of = {}
    for pk, process_id in ServiceItem.objects.active().filter(process_id__in=process_ids).order_by("-active", "id").values_list("pk", "process_id"):
        item_of.setdefault(process_id, pk)
    ended = (CaseStatus.APPROVED, CaseStatus.REJECTED)
    out = {}
    for pk, dept_id, process_id, channel, status, started, finished, paused, due in rows:
        is_finished = status in ended and finished is not None
        days = max(0, working_days_between(started, finished) - (paused or 0)) if is_finished else 0
        end_day = timezone.localtime(finished).date() if finished else today
        out[pk] = CaseFacts(
            online=channel in (Channel.ONLINE, Channel.MOBILE), finished=is_finished,
            once=is_finished and visits.get(pk, 0) <= 1 and pk not in corrected, days=days, has_due=due is not None,
            overdue=due is not None and end_day > due, rated=is_finished and pk in rated, department_id=dept_id,
            item_id=item_of.get(process_id), hall_id=hall_of.get(pk))
    assert len(out) == len(ids)
    return out


def _labels(dimension: str, keys) -> dict:
    from digigov.core.org.models import Department
    from digigov.support.window.models import ServiceHall

    keys = [k for k in keys if k is not None]
    if dimension == "department":
        return {d.pk: (d.public_id, d.name) for d in Department.objects.filter(pk__in=keys).only("pk", "public_id", "name")}
    if dimension == "item":
        return {i.pk: (i.code, i.name) for i in ServiceItem.objects.filter(pk__in=keys).only("pk", "code", "name")}
    return {h.pk: (h.public_id, h.name) for h in ServiceHall.objects.filter(pk__in=keys).only("pk", "public_id", "name")}


def _key_of(dimension: str, facts: CaseFacts):
    return {"department": facts.department_id, "item": facts.item_id, "hall": facts.hall_id}[dimension]


def _rating_key(dimension: str, row) -> int | None:
    return {"department": row[1], "item": row[2], "hall": row[3]}[dimension]


def compute(user, period: Period, dimension: str = "department") -> Stats:
    if dimension not in DIMENSIONS:
        dimension = "department"
    facts = case_facts(scoped_cases(user, period))
    ratings = list(scoped_ratings(user, period).values_list("level", "department_id", "item_id", "hall_id"))
    total = Group("", "合计")
    by: dict = {}

    def group(key):
        if key not in by:
            by[key] = Group(str(key), "")
        return by[key]

    for f in facts.values():
        targets = [total]
        key = _key_of(dimension, f)
        if key is not None:
            targets.append(group(key))
        for g in targets:
            g.cases += 1
            g.online += f.online
            g.with_due += f.has_due
            g.overdue += f.overdue
            if f.finished:
                g.finished += 1
                g.once += f.once
                g.days_total += f.days
                g.rated += f.rated
    for row in ratings:
        targets = [total]
        key = _rating_key(dimension, row)
        if key is not None:
            targets.append(group(key))
        for g in targets:
            g.ratings += 1
            g.satisfied += row[0] in codes.SATISFIED_LEVELS
            g.score_total += row[0]
    labels = _labels(dimension, by.keys())
    groups = []
    for pk, g in by.items():
        if pk in labels:
            g.key, g.label = labels[pk]
            groups.append(g)
    groups.sort(key=lambda g: (-g.cases, -g.ratings, g.label))
    return Stats(period=period, dimension=dimension, total=total, groups=groups)


# --- drill-down: the rows behind one figure -----------------------------------------------------------

def _group_filter(dimension: str, key: str):
    """(case filter, rating filter) for one group's key as the page shows it (public id / item code)."""
    if not key:
        return {}, {}
    if dimension == "department":
        return {"department__public_id": key}, {"department__public_id": key}
    if dimension == "item":
        item = ServiceItem.objects.filter(code=key).only("process_id").first()
        process_id = item.process_id if item else -1
        return {"process_version__process_id": process_id}, {"item__code": key}
    if dimension == "hall":
        from digigov.support.window.models import Reception

        return {"id__in": Reception.objects.filter(hall__public_id=key, case__isnull=False).values("case_id")}, {"hall__public_id": key}
    return {}, {}


CASE_METRIC_COUNTED = {
    "online": lambda f: f.online,
    "once": lambda f: f.once,
    "days": lambda f: f.finished,
    "overdue": lambda f: f.overdue,
    "participation": lambda f: f.rated,
}
CASE_METRIC_DENOMINATOR = {
    "online": lambda f: True,
    "once": lambda f: f.finished,
    "days": lambda f: f.finished,
    "overdue": lambda f: f.has_due,
    "participation": lambda f: f.finished,
}


def drill_cases(user, period: Period, metric: str, dimension: str, key: str) -> tuple[list[int], dict[int, CaseFacts]]:
    """The ids of the cases in the figure's denominator (newest first) and every case's facts (``counted``
    per metric is ``CASE_METRIC_COUNTED[metric](facts[id])``); the page fetches one page of rows by id."""
    case_filter, _ = _group_filter(dimension, key)
    facts = case_facts(scoped_cases(user, period).filter(**case_filter))
    keep = [pk for pk, f in facts.items() if CASE_METRIC_DENOMINATOR[metric](f)]
    if dimension in ("item", "hall") and key:
        wanted = _labels_reverse(dimension, key)
        keep = [pk for pk in keep if wanted is not None and _key_of(dimension, facts[pk]) == wanted]
    keep.sort(reverse=True)
    return keep, facts


def _labels_reverse(dimension: str, key: str) -> int | None:
    if dimension == "item":
        return ServiceItem.objects.filter(code=key).values_list("pk", flat=True).first()
    from digigov.support.window.models import ServiceHall

    return ServiceHall.objects.filter(public_id=key).values_list("pk", flat=True).first()


def drill_ratings(user, period: Period, dimension: str, key: str) -> QuerySet:
    _, rating_filter = _group_filter(dimension, key)
    return (scoped_ratings(user, period).filter(**rating_filter).select_related("department", "item", "hall")
            .order_by("-created_at", "-id"))
