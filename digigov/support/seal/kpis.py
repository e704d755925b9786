"""印章覆盖率: units (active departments) holding an active 公章 / units, with the per-unit drill-down."""

from __future__ import annotations

from dataclasses import dataclass

from . import selectors


@dataclass(frozen=True)
class Coverage:
    value: float | None
    numerator: int
    denominator: int
    rows: list  # (department, covered)


def seal_coverage() -> Coverage:
    units, covered = selectors.official_coverage()
    rows = [(u, u.pk in covered) for u in units]
    num = sum(1 for _u, ok in rows if ok)
    return Coverage(round(100 * num / len(rows), 1) if rows else None, num, len(rows), rows)
