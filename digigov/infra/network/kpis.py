"""K02 政务外网接入率 = 财政预算单位接入数量 / 财政预算单位总数.

Denominator: active departments flagged ``is_budget_unit``. Numerator: those with at least one
active access point in status ``connected`` serving them (``AccessPoint.department``). Division-level
points with no unit do not connect a unit. Breakdown by county-level division and by 委办局
(``digigov.core.kpi.breakdown``); ``extra``: the share of divisions of each level with a connected
access point (the plan's 四级覆盖) and the IPv6 readiness of connected points.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult, Part
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.registry import register_kpi
from digigov.core.kpi import breakdown as bd

from .models import AccessPoint, AccessStatus


def connected_points():
    return AccessPoint.objects.active().filter(status=AccessStatus.CONNECTED)


def budget_units():
    """Every budget unit, annotated with ``connected`` (has ≥1 connected access point)."""
    return Department.objects.active().filter(is_budget_unit=True).annotate(
        connected=Exists(connected_points().filter(department=OuterRef("pk")))
    )


def level_coverage() -> list[Part]:
    totals = dict(Division.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    covered = dict(connected_points().values_list("level").annotate(n=Count("division", distinct=True)).values_list("level", "n"))
    return [Part(key=f"level_{v}", label=_("%(level)s覆盖率") % {"level": label}, numerator=covered.get(v, 0), denominator=totals.get(v, 0))
            for v, label in DivisionLevel.choices]


def ipv6_part() -> Part:
    agg = connected_points().aggregate(n=Count("id"), v6=Count("id", filter=Q(ipv6_ready=True)))
    return Part(key="ipv6", label=_("IPv6改造率（已接入点）"), numerator=agg["v6"], denominator=agg["n"])


def compute_k02() -> KpiResult:
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    num = den = 0
    for connected, code, path in budget_units().values_list("connected", "division__code", "path"):
        den += 1
        num += bool(connected)
        tally_div.add(bd.county_key(code), bool(connected))
        tally_dept.add(bd.department_group_id(path), bool(connected))
    return KpiResult(
        numerator=num, denominator=den,
        by_division=bd.division_parts(tally_div), by_department=bd.department_parts(tally_dept),
        extra=[*level_coverage(), ipv6_part()], extra_title=_("各级区划外网覆盖率及IPv6改造率"),
    )


def k02_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        budget_units().select_related("division"),
        bd.division_q(division, "division__code"),
        bd.department_q(department, ""),
    ).order_by("path", "id")
    return DrillRows(
        columns=[_("财政预算单位"), _("单位代码"), _("所属区划"), _("外网接入")],
        queryset=qs,
        cells=lambda d: [d.name, d.code, d.division.name, _("已接入") if d.connected else _("未接入")],
        counted=lambda d: bool(d.connected),
        scope={"department_field": "", "division_field": "division"},  # the rows are departments
    )


register_kpi("K02", KpiComputer(code="K02", compute=compute_k02, rows=k02_rows, source_url_name="network:coverage"))
