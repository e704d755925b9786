"""``search_entries``: full text over the index, filters, scoping, ranking, cursor; reindex on save."""

import pytest
from django.core.management import call_command

from digigov.core import search as fulltext
from digigov.core.errors import ValidationFailed
from digigov.data.catalog.index import KIND
from digigov.data.catalog.models import CatalogEntry, Category, CategoryKind, DataItem, EntryStatus
from digigov.data.catalog.search import SearchFilters, search_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    basic = Category.objects.create(code="1", name="基础信息资源", kind=CategoryKind.BASIC)
    people = Category.objects.create(code="101", name="人口基础信息", kind=CategoryKind.BASIC, parent=basic)
    theme = Category.objects.create(code="2", name="主题信息资源", kind=CategoryKind.THEME)
    health = Category.objects.create(code="201", name="医疗健康", kind=CategoryKind.THEME, parent=theme)
    care = Category.objects.create(code="20101", name="妇幼健康", kind=CategoryKind.THEME, parent=health)
    return {"basic": basic, "people": people, "health": health, "care": care}


_n = [0]


def entry(dept, category, name, *, status=EntryStatus.PUBLISHED, abstract="一般说明", items=(), **kw):
    _n[0] += 1
    e = CatalogEntry.objects.create(code=kw.pop("code", f"{category.code}/T{_n[0]:05d}"), name=name, department=dept, abstract=abstract,
                                    category=category, status=status, **kw)
    for i, item in enumerate(items, 1):
        DataItem.objects.create(entry=e, seq=i, name=item, field_name=f"f{i}")
    return e


def names(rows):
    return [e.name for e in rows]


def test_name_matches_come_first_then_items_then_abstract(city, tree, role_user):
    user = role_user("city_admin")
    a = entry(city.bureau, tree["people"], "低保对象名册", abstract="包含出生医学证明编号")
    b = entry(city.bureau, tree["people"], "新生儿登记", items=["出生医学证明编号", "姓名"])
    c = entry(city.bureau, tree["care"], "出生医学证明信息")
    entry(city.bureau, tree["people"], "户籍迁移信息")
    rows, cursor = search_entries(user, "出生医学证明")
    assert rows == [c, b, a] and cursor is None


def test_department_category_and_classification_names_are_searchable(city, tree, role_user):
    user = role_user("city_admin")
    e = entry(city.other_bureau, tree["care"], "孕产妇建档信息")
    assert search_entries(user, "妇幼健康")[0] == [e]
    assert search_entries(user, "教育局")[0] == [e]


def test_an_exact_code_goes_straight_to_the_entry_and_a_code_prefix_lists_by_code(city, tree, role_user):
    user = role_user("city_admin")
    e1 = entry(city.bureau, tree["people"], "甲", code="101/00100001")
    e2 = entry(city.bureau, tree["people"], "乙", code="101/00100002")
    assert search_entries(user, "101/00100002")[0] == [e2]
    assert search_entries(user, "101/001")[0] == [e1, e2]


def test_filters(city, tree, role_user):
    user = role_user("city_admin")
    a = entry(city.bureau, tree["people"], "社保参保信息", level=2, personal=1, sharing_type="unconditional")
    b = entry(city.bureau_unit, tree["care"], "社保缴费信息", open_type="conditional")
    c = entry(city.other_bureau, tree["health"], "社保待遇信息", status=EntryStatus.DRAFT)
    for q in ("社保", ""):
        assert set(search_entries(user, q, SearchFilters(department_id=city.bureau.pk))[0]) == {a, b}  # the subtree
        assert set(search_entries(user, q, SearchFilters(category_id=tree["health"].pk))[0]) == {b, c}
        assert set(search_entries(user, q, SearchFilters(category_kind=CategoryKind.BASIC))[0]) == {a}
        assert search_entries(user, q, SearchFilters(level=2))[0] == [a]
        assert search_entries(user, q, SearchFilters(personal=1))[0] == [a]
        assert search_entries(user, q, SearchFilters(sharing_type="unconditional"))[0] == [a]
        assert search_entries(user, q, SearchFilters(open_type="conditional"))[0] == [b]
        assert search_entries(user, q, SearchFilters(status=EntryStatus.DRAFT))[0] == [c]
        assert search_entries(user, q, SearchFilters(department_id=999999))[0] == []


