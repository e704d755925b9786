import csv
import io
import json

import pytest
from django.test import Client

from digigov.core.testing import make_user
from digigov.data.catalog.models import MountedResource
from digigov.data.ckan.testing import open_dataset

ROWS = [
    {"xm": "张三", "sfzh": "210602199001011234", "qx": "元宝区", "nl": "34"},
    {"xm": "欧阳娜娜", "sfzh": "210603198512120021", "qx": "振兴区", "nl": "39"},
    {"xm": "李四", "sfzh": "210602200003030017", "qx": "元宝区", "nl": "26"},
]


@pytest.fixture
def resources(city):
    user = make_user("data_admin", department=city.bureau)
    items = [
        {"name": "姓名", "field_name": "xm", "personal": 1},
        {"name": "公民身份号码", "field_name": "sfzh", "format": "resident_id", "personal": 1},
        {"name": "所在区县", "field_name": "qx"},
        {"name": "年龄", "field_name": "nl", "data_type": "N"},
        {"name": "内部编号", "field_name": "nbbh", "level": 3},
    ]
    rows = [{**r, "nbbh": f"SECRET-{i}"} for i, r in enumerate(ROWS)]
    open_ds = open_dataset(city.bureau, user, name="people", items=items, rows=rows)
    cond = open_dataset(city.bureau, user, name="people-cond", items=items, rows=rows, open_type="conditional")
    return {"open": MountedResource.objects.get(entry=open_ds.entry).public_id,
            "cond": MountedResource.objects.get(entry=cond.entry).public_id}


def search(**params):
    return Client().get("/api/3/action/datastore_search", {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in params.items()})


def test_rows_are_masked_as_the_public_sees_them(resources):
    response = search(resource_id=resources["open"])
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["total"] == 3 and [f["id"] for f in result["fields"]] == ["_id", "xm", "sfzh", "qx", "nl"]  # core item left out
    first = result["records"][0]
    assert first == {"_id": 1, "xm": "张*", "sfzh": "210602********1234", "qx": "元宝区", "nl": 34}
    assert "SECRET" not in response.content.decode()


def test_filters_q_sort_fields_limit_offset(resources):
    rid = resources["open"]
    result = search(resource_id=rid, filters={"qx": "元宝区"}).json()["result"]
    assert result["total"] == 2 and {r["nl"] for r in result["records"]} == {34, 26}
    result = search(resource_id=rid, q="振兴").json()["result"]
    assert result["total"] == 1 and result["records"][0]["xm"] == "欧阳**"
    result = search(resource_id=rid, sort="nl desc", fields="qx,nl", limit=2, offset=1).json()["result"]
    assert [r["nl"] for r in result["records"]] == [34, 26] and set(result["records"][0]) == {"_id", "qx", "nl"}
    assert result["total"] == 3 and result["_links"]["next"].endswith("offset=3")


@pytest.mark.parametrize("params", [
    {"filters": {"sfzh": "210602199001011234"}},  # personal: no answer may depend on the clear value
    {"filters": {"nbbh": "SECRET-1"}},  # core: not even visible
    {"filters": "{bad json"}, {"filters": ["a"]}, {"filters": {"qx": {"$gt": 1}}},
    {"sort": "sfzh asc"}, {"sort": "nl; DROP TABLE x"}, {"fields": "nbbh"}, {"limit": "100000"}, {"offset": "-3"},
])
def test_bad_datastore_input_is_409(resources, params):
    response = search(resource_id=resources["open"], **params)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["__type"] == "Validation Error"
    assert "SECRET" not in response.content.decode() and "210602199001011234" not in response.content.decode()


def test_conditional_and_unknown_resources_are_not_found(resources):
    assert search(resource_id=resources["cond"]).status_code == 404
    assert search(resource_id="x" * 22).status_code == 404
    assert search().status_code == 409


def test_csv_dump(resources):
    response = Client().get(f"/datastore/dump/{resources['open']}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["_id", "xm", "sfzh", "qx", "nl"] and rows[1] == ["1", "张*", "210602********1234", "元宝区", "34"]
    assert len(rows) == 4 and "SECRET" not in text
    assert Client().get(f"/datastore/dump/{resources['cond']}").status_code == 404
