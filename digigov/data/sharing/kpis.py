"""K06 数据共享率 (Table 1: 部门间实现共享的数据类别数量与应共享的数据类别数量的比值).

    K06 = 应共享的目录条目中，已被其他部门的调用应用持有有效授权的条目数 / 应共享的目录条目数

* 应共享 (denominator): catalog entries that are published, not voided, and whose sharing type is
  无条件共享 or 有条件共享 (不予共享 entries are out of scope by law).
* 实现共享 (numerator): among those, entries with at least one *active* subscription — status 有效 and
  not expired (``valid_until`` empty or today or later) — held by a department app whose department is
  not the entry's own (a department reading its own data is not sharing).

A data category (数据类别) is a catalog entry. Breakdown by county-level division and by 委办局 of the
providing department; drill-down rows are the entries, marked shared or not.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digigov.core.kpi import breakdown as bd
from digigov.core.kpi.types import DrillRows, KpiComputer, KpiResult
from digigov.core.registry import register_kpi
from digigov.data.catalog.models import CatalogEntry, EntryStatus, SharingType

from .models import Subscription, SubscriptionStatus

SCOPE = {"department_field": "department", "division_field": "department__division"}


def should_share():
    """应共享的目录条目."""
    return CatalogEntry.objects.filter(voided_at__isnull=True, status=EntryStatus.PUBLISHED).exclude(sharing_type=SharingType.NONE)


def cross_department_grants(today=None):
    """Active, unexpired subscriptions held by an app of another department than the entry's."""
    today = today or timezone.localdate()
    return (Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, app__department__isnull=False)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .exclude(app__department_id=F("entry__department_id")))


def shared_annotation():
    return Exists(cross_department_grants().filter(entry_id=OuterRef("pk")))


def compute_k06() -> KpiResult:
    tally_div, tally_dept = bd.Tally(), bd.Tally()
    num = den = 0
    for shared, code, path in should_share().annotate(shared=shared_annotation()).values_list(
            "shared", "department__division__code", "department__path").iterator(chunk_size=5000):
        den += 1
        num += bool(shared)
        tally_div.add(bd.county_key(code), bool(shared))
        tally_dept.add(bd.department_group_id(path), bool(shared))
    return KpiResult(numerator=num, denominator=den, by_division=bd.division_parts(tally_div), by_department=bd.department_parts(tally_dept))


def k06_rows(division: str | None = None, department: str | None = None) -> DrillRows:
    qs = bd.apply(
        should_share().annotate(shared=shared_annotation()).select_related("department"),
        bd.division_q(division, "department__division__code"),
        bd.department_q(department, "department"),
    ).order_by("department__path", "code", "id")
    return DrillRows(
        columns=[_("目录条目"), _("资源代码"), _("提供部门"), _("共享类型"), _("部门间共享")],
        queryset=qs,
        cells=lambda e: [e.name, e.code, e.department.name, e.get_sharing_type_display(), _("已实现") if e.shared else _("未实现")],
        counted=lambda e: bool(e.shared),
        scope=SCOPE,
    )


register_kpi("K06", KpiComputer(code="K06", compute=compute_k06, rows=k06_rows, source_url_name="sharing:stats"))
