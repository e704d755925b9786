import json

import pytest
from django.test import Client

from digigov.core.testing import make_user
from digigov.data.catalog.models import MountedResource
from digigov.data.catalog.testing import category_for_tests
from digigov.data.ckan.testing import open_dataset
from digigov.data.opendata.models import DatasetStatus

ROWS = [
    {"xm": "张三", "sfzh": "210602199001011234", "qx": "元宝区", "nl": "34"},
    {"xm": "欧阳娜娜", "sfzh": "210603198512120021", "qx": "振兴区", "nl": "39"},
    {"xm": "李四", "sfzh": "210602200003030017", "qx": "元宝区", "nl": "26"},
]


@pytest.fixture
def world(city):
    user = make_user("data_admin", department=city.bureau)
    traffic = category_for_tests("T-JT", "交通出行")
    a = open_dataset(city.bureau, user, name="bus-lines", title="公交线路信息", abstract="全市公交线路、站点和首末班时间",
                     keywords=["交通", "公交"], rows=ROWS, category=traffic)
    b = open_dataset(city.other_bureau, user, name="schools", title="中小学名录", abstract="全市中小学校名称和地址",
                     keywords=["教育"], rows=ROWS[:1], license="cc-by-4.0")
    c = open_dataset(city.bureau, user, name="parking-conditional", title="停车场实时泊位", abstract="停车场泊位数据",
                     keywords=["交通", "停车 场"], rows=ROWS, open_type="conditional", category=traffic)
    hidden = open_dataset(city.bureau, user, name="withdrawn-one", title="已下线的公交数据", keywords=["交通"])
    hidden.status = DatasetStatus.WITHDRAWN
    hidden.save()
    return {"a": a, "b": b, "c": c, "hidden": hidden, "user": user}


def call(name, method="get", **params):
    client = Client()
    if method == "post":
        return client.post(f"/api/3/action/{name}", data=json.dumps(params), content_type="application/json")
    return client.get(f"/api/3/action/{name}", params)