def test_an_unpublished_entry_of_another_department_never_appears(city, tree, role_user):
    mine = entry(city.bureau, tree["people"], "营业执照草稿", status=EntryStatus.DRAFT)
    theirs = entry(city.other_bureau, tree["people"], "营业执照审核中", status=EntryStatus.AUTHORITY_REVIEW)
    public = entry(city.other_bureau, tree["people"], "营业执照信息")
    admin = role_user("dept_admin")  # scoped to city.bureau
    for q in ("营业执照", ""):
        rows = search_entries(admin, q)[0]
        assert set(rows) == {mine, public} and theirs not in rows
        assert theirs not in search_entries(admin, q, SearchFilters(status=EntryStatus.AUTHORITY_REVIEW))[0]
    assert set(search_entries(role_user("data_authority"), "营业执照")[0]) == {mine, theirs, public}
    assert search_entries(user_without_grant(city), "营业执照") == ([], None)


def user_without_grant(city):
    from digigov.core.testing import make_user

    return make_user(None)


def test_voided_entries_leave_the_index(city, tree, role_user):
    from django.utils import timezone

    e = entry(city.bureau, tree["people"], "公积金缴存信息")
    e.voided_at = timezone.now()
    e.save()
    assert search_entries(role_user("city_admin"), "公积金")[0] == []
    assert fulltext.query(KIND, "公积金") == []


def test_cursor_pages_have_no_duplicates_or_gaps(city, tree, role_user):
    user = role_user("city_admin")
    made = {entry(city.bureau, tree["people"], f"不动产登记信息{'（补充）' * (i % 3)}", items=["不动产单元号"] * (i % 2)) for i in range(23)}
    for q in ("不动产", ""):
        seen, after = [], None
        while True:
            rows, after = search_entries(user, q, after=after, limit=5)
            seen += rows
            if after is None:
                break
        assert len(seen) == len(set(seen)) == 23 and set(seen) == made


def test_a_bad_cursor_is_a_422_not_a_500(city, tree, role_user):
    entry(city.bureau, tree["people"], "电子证照目录")
    with pytest.raises(ValidationFailed):
        search_entries(role_user("city_admin"), "电子证照", after="garbage")


def test_saving_an_entry_or_an_item_reindexes_it(city, tree, role_user):
    user = role_user("city_admin")
    e = entry(city.bureau, tree["people"], "旧名称")
    e.name = "婚姻登记信息"
    e.save()
    assert search_entries(user, "婚姻登记")[0] == [e]
    assert search_entries(user, "旧名称")[0] == []
    item = DataItem.objects.create(entry=e, seq=1, name="结婚证字号", field_name="jhzh")
    assert search_entries(user, "结婚证")[0] == [e]
    item.delete()
    assert search_entries(user, "结婚证")[0] == []
    e.status = EntryStatus.DRAFT
    e.save()
    assert search_entries(user, "婚姻登记", SearchFilters(status=EntryStatus.DRAFT))[0] == [e]


def test_catalog_reindex_command_rebuilds_from_the_tables(city, tree, role_user):
    e = entry(city.bureau, tree["people"], "残疾人两项补贴信息")
    fulltext.clear(KIND)
    assert search_entries(role_user("city_admin"), "残疾人")[0] == []
    call_command("catalog_reindex", verbosity=0)
    assert search_entries(role_user("city_admin"), "残疾人")[0] == [e]


def test_scoping_holds_when_the_own_unpublished_entries_go_as_a_subquery(city, tree, role_user, monkeypatch):
    from digigov.data.catalog import search as catalog_search

    monkeypatch.setattr(catalog_search, "OWN_IDS_INLINE", 0)
    mine = entry(city.bureau, tree["people"], "营业执照草稿", status=EntryStatus.DRAFT)
    entry(city.other_bureau, tree["people"], "营业执照审核中", status=EntryStatus.AUTHORITY_REVIEW)
    public = entry(city.other_bureau, tree["people"], "营业执照信息")
    assert set(search_entries(role_user("dept_admin"), "营业执照")[0]) == {mine, public}
