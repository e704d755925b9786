"""The generic full-text index, on whichever database the suite runs (SQLite FTS5 or PostgreSQL)."""

import pytest

from digigov.core import search
from digigov.core.search.models import SearchDocument
from digigov.core.search.text import index_text, query_tokens

pytestmark = pytest.mark.django_db
K = "test.thing"


def test_domain_words_stay_whole_and_search_cut_adds_the_parts():
    assert "统一社会信用代码" in query_tokens("统一社会信用代码")
    tokens = index_text("企业统一社会信用代码").split()
    assert "统一社会信用代码" in tokens and "信用" in tokens
    assert query_tokens("  ？？  ") == []


def test_name_matches_rank_above_item_matches_above_body_matches():
    search.index(K, "body", {"name": "登记表", "body": "包含不动产的说明"})
    search.index(K, "items", {"name": "登记表", "items": "不动产 坐落"})
    search.index(K, "name", {"name": "不动产登记信息"})
    search.index(K, "none", {"name": "户籍迁移信息"})
    keys = [k for k, _ in search.query(K, "不动产")]
    assert keys == ["name", "items", "body"]


def test_every_query_word_must_match_and_chinese_words_match_inside_longer_text():
    search.index(K, "a", {"name": "企业登记信息"})
    search.index(K, "b", {"name": "人口基本信息"})
    assert [k for k, _ in search.query(K, "企业 信息")] == ["a"]
    assert [k for k, _ in search.query(K, "人口")] == ["b"]
    assert search.query(K, "企业 人口") == []


def test_filters_and_kinds_narrow_the_result():
    search.index(K, "1", {"name": "社保参保信息"}, {"level": 1, "path": "/1/2/"})
    search.index(K, "2", {"name": "社保参保信息"}, {"level": 2, "path": "/1/3/"})
    search.index("other.kind", "3", {"name": "社保参保信息"})
    assert {k for k, _ in search.query(K, "社保")} == {"1", "2"}
    assert [k for k, _ in search.query(K, "社保", {"level": 2})] == ["2"]
    assert [k for k, _ in search.query(K, "社保", {"path__startswith": "/1/2/"})] == ["1"]
    assert {k for k, _ in search.query(K, "社保", {"level__in": [1, 2]})} == {"1", "2"}
    assert search.query(K, "社保", {"level__in": []}) == []


def test_reindex_replaces_and_remove_deletes():
    search.index(K, "1", {"name": "出生医学证明"})
    search.index(K, "1", {"name": "死亡医学证明"})
    assert SearchDocument.objects.filter(kind=K).count() == 1
    assert search.query(K, "出生") == []
    assert [k for k, _ in search.query(K, "死亡")] == ["1"]
    search.remove(K, "1")
    assert search.query(K, "死亡") == []


def test_keyset_pages_have_no_duplicates_or_gaps():
    docs = [search.Doc(key=f"{i:03d}", fields={"name": "公积金" * (1 + i % 3), "body": "缴存" if i % 2 else ""}, filters={}) for i in range(47)]
    assert search.index_many(K, docs) == 47
    everything = search.query(K, "公积金", limit=None)
    seen, after = [], None
    while True:
        page = search.query(K, "公积金", limit=10, after=after)
        seen += page
        if len(page) < 10:
            break
        after = search.cursor(page[-1])
    assert [k for k, _ in seen] == [k for k, _ in everything]
    assert len({k for k, _ in seen}) == 47
    scores = [s for _, s in everything]
    assert scores == sorted(scores, reverse=True)


def test_within_restricts_to_a_queryset_of_refs():
    search.index(K, "a", {"name": "电子证照"}, ref=1)
    search.index(K, "b", {"name": "电子证照"}, ref=2)
    within = SearchDocument.objects.filter(key="b").values("ref")
    assert [k for k, _ in search.query(K, "电子证照", within=within)] == ["b"]


@pytest.mark.parametrize("cursor", ["x", "1.0", "nan|a", "inf|a", "|a"])
def test_a_malformed_cursor_is_a_value_error(cursor):
    search.index(K, "a", {"name": "电子证照"})
    with pytest.raises(ValueError):
        search.query(K, "电子证照", after=cursor)


def test_unknown_fields_are_refused():
    with pytest.raises(ValueError):
        search.index(K, "a", {"title": "x"})


def test_either_keeps_documents_by_filter_value_or_by_queryset():
    search.index(K, "pub", {"name": "电子证照"}, {"status": "published"}, ref=1)
    search.index(K, "mine", {"name": "电子证照"}, {"status": "draft"}, ref=2)
    search.index(K, "theirs", {"name": "电子证照"}, {"status": "draft"}, ref=3)
    mine = SearchDocument.objects.filter(key="mine").values("ref")
    assert {k for k, _ in search.query(K, "电子证照", either=({"status": "published"}, mine))} == {"pub", "mine"}


def test_either_accepts_a_list_of_refs():
    search.index(K, "pub", {"name": "电子证照"}, {"status": "published"}, ref=1)
    search.index(K, "mine", {"name": "电子证照"}, {"status": "draft"}, ref=2)
    search.index(K, "theirs", {"name": "电子证照"}, {"status": "draft"}, ref=3)
    assert {k for k, _ in search.query(K, "电子证照", either=({"status": "published"}, [2]))} == {"pub", "mine"}
    assert {k for k, _ in search.query(K, "电子证照", either=({"status": "published"}, []))} == {"pub"}
