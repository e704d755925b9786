"""The k-anonymity check: counted in SQL (plain columns) or streamed and unsealed (personal columns), the smallest
classes reported, and suggestions whose k is what the generalised table really reaches."""

from collections import Counter

import pytest

from digigov.core.errors import ValidationFailed
from digigov.data.catalog.testing import create_dataset, make_entry
from digigov.data.opendata import privacy

from .factories import PERSON_ITEMS, person_entry

pytestmark = pytest.mark.django_db


def _rows(n=40):
    # ages 20..59 spread so each exact age is rare, but each 10-year band holds 10 people
    return [{"xm": f"王{i}", "nl": str(20 + i), "jzdz": f"辽宁省丹东市{'元宝区' if i % 2 else '振兴区'}兴东街道{i}号", "fwlx": "助餐"}
            for i in range(n)]


def test_default_quasi_identifiers_are_personal_items_and_attribute_names(city, role_user):
    entry = person_entry(city.bureau, _rows(), user=role_user("data_admin"))
    assert privacy.default_quasi_identifiers(entry.items.order_by("seq")) == ["xm", "nl", "jzdz"]


def test_failing_check_reports_smallest_classes_and_suggestions_that_really_reach_k(city, role_user):
    entry = person_entry(city.bureau, _rows(), user=role_user("data_admin"))
    result = privacy.check(entry, ["nl", "jzdz", "xm"])
    assert result.rows == 40 and result.k == 1 and not result.passed
    assert result.smallest == [1, 1, 1, 1, 1]
    by = {(tuple(s.fields), s.method): s.k for s in result.suggestions}
    # dropping the name alone still leaves unique addresses
    assert by[(("xm",), "drop")] == 1
    combined = [s for s in result.suggestions if s.method == "combined"]
    assert combined and combined[0].k >= privacy.K_MIN
    # recompute the combined plan by hand over the clear values: age band × district, name dropped
    rows = _rows()
    manual = Counter((privacy._band10(r["nl"]), privacy._district(r["jzdz"])) for r in rows)
    assert set(combined[0].fields) == {"xm", "nl", "jzdz"}
    assert combined[0].k == min(manual.values()) == 5


def test_address_generalisation_reaches_the_district():
    assert privacy._district("辽宁省丹东市元宝区兴东街道1号") == "辽宁省丹东市元宝区"
    assert privacy._band10("37") == "30-39"
    assert privacy._year("1990-05-04") == "1990"


def test_sql_group_by_on_plain_columns(city, role_user):
    entry = make_entry(city.bureau, [{"name": "性别", "field_name": "xb"}, {"name": "职业", "field_name": "zy"}, {"name": "人数", "field_name": "rs"}])
    create_dataset(entry, [{"xb": "男" if i % 2 else "女", "zy": "教师", "rs": "1"} for i in range(12)], user=role_user("data_admin"))
    result = privacy.check(entry)
    assert result.quasi_identifiers == ["xb", "zy"]
    assert result.k == 6 and result.passed and result.classes == 2 and result.suggestions == []


def test_sealed_values_are_unsealed_before_counting(city, role_user):
    # equal addresses sealed twice give different blobs: counting blobs would see 10 classes of 1
    rows = [{"xm": "", "nl": "30", "jzdz": "元宝区兴东街道1号", "fwlx": "助餐"} for _ in range(10)]
    entry = person_entry(city.bureau, rows, user=role_user("data_admin"))
    assert privacy.check(entry, ["nl", "jzdz", "xm"]).k == 10


@pytest.mark.parametrize("qis, code", [
    ("nl", "bad_quasi_identifiers"),
    (["nl", 3], "bad_quasi_identifiers"),
    (["nope"], "unknown_quasi_identifier"),
    (["nl"], "personal_not_checked"),
])
def test_bad_quasi_identifiers(city, role_user, qis, code):
    entry = person_entry(city.bureau, _rows(), user=role_user("data_admin"))
    with pytest.raises(ValidationFailed) as e:
        privacy.check(entry, qis)
    assert e.value.code == code


def test_no_table_refuses_and_no_qi_passes(city):
    entry = make_entry(city.bureau, PERSON_ITEMS)
    with pytest.raises(ValidationFailed) as e:
        privacy.check(entry)
    assert e.value.code == "no_data"
    plain = make_entry(city.bureau, [{"name": "站点名称", "field_name": "zdmc"}])
    result = privacy.check(plain)
    assert result.passed and result.k is None and result.quasi_identifiers == []
