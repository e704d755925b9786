"""Public catalog API: no login, keyset pages with filters, the guide, topics; bad filters are 422s."""

import pytest

from digigov.services.onestop.testing import item_with_process, make_item, make_topic


@pytest.fixture
def items(city, role_user):
    birth = make_topic("birth", "出生")
    rows = [make_item(city.bureau, name=f"事项{i}", popularity=i, citywide=i % 2 == 0, topics=[birth] if i < 5 else [],
                      audience="enterprise" if i % 3 == 0 else "person") for i in range(25)]
    online = item_with_process(city, user=role_user("city_admin"), name="在线事项", popularity=1000,
                               materials=[{"name": "户口簿", "form": "original", "shared_source": "household"}],
                               fees=[{"name": "工本费", "amount_cents": 2000, "basis": "依据"}])
    return {"rows": rows, "online": online, "birth": birth}


@pytest.mark.django_db
def test_items_are_public_and_keyset_paged(client, items, django_assert_max_num_queries):
    seen, after = [], ""
    while True:
        with django_assert_max_num_queries(4):
            r = client.get("/api/v1/services/items/", {"limit": 7, "after": after})
        assert r.status_code == 200
        body = r.json()
        seen += [i["code"] for i in body["items"]]
        if not body["next_cursor"]:
            break
        after = body["next_cursor"]
    assert len(seen) == len(set(seen)) == 26
    first = client.get("/api/v1/services/items/").json()["items"][0]
    assert first["name"] == "在线事项" and first["online_apply"] and first["department"]["name"] and first["item_type_label"] == "公共服务"


@pytest.mark.django_db
def test_filters(client, items):
    def names(**params):
        return {i["name"] for i in client.get("/api/v1/services/items/", params | {"limit": 100}).json()["items"]}

    assert names(topic="birth") == {f"事项{i}" for i in range(5)}
    assert "事项1" not in names(citywide="true") and "事项2" in names(citywide="true")
    assert "事项3" in names(audience="enterprise") and "事项1" not in names(audience="enterprise")
    assert names(department="CITY-EDU") == set()
    assert names(type="20") >= {"事项1"}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"audience": "alien"}, {"type": "99"}, {"topic": "nope"}, {"department": "NOPE"}, {"after": "x.y"},
                                    {"limit": 0}, {"limit": 101}])
def test_bad_filters_are_422(client, items, params):
    r = client.get("/api/v1/services/items/", params)
    assert r.status_code == 422 and r.json()["message"]


@pytest.mark.django_db
def test_item_guide(client, items):
    code = items["online"].code
    body = client.get(f"/api/v1/services/items/{code}").json()
    assert body["apply_url"] == f"/services/apply/item/{code}/"
    assert body["materials"][0]["replaced_by_data"] == "户籍信息（人口基础库）" and body["materials"][0]["form_label"] == "原件"
    assert body["fees"] == [{"name": "工本费", "amount_cents": 2000, "basis": "依据"}]
    assert client.get("/api/v1/services/items/NOPE").status_code == 404


@pytest.mark.django_db
def test_topics(client, items):
    body = client.get("/api/v1/services/topics/").json()
    assert body == [{"code": "birth", "name": "出生", "kind": "life", "kind_label": "个人生命周期", "description": "", "item_count": 5,
                     "url": "/services/topics/birth/"}]
    assert client.get("/api/v1/services/topics/", {"kind": "x"}).status_code == 422
