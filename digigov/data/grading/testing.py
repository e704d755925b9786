"""Test helpers: an entry with typical personal data items and its dataset table (the shared
factories live in ``digigov.data.catalog.testing``)."""

from __future__ import annotations

from digigov.data.catalog import testing as catalog_testing
from digigov.data.catalog.models import CatalogEntry
from digigov.data.catalog.testing import create_dataset  # noqa: F401  re-exported for the grading tests

PEOPLE_ITEMS = [
    # (name, field_name, format, level, personal)
    ("姓名", "xm", "", 1, 1),
    ("公民身份号码", "sfzh", "resident_id", 1, 2),
    ("手机号码", "sjhm", "phone", 1, 1),
    ("家庭住址", "jtzz", "", 1, 1),
    ("所属社区", "sqmc", "", 1, 0),
]


def make_entry(department, *, items=PEOPLE_ITEMS, code: str | None = None, name: str = "低保对象信息", status: str = "published",
               sharing_type: str = "conditional", open_type: str = "none", level: int = 1, personal: int = 0) -> CatalogEntry:
    specs = [dict(name=n, field_name=f, format=fmt, level=lv, personal=p) for n, f, fmt, lv, p in items]
    return catalog_testing.make_entry(department, specs, code=code, name=name, status=status, sharing_type=sharing_type,
                                      open_type=open_type, level=level, personal=personal)
