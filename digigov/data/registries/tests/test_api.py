"""The registries API: same scoped selectors as the pages, masked by default, clear values only with
the permission (403) and a purpose (422), every clear read audited; bad input 4xx, nothing written."""

import json

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client, make_user
from digigov.data.registries import testing as rt
from digigov.data.registries.models import CreditRecord, LicenceIndex

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/registries"


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    data = resp.json()
    assert set(data) == {"code", "message", "detail"}
    if code:
        assert data["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])  # Chinese
    return data


def clear_reads():
    return AuditEntry.objects.filter(action="registries.read_clear")


def test_search_persons_masked_with_cursor(reg, authority, city):
    c = logged_in_client(authority)
    data = c.get(f"{BASE}/persons", {"id_number": reg.person.id_number}).json()
    assert [p["public_id"] for p in data["items"]] == [reg.person.public_id] and data["next_cursor"] is None
    assert data["items"][0]["name"] == "李**" and "*" in data["items"][0]["id_number"]
    for i in range(3):
        rt.make_person(city, name="王芳", division=city.village_b)
    page1 = c.get(f"{BASE}/persons", {"name": "王芳", "limit": 2}).json()
    page2 = c.get(f"{BASE}/persons", {"name": "王芳", "limit": 2, "after": page1["next_cursor"]}).json()
    ids = [p["public_id"] for p in page1["items"] + page2["items"]]
    assert len(ids) == 4 == len(set(ids)) and page2["next_cursor"] is None


@pytest.mark.parametrize("params,code", [
    ({"id_number": "123"}, "invalid_id_number"),
    ({"division": "12ab"}, "invalid_division_code"),
    ({"limit": 0}, "bad_limit"),
    ({"limit": 101}, "bad_limit"),
    ({"after": "-1"}, "bad_cursor"),
])
def test_bad_search_input_is_422(reg, authority, params, code):
    assert_error(logged_in_client(authority).get(f"{BASE}/persons", params), 422, code)


def test_person_detail_masked_by_default_and_not_audited(reg, authority):
    data = logged_in_client(authority).get(f"{BASE}/persons/{reg.person.public_id}").json()
    assert data["clear"] is False
    attrs = {a["code"]: a for a in data["attributes"]}
    assert attrs["address"]["value"] == "辽宁省示范市元宝区****" and attrs["address"]["authoritative"] is True
    assert attrs["address"]["department"] == "公安局" and attrs["address"]["conflicts"][0]["department"] == "民政局"
    assert rt.OTHER_ADDRESS not in json.dumps(data, ensure_ascii=False)
    assert {s["feed"] for s in data["sources"]} >= {"公安局人口数据", "民政局人口数据"}
    assert not clear_reads().exists()


def test_person_detail_in_clear_with_purpose_is_audited(reg, authority):
    c = logged_in_client(authority)
    resp = c.get(f"{BASE}/persons/{reg.person.public_id}", {"clear": "true", "purpose": "service", "purpose_note": "办理户籍迁移"})
    assert resp.status_code == 200
    data = resp.json()
    attrs = {a["code"]: a for a in data["attributes"]}
    assert data["clear"] is True and attrs["address"]["value"] == rt.ADDRESS and attrs["id_number"]["value"] == reg.person.id_number
    entry = clear_reads().get()
    assert entry.channel == "api"
    after = json.loads(entry.after_json)
    assert after["purpose"] == "政务服务办理：办理户籍迁移" and "address" in after["fields"]
    assert rt.ADDRESS not in entry.after_json and reg.person.id_number not in entry.after_json
    # the header carries the purpose code as well
    resp = c.get(f"{BASE}/persons/{reg.person.public_id}", {"purpose_note": "应急"}, headers={"X-Purpose": "emergency"})
    assert resp.json()["clear"] is True and clear_reads().count() == 2


def test_clear_without_permission_is_403_and_without_purpose_422(reg, authority):
    leader = make_user("leader")
    assert_error(logged_in_client(leader).get(f"{BASE}/persons/{reg.person.public_id}", {"clear": "true", "purpose": "service", "purpose_note": "x"}),
                 403, "forbidden_clear")
    c = logged_in_client(authority)
    assert_error(c.get(f"{BASE}/persons/{reg.person.public_id}", {"clear": "true"}), 422, "purpose_required")
    assert_error(c.get(f"{BASE}/persons/{reg.person.public_id}", {"clear": "true", "purpose": "service"}), 422, "purpose_note_required")
    assert_error(c.get(f"{BASE}/persons/{reg.person.public_id}", {"purpose": "bogus", "purpose_note": "x"}), 422, "purpose_invalid")
    assert not clear_reads().exists()


def test_scope_out_of_reach_is_404(reg, city):
    admin = make_user("data_admin", department=city.county_bureau)
    c = logged_in_client(admin)
    assert c.get(f"{BASE}/persons/{reg.person.public_id}").status_code == 200
    assert_error(c.get(f"{BASE}/persons/{reg.other.public_id}"), 404)
    assert c.get(f"{BASE}/persons", {"id_number": reg.other.id_number}).json()["items"] == []


def test_no_permission_is_403(reg, city):
    citizen = make_user("citizen")
    assert_error(logged_in_client(citizen).get(f"{BASE}/persons", {"name": "王芳"}), 403)


def test_enterprise_detail_with_credit_and_licences(reg, authority):
    c = logged_in_client(authority)
    items = c.get(f"{BASE}/enterprises", {"q": "兴东食品"}).json()["items"]
    assert [e["public_id"] for e in items] == [reg.enterprise.public_id]
    data = c.get(f"{BASE}/enterprises/{reg.enterprise.public_id}").json()
    assert [x["title"] for x in data["credit"]] == ["销售不合格食品"] and data["licences"][0]["licence_name"] == "营业执照"
    assert {a["code"]: a for a in data["attributes"]}["legal_representative"]["value"] == "李**"


def credit_body(city, reg, **over):
    body = {"department": reg.samr.public_id, "subject_kind": "enterprise", "subject_code": reg.enterprise.uscc,
            "subject_name": reg.enterprise.name, "kind": "penalty", "title": "未按规定标注生产日期", "document_no": "示市监罚〔2026〕9号",
            "decided_on": "2026-05-01"}
    body.update(over)
    return body


def test_record_and_void_credit(reg, city):
    admin = make_user("data_admin", department=reg.samr)
    c = logged_in_client(admin)
    resp = post(c, f"{BASE}/credit", credit_body(city, reg))
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["enterprise"] == reg.enterprise.public_id and data["kind_label"] == "行政处罚"
    assert AuditEntry.objects.filter(action="registries.credit.record", object_id=data["public_id"]).exists()
    assert_error(post(c, f"{BASE}/credit/{data['public_id']}/void", {"reason": ""}), 422)
    resp = post(c, f"{BASE}/credit/{data['public_id']}/void", {"reason": "文书号录入错误"})
    assert resp.status_code == 200 and resp.json()["voided"] is True
    assert_error(post(c, f"{BASE}/credit/{data['public_id']}/void", {"reason": "再次作废"}), 409, "already_voided")
    titles = [x["title"] for x in c.get(f"{BASE}/credit", {"q": reg.enterprise.uscc}).json()["items"]]
    assert "未按规定标注生产日期" not in titles and "销售不合格食品" in titles


@pytest.mark.parametrize("over,status,code", [
    ({"subject_code": "91210602MA0000000X"}, 422, None),
    ({"subject_kind": "person", "subject_code": "210602199001011230"}, 422, None),
    ({"kind": "bogus"}, 422, "invalid_kind"),
    ({"title": ""}, 422, None),
    ({"document_no": ""}, 422, None),
    ({"decided_on": "2099-01-01"}, 422, "future_date"),
    ({"valid_until": "2020-01-01"}, 422, "valid_until_before_decided"),
    ({"department": "zzNoSuchDept"}, 404, "department_not_found"),
    ({"extra": 1}, 422, None),
])
def test_bad_credit_input_writes_nothing(reg, city, over, status, code):
    admin = make_user("data_admin", department=reg.samr)
    before = CreditRecord.objects.count()
    assert_error(post(logged_in_client(admin), f"{BASE}/credit", credit_body(city, reg, **over)), status, code)
    assert CreditRecord.objects.count() == before


def test_credit_for_another_department_is_403(reg, city):
    admin = make_user("data_admin", department=city.county_bureau)
    assert_error(post(logged_in_client(admin), f"{BASE}/credit", credit_body(city, reg)), 403)
    assert CreditRecord.objects.count() == 1


def test_index_licence_is_idempotent(reg, authority):
    c = logged_in_client(authority)
    body = {"issuer": reg.samr.public_id, "holder_kind": "enterprise", "holder_code": reg.enterprise.uscc, "holder_name": reg.enterprise.name,
            "licence_type": "spjyxk", "licence_name": "食品经营许可证", "licence_no": "JY12106020001", "issued_on": "2026-01-05"}
    assert post(c, f"{BASE}/licences", body).status_code == 201
    again = post(c, f"{BASE}/licences", {**body, "status": "revoked"})
    assert again.status_code == 200 and again.json()["status_label"] == "已注销"
    assert LicenceIndex.objects.filter(licence_no="JY12106020001").count() == 1
    assert_error(post(c, f"{BASE}/licences", {**body, "licence_no": "X2", "holder_code": "123"}), 422)
    assert_error(post(c, f"{BASE}/licences", {**body, "licence_no": "X3", "licence_type": "有空格 的"}), 422, "invalid_licence_type")
    assert not LicenceIndex.objects.filter(licence_no__in=["X2", "X3"]).exists()
    items = c.get(f"{BASE}/licences", {"holder": reg.enterprise.uscc}).json()["items"]
    assert {i["licence_no"] for i in items} == {"JY12106020001", reg.licence.licence_no}
