"""Shared KPI breakdown helpers for every app that registers a KPI (moved from ``digigov.infra``: data
and service apps may not import the infrastructure layer).

Breakdowns use two groupings, and drill-down filters accept exactly the keys they produce:

* by division: the county-level prefix (first 6 digits) of the row's division code. City-level rows
  share the city's prefix (e.g. ``210600``) and are labelled “市本级”; since every county code has
  non-zero digits 5-6, that prefix never matches a county. A 12-digit code is also accepted as a
  filter and means the whole subtree of that division.
* by department: the row's 委办局-level unit — its ancestor one level below a government (depth 1),
  or the government itself for a root unit. Filtering by a root unit's public id keeps that unit
  only (its committees are their own groups); any other unit keeps its whole subtree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from digigov.core.kpi.types import Part
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.validators import normalize_identifier

NOTHING = Q(pk__in=[])


def county_key(division_code: str) -> str:
    return (division_code or "")[:6]


def department_group_id(path: str) -> int | None:
    parts = [p for p in (path or "").split("/") if p]
    if not parts:
        return None
    return int(parts[1]) if len(parts) > 1 else int(parts[0])


class Tally:
    """Counts numerator/denominator per key, then turns them into labelled ``Part``s."""

    def __init__(self):
        self.num: dict = defaultdict(float)
        self.den: dict = defaultdict(float)

    def add(self, key, counted: bool, weight: float = 1.0) -> None:
        if key is None:
            return
        self.den[key] += weight
        if counted:
            self.num[key] += weight

    def keys(self) -> list:
        return list(self.den)


def division_parts(tally: Tally) -> list[Part]:
    keys = sorted(tally.keys())
    divisions = {d.code[:6]: d for d in Division.objects.filter(code__in=[k.ljust(12, "0") for k in keys])}
    parts = []
    for key in keys:
        d = divisions.get(key)
        if d is None:
            label = key
        elif d.level == DivisionLevel.CITY:
            label = f"{d.name}（市本级）"
        else:
            label = d.name
        parts.append(Part(key=key, label=label, numerator=tally.num[key], denominator=tally.den[key]))
    return parts


def department_parts(tally: Tally) -> list[Part]:
    depts = {d.pk: d for d in Department.objects.filter(pk__in=tally.keys()).only("pk", "public_id", "name", "path")}
    ordered = sorted(tally.keys(), key=lambda pk: depts[pk].path if pk in depts else "")
    return [Part(key=depts[pk].public_id, label=depts[pk].name, numerator=tally.num[pk], denominator=tally.den[pk])
            for pk in ordered if pk in depts]


def division_q(value: str | None, code_field: str) -> Q | None:
    """Filter for a breakdown key or a 12-digit division code; None means no filter."""
    if not value:
        return None
    value = normalize_identifier(str(value))  # full-width digits are the same code; other scripts' digits are not
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return NOTHING
    if len(value) == 12:
        d = Division.objects.filter(code=value).first()
        return Q(**{f"{code_field}__startswith": d.prefix}) if d else NOTHING
    return Q(**{f"{code_field}__startswith": value})


def department_q(public_id: str | None, field: str) -> Q | None:
    """Filter for a department breakdown key (a public id). ``field`` "" means the rows are departments."""
    if not public_id:
        return None
    d = Department.objects.filter(public_id=str(public_id)[:22]).only("pk", "path").first()
    if d is None:
        return NOTHING
    prefix = f"{field}__" if field else ""
    if len([p for p in d.path.split("/") if p]) <= 1:
        return Q(**{f"{prefix}pk" if field else "pk": d.pk})
    return Q(**{f"{prefix}path__startswith": d.path})


def apply(qs, *filters: Q | None):
    for q in filters:
        if q is not None:
            qs = qs.filter(q)
    return qs


# --- drill-down parameters -------------------------------------------------------------------------

@dataclass(frozen=True)
class DrillFilter:
    """The ``division`` / ``department`` GET parameters every drill-down page accepts (cut to their
    longest valid length, empty meaning none), and the names the page shows for them."""

    division: str | None = None
    department: str | None = None

    @classmethod
    def from_query(cls, params) -> DrillFilter:
        # the division key read by the shared identifier rule (full-width digits are the same code), so the
        # title names the division the filter (``division_q``) selects
        return cls(division=normalize_identifier((params.get("division") or "")[:24])[:12] or None,
                   department=(params.get("department") or "")[:22].strip() or None)

    def __bool__(self) -> bool:
        return bool(self.division or self.department)

    def as_kwargs(self) -> dict:
        return {"division": self.division, "department": self.department}

    def division_label(self) -> str:
        """The division's name (a county key, a 12-digit code); the key itself only if nothing matches."""
        if not self.division:
            return ""
        code = self.division if len(self.division) == 12 else self.division.ljust(12, "0")
        d = Division.objects.filter(code=code).only("name", "level").first() if self.division.isdigit() else None
        if d is None:
            return _("未知区划")
        # a 6-digit key is a breakdown group, and the city's own group is its 市本级 units only
        return f"{d.name}（市本级）" if d.level == DivisionLevel.CITY and len(self.division) == 6 else d.name

    def department_label(self) -> str:
        if not self.department:
            return ""
        d = Department.objects.filter(public_id=self.department).only("name").first()
        return d.name if d else _("未知单位")


# --- what a viewer may see -------------------------------------------------------------------------

def parts_in_reach(user, perm: str, divisions: list, departments: list) -> tuple[list, list]:
    """The breakdown parts whose whole group lies inside ``user``'s reach for ``perm``.

    Parts are ``Part`` objects or their ``as_dict()`` (snapshots). A city-wide grant keeps every part;
    a department grant keeps the 委办局 groups inside its subtree and no division part (a division's
    figure counts other departments' rows); a division grant keeps the parts of divisions (and
    departments) inside its area."""
    from digigov.core.rbac.checks import scope_q

    q_dept, q_div = scope_q(user, perm, "", "division"), scope_q(user, perm, None, "")
    if q_dept == Q() and q_div == Q():
        return list(divisions), list(departments)

    def key(p):
        return p["key"] if isinstance(p, dict) else p.key

    def code(p):
        return str(key(p)).ljust(12, "0")  # a county key (6 digits) or a whole division code

    div_ok: set = set()
    if q_div is not None:
        div_ok = set(Division.objects.filter(q_div, code__in=[code(p) for p in divisions]).values_list("code", flat=True))
    dept_ok: set = set()
    if q_dept is not None:
        dept_ok = set(Department.objects.filter(q_dept, public_id__in=[key(p) for p in departments]).values_list("public_id", flat=True))
    return [p for p in divisions if code(p) in div_ok], [p for p in departments if key(p) in dept_ok]
