"""Figures of the base registries' governance (基础库治理 page): coverage, conflicts, steward backlog.

人口基础库覆盖率 = active golden persons whose current 公民身份号码 came from its authoritative source
(``AttributeValue`` attribute ``id_number``, ``is_authoritative`` and ``is_current``) ÷ active residents of
the truth population (``accounts.NaturalPerson``); by county-level division of 户籍区划 (a person counts
in the county of the golden record's division, a resident in the county of his own).

法人基础库覆盖率 = active golden enterprises whose current 统一社会信用代码 came from its authoritative
source ÷ active legal persons (``accounts.LegalPerson``); by county of 登记区划.

属性冲突 (``conflicts_by_attribute``) = steward tasks of kind 属性冲突 per registry and attribute, open and
resolved — each is one golden record on which sources disagreed about that attribute.

数据管家待办 (``backlog``) = open steward tasks per kind, by age since raised: <1 天, 1–7 天, 7–30 天, >30 天.

Each figure has its rows: ``coverage_rows`` (the golden records of a division, counted when their ID is
authoritative), and the persons search filtered by division or by conflicts (the page links there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digigov.core.accounts.models import LegalPerson, NaturalPerson
from digigov.core.kpi import breakdown as bd
from digigov.core.kpi.types import DrillRows, KpiResult

from . import purpose as pp
from .attributes import label as attr_label
from .models import (
    AttributeValue, EnterpriseRecord, PersonRecord, RecordStatus, RegistryKind, StewardTask, TaskKind, TaskStatus,
)

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("lt1", 0, 1), ("d1_7", 1, 7), ("d7_30", 7, 30), ("gt30", 30, None),
)
AGE_LABELS = {"lt1": "不足1天", "d1_7": "1–7天", "d7_30": "7–30天", "gt30": "超过30天"}
IDENTIFIER = {RegistryKind.PERSON: "id_number", RegistryKind.ENTERPRISE: "uscc"}


def _authoritative(registry: str):
    link = "person" if registry == RegistryKind.PERSON else "enterprise"
    return Exists(AttributeValue.objects.filter(**{link: OuterRef("pk")}, attribute=IDENTIFIER[registry],
                                                is_authoritative=True, is_current=True))


def _fold(tally: bd.Tally, rows, side: str) -> None:
    target = tally.num if side == "num" else tally.den
    for code, n in rows:
        key = bd.county_key(code or "")
        target[key] += n
        tally.den[key] += 0  # a county with golden records but no residents still gets its (empty) part


def coverage(registry: str) -> KpiResult:
    """Coverage of one registry (see the module docstring), city-wide and by county."""
    if registry == RegistryKind.PERSON:
        golden, truth = PersonRecord.objects, NaturalPerson.objects.active()
    else:
        golden, truth = EnterpriseRecord.objects, LegalPerson.objects.active()
    tally = bd.Tally()
    _fold(tally, golden.filter(status=RecordStatus.ACTIVE).filter(_authoritative(registry))
          .values_list("division__code").annotate(n=Count("pk")).order_by(), "num")
    _fold(tally, truth.values_list("division__code").annotate(n=Count("pk")).order_by(), "den")
    num, den = sum(tally.num.values()), sum(tally.den.values())
    return KpiResult(numerator=num, denominator=den, by_division=bd.division_parts(tally))


def coverage_rows(registry: str, division: str | None = None) -> DrillRows:
    """The golden records behind a coverage figure: every active one of the division, counted when its
    identifier is authoritative."""
    model = PersonRecord if registry == RegistryKind.PERSON else EnterpriseRecord
    qs = bd.apply(model.objects.filter(status=RecordStatus.ACTIVE).annotate(auth=_authoritative(registry)).select_related("division"),
                  bd.division_q(division, "division__code")).order_by("pk")
    if registry == RegistryKind.PERSON:
        columns = [_("姓名"), _("公民身份号码"), _("户籍区划"), _("来源数")]
        cells = lambda p: [pp.mask("person", "name", p.name), pp.mask("person", "id_number", p.id_number),  # noqa: E731
                           p.division.name if p.division_id else "—", p.source_count]
    else:
        columns = [_("名称"), _("统一社会信用代码"), _("登记区划"), _("来源数")]
        cells = lambda e: [e.name, e.uscc, e.division.name if e.division_id else "—", e.source_count]  # noqa: E731
    return DrillRows(columns=columns, queryset=qs, cells=cells, counted=lambda o: o.auth,
                     scope={"department_field": None, "division_field": "division"})


@dataclass
class ConflictLine:
    registry: str
    registry_label: str
    attribute: str
    label: str
    open: int
    resolved: int

    @property
    def total(self) -> int:
        return self.open + self.resolved


def conflicts_by_attribute() -> list[ConflictLine]:
    """Attribute conflicts per registry and attribute, most open first. One grouped query."""
    rows = (StewardTask.objects.filter(kind=TaskKind.CONFLICT).values_list("registry", "attribute")
            .annotate(open=Count("pk", filter=Q(status=TaskStatus.OPEN)), resolved=Count("pk", filter=Q(status=TaskStatus.RESOLVED)))
            .order_by())
    lines = [ConflictLine(reg, str(RegistryKind(reg).label), attr, attr_label(reg, attr), o, r) for reg, attr, o, r in rows]
    return sorted(lines, key=lambda c: (-c.open, -c.total, c.registry, c.attribute))


@dataclass
class BacklogLine:
    kind: str
    label: str
    by_age: dict  # bucket key → count
    total: int


def backlog(now: dt.datetime | None = None) -> list[BacklogLine]:
    """Open steward tasks per kind and age bucket (one query with conditional counts)."""
    now = now or timezone.now()
    aggregates = {}
    for key, lo, hi in AGE_BUCKETS:
        cond = Q(created_at__lte=now - dt.timedelta(days=lo))
        if hi is not None:
            cond &= Q(created_at__gt=now - dt.timedelta(days=hi))
        aggregates[key] = Count("pk", filter=cond)
    found = {row["kind"]: row for row in StewardTask.objects.filter(status=TaskStatus.OPEN).values("kind").annotate(**aggregates).order_by()}
    out = []
    for kind, label in TaskKind.choices:
        row = found.get(kind, {})
        by_age = {key: row.get(key, 0) for key, _lo, _hi in AGE_BUCKETS}
        out.append(BacklogLine(kind, str(label), by_age, sum(by_age.values())))
    return out
