"""K04 数据编目率 (Table 1: 按数据应编尽编原则已完成编目的数据比例).

    K04 = 有效责任清单事项中，对应目录条目已发布（且未作废）的事项数 / 有效（未作废）责任清单事项数

A line of a department's 数据责任清单 (``ResponsibilityItem``) is what it must catalogue; it counts
as catalogued once linked to an entry that is published — a draft or an entry in review is not yet
编目. Breakdown by county-level division and by 委办局 of the responsible department
(``digigov.core.kpi.breakdown``); drill-down rows are the lines themselves; ``extra`` carries the
rate per resource 大类 of the lines that name a category.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from digigov.core.kpi import breakdown as bd
from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult, Part
from digigov.core.registry import register_kpi

from .models import CategoryKind, EntryStatus, ResponsibilityItem

SCOPE = {"department_field": "department", "division_field": "department__division"}


def _active():
    return ResponsibilityItem.objects.filter(voided_at__isnull=True)


def is_catalogued(status: str | None, voided_at) -> bool:
    return status == EntryStatus.PUBLISHED and voided_at is None


def compute_k04() -> KpiResult:
    tally_div, tally_dept, by_kind = bd.Tally(), bd.Tally(), bd.Tally()
    num = den = 0
    for status, voided, kind, code, path in _active().values_list(
        "entry__status", "entry__voided_at", "category__kind", "department__division__code", "department__path"
    ):
        counted = is_catalogued(status, voided)
        den += 1
        num += counted
        tally_div.add(bd.county_key(code), counted)
        tally_dept.add(bd.department_group_id(path), counted)
        if kind:
            by_kind.add(kind, counted)
    extra = [Part(key=f"kind_{k}", label=_("%(kind)s编目率") % {"kind": label}, numerator=by_kind.num[k], denominator=by_kind.den[k])
             for k, label in CategoryKind.choices if by_kind.den.get(k)]
    return KpiResult(numerator=num, denominator=den, by_division=bd.division_parts(tally_div),
                     by_department=bd.department_parts(tally_dept), extra=extra, extra_title=_("分资源大类编目率"))


def k04_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        _active().select_related("department", "entry", "category"),
        bd.division_q(division, "department__division__code"),
        bd.department_q(department, "department"),
    ).order_by("department__path", "name", "id")
    return DrillRows(
        columns=[_("责任清单事项"), _("责任部门"), _("资源分类"), _("对应目录条目"), _("目录状态")],
        queryset=qs,
        cells=lambda r: [r.name, r.department.name, r.category.name if r.category else "—",
                         r.entry.name if r.entry else _("未编目"),
                         (r.entry.get_status_display() if r.entry.voided_at is None else _("已作废")) if r.entry else "—"],
        counted=lambda r: r.entry is not None and is_catalogued(r.entry.status, r.entry.voided_at),
        scope=SCOPE,
    )


register_kpi("K04", KpiComputer(code="K04", compute=compute_k04, rows=k04_rows, source_url_name="catalog:overview"))
