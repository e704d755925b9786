import json

import pytest

from digigov.core.testing import logged_in_client
from digigov.data.catalog.models import CatalogEntry, DataDemand, EntryStatus, MountedResource

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/catalog"


def post(client, url, data=None, method="post"):
    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    data = resp.json()
    assert set(data) == {"code", "message", "detail"}
    if code:
        assert data["code"] == code
    return data


def body(city, cat, **over):
    data = {"department": city.bureau.public_id, "code": "CITY-BDB-0100", "name": "企业登记信息", "abstract": "全市企业登记基本信息",
            "category": cat.code, "sharing_type": "unconditional", "open_type": "none",
            "items": [{"name": "统一社会信用代码", "field_name": "uscc", "length": 18, "format": "uscc", "is_key": True}]}
    return data | over


def test_api_lifecycle(city, category, actors):
    admin, dept, auth = (logged_in_client(actors[k]) for k in ("data_admin", "dept_admin", "authority"))
    r = post(admin, f"{BASE}/entries", body(city, category))
    assert r.status_code == 201, r.content
    pid = r.json()["public_id"]
    assert r.json()["items"][0]["field_name"] == "uscc" and r.json()["status_label"] == "草稿"
    # a retry with the same content returns the same draft; different content conflicts
    again = post(admin, f"{BASE}/entries", body(city, category))
    assert again.status_code == 200 and again.json()["public_id"] == pid
    assert_error(post(admin, f"{BASE}/entries", body(city, category, name="别的")), 409, "duplicate_code")
    assert CatalogEntry.objects.count() == 1
    r = post(admin, f"{BASE}/entries/{pid}", {"abstract": "全市企业登记的基本信息"}, method="patch")
    assert r.status_code == 200 and r.json()["abstract"] == "全市企业登记的基本信息"
    assert post(admin, f"{BASE}/entries/{pid}/submit").status_code == 200
    assert_error(post(admin, f"{BASE}/entries/{pid}/dept-review", {"approve": True}), 403)
    assert post(dept, f"{BASE}/entries/{pid}/dept-review", {"approve": True}).status_code == 200
    r = post(auth, f"{BASE}/entries/{pid}/authority-review", {"approve": True, "opinion": "同意发布"})
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["status"] == "published"
    revs = admin.get(f"{BASE}/entries/{pid}/revisions").json()
    assert [x["action"] for x in revs][:2] == ["发布", "部门审核通过"]
    # revise: readers keep version 1
    post(admin, f"{BASE}/entries/{pid}/revise")
    r = post(admin, f"{BASE}/entries/{pid}", {"name": "企业登记信息V2"}, method="patch")
    assert r.json()["name"] == "企业登记信息" and r.json()["pending"]["name"] == "企业登记信息V2"
    listing = admin.get(f"{BASE}/entries", {"q": "企业"}).json()
    assert listing["items"][0]["pending_status_label"] == "草稿"


def test_list_keyset_cursor(city, category, make_entry, actors):
    for n in range(5):
        make_entry(code=f"C-{n}")
    c = logged_in_client(actors["data_admin"])
    first = c.get(f"{BASE}/entries", {"limit": 2}).json()
    assert [e["code"] for e in first["items"]] == ["C-0", "C-1"] and first["next_cursor"]
    second = c.get(f"{BASE}/entries", {"limit": 2, "after": first["next_cursor"]}).json()
    assert [e["code"] for e in second["items"]] == ["C-2", "C-3"]
    assert_error(c.get(f"{BASE}/entries", {"limit": 0}), 422, "bad_limit")


BAD = [
    ({"code": "坏 代码"}, 422, "invalid_code"),
    ({"category": "NOPE"}, 422, "invalid_category"),
    ({"department": "nope"}, 404, "department_not_found"),
    ({"sharing_type": "none"}, 422, "sharing_basis_required"),
    ({"items": [{"name": "x", "field_name": "1x"}]}, 422, "invalid_field_name"),
    ({"items": [{"name": "x", "field_name": "x", "code_list": "NOPE"}]}, 422, "invalid_code_list"),
    ({"extra": 1}, 422, None),
]


