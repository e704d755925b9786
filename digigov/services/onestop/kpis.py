"""K09 营商环境便利度 (Table 1, row 9; 1–100 分; 2022: 70, 2025 target: >90, 约束性).

The plan defines it as 涉及市场主体营商办事体制机制性因素条件的综合评价分值. This platform computes it from the
enterprise service items themselves (``ServiceItem`` active, not voided, audience 法人 or 个人和法人) and the
cases run on them, with the distance-to-frontier method of the World Bank's business-environment scores: each
measure ``x`` of an item scores

    s(x) = 100 × (worst − x) / (worst − best), clipped to 0 … 100

against the frontier (best) and the cut-off (worst) of ``MEASURES`` below (constants of the method, not a
score). The measures of an item:

* 承诺时限 — ``promised_days`` (else ``statutory_days``; an item with neither is left out of this measure);
  best 0 (即办), worst 20 working days.
* 办理环节 — ``len(process_steps)``; best 1, worst 8 (an item without steps is left out of this measure).
* 申请材料 — required materials the applicant must still bring: required ``ItemMaterial`` rows not replaced by an
  e-licence or shared data (免证办); best 0, worst 10.
* 跑动次数 — ``visits_required``; best 0, worst 3.
* 网办深度 — ``online_depth``; best 4 (全程网办), worst 1 (办事指南).
* 实际办理时长 — the mean working days (workflow calendar, less paused days) of the item's cases that ended
  (准予/不予) in the last 365 days; best 0, worst 20 (an item with no such case is left out of this measure).

An item's score is the mean of its measures' scores; K09 is the mean over the items:

    K09 = Σ item score / n items        (numerator Σ score, denominator 100 × n, so value = mean score)

Breakdown by the item's department (委办局 level) and by its department's county-level division; the drill-down
lists every enterprise item with its measures and score (counted: the item reaches the 2025 target, ≥ 90).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digigov.core.kpi import breakdown as bd
from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult
from digigov.core.registry import register_kpi

from .models import Audience

PERIOD_DAYS = 365
TARGET = 90
SCOPE = {"department_field": "department", "division_field": "department__division"}
# measure → (label, best, worst)
MEASURES = {
    "promised": ("承诺时限（工作日）", 0, 20),
    "steps": ("办理环节", 1, 8),
    "materials": ("需提交材料", 0, 10),
    "visits": ("跑动次数", 0, 3),
    "depth": ("网办深度", 4, 1),
    "measured": ("实际平均办理时长（工作日）", 0, 20),
}


def dtf(measure: str, x) -> float | None:
    """The distance-to-frontier score of ``x`` on ``measure`` (None: not measured)."""
    if x is None:
        return None
    _label, best, worst = MEASURES[measure]
    s = 100.0 * (worst - x) / (worst - best)
    return max(0.0, min(100.0, s))


@dataclass
class ItemScore:
    item_id: int
    values: dict
    scores: dict

    @property
    def score(self) -> float:
        got = [s for s in self.scores.values() if s is not None]
        return sum(got) / len(got) if got else 0.0


def enterprise_items():
    from .models import ServiceItem

    return ServiceItem.objects.active().filter(active=True, audience__in=(Audience.ENTERPRISE, Audience.BOTH))


def measured_days(process_ids, *, now=None) -> dict[int, float]:
    """Mean working days of the cases of each process that ended in the last ``PERIOD_DAYS`` days."""
    from digigov.support.workflow.calendar import working_days_between
    from digigov.support.workflow.models import Case, CaseStatus

    now = now or timezone.now()
    totals: dict[int, list] = defaultdict(lambda: [0, 0])
    rows = Case.objects.filter(process_version__process_id__in=list(process_ids), status__in=(CaseStatus.APPROVED, CaseStatus.REJECTED),
                               finished_at__gte=now - dt.timedelta(days=PERIOD_DAYS), finished_at__isnull=False)
    for process_id, started, finished, paused in rows.values_list("process_version__process_id", "started_at", "finished_at", "paused_days"):
        t = totals[process_id]
        t[0] += max(0, working_days_between(started, finished) - (paused or 0))
        t[1] += 1
    return {pid: t[0] / t[1] for pid, t in totals.items() if t[1]}


def score_items(qs) -> dict[int, ItemScore]:
    rows = list(qs.annotate(net_materials=Count("materials", filter=Q(materials__required=True, materials__licence_type__isnull=True,
                                                                       materials__shared_source=""))).values(
        "pk", "process_id", "promised_days", "statutory_days", "process_steps", "visits_required", "online_depth", "net_materials"))
    measured = measured_days({r["process_id"] for r in rows if r["process_id"]})
    out = {}
    for r in rows:
        steps = r["process_steps"] if isinstance(r["process_steps"], list) else []
        days = r["promised_days"] if r["promised_days"] is not None else r["statutory_days"]
        values = {"promised": days, "steps": len(steps) or None, "materials": r["net_materials"], "visits": r["visits_required"],
                  "depth": r["online_depth"], "measured": measured.get(r["process_id"]) if r["process_id"] else None}
        out[r["pk"]] = ItemScore(r["pk"], values, {m: dtf(m, v) for m, v in values.items()})
    return out


def compute_k09() -> KpiResult:
    qs = enterprise_items()
    scores = score_items(qs)
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    num = den = 0.0
    for pk, code, path in qs.values_list("pk", "department__division__code", "department__path"):
        s = scores[pk].score
        num += s
        den += 100
        for tally, key in ((tally_div, bd.county_key(code) if code else None), (tally_dept, bd.department_group_id(path))):
            if key is not None:
                tally.num[key] += s
                tally.den[key] += 100
    return KpiResult(numerator=round(num, 2), denominator=den, by_division=bd.division_parts(tally_div),
                     by_department=bd.department_parts(tally_dept))


def _fmt(v) -> str:
    if v is None:
        return "—"
    return f"{v:.1f}" if isinstance(v, float) else str(v)


def k09_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        enterprise_items().select_related("department"),
        bd.division_q(division, "department__division__code"),
        bd.department_q(department, "department"),
    ).order_by("department__path", "name", "id")
    cache: dict = {}

    def scored(item) -> ItemScore:
        """Scores of the whole list in one pass (two queries), on the first row asked for."""
        if item.pk not in cache:
            cache.update(score_items(qs) if not cache else score_items(enterprise_items().filter(pk=item.pk)))
        return cache[item.pk]

    return DrillRows(
        columns=[_("事项"), _("实施主体"), *[_(MEASURES[m][0]) for m in MEASURES], _("便利度得分")],
        queryset=qs,
        cells=lambda i: [i.name, i.department.name, *[_fmt(scored(i).values[m]) for m in MEASURES], f"{scored(i).score:.1f}"],
        counted=lambda i: scored(i).score >= TARGET,
        scope=SCOPE,
    )


register_kpi("K09", KpiComputer(code="K09", compute=compute_k09, rows=k09_rows, source_url_name="ratings:stats", unit="分"))
