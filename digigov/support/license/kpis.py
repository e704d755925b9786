"""K11 电子证照用证率 (Table 1, row 11; 2022: 50%, 2025 target: 80%, 预期性).

Formula (the plan: 使用电子证照行政许可的事项数与行政许可事项总数的比值):

    K11 = licensing items with ≥ 1 ``LicenceUse`` for the item in the last ``PERIOD_DAYS`` days
          / all licensing items

A licensing item is an active service item (workflow ``ProcessDefinition``, not voided) whose
``ItemLicencePolicy.is_licensing`` is set. A use counts for the item it was recorded for (``LicenceUse.process``),
through any channel (grant, 亮证, window, sharing). The period is a rolling 12 months, so the figure does not
fall to zero on 1 January. Breakdown by the item's department (委办局 level) and by its department's division;
the drill-down lists every licensing item with its use count in the period.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from digigov.core.kpi import breakdown as bd
from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult
from digigov.core.registry import register_kpi

PERIOD_DAYS = 365
SCOPE = {"department_field": "department", "division_field": "department__division"}


def period_start(now=None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=PERIOD_DAYS)


def _licensing_items():
    from digigov.support.workflow.models import ProcessDefinition

    return ProcessDefinition.objects.active().filter(licence_policy__is_licensing=True)


def _used_ids(since) -> set[int]:
    from .models import LicenceUse

    return set(LicenceUse.objects.filter(at__gte=since, process__isnull=False).values_list("process_id", flat=True).distinct())


def compute_k11() -> KpiResult:
    used = _used_ids(period_start())
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    num = den = 0
    for pk, code, path in _licensing_items().values_list("pk", "department__division__code", "department__path"):
        counted = pk in used
        den += 1
        num += counted
        tally_div.add(bd.county_key(code) if code else None, counted)
        tally_dept.add(bd.department_group_id(path), counted)
    return KpiResult(numerator=num, denominator=den, by_division=bd.division_parts(tally_div), by_department=bd.department_parts(tally_dept))


def k11_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    from .models import LicenceUse

    since = period_start()
    in_period = LicenceUse.objects.filter(process=OuterRef("pk"), at__gte=since).order_by().values("process")
    qs = bd.apply(
        _licensing_items().select_related("department")
        .annotate(uses=Coalesce(Subquery(in_period.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0)),
                  last_use=Subquery(in_period.annotate(m=Max("at")).values("m")[:1]),
                  types=Count("licence_policy__accepted_types", distinct=True)),
        bd.division_q(division, "department__division__code"),
        bd.department_q(department, "department"),
    ).order_by("department__path", "name", "id")
    return DrillRows(
        columns=[_("行政许可事项"), _("主管部门"), _("可用电子证照类型数"), _("近12个月用证次数"), _("最近用证时间")],
        queryset=qs,
        cells=lambda p: [p.name, p.department.name if p.department_id else "—", p.types, p.uses,
                         timezone.localtime(p.last_use).strftime("%Y-%m-%d %H:%M") if p.last_use else "—"],
        counted=lambda p: p.uses > 0,
        scope=SCOPE,
    )


register_kpi("K11", KpiComputer(code="K11", compute=compute_k11, rows=k11_rows, source_url_name="license_use:items"))
