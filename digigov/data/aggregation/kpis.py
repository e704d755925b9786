"""K05 数据归集率 (Table 1 row 5: 按数据需求已完成归集的数据比例, target 70%).

    K05 = demanded resources whose entry has at least one committed aggregation batch
          ────────────────────────────────────────────────────────────────────────────
          demanded resources

A demanded resource is a line of the 需求目录 (``catalog.DataDemand``): not voided, not rejected
(不予满足 demands are answered, not owed), and pointing at a catalog entry (a demand not yet matched
to an entry cannot be aggregated and is the catalog's business). Each demand line counts once; the
breakdown is by the *providing* department (who owes the data) and its county-level division; the
drill-down rows are the demand lines, ``counted`` when their entry has a batch.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from digigov.core.kpi import breakdown as bd
from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult
from digigov.core.registry import register_kpi
from digigov.data.catalog.models import DataDemand, DemandStatus

from .models import Batch

SCOPE = {"department_field": "provider", "division_field": "provider__division"}


def demanded():
    """The denominator's rows, each annotated ``aggregated``."""
    return (DataDemand.objects.filter(voided_at__isnull=True, entry__isnull=False).exclude(status=DemandStatus.REJECTED)
            .annotate(aggregated=Exists(Batch.objects.filter(entry_id=OuterRef("entry_id")))))


def compute_k05() -> KpiResult:
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    num = den = 0
    for aggregated, code, path in demanded().values_list("aggregated", "provider__division__code", "provider__path"):
        den += 1
        num += bool(aggregated)
        tally_div.add(bd.county_key(code), aggregated)
        tally_dept.add(bd.department_group_id(path), aggregated)
    return KpiResult(numerator=num, denominator=den, by_division=bd.division_parts(tally_div), by_department=bd.department_parts(tally_dept))


def k05_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        demanded().select_related("provider", "requester", "entry"),
        bd.division_q(division, "provider__division__code"),
        bd.department_q(department, "provider"),
    ).order_by("provider__path", "title", "id")
    return DrillRows(
        columns=[_("数据需求"), _("需求部门"), _("提供部门"), _("目录条目"), _("归集状态")],
        queryset=qs,
        cells=lambda d: [d.title, d.requester.name, d.provider.name, d.entry.name, _("已归集") if d.aggregated else _("未归集")],
        counted=lambda d: bool(d.aggregated),
        scope=SCOPE,
    )


register_kpi("K05", KpiComputer(code="K05", compute=compute_k05, rows=k05_rows, source_url_name="aggregation:overview"))
