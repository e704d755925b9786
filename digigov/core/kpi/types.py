"""What an app registers for a KPI, and what its computation returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Part:
    """One slice of a breakdown (a division or a department)."""

    key: str
    label: str
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return round(100.0 * self.numerator / self.denominator, 2) if self.denominator else None

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "numerator": self.numerator, "denominator": self.denominator, "value": self.value}


@dataclass
class KpiResult:
    numerator: float
    denominator: float
    by_division: list[Part] = field(default_factory=list)
    by_department: list[Part] = field(default_factory=list)
    extra: list[Part] = field(default_factory=list)  # e.g. coverage by division level
    extra_title: str = ""

    @property
    def value(self) -> float | None:
        return round(100.0 * self.numerator / self.denominator, 2) if self.denominator else None


@dataclass
class DrillRows:
    """The rows behind a KPI: every denominator row, with ``counted`` telling if it is in the numerator.

    ``scope`` names the relations that place a row in a viewer's reach (``scope_queryset``'s
    ``department_field``/``division_field``): pages list only the rows a viewer may see while the
    figure itself stays city-wide. The default reaches nothing for scoped grants, so a KPI that
    forgets to declare it shows its rows to city-wide roles only, never too much."""

    columns: list[str]
    queryset: object
    cells: Callable[[object], list]
    counted: Callable[[object], bool]
    scope: dict = field(default_factory=lambda: {"department_field": None, "division_field": None})


@dataclass
class KpiComputer:
    code: str
    compute: Callable[[], KpiResult]
    rows: Callable[..., DrillRows]  # rows(division=None, department=None)
    source_url_name: str = ""
    # "%" for a ratio; "分" for a score on 0–100 (Table 1's 营商环境便利度): ``value`` is then the score itself
    # (numerator Σ scores, denominator 100 × n) and pages show it without the fraction
    unit: str = "%"
