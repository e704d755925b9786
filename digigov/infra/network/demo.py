"""Demo city: the 电子政务外网 as the plan describes it (一(一), 五(二), K02 baseline 70%).

* ~70% of budget units have a connected access point (a few more have one planned or down);
* division-level access points: city and counties 100% connected, towns ~95%, villages ~85%
  (the rest planned), matching “基本实现四级覆盖” with the goal of 100%;
* ~60% of access points IPv6-ready.

Deterministic for a seed: only ``ctx.rng`` and ``ctx.public_id()``; dates anchored like the cloud demo.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.registry import register_demo

from .models import AccessPoint, AccessStatus

UNIT_SHARE = 0.70
LEVEL_SHARE = {DivisionLevel.CITY: 1.0, DivisionLevel.COUNTY: 1.0, DivisionLevel.TOWN: 0.95, DivisionLevel.VILLAGE: 0.85}
BANDWIDTH = {DivisionLevel.CITY: [10000], DivisionLevel.COUNTY: [1000, 2000], DivisionLevel.TOWN: [100, 200, 500],
             DivisionLevel.VILLAGE: [20, 50, 100]}
IPV6_SHARE = 0.60


def _today(ctx) -> dt.date:
    now = ctx.shared.get("now")
    return timezone.localtime(now).date() if now is not None else timezone.localdate()


def _pick(rng, items, share):
    """Exactly round(share * n) of the items, chosen by the seeded RNG; order preserved."""
    k = round(len(items) * share)
    chosen = set(rng.sample(range(len(items)), k)) if items else set()
    return [i in chosen for i in range(len(items))]


def generate(ctx):
    rng = ctx.rng
    today = _today(ctx)
    divisions = list(Division.objects.order_by("code"))
    units = list(Department.objects.active().filter(is_budget_unit=True).select_related("division").order_by("path", "id"))
    points = []

    def point(name, division, department, connected, planned_status=AccessStatus.PLANNED):
        status = AccessStatus.CONNECTED if connected else planned_status
        points.append(AccessPoint(
            public_id=ctx.public_id(), name=name[:100], division=division, department=department, level=division.level,
            bandwidth_mbps=rng.choice(BANDWIDTH[DivisionLevel(division.level)]) if department is None else rng.choice([100, 200, 1000]),
            ipv6_ready=rng.random() < IPV6_SHARE, status=status,
            commissioned_on=today - dt.timedelta(days=rng.randint(30, 2500)) if status != AccessStatus.PLANNED else None,
        ))

    for division in divisions:
        share = LEVEL_SHARE[DivisionLevel(division.level)]
        connected = share >= 1.0 or rng.random() < share
        point(f"{division.name}电子政务外网接入点", division, None, connected)

    for unit, connected in zip(units, _pick(rng, units, UNIT_SHARE)):
        if connected:
            point(f"{unit.name}接入点", unit.division, unit, True)
        elif rng.random() < 0.3:
            # not yet connected: a planned line, or one that went down (neither counts for K02)
            point(f"{unit.name}接入点", unit.division, unit, False, AccessStatus.DOWN if rng.random() < 0.3 else AccessStatus.PLANNED)

    ctx.bulk(AccessPoint, points)
    n_units = sum(1 for p in points if p.department_id and p.status == AccessStatus.CONNECTED)
    ctx.describe(f"政务外网：{len(points)} 个接入点，{n_units}/{len(units)} 个预算单位已接入")


register_demo("infra.network", generate, after=("org",))
