"""Workbench pages and the API of the seal registry."""

import base64

import pytest
from asn1crypto import pem

from digigov.core.testing import logged_in_client
from digigov.support.seal import ca, x509sm2
from digigov.support.seal.models import ApplicationStatus, Seal, SealApplication, SealStatus, SealType
from digigov.support.seal.testing import made_seal

pytestmark = pytest.mark.django_db
BASE = "/workbench/support/seals/"
API = "/api/v1/support/seals"


def test_apply_then_approve_in_the_workbench(people):
    client = logged_in_client(people.dept_admin)
    page = client.get(f"{BASE}apply/")
    assert page.status_code == 200 and "申请电子印章" in page.content.decode()
    r = client.post(f"{BASE}apply/", {"department": people.unit.public_id, "seal_type": "1", "name": people.unit.name,
                                      "holders": [people.holder.public_id], "valid_years": "5", "reason": "启用电子印章"})
    assert r.status_code == 302, r.content.decode()[:2000]
    app = SealApplication.objects.get()
    # bad input: field errors, nothing written
    r = client.post(f"{BASE}apply/", {"department": people.unit.public_id, "seal_type": "4", "name": "张三",
                                      "valid_years": "5", "reason": "法人章"})
    assert r.status_code == 400 and "只能指定一名" in r.content.decode() and SealApplication.objects.count() == 1
    boss = logged_in_client(people.city_admin)
    queue = boss.get(f"{BASE}applications/")
    assert queue.status_code == 200 and people.unit.name in queue.content.decode() and "审批队列" in queue.content.decode()
    r = boss.post(f"{BASE}applications/{app.public_id}/decide/", {"decision": "reject", "opinion": ""})
    assert r.status_code == 400
    r = boss.post(f"{BASE}applications/{app.public_id}/decide/", {"decision": "approve", "opinion": "同意"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    detail = client.get(f"{BASE}{app.seal.public_id}/").content.decode()
    assert "data:image/png;base64," in detail and app.seal.code in detail and "暂停、恢复或注销" not in detail
    detail = boss.get(f"{BASE}{app.seal.public_id}/").content.decode()
    assert "暂停、恢复或注销" in detail
    r = boss.post(f"{BASE}{app.seal.public_id}/status/", {"action": "suspend", "reason": "保管人调整"})
    assert r.status_code == 302 and Seal.objects.get().status == SealStatus.SUSPENDED


def test_list_filters_scope_and_query_count(people, django_assert_max_num_queries):
    mine = made_seal(people.unit, applicant=people.dept_admin, approver=people.city_admin)
    made_seal(people.unit, seal_type=SealType.CONTRACT, applicant=people.dept_admin, approver=people.city_admin)
    theirs = made_seal(people.city.other_bureau, approver=people.city_admin)
    client = logged_in_client(people.dept_admin)
    with django_assert_max_num_queries(16):  # 14 + the two coverage COUNTs
        body = client.get(BASE).content.decode()
    assert mine.code in body and theirs.code not in body
    assert "印章覆盖率" in body, body[body.find("<h2>"):body.find("<form")]
    assert client.get(f"{BASE}{theirs.public_id}/").status_code == 404
    body = client.get(BASE, {"type": "3"}).content.decode()
    assert mine.code not in body and "合同专用章" in body
    boss = logged_in_client(people.city_admin)
    body = boss.get(BASE, {"unit": people.city.other_bureau.public_id}).content.decode()
    assert theirs.code in body and mine.code not in body
    assert logged_in_client(people.citizen).get(BASE).status_code == 403


def test_certificates_page_and_download(people):
    seal = made_seal(people.unit, applicant=people.dept_admin, approver=people.city_admin)
    client = logged_in_client(people.dept_admin)
    body = client.get(f"{BASE}certificates/").content.decode()
    assert "根证书" in body and "单位证书" in body and "吊销原因" not in body
    unit = seal.signers.get()
    r = client.get(f"{BASE}certificates/{unit.public_id}/download/")
    assert r.status_code == 200 and pem.unarmor(r.content)[2] == bytes(unit.der)
    assert b"PRIVATE" not in r.content


def test_api_applications_and_seals(people):
    client = logged_in_client(people.dept_admin)
    body = {"department": people.unit.public_id, "seal_type": 1, "name": people.unit.name, "holders": [], "valid_years": 5,
            "reason": "启用"}
    r = client.post(f"{API}/applications", body, content_type="application/json")
    assert r.status_code == 201, r.content
    again = client.post(f"{API}/applications", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["public_id"] == r.json()["public_id"]
    bad = client.post(f"{API}/applications", {**body, "seal_type": 9}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_seal_type"
    bad = client.post(f"{API}/applications", {**body, "holders": ["nobody"]}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_holder"
    public_id = r.json()["public_id"]
    assert client.post(f"{API}/applications/{public_id}/approve", {"opinion": ""}, content_type="application/json").status_code == 403
    boss = logged_in_client(people.city_admin)
    r = boss.post(f"{API}/applications/{public_id}/approve", {"opinion": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    code = r.json()["seal_code"]
    again = boss.post(f"{API}/applications/{public_id}/approve", {"opinion": "同意"}, content_type="application/json")
    assert again.status_code == 409 and Seal.objects.count() == 1
    seals = client.get(f"{API}/").json()
    assert seals["count"] == 1 and seals["items"][0]["code"] == code
    detail = client.get(f"{API}/{code}").json()
    assert detail["seal_type_label"] == "公章" and detail["signers"][0]["kind"] == "unit"
    root = client.get(f"{API}/ca/root").json()
    assert base64.b64decode(root["der_base64"]) == bytes(ca.root().der)
    cert = client.get(f"{API}/certificates/{detail['signers'][0]['public_id']}/download").json()
    assert x509sm2.signed_by(base64.b64decode(cert["der_base64"]), base64.b64decode(root["der_base64"]))
    assert client.get(f"{API}/", {"status": "bogus"}).status_code == 422
    assert logged_in_client(people.citizen).get(f"{API}/").status_code == 403
