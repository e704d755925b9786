"""Test helpers (also used by the browser journey and the benchmark): a catalog entry with typical data
items, made directly (the catalog's own actions belong to the catalog app)."""

from __future__ import annotations

from digigov.core.testing import resident_id
from digigov.data.catalog import testing as catalog_testing
from digigov.data.catalog.models import CatalogEntry, CategoryKind, CodeList, CodeListValue, EntryStatus

ITEMS = [
    # field, name, type, length, format, code list?, required, personal
    ("name", "姓名", "C", 50, "", False, True, 1),
    ("id_number", "公民身份号码", "C", 18, "resident_id", False, True, 2),
    ("gender", "性别", "C", 1, "", True, False, 0),
    ("birth", "出生日期", "D", None, "", False, False, 0),
    ("amount", "补贴金额", "N", None, "", False, False, 0),
    ("phone", "手机号码", "C", 11, "phone", False, False, 1),
    ("active", "是否有效", "B", None, "", False, False, 0),
]
HEADER = [f for f, *_ in ITEMS]


def gender_codes() -> CodeList:
    cl, created = CodeList.objects.get_or_create(code="GB/T 2261.1", defaults={"name": "人的性别代码", "standard": "GB/T 2261.1-2003"})
    if created:
        CodeListValue.objects.bulk_create([CodeListValue(code_list=cl, value="1", label="男性", order=1),
                                           CodeListValue(code_list=cl, value="2", label="女性", order=2),
                                           CodeListValue(code_list=cl, value="9", label="未说明的性别", order=3)])
    return cl


def make_entry(department, *, name: str = "困难群众补贴发放名册", status: str = EntryStatus.PUBLISHED, items=ITEMS) -> CatalogEntry:
    codes = gender_codes()
    specs = [dict(field_name=f, name=label, data_type=t, length=length, format=fmt, code_list=codes if coded else None, required=req,
                  personal=personal, is_key=f == "id_number")
             for f, label, t, length, fmt, coded, req, personal in items]
    return catalog_testing.make_entry(department, specs, name=name, status=status,
                                      category=catalog_testing.category_for_tests("T-MZ", "民政", CategoryKind.THEME))


def good_row(i: int) -> list[str]:
    return [f"张{i}", resident_id(seq=i % 1000), "男性" if i % 2 else "2", "1990-01-01", f"{100 + i}.50", f"1380013{i % 10000:04d}",
            "是"]
