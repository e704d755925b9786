"""Test factories for quality: entries with items and their mounted tables (the shared factories live
in ``digigov.data.catalog.testing``; here only the quality tests' defaults)."""

from __future__ import annotations

from digigov.data.catalog import testing as catalog_testing
from digigov.data.catalog.models import CatalogEntry, CategoryKind
from digigov.data.catalog.testing import insert_rows  # noqa: F401  re-exported for the quality tests


def category():
    return catalog_testing.category_for_tests("QTEST", "测试分类", CategoryKind.BASIC)


def make_entry(department, items: list[dict], *, name: str = "", update_cycle: str = "monthly", status: str = "published") -> CatalogEntry:
    return catalog_testing.make_entry(department, items, name=name or "测试数据集", category=category(), update_cycle=update_cycle,
                                      status=status)


def make_table(entry, rows: list[dict], *, user, typed: bool = True, create: bool = True) -> str:
    """``dr_<pk>`` with typed columns (personal items as sealed BLOBs), ``rows`` inserted, mounted on the entry."""
    return catalog_testing.create_dataset(entry, rows, user=user, typed=typed, create=create)
