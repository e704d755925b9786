"""Runs every registered demo generator in dependency order; shared by the command and the task.

Each generator runs in its own transaction with its own seeded context and leaves one ``DemoRun``
row and one audit entry. A generator that already has a ``DemoRun`` row is skipped, which makes a
second run a no-op and lets a failed run be resumed.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from typing import Callable, Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from digigov.core import registry
from digigov.core.audit.actions import record
from digigov.core.context import acting_as
from digigov.core.demo import DemoContext
from digigov.core.rbac.system import system_account

from .models import DemoRun

DEFAULT_SEED = 20230101


@dataclass
class GeneratorResult:
    name: str
    rows: int = 0
    seconds: float = 0.0
    skipped: bool = False
    reason: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "rate": round(self.rate, 1)}


class DemoCityError(Exception):
    pass


def default_scale() -> float:
    return float(getattr(settings, "DIGIGOV_DEFAULT_SCALE", 0.05))


def selected(only: Iterable[str] | None = None) -> list[registry.DemoGenerator]:
    order = registry.demo_order()
    if not only:
        return order
    names = {n for item in only for n in str(item).split(",") if n}
    unknown = names - {g.name for g in order}
    if unknown:
        raise DemoCityError(f"未注册的生成器：{', '.join(sorted(unknown))}（已注册：{', '.join(g.name for g in order)}）")
    chosen = [g for g in order if g.name in names]
    done = set(DemoRun.objects.values_list("generator", flat=True))
    for g in chosen:
        missing = [a for a in g.after if a not in names and a not in done]
        if missing:
            raise DemoCityError(f"生成器 {g.name} 依赖的 {', '.join(missing)} 尚未运行")
    return chosen


def run(
    scale: float | None = None,
    seed: int | None = None,
    *,
    only: Iterable[str] | None = None,
    if_empty: bool = False,
    channel: str = "command",
    progress: bool = True,
    log: Callable[[str], None] = print,
    recompute_kpis: bool = True,
) -> list[GeneratorResult]:
    """Generate the demo city. Returns one result per selected generator (skipped ones included)."""
    from digigov.core.org.models import Division

    scale = default_scale() if scale is None else float(scale)
    seed = DEFAULT_SEED if seed is None else int(seed)
    if scale <= 0:
        raise DemoCityError("规模（scale）必须大于 0")
    if if_empty and Division.objects.exists():
        log("数据库中已有行政区划数据，未生成示范数据（--if-empty）。")
        return []
    generators = selected(only)
    system = system_account()
    results: list[GeneratorResult] = []
    pending = set(g.name for g in generators) - set(DemoRun.objects.values_list("generator", flat=True))
    bar = tqdm(total=None, unit="行", unit_scale=True, file=sys.stderr, disable=not (progress and pending), mininterval=0.5,
               dynamic_ncols=True)
    base = DemoContext(scale, seed, progress=bar.update, describe=lambda text: bar.set_description_str(text, refresh=False))
    base.shared["now"] = base.now  # one anchor time for every generator of this run
    try:
        for gen in generators:
            previous = DemoRun.objects.filter(generator=gen.name).first()
            if previous is not None:
                reason = f"已于 {timezone.localtime(previous.finished_at):%Y-%m-%d %H:%M} 生成（seed={previous.seed}, scale={previous.scale:g}）"
                results.append(GeneratorResult(gen.name, previous.rows, previous.seconds, skipped=True, reason=reason))
                log(f"{gen.name}: 跳过，{reason}")
                continue
            ctx = base.for_generator(gen.name)
            bar.set_description_str(gen.name, refresh=False)
            with acting_as(system, channel=channel), transaction.atomic():
                started = time.perf_counter()
                gen.func(ctx)
                seconds = time.perf_counter() - started
                demo_run = DemoRun.objects.create(generator=gen.name, seed=seed, scale=scale, rows=ctx.rows, seconds=round(seconds, 3))
                record(system, "democity.generate", demo_run, object_repr=gen.name,
                       after={"generator": gen.name, "seed": seed, "scale": scale, "rows": ctx.rows, "seconds": round(seconds, 3)})
            result = GeneratorResult(gen.name, ctx.rows, seconds)
            results.append(result)
            bar.clear()
            log(f"{gen.name}: {result.rows:,} 行，{seconds:.2f} 秒，{result.rate:,.0f} 行/秒")
    finally:
        bar.close()
    generated = [r for r in results if not r.skipped]
    if generated and connection.vendor == "postgresql":
        # bulk-loaded tables have no statistics until autovacuum gets round to them: without these the
        # planner picks nested loops over the whole catalog for the first pages anyone opens
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if generated:
        total_rows = sum(r.rows for r in generated)
        total_seconds = sum(r.seconds for r in generated)
        log(f"合计: {total_rows:,} 行，{total_seconds:.2f} 秒，{total_rows / total_seconds if total_seconds else 0:,.0f} 行/秒")
        if recompute_kpis:
            from digigov.core.kpi.actions import recompute_all

            with acting_as(system, channel=channel):
                recompute_all(system)
            log("已重新计算主要指标（KPI）。")
    return results
