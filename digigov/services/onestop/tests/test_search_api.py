"""The public search API and page: contract, bad input (4xx with a Chinese message), query counts."""

import pytest

from digigov.services.onestop import search
from digigov.services.onestop.testing_search import make_search_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(city):
    cat = make_search_catalog(city.gov)
    search.index_all()
    return cat


def test_search_without_login_returns_a_page_of_hits(client, catalog):
    resp = client.get("/api/v1/services/search", {"q": "社宝卡丢了怎么办"})
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"items", "next_cursor", "understood"}
    first = body["items"][0]
    assert set(first) == {"name", "code", "department", "kind", "kind_label", "url", "score", "why"}
    names = [i["name"] for i in body["items"][:5]]
    assert "社会保障卡挂失与补换" in names
    assert "纠错：社宝卡→社保卡" in body["understood"]
    hit = next(i for i in body["items"] if i["name"] == "社会保障卡挂失与补换")
    assert hit["department"] == "市人力资源和社会保障局" and hit["kind"] == "item"
    assert hit["url"] == f"/services/items/{hit['code']}/"
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_bundles_come_back_with_their_kind(client, catalog):
    body = client.get("/api/v1/services/search", {"q": "孩子刚出生要办哪些手续"}).json()
    top = body["items"][0]
    assert (top["name"], top["kind"], top["kind_label"]) == ("新生儿出生一件事", "bundle", "一件事")
    assert "人生事件：出生" in top["why"]
    assert top["url"].startswith("/services/bundles/")


def test_cursor_paging(client, catalog):
    first = client.get("/api/v1/services/search", {"q": "登记", "limit": 3}).json()
    second = client.get("/api/v1/services/search", {"q": "登记", "limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 3 and second["items"]
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}


@pytest.mark.parametrize("params, code", [
    ({}, None),
    ({"q": ""}, "q_required"),
    ({"q": "   "}, "q_required"),
    ({"q": "社" * 101}, "q_too_long"),
    ({"q": "社保", "limit": 0}, "bad_limit"),
    ({"q": "社保", "limit": 51}, "bad_limit"),
    ({"q": "社保", "limit": "many"}, None),
    ({"q": "社保", "audience": "alien"}, "bad_audience"),
    ({"q": "社保", "department": "NO-SUCH"}, "unknown_department"),
    ({"q": "社保", "cursor": "garbage"}, "bad_cursor"),
    ({"q": "社保", "cursor": "nan|x"}, "bad_cursor"),
])
def test_bad_input_is_a_clear_422(client, catalog, params, code):
    resp = client.get("/api/v1/services/search", params)
    assert resp.status_code == 422
    body = resp.json()
    assert body["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    if code:
        assert body["code"] == code


def test_suggest_by_prefix_and_pinyin(client, catalog):
    texts = [s["text"] for s in client.get("/api/v1/services/suggest", {"q": "社会保障"}).json()["items"]]
    assert "社会保障卡申领" in texts
    items = client.get("/api/v1/services/suggest", {"q": "gongjijin"}).json()["items"]
    assert any(s["text"].startswith("住房公积金") or s["text"] == "公积金" for s in items)
    items = client.get("/api/v1/services/suggest", {"q": "xsecs"}).json()["items"]
    assert [s["text"] for s in items][:1] == ["新生儿出生一件事"]
    assert items[0]["kind"] == "bundle"
    assert client.get("/api/v1/services/suggest", {"q": ""}).status_code == 422
    assert client.get("/api/v1/services/suggest", {"q": "社保", "limit": 99}).status_code == 422


def test_search_page_shows_results_why_and_filters(client, catalog, django_assert_max_num_queries):
    from digigov.services.onestop import query

    query.lexicon()  # built once per process (and cached), not per request
    with django_assert_max_num_queries(12):
        resp = client.get("/services/search/", {"q": "开个饭店需要什么证"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "食品经营许可" in html and "开办餐饮店一件事" in html
    assert "命中原因" in html and "没找到？" in html
    assert 'name="audience"' in html and "市市场监督管理局" in html


def test_search_page_without_results_gives_hints(client, catalog):
    html = client.get("/services/search/", {"q": "火星移民"}).content.decode()
    assert "没有找到与“火星移民”相关的事项" in html and "12345" in html


def test_search_page_bad_filters_are_field_errors(client, catalog):
    resp = client.get("/services/search/", {"q": "社保卡", "audience": "x", "department": "nope", "cursor": "bad"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "请选择个人办事或法人办事" in html and "没有这个部门的事项" in html and "翻页参数无效" in html
    assert "社会保障卡申领" in html


def test_search_page_without_query_and_suggest_fragment(client, catalog):
    assert client.get("/services/search/").status_code == 200
    frag = client.get("/services/search/suggest/", {"q": "sbk"}).content.decode()
    assert "社保卡" in frag and "<a href=" in frag
    assert client.get("/services/search/suggest/").content.decode().strip() == ""