@pytest.mark.parametrize(("over", "status", "code"), BAD)
def test_bad_create_writes_nothing(city, category, actors, over, status, code):
    c = logged_in_client(actors["data_admin"])
    data = assert_error(post(c, f"{BASE}/entries", body(city, category, **over)), status, code)
    assert data["message"]
    assert not CatalogEntry.objects.exists()


def test_forbidden_and_hidden(city, category, actors, make_entry, role_user):
    e = make_entry()
    # a draft of another department is not visible to its data admin (404, not 403)
    assert_error(logged_in_client(actors["other_admin"]).get(f"{BASE}/entries/{e.public_id}"), 404)
    assert_error(post(logged_in_client(role_user("leader")), f"{BASE}/entries", body(city, category)), 403)
    assert_error(logged_in_client(role_user("citizen")).get(f"{BASE}/entries"), 403)


def test_mounts_api(city, actors, published, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = logged_in_client(actors["data_admin"])
    r = post(c, f"{BASE}/entries/{published.public_id}/mounts", {"kind": "api", "name": "查询接口", "endpoint": "https://a.gov.cn/x"})
    assert r.status_code == 201 and r.json()["kind_label"] == "接口资源"
    assert_error(post(c, f"{BASE}/entries/{published.public_id}/mounts", {"kind": "api", "name": "x", "endpoint": "javascript:alert(1)"}),
                 422, "invalid_endpoint")
    r = post(c, f"{BASE}/entries/{published.public_id}/mounts", {"kind": "table", "name": "库表"})
    assert r.status_code == 201, r.content
    mid = r.json()["public_id"]
    assert_error(post(c, f"{BASE}/entries/{published.public_id}/mounts", {"kind": "file", "name": "x"}), 422, "use_file_upload")
    assert len(c.get(f"{BASE}/entries/{published.public_id}/mounts").json()) == 2
    assert post(c, f"{BASE}/mounts/{mid}/unmount", {"reason": "过期"}).status_code == 200
    assert MountedResource.objects.active().count() == 1


def test_responsibility_and_demand_api(city, actors, published):
    c = logged_in_client(actors["data_admin"])
    r = post(c, f"{BASE}/responsibilities", {"department": city.bureau.public_id, "name": "企业登记信息"})
    assert r.status_code == 201 and r.json()["catalogued"] is False
    lid = r.json()["public_id"]
    r = post(c, f"{BASE}/responsibilities/{lid}/link", {"entry": published.public_id})
    assert r.json()["catalogued"] is True
    assert c.get(f"{BASE}/responsibilities", {"catalogued": "true"}).json()["count"] == 1
    other = logged_in_client(actors["other_admin"])
    r = post(other, f"{BASE}/demands", {"requester": city.other_bureau.public_id, "entry": published.public_id, "purpose": "资助审核"})
    assert r.status_code == 201, r.content
    did = r.json()["public_id"]
    assert_error(post(other, f"{BASE}/demands/{did}/accept"), 403)
    assert_error(post(c, f"{BASE}/demands/{did}/reject", {"reply": ""}), 422)
    r = post(c, f"{BASE}/demands/{did}/meet", {"entry": published.public_id})
    assert r.json()["status_label"] == "已满足"
    assert DataDemand.objects.get().status == "met"


def test_reference_lists(actors, category, code_list):
    c = logged_in_client(actors["data_admin"])
    assert c.get(f"{BASE}/categories").json()[0]["kind_label"] == "主题信息资源"
    assert c.get(f"{BASE}/code-lists").json()[0]["name"] == "性别代码"


@pytest.mark.parametrize(("patch", "code"), [({"category": None}, "category_required"), ({"name": None}, "name_required"),
                                             ({"sharing_type": "none"}, "sharing_basis_required"),
                                             ({"items": [{"name": "x", "field_name": "x", "data_type": "D", "length": 3}]}, "length_not_allowed")])
def test_bad_patch_changes_nothing(actors, make_entry, patch, code):
    e = make_entry()
    revisions = e.revisions.count()
    c = logged_in_client(actors["data_admin"])
    assert_error(post(c, f"{BASE}/entries/{e.public_id}", patch, method="patch"), 422, code)
    e.refresh_from_db()
    assert e.name == "企业登记信息" and e.sharing_type == "conditional" and e.items.count() == 2 and e.revisions.count() == revisions
