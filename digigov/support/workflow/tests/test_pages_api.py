"""Workflow pages and API: import with field errors, publish/retire only for designers, the modeller
saves a new draft (checked like an import), the case diagram names where a case stands, incidents list
and retry, the component catalog; the API answers typed JSON and Chinese errors."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digigov.core import registry
from digigov.core.errors import ValidationFailed
from digigov.core.testing import logged_in_client
from digigov.support.workflow.actions.processes import activate_version, import_process
from digigov.support.workflow.models import CaseStatus, ProcessVersion, VersionStatus
from digigov.support.workflow.testing import start_case

from .bpmn_samples import linear, service


@pytest.fixture
def admin(role_user):
    return role_user("dept_admin")


@pytest.fixture
def version(city, admin):
    v = import_process(admin, linear(key="lic").encode(), "lic.bpmn", department=city.bureau)
    return activate_version(admin, v)


def test_process_list_and_import_with_field_errors(city, admin, version, django_assert_max_num_queries):
    c = logged_in_client(admin)
    url = reverse("workflow:processes")
    r = c.get(url)
    assert r.status_code == 200 and "样例流程" in r.content.decode() and "导入 BPMN 文件" in r.content.decode()
    bad = SimpleUploadedFile("bad.bpmn", b"<not xml", content_type="application/xml")
    r = c.post(url, {"file": bad, "department": city.bureau.public_id})
    assert r.status_code == 400 and "不是有效的 XML 文件" in r.content.decode()
    good = SimpleUploadedFile("two.bpmn", linear(key="two", name="第二个流程").encode(), content_type="application/xml")
    r = c.post(url, {"file": good, "department": city.bureau.public_id})
    assert r.status_code == 302 and ProcessVersion.objects.filter(process__key="two", status=VersionStatus.DRAFT).exists()
    for i in range(5):
        import_process(admin, linear(key=f"p{i}", name=f"流程{i}").encode(), f"p{i}.bpmn", department=city.bureau)
    c.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    for i in range(5, 15):
        import_process(admin, linear(key=f"p{i}", name=f"流程{i}").encode(), f"p{i}.bpmn", department=city.bureau)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert c.get(url).status_code == 200


def test_publish_controls_only_for_designers(city, admin, version, role_user):
    approver = role_user("approver")
    page = reverse("workflow:process", args=[version.process.public_id])
    assert "发布" not in logged_in_client(approver).get(page).content.decode().replace("发布后", "")
    assert logged_in_client(approver).post(reverse("workflow:retire", args=[version.public_id])).status_code == 403
    body = logged_in_client(admin).get(page).content.decode()
    assert "停用" in body
    r = logged_in_client(admin).post(reverse("workflow:retire", args=[version.public_id]))
    assert r.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED


def test_modeller_saves_a_new_draft_and_refuses_bad_xml(city, admin, version):
    c = logged_in_client(admin)
    url = reverse("workflow:modeller", args=[version.public_id])
    r = c.get(url)
    assert r.status_code == 200 and "bpmn-modeler.production.min.js" in r.content.decode()
    r = c.post(url, {"bpmn_xml": linear(key="lic").replace("审查", "复核")})
    assert r.status_code == 302
    assert ProcessVersion.objects.filter(process=version.process, version=2, status=VersionStatus.DRAFT).exists()
    r = c.post(url, {"bpmn_xml": linear(key="lic").replace('targetRef="end"', 'targetRef="gone"')})
    assert r.status_code == 400 and "终点 gone 不存在" in r.content.decode()
    export = c.get(reverse("workflow:export", args=[version.public_id]))
    assert export.status_code == 200 and export.content == version.bpmn_xml.encode()


def test_case_diagram_names_current_task(city, admin, version):
    case = start_case(version, actor=city.system, department=city.bureau)
    r = logged_in_client(admin).get(reverse("workflow:case_diagram", args=[case.public_id]))
    body = r.content.decode()
    assert r.status_code == 200 and "当前环节" in body and "受理" in body and '"current": ["accept"]' in body


def test_incident_page_retry_and_catalog(city, admin):
    state = {"fail": True}

    def func(actor, case, inputs):
        if state["fail"]:
            raise ValidationFailed("外部系统暂不可用")
        return {}

    registry.register_component(registry.Component("test.page", "测试组件", "测试用", func))
    try:
        v = activate_version(admin, import_process(admin, service("test.page", key="svc").encode(), "svc.bpmn", department=city.bureau))
        case = start_case(v, actor=city.system, department=city.bureau)
        assert case.status == CaseStatus.INCIDENT
        c = logged_in_client(admin)
        body = c.get(reverse("workflow:incidents")).content.decode()
        assert "外部系统暂不可用" in body and case.number in body
        state["fail"] = False
        r = c.post(reverse("workflow:incident_retry", args=[case.incidents.get().public_id]))
        assert r.status_code == 302
        case.refresh_from_db()
        assert case.status == CaseStatus.RUNNING
        catalog = c.get(reverse("workflow:components")).content.decode()
        assert "credit.check" in catalog and "信用核查" in catalog and "camunda:topic" in catalog
    finally:
        registry.COMPONENTS.pop("test.page", None)


def test_api_import_activate_case_and_errors(city, admin, user_factory, role_user):
    c = logged_in_client(admin)
    base = "/api/v1/support/workflow"
    r = c.post(f"{base}/processes", {"department": city.bureau.public_id, "file": SimpleUploadedFile("a.bpmn", linear(key="api").encode())})
    assert r.status_code == 201, r.content
    vid = r.json()["public_id"]
    bad = c.post(f"{base}/processes", {"department": city.bureau.public_id, "file": SimpleUploadedFile("b.bpmn", b"<x")})
    assert bad.status_code == 422 and bad.json()["code"] == "bpmn_invalid" and set(bad.json()) == {"code", "message", "detail"}
    assert c.post(f"{base}/versions/{vid}/activate").json()["status"] == "active"
    listing = c.get(f"{base}/processes").json()
    assert listing["items"][0]["active_version"] == 1
    assert c.get(f"{base}/versions/{vid}/export").json()["bpmn_xml"] == linear(key="api")
    citizen = user_factory("citizen")
    cc = logged_in_client(citizen)
    r = cc.post(f"{base}/cases", data=json.dumps({"process": "api", "data": {"x": 1}}), content_type="application/json")
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["current_elements"] == ["accept"] and case["status"] == "running"
    assert cc.get(f"{base}/cases/{case['public_id']}").status_code == 200
    other = logged_in_client(user_factory("citizen"))
    assert other.get(f"{base}/cases/{case['public_id']}").status_code == 404
    assert cc.post(f"{base}/cases", data=json.dumps({"process": "nope"}), content_type="application/json").status_code == 422
    assert cc.get(f"{base}/incidents").status_code == 403
    msg = logged_in_client(role_user("approver")).post(f"{base}/cases/{case['public_id']}/messages", data=json.dumps({"name": "reply"}), content_type="application/json")
    assert msg.status_code == 409 and msg.json()["code"] == "message_not_expected"