def ok(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True and body["help"].endswith(response.wsgi_request.path.rsplit("/", 1)[-1])
    return body["result"]


def test_status_show(world):
    result = ok(call("status_show"))
    assert result["ckan_version"].startswith("2.10") and result["package_count"] == 3


def test_package_list_excludes_withdrawn_and_pages(world):
    assert ok(call("package_list")) == ["bus-lines", "parking-conditional", "schools"]
    assert ok(call("package_list", limit=1, offset=1)) == ["parking-conditional"]
    assert ok(call("package_list", method="post", limit=2)) == ["bus-lines", "parking-conditional"]
    # the unversioned path ckanapi uses
    assert Client().get("/api/action/package_list").json()["result"] == ["bus-lines", "parking-conditional", "schools"]


def test_package_show_shape(world):
    ds = world["a"]
    for key in ("bus-lines", ds.public_id):
        pkg = ok(call("package_show", id=key))
        assert pkg["id"] == ds.public_id and pkg["name"] == "bus-lines" and pkg["title"] == "公交线路信息"
        assert pkg["notes"].startswith("全市公交线路")
        assert pkg["organization"]["name"] == "city-bdb" and pkg["organization"]["title"].startswith("示范市营商环境")
        assert pkg["groups"][0]["name"] == "t-jt" and pkg["groups"][0]["title"] == "交通出行"
        assert [t["name"] for t in pkg["tags"]] == ["交通", "公交"]
        assert pkg["license_id"] == "odc-gov-cn" and pkg["num_resources"] == 1 == len(pkg["resources"])
        res = pkg["resources"][0]
        assert res["format"] == "CSV" and res["datastore_active"] is True and res["url"].endswith(f"/datastore/dump/{res['id']}")
        assert {"metadata_created", "metadata_modified", "extras", "num_tags", "owner_org"} <= set(pkg)
    cond = ok(call("package_show", id="parking-conditional"))
    assert cond["resources"][0]["datastore_active"] is False and "/datastore/" not in cond["resources"][0]["url"]


@pytest.mark.parametrize("params,status,etype", [
    ({"id": "no-such"}, 404, "Not Found Error"),
    ({"id": "withdrawn-one"}, 404, "Not Found Error"),
    ({}, 409, "Validation Error"),
])
def test_package_show_errors(world, params, status, etype):
    response = call("package_show", **params)
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == etype


def test_package_search_q_fq_sort(world):
    found = ok(call("package_search", q="公交"))
    assert found["count"] == 1 and found["results"][0]["name"] == "bus-lines"
    found = ok(call("package_search", fq="tags:交通"))
    assert {r["name"] for r in found["results"]} == {"bus-lines", "parking-conditional"}
    found = ok(call("package_search", fq='tags:"停车 场" AND organization:CITY-BDB'))
    assert [r["name"] for r in found["results"]] == ["parking-conditional"]
    found = ok(call("package_search", fq="organization:city-edu +license_id:cc-by-4.0"))
    assert [r["name"] for r in found["results"]] == ["schools"]
    found = ok(call("package_search", fq="groups:t-jt res_format:CSV", sort="title_string asc"))
    assert [r["title"] for r in found["results"]] == sorted(["公交线路信息", "停车场实时泊位"])
    found = ok(call("package_search", rows=1, start=1, sort="name asc"))
    assert found["count"] == 3 and [r["name"] for r in found["results"]] == ["parking-conditional"]
    found = ok(call("package_search", q="name:schools"))
    assert [r["name"] for r in found["results"]] == ["schools"]
    found = ok(call("package_search", method="post", q="*:*", rows=0, **{"facet.field": ["organization", "tags", "res_format"]}))
    assert found["count"] == 3 and found["results"] == []
    assert found["facets"]["organization"] == {"city-bdb": 2, "city-edu": 1}
    assert found["facets"]["tags"]["交通"] == 2 and found["facets"]["res_format"] == {"CSV": 3}


@pytest.mark.parametrize("params", [
    {"fq": "organization:"}, {"fq": "bogus:1"}, {"fq": "tags:(a OR b)"}, {"fq": "tags:\"unclosed"}, {"fq": "'; DROP TABLE x; --"},
    {"rows": "1001"}, {"rows": "x"}, {"start": "-1"}, {"sort": "password desc"}, {"sort": "name sideways"},
    {"facet.field": "[1]"}, {"facet.field": "not json"}, {"facet.field": "[\"secret\"]"},
])
def test_package_search_bad_input_is_409(world, params):
    response = call("package_search", **params)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["__type"] == "Validation Error" and error["message"]


def test_bad_requests(world):
    response = Client().get("/api/3/action/package_create")
    assert response.status_code == 400 and response.json()["error"]["__type"] == "Bad request"
    response = Client().post("/api/3/action/package_list", data="{not json", content_type="application/json")
    assert response.status_code == 400
    response = Client().post("/api/3/action/package_list", data="[1]", content_type="application/json")
    assert response.status_code == 400
    assert Client().get("/api/3/nothing").status_code == 404  # the rest of /api/ is still the API's 404


def test_organizations_groups_tags(world):
    assert ok(call("organization_list")) == ["city-bdb", "city-edu"]
    orgs = ok(call("organization_list", all_fields="true"))
    assert orgs[0]["name"] == "city-bdb" and orgs[0]["package_count"] == 2 and orgs[0]["title"]
    org = ok(call("organization_show", id="city-edu", include_datasets="true"))
    assert org["package_count"] == 1 and org["packages"][0]["name"] == "schools"
    assert call("organization_show", id="a-edu").status_code == 404  # a department without open datasets
    assert ok(call("group_list")) == ["t-jt", "t-test"]
    assert ok(call("group_list", all_fields=True))[0]["package_count"] == 2
    assert ok(call("tag_list")) == sorted(["停车 场", "公交", "交通", "教育"])  # withdrawn datasets' tags are not listed
    assert ok(call("tag_list", query="交")) == ["交通", "公交"] and ok(call("tag_list", query="停车")) == ["停车 场"]


def test_resource_show(world):
    mount = MountedResource.objects.get(entry=world["a"].entry)
    res = ok(call("resource_show", id=mount.public_id))
    assert res["id"] == mount.public_id and res["package_id"] == world["a"].public_id and res["format"] == "CSV"
    hidden = MountedResource.objects.filter(entry=world["hidden"].entry).first()
    assert hidden is None or call("resource_show", id=hidden.public_id).status_code == 404
    assert call("resource_show", id="nope").status_code == 404


def test_query_counts_are_pinned(world, django_assert_max_num_queries, city):
    from digigov.data.ckan.testing import open_dataset as make

    for n in range(12):
        make(city.bureau, world["user"], name=f"extra-{n}", title=f"附加数据集{n}", keywords=["附加"], rows=ROWS[:1])
    with django_assert_max_num_queries(8):
        found = ok(call("package_search", rows=20))
    assert found["count"] == 15 and len(found["results"]) == 15
    with django_assert_max_num_queries(9):
        found = ok(call("package_search", q="附加数据集", rows=20, fq="tags:附加"))
    assert found["count"] == 12
    with django_assert_max_num_queries(6):
        ok(call("package_show", id="extra-3"))
