"""K04 数据编目率: published-entry lines of the active 责任清单 over the active lines."""

import pytest
from django.utils import timezone

from digigov.core.registry import KPI_COMPUTERS
from digigov.data.catalog import kpis
from digigov.data.catalog.models import CatalogEntry, Category, CategoryKind, EntryStatus, ResponsibilityItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(city):
    cat = Category.objects.create(code="1", name="基础信息资源", kind=CategoryKind.BASIC)
    n = [0]

    def line(dept, status=None, *, voided=False, entry_voided=False):
        e = None
        if status is not None:
            n[0] += 1
            e = CatalogEntry.objects.create(code=f"1/{n[0]:05d}", name=f"资源{n[0]}", department=dept, abstract="说明", category=cat, status=status,
                                            voided_at=timezone.now() if entry_voided else None)
        return ResponsibilityItem.objects.create(department=dept, name=f"事项{n[0]}-{status}", entry=e, category=cat,
                                                 voided_at=timezone.now() if voided else None)

    return line


def test_numerator_counts_only_lines_whose_entry_is_published(city, lines):
    lines(city.bureau, EntryStatus.PUBLISHED)
    lines(city.bureau_unit, EntryStatus.PUBLISHED)
    lines(city.bureau, EntryStatus.DRAFT)                      # catalogued but not yet published
    lines(city.bureau, EntryStatus.AUTHORITY_REVIEW)
    lines(city.other_bureau, None)                            # not catalogued at all
    lines(city.other_bureau, EntryStatus.PUBLISHED, entry_voided=True)
    lines(city.other_bureau, EntryStatus.PUBLISHED, voided=True)   # a voided line is outside both sides
    lines(city.county_bureau, EntryStatus.PUBLISHED)
    r = kpis.compute_k04()
    assert (r.numerator, r.denominator) == (3, 7)
    by_dept = {p.label: (p.numerator, p.denominator) for p in r.by_department}
    assert by_dept[city.bureau.name] == (2, 4)          # its second-level unit's line counts for the bureau
    assert by_dept[city.other_bureau.name] == (0, 2)
    by_div = {p.key: (p.numerator, p.denominator) for p in r.by_division}
    assert by_div["210600"] == (2, 6) and by_div["210602"] == (1, 1)
    assert [(p.numerator, p.denominator) for p in r.extra] == [(3, 7)]


def test_drill_down_rows_are_the_active_lines_with_their_state(city, lines):
    published = lines(city.bureau, EntryStatus.PUBLISHED)
    draft = lines(city.bureau, EntryStatus.DRAFT)
    missing = lines(city.other_bureau, None)
    lines(city.bureau, EntryStatus.PUBLISHED, voided=True)
    rows = kpis.k04_rows()
    assert set(rows.queryset) == {published, draft, missing}
    assert [rows.counted(r) for r in (published, draft, missing)] == [True, False, False]
    assert rows.cells(missing)[3] == "未编目" and rows.cells(draft)[4] == "草稿"
    only = kpis.k04_rows(department=city.other_bureau.public_id)
    assert list(only.queryset) == [missing]


def test_registered_as_k04():
    assert KPI_COMPUTERS["K04"].compute is kpis.compute_k04
    assert kpis.compute_k04().denominator == 0
