"""The forms API: typed reads, designing with Chinese errors, the dry-run validation and the applicant's prefill."""

from __future__ import annotations

from django.test import Client

from digigov.core.testing import logged_in_client, resident_id
from digigov.support.forms.testing import published_form, sample_document

BASE = "/api/v1/support/forms/"


def api_client(user) -> Client:
    client = logged_in_client(user)
    client.defaults["HTTP_X_CSRFTOKEN"] = "x"
    client.cookies["csrftoken"] = "x" * 32
    client.defaults["HTTP_X_CSRFTOKEN"] = "x" * 32
    return client


def test_list_read_and_versions(city, designer):
    published_form(designer, department=city.bureau)
    client = api_client(designer)
    body = client.get(BASE).json()
    assert body["items"][0]["key"] == "sample-form" and body["items"][0]["current_version"] == 1 and body["next_cursor"] is None
    detail = client.get(BASE + "sample-form").json()
    assert detail["versions"][0]["status_label"] == "已发布"
    version = client.get(BASE + "sample-form/versions/1").json()
    assert {"field": "applicant_name", "source": "registries.person.name", "source_label": "人口基础库·姓名"} in version["bindings"]
    assert version["validation_schema"]["properties"]["applicant_name"]["maxLength"] == 18
    assert client.get(BASE + "sample-form/versions/9").status_code == 404
    assert client.get(BASE + "nope").json()["message"] == "表单不存在或不在您的权限范围内"
    assert client.get(BASE + "?after=abc").status_code == 422


def test_create_draft_publish(city, designer):
    client = api_client(designer)
    response = client.post(BASE, {"key": "api-form", "name": "接口表单", "department": city.bureau.public_id}, content_type="application/json")
    assert response.status_code == 201, response.json()
    response = client.post(BASE, {"key": "api-form", "name": "重复", "department": city.bureau.public_id}, content_type="application/json")
    assert response.status_code == 409 and response.json()["message"] == "该表单标识已被使用"
    bad = sample_document()
    bad["components"].append({"type": "textfield", "key": "applicant_name", "label": "重复的姓名"})
    assert client.put(BASE + "api-form/draft", {"ui": bad}, content_type="application/json").status_code == 200
    response = client.post(BASE + "api-form/publish")
    assert response.status_code == 422 and "重复" in response.json()["message"] and response.json()["detail"]["problems"]
    assert client.put(BASE + "api-form/draft", {"ui": sample_document()}, content_type="application/json").status_code == 200
    response = client.post(BASE + "api-form/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert client.post(BASE + "api-form/publish").status_code == 409
    response = client.post(BASE + "api-form/versions/1/retire")
    assert response.status_code == 200 and response.json()["status_label"] == "已停用"


def test_design_forbidden_for_viewers(city, designer, role_user):
    published_form(designer, department=city.bureau)
    client = api_client(role_user("window_clerk"))
    assert client.get(BASE + "sample-form").status_code == 200
    response = client.put(BASE + "sample-form/draft", {"ui": sample_document()}, content_type="application/json")
    assert response.status_code == 403 and "设计、发布和停用表单" in response.json()["message"]
    assert client.post(BASE, {"key": "x-form", "name": "x"}, content_type="application/json").status_code == 403


def test_validate_dry_run_and_prefill_for_applicant(city, designer, applicant):
    published_form(designer, department=city.bureau)
    client = api_client(applicant)
    body = client.post(BASE + "sample-form/validate", {"data": {"applicant_name": "张" * 20, "kind": "代理"}}, content_type="application/json").json()
    fields = {f["path"]: f["message"] for f in body["fields"]}
    assert body["valid"] is False and fields["applicant_name"] == "最多 18 个字" and fields["agent_name"] == "必填"
    body = client.post(BASE + "sample-form/validate", {"data": {"applicant_name": "张三", "applicant_id_number": resident_id(), "kind": "本人",
                                                                "agent_name": "x"}}, content_type="application/json").json()
    assert body["valid"] is True and "agent_name" not in body["data"]
    body = client.get(BASE + "sample-form/prefill").json()
    provenance = {p["path"]: p for p in body["provenance"]}
    assert body["data"]["applicant_phone"] == "13800001111" and provenance["applicant_phone"]["label"] == "来自 实名认证资料"
    assert client.get(BASE + "sample-form/published").json()["version"] == 1
    assert client.get(BASE + "nope/published").status_code == 404
    assert client.get(BASE).status_code == 403  # the designer's list is for staff
