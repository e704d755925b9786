"""K01 云平台整合率 and the 非涉密信息系统上云率 figure.

K01 (Table 1): active cloud platforms integrated into the city's “一朵云” management / all active
cloud platforms (clouds and 机房 run by departments at any level). Breakdown by county-level division
and by 委办局 (see ``digigov.core.kpi.breakdown``); ``extra`` carries the 上云率 (not one of Table 1's
indicators, shown next to K01) and the integration ratio by platform kind.

上云率: active non-classified systems whose status is ``migrated`` / active non-classified systems that
are not exempt (经批准暂不上云). Classified systems belong on the 政务内网 and are outside both sides.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult, Part
from digigov.core.registry import register_kpi
from digigov.core.kpi import breakdown as bd

from .models import CloudPlatform, CloudStatus, HostedSystem, PlatformKind

SCOPE = {"department_field": "department", "division_field": "department__division"}  # rows placed by their department


# --- 上云率 -------------------------------------------------------------------------------------

def cloud_rate() -> KpiResult:
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    num = den = 0
    for status, code, path in HostedSystem.objects.eligible().values_list("cloud_status", "department__division__code", "department__path"):
        counted = status == CloudStatus.MIGRATED
        den += 1
        num += counted
        tally_div.add(bd.county_key(code), counted)
        tally_dept.add(bd.department_group_id(path), counted)
    return KpiResult(numerator=num, denominator=den, by_division=bd.division_parts(tally_div), by_department=bd.department_parts(tally_dept))


def cloud_rate_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        HostedSystem.objects.eligible().select_related("department", "platform"),
        bd.division_q(division, "department__division__code"),
        bd.department_q(department, "department"),
    ).order_by("department__path", "name", "id")
    return DrillRows(
        columns=[_("信息系统"), _("主管单位"), _("上云状态"), _("部署云平台"), _("上云日期")],
        queryset=qs,
        cells=lambda s: [s.name, s.department.name, s.get_cloud_status_display(), s.platform.name if s.platform else "—",
                         s.migrated_on or "—"],
        counted=lambda s: s.cloud_status == CloudStatus.MIGRATED,
        scope=SCOPE,
    )


# --- K01 云平台整合率 ------------------------------------------------------------------------------

def compute_k01() -> KpiResult:
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    by_kind = bd.Tally()
    num = den = 0
    for integrated, kind, code, path in CloudPlatform.objects.active().values_list(
        "integrated", "kind", "department__division__code", "department__path"
    ):
        den += 1
        num += integrated
        tally_div.add(bd.county_key(code), integrated)
        tally_dept.add(bd.department_group_id(path), integrated)
        by_kind.add(kind, integrated)
    rate = cloud_rate()
    extra = [Part(key="cloud_rate", label=_("非涉密信息系统上云率"), numerator=rate.numerator, denominator=rate.denominator)]
    extra += [Part(key=f"kind_{k}", label=_("%(kind)s整合率") % {"kind": label}, numerator=by_kind.num[k], denominator=by_kind.den[k])
              for k, label in PlatformKind.choices if by_kind.den.get(k)]
    return KpiResult(
        numerator=num, denominator=den,
        by_division=bd.division_parts(tally_div), by_department=bd.department_parts(tally_dept),
        extra=extra, extra_title=_("非涉密信息系统上云率及分类型整合率"),
    )


def k01_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        CloudPlatform.objects.active().select_related("department__division"),
        bd.division_q(division, "department__division__code"),
        bd.department_q(department, "department"),
    ).order_by("department__path", "name", "id")
    return DrillRows(
        columns=[_("云平台"), _("类型"), _("运维单位"), _("所属区划"), _("整合日期")],
        queryset=qs,
        cells=lambda p: [p.name, p.get_kind_display(), p.department.name, p.department.division.name, p.integrated_on or "—"],
        counted=lambda p: p.integrated,
        scope=SCOPE,
    )


register_kpi("K01", KpiComputer(code="K01", compute=compute_k01, rows=k01_rows, source_url_name="cloud:overview"))
