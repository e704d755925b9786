"""Computing and caching KPIs. The value shown anywhere is the latest snapshot, never a literal."""

from __future__ import annotations

import dataclasses
import logging
import time

from django.db import transaction
from django.db.models import Max, Subquery
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.registry import KPI_COMPUTERS

from .definitions import TABLE_1
from .models import KpiDefinition, KpiSnapshot

KEEP_SNAPSHOTS = 50
log = logging.getLogger("digigov.kpi")


def ensure_definitions() -> int:
    """Load Table 1 (idempotent)."""
    n = 0
    for seq, (code, category, name, definition, base, target, nature, system) in enumerate(TABLE_1, start=1):
        _, created = KpiDefinition.objects.update_or_create(
            code=code,
            defaults=dict(seq=seq, category=category, name=name, definition=definition, baseline_2022=base,
                          target_2025=target, nature=nature, system=system),
        )
        n += created
    return n


@transaction.atomic
def recompute(actor, code: str) -> KpiSnapshot | None:
    """Compute one KPI through its registered function and store a snapshot. None if not connected.
    A city indicator: only an unscoped grant of ``kpi.recompute`` (or the system account) may."""
    require(actor, "kpi.recompute", WHOLE_CITY)
    computer = KPI_COMPUTERS.get(code)
    if computer is None:
        return None
    started = time.perf_counter()
    result = computer.compute()
    duration = (time.perf_counter() - started) * 1000
    snap = KpiSnapshot.objects.create(
        kpi_id=code,
        computed_at=timezone.now(),
        value=result.value,
        numerator=result.numerator,
        denominator=result.denominator,
        breakdown={
            "divisions": [p.as_dict() for p in result.by_division],
            "departments": [p.as_dict() for p in result.by_department],
            "extra": [p.as_dict() for p in result.extra],
            "extra_title": result.extra_title,
        },
        duration_ms=round(duration, 2),
    )
    old = KpiSnapshot.objects.filter(kpi_id=code).order_by("-computed_at").values_list("pk", flat=True)[KEEP_SNAPSHOTS:]
    KpiSnapshot.objects.filter(pk__in=list(old)).delete()
    record(actor, "kpi.recompute", snap, after={"kpi": code, "value": result.value, "numerator": result.numerator,
                                          "denominator": result.denominator}, object_repr=code)
    return snap


def recompute_after_commit(code: str) -> None:
    """Queue a recompute of ``code`` once the caller's transaction commits (a Huey task; immediate
    in tests). A failure to queue is logged, not raised: the write it follows is already committed,
    and the quarter-hourly periodic recompute catches up."""

    def run():
        from .tasks import recompute_kpi

        try:
            recompute_kpi(code)
        except Exception:  # noqa: BLE001
            log.exception("KPI %s recompute could not be queued", code)

    transaction.on_commit(run)


def recompute_all(actor) -> dict[str, float | None]:
    ensure_definitions()
    out = {}
    for code in KPI_COMPUTERS:
        snap = recompute(actor, code)
        out[code] = snap.value if snap else None
    return out


def latest(code: str) -> KpiSnapshot | None:
    return KpiSnapshot.objects.filter(kpi_id=code).order_by("-id").first()  # the last written, as in board()


@dataclasses.dataclass
class KpiRow:
    definition: KpiDefinition
    connected: bool
    snapshot: KpiSnapshot | None
    unit: str = "%"


def board() -> list[KpiRow]:
    """All 14 indicators with their latest snapshot (2 queries); unconnected ones have none."""
    defs = list(KpiDefinition.objects.all())
    # the newest snapshot of each KPI is the one with the highest id (ids grow with computed_at): fetch only
    # those, not every kept snapshot with its breakdown JSON (this runs on every portal and workbench view)
    newest = KpiSnapshot.objects.values("kpi_id").annotate(last=Max("id")).values("last")
    latest_by_code = {snap.kpi_id: snap for snap in KpiSnapshot.objects.filter(pk__in=Subquery(newest))}
    return [KpiRow(d, d.code in KPI_COMPUTERS, latest_by_code.get(d.code) if d.code in KPI_COMPUTERS else None,
                   KPI_COMPUTERS[d.code].unit if d.code in KPI_COMPUTERS else "%") for d in defs]
