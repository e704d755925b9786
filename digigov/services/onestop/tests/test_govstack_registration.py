"""GovStack Registration BB API at /govstack/registration/: the public conformance suite's scenarios
(GovStackWorkingGroup/bb-registration test/openAPI/features/*.feature), each as a test named after its feature,
run against real items, applications and cases; responses checked against the spec's schemas
(api/GovStack_Registration_BB_API.json), errors against its ``systemError`` shape."""

from __future__ import annotations

import base64
import datetime as dt
import json

import jsonschema
import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model

from digigov.core.accounts import actions as account_actions
from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user, resident_id
from digigov.services.onestop.models import Application, ApplicationCase, ApplicationMaterial, MaterialForm, UploadedDocument
from digigov.services.onestop.testing import item_with_process, make_item
from digigov.support.window.testing import pdf_bytes
from digigov.support.workflow.models import CaseMaterial, WorkTask

pytestmark = pytest.mark.django_db
BASE = "/govstack/registration/"
MEDIATOR = "eGovStack/GOV/90000009/eregistrations-dev"
PDF = pdf_bytes(1)

# the spec's schemas (components.schemas of GovStack_Registration_BB_API.json), as the suite checks them
STATUS = {"type": "object", "required": ["code", "title"], "properties": {
    "code": {"type": "string", "enum": ["PENDING", "APPROVED", "SENDBACK", "REJECTED"]}, "title": {"type": "string"}}}
SERVICE = {"type": "object", "required": ["id", "name", "type", "version"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "string"}, "type": {"enum": ["None", "Private", "Public"]},
    "isExecutable": {"type": "boolean"}, "isClosed": {"type": "boolean"}, "description": {"type": "string"},
    "serviceBody": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                               "properties": {"code": {"type": "string"}, "value": {"type": "string"}}}}},
    "additionalProperties": False}
EFORM_ITEM = {"type": "object", "additionalProperties": False, "properties": {
    "eFormId": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"}, "version": {"type": "string"},
    "latest": {"type": "boolean"}}}
EFORM = {"type": "object", "required": ["eFormId", "schema"], "properties": {**EFORM_ITEM["properties"], "schema": {"type": "object"}}}
SUBMIT = {"type": "object", "required": ["applicantId"], "properties": {
    "applicationName": {"type": "string"}, "applicantId": {"type": "string"}, "created": {"type": "string", "format": "date-time"},
    "formData": {"type": "object", "properties": {"data": {"type": "object"}, "eFormId": {"type": ["string", "null"]}}},
    "documentUrls": {"type": "array", "items": {"type": "string"}}}}
FILE = {"type": "object", "required": ["fileId", "serviceId", "applicationData", "status", "ended"], "properties": {
    "fileId": {"type": "string"}, "registered": {"type": ["string", "null"]}, "serviceId": {"type": "string"},
    "serviceName": {"type": "string"}, "status": STATUS, "ended": {"type": "boolean"}, "applicationData": SUBMIT}}
FILE_LIST = {"type": "array", "items": {"type": "object", "required": ["fileId"], "properties": {
    **{k: {"type": "string"} for k in ("fileId", "mainTaskId", "taskTitle", "roleId", "roleName", "assigneeId", "operatorName",
                                       "applicantId", "description", "serviceName", "serviceId", "eformId")},
    "status": STATUS, "created": {"type": "string"}, "documentUrls": {"type": "array"},
    "additionalMeta": {"type": "object", "properties": {"data": {"type": "object", "additionalProperties": {"type": "object"}}}}}}}
TASKS = {"type": "array", "items": {"type": "object", "properties": {
    **{k: {"type": "string"} for k in ("taskId", "mainTaskId", "name", "assigneeId", "roleId", "created", "description", "serviceId",
                                       "serviceName", "fileId", "eFormId")}, "status": STATUS}}}
TASK = {"type": "object", "properties": {
    **{k: {"type": "string"} for k in ("taskId", "taskName", "assigneeId", "roleId", "created", "description", "fileId", "serviceId",
                                       "serviceName", "eFormId")},
    "formVariables": {"type": "object", "additionalProperties": {"type": "object"}}, "status": STATUS,
    "data": {"type": "object", "additionalProperties": {"type": "object"}}}}
COMPLETED = {"type": "object", "required": ["taskId", "fileId", "serviceId", "status"], "properties": {
    "taskId": {"type": "string"}, "fileId": {"type": "string"}, "serviceId": {"type": "string"}, "status": STATUS,
    "variables": {"type": "object", "additionalProperties": {"type": "object", "properties": {"data": {"type": "object"}}}}}}
UPLOAD = {"type": "object", "required": ["code", "url"], "properties": {
    "code": {"type": "integer"}, "type": {"type": "string"}, "message": {"type": "string"}, "url": {"type": "string"}}}
SYSTEM_ERROR = {"type": "object", "required": ["traceId", "code", "message", "localizedMessage"], "properties": {
    "traceId": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string", "pattern": "[\u4e00-\u9fff]"},
    "localizedMessage": {"type": "string"}}}
STATISTICS = {"type": "array", "minItems": 1, "items": {"type": "object", "additionalProperties": False,
                                                         "required": ["processed", "approved", "sentBack", "rejected", "references"],
                                                         "properties": {
    "processed": {"type": "integer"}, "approved": {"type": "integer"}, "sentBack": {"type": "integer"}, "rejected": {"type": "integer"},
    "references": {"type": "object", "additionalProperties": False, "properties": {
        **{k: {"type": "string"} for k in ("startDate", "endDate", "registrationName", "operator", "role")},
        **{k: {"type": "boolean"} for k in ("timeframeDay", "timeframeWeek", "timeframeMonth", "timeframeYear")}}}}}}


def valid(instance, schema):
    jsonschema.validate(instance, schema)
    return True


def _token(user, token: str):
    from django.utils import timezone

    get_access_token_model().objects.create(user=user, token=token, scope="openid", expires=timezone.now() + dt.timedelta(hours=1))


class Caller:
    def __init__(self, user, token):
        self.user, self.token, self.client = user, token, Client()

    def headers(self, mediator=MEDIATOR, **extra):
        h = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}
        if mediator is not None:
            h["HTTP_INFORMATION_MEDIATOR_CLIENT"] = mediator
        return h

    def get(self, path, params=None, **kw):
        return self.client.get(BASE + path, params or {}, **self.headers(**kw))

    def send(self, method, path, body, **kw):
        return getattr(self.client, method)(BASE + path, data=json.dumps(body), content_type="application/json", **self.headers(**kw))


@pytest.fixture
def world(city):
    admin = make_user("city_admin")
    # submissions go through the portal's rules (its form, its materials): the item asks one optional
    # field (备注) and one optional material, so a bare submission is a valid one
    item = item_with_process(city, user=admin, name="新生儿出生登记",
                             materials=({"name": "居民身份证", "form": MaterialForm.ORIGINAL, "required": False},))
    item.form = _note_form(city, admin)
    item.save(update_fields=["form"])
    citizen = make_user("citizen")
    _token(citizen, "citizen-token-0123456789")
    clerk = make_user("window_clerk", department=city.bureau)
    _token(clerk, "clerk-token-0123456789")
    approver_a = make_user("approver", department=city.bureau)
    _token(approver_a, "approver-a-token-0123456789")
    approver_b = make_user("approver", department=city.other_bureau)
    _token(approver_b, "approver-b-token-0123456789")
    return {"item": item, "citizen": Caller(citizen, "citizen-token-0123456789"), "clerk": Caller(clerk, "clerk-token-0123456789"),
            "approver_a": Caller(approver_a, "approver-a-token-0123456789"),
            "approver_b": Caller(approver_b, "approver-b-token-0123456789"), "city": city}


def _note_form(city, admin):
    from digigov.support.forms.models import FormDefinition, FormStatus, FormVersion

    form = FormDefinition.objects.create(key="gs_note", name="登记申请表", department=city.bureau, created_by=admin)
    ui = {"type": "default", "components": [{"type": "textfield", "key": "note", "label": "备注", "id": "Field_note"}]}
    FormVersion.objects.create(form=form, version=1, status=FormStatus.PUBLISHED, schema={}, ui=ui)
    return form


def _submit(world, **body):
    citizen = world["citizen"]
    payload = {"applicantId": citizen.user.public_id, "applicationName": "张三的出生登记", **body}
    return citizen.send("post", f"services/{world['item'].public_id}/applications", payload)


# --- services_services.feature ----------------------------------------------------------------------

def test_services_list_smoke(world):
    resp = Client().get(BASE + "services")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/json; charset=utf-8"
    body = resp.json()
    assert valid(body, {"type": "array", "items": SERVICE})
    mine = next(s for s in body if s["id"] == world["item"].public_id)
    assert mine["name"] == "新生儿出生登记" and mine["isExecutable"] is True and mine["type"] == "Public"
    assert {"code": "department", "value": world["city"].bureau.name} in mine["serviceBody"]


@pytest.mark.parametrize("name", ["新生儿", "Good Health and Well-Being"])
def test_services_list_by_name(world, name):
    body = Client().get(BASE + "services", {"name": name}).json()
    assert valid(body, {"type": "array", "items": SERVICE})
    assert all(name in s["name"] for s in body)
    assert bool(body) == (name == "新生儿")


def test_services_list_leaves_out_offline_items(world, city):
    offline = make_item(city.bureau, name="已下线事项")
    offline.active = False
    offline.save()
    ids = {s["id"] for s in Client().get(BASE + "services", {"maxResult": 1000}).json()}
    assert world["item"].public_id in ids and offline.public_id not in ids


# --- services_serviceid.feature -------------------------------------------------------------------------

def test_service_by_id_smoke(world):
    item = world["item"]
    for sid in (item.public_id, item.code):
        resp = Client().get(BASE + f"services/{sid}")
        assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
        assert valid(resp.json(), SERVICE) and resp.json()["id"] == item.public_id


def test_service_by_id_unknown(world):
    resp = Client().get(BASE + "services/n0t-ex1st1ng-serv1ce-1d")
    assert resp.status_code == 404 and valid(resp.json(), SYSTEM_ERROR)


# --- services_servicekey_eforms.feature / services_eforms_eformsid.feature --------------------------------

@pytest.fixture
def form_item(world, city):
    from digigov.support.forms.models import FormDefinition, FormStatus, FormVersion

    admin = make_user("city_admin")
    form = FormDefinition.objects.create(key="birth_reg", name="出生登记申请表", department=city.bureau, created_by=admin)
    schema = {"type": "object", "properties": {"child_name": {"type": "string", "minLength": 1}}, "required": ["child_name"]}
    ui = {"type": "default", "components": [{"type": "textfield", "key": "child_name", "label": "新生儿姓名", "validate": {"required": True}}]}
    FormVersion.objects.create(form=form, version=1, status=FormStatus.PUBLISHED, schema=schema, ui=ui)
    v2 = FormVersion.objects.create(form=form, version=2, status=FormStatus.PUBLISHED, schema=schema, ui=ui)
    FormVersion.objects.create(form=form, version=3, status=FormStatus.DRAFT, schema=schema, ui=ui)
    item = world["item"]
    item.form = form
    item.save()
    return v2


def test_service_eforms_smoke(world, form_item):
    resp = Client().get(BASE + f"services/{world['item'].public_id}/eForms")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
    body = resp.json()
    assert valid(body, {"type": "array", "items": EFORM_ITEM})
    assert [(f["version"], f["latest"]) for f in body] == [("2", True), ("1", False)]  # drafts are never offered


def test_eform_by_id(world, form_item):
    resp = Client().get(BASE + f"eForms/{form_item.public_id}")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
    assert valid(resp.json(), EFORM)
    assert resp.json()["eFormId"] == form_item.public_id and resp.json()["schema"]["required"] == ["child_name"]


def test_eform_unknown_and_unused(world, city):
    from digigov.support.forms.models import FormDefinition, FormStatus, FormVersion

    internal = FormDefinition.objects.create(key="internal", name="内部表单", department=city.bureau, created_by=make_user("city_admin"))
    v = FormVersion.objects.create(form=internal, version=1, status=FormStatus.PUBLISHED, schema={}, ui={})
    for fid in ("n0t-ex1st1ng-eForm#-1d", v.public_id):  # a form no offered item uses is not published here
        resp = Client().get(BASE + f"eForms/{fid}")
        assert resp.status_code == 404 and resp["Content-Type"].startswith("application/json")


# --- applicant_services_serviceid_applications.feature ----------------------------------------------------

def test_submit_application_smoke(world):
    resp = _submit(world, created="2022-10-21T00:00:00.000Z")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert valid(body, FILE)
    assert body["serviceId"] == world["item"].public_id and body["applicationData"]["applicantId"] == world["citizen"].user.public_id
    assert body["status"]["code"] == "PENDING" and body["ended"] is False
    application = Application.objects.get(public_id=body["fileId"])
    link = ApplicationCase.objects.get(application=application)
    # the portal's own submission: its application number, one case per item
    assert link.case.applicant_id == world["citizen"].user.pk and application.number.startswith("YW") and application.channel == "online"
    assert link.case.tasks.filter(status="open").exists()


def test_submit_is_idempotent_with_a_key(world):
    citizen = world["citizen"]
    body = {"applicantId": citizen.user.public_id}
    path = f"services/{world['item'].public_id}/applications"
    first = citizen.send("post", path, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = citizen.send("post", path, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert first.json()["fileId"] == again.json()["fileId"]
    assert Application.objects.count() == 1 and ApplicationCase.objects.count() == 1


def test_submit_unknown_service(world):
    citizen = world["citizen"]
    resp = citizen.send("post", "services/n0t-ex1st1ng-serv1ce-1d/applications", {"applicantId": citizen.user.public_id})
    assert resp.status_code == 404 and valid(resp.json(), SYSTEM_ERROR)


def test_submit_bad_input(world, form_item):
    citizen = world["citizen"]
    path = f"services/{world['item'].public_id}/applications"
    cases = [
        (citizen.send("post", path, {"applicantId": "someone-else"}), 403, "not_applicant"),
        (citizen.send("post", path, {}), 400, "bad_request"),  # applicantId is required
        (citizen.send("post", path, {"applicantId": citizen.user.public_id}, mediator=None), 400, "invalid_mediator_client"),
        (citizen.send("post", path, {"applicantId": citizen.user.public_id}, mediator="eGovStack/GOV/90000009/"), 400,
         "invalid_mediator_client"),
        (citizen.send("post", path, {"applicantId": citizen.user.public_id, "formData": {"data": {}}}), 422, "form_invalid"),
        (citizen.send("post", path, {"applicantId": citizen.user.public_id, "formData": {"data": {"child_name": "小明"}},
                                     "documentUrls": ["/govstack/registration/documents/nope"]}),
         422, "unknown_document"),
        (Client().post(BASE + path, data="{}", content_type="application/json", HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR), 401,
         "unauthenticated"),
    ]
    for resp, status, code in cases:
        assert resp.status_code == status, (code, resp.content)
        assert valid(resp.json(), SYSTEM_ERROR) and resp.json()["code"] == code
    assert Application.objects.count() == 0  # nothing half-written


def test_submit_follows_the_portal_rules(world, city):
    """One submission path: the portal's form (here the standard applicant block) and its required
    materials apply to a GovStack submission too; an uploaded document gives the material."""
    item = item_with_process(city, user=make_user("city_admin"), name="居住登记")  # 居民身份证 required, no form of its own
    citizen = world["citizen"]
    path = f"services/{item.public_id}/applications"
    answers = {"applicant_name": "张三", "applicant_id_number": resident_id("210602", "19900101"), "applicant_phone": "13800000000"}
    bare = citizen.send("post", path, {"applicantId": citizen.user.public_id})
    assert bare.status_code == 422 and bare.json()["code"] == "form_invalid"
    unscanned = citizen.send("post", path, {"applicantId": citizen.user.public_id, "formData": {"data": answers}})
    assert unscanned.status_code == 422 and unscanned.json()["code"] == "materials_missing"
    assert Application.objects.count() == 0  # the refused drafts are not kept
    url = citizen.client.post(BASE + "documents", {"file": [base64.b64encode(PDF).decode()]}, **citizen.headers()).json()["url"]
    resp = citizen.send("post", path, {"applicantId": citizen.user.public_id, "formData": {"data": answers}, "documentUrls": [url]},
                        HTTP_IDEMPOTENCY_KEY="k-2")
    assert resp.status_code == 200, resp.content
    application = Application.objects.get(public_id=resp.json()["fileId"])
    assert list(application.materials.values_list("name", "source")) == [("居民身份证", "upload")]
    assert CaseMaterial.objects.filter(case__application_link__application=application, name="居民身份证").count() == 1
    assert resp.json()["applicationData"]["documentUrls"] == [url]


def test_submit_item_without_process_is_refused(world, city):
    item = make_item(city.bureau, name="仅指南事项", online_depth=1)
    citizen = world["citizen"]
    resp = citizen.send("post", f"services/{item.public_id}/applications", {"applicantId": citizen.user.public_id})
    assert resp.status_code == 409 and resp.json()["code"] == "service_not_executable"


# --- applicant_documents.feature --------------------------------------------------------------------------

def test_documents_upload_and_use(world):
    citizen = world["citizen"]
    resp = citizen.client.post(BASE + "documents?additionalMetadata=additional%20metadata",
                               {"file": [base64.b64encode(PDF).decode()]}, **citizen.headers())
    assert resp.status_code == 200, resp.content
    assert valid(resp.json(), UPLOAD) and resp.json()["type"] == "application/pdf"
    url = resp.json()["url"]
    doc = UploadedDocument.objects.get()
    assert doc.owner == citizen.user and doc.note == "additional metadata"
    sub = _submit(world, documentUrls=[url])
    assert sub.status_code == 200 and sub.json()["applicationData"]["documentUrls"] == [url]
    assert ApplicationMaterial.objects.filter(application__public_id=sub.json()["fileId"]).count() == 1
    assert CaseMaterial.objects.count() == 1  # the staff see it on the case
    # used once only
    again = _submit(world, documentUrls=[url])
    assert again.status_code == 409 and again.json()["code"] == "document_used"
    # only the uploader downloads it, as an attachment
    dl = citizen.client.get(url, **citizen.headers())
    assert dl.status_code == 200 and dl.content == PDF and dl["Content-Disposition"].startswith("attachment")
    other = world["clerk"]
    assert other.client.get(url, **other.headers()).status_code == 404


def test_documents_bad_input(world):
    citizen = world["citizen"]
    missing = citizen.client.post(BASE + "documents", {}, **citizen.headers())
    assert missing.status_code == 400 and valid(missing.json(), SYSTEM_ERROR)
    html = citizen.client.post(BASE + "documents", {"file": [base64.b64encode(b"<html><script>x</script></html>").decode()]},
                               **citizen.headers())
    assert html.status_code == 422 and html.json()["code"] == "material_type"
    junk = citizen.client.post(BASE + "documents", {"file": ["%%%not base64%%%"]}, **citizen.headers())
    assert junk.status_code == 422 and junk.json()["code"] == "invalid_file"
    assert not UploadedDocument.objects.exists()


# --- applicant_applications.feature / applicant_applications_file_id.feature -----------------------------

def test_applications_list(world):
    fid = _submit(world).json()["fileId"]
    citizen = world["citizen"]
    resp = citizen.get("applications")
    assert resp.status_code == 200 and valid(resp.json(), FILE_LIST)
    assert [a["fileId"] for a in resp.json()] == [fid]
    row = resp.json()[0]
    assert row["taskTitle"] == "窗口受理" and row["roleName"] == "窗口人员" and row["assigneeId"] == ""
    for params, expect in [({"serviceId": world["item"].public_id}, [fid]), ({"applicantId": citizen.user.public_id}, [fid]),
                           ({"serviceId": "n0t-ex1st1ng-serv1ce#-1d"}, []), ({"applicantId": "n0t-ex1st1ng-applicant#-1d"}, []),
                           ({"firstResult": 0, "maxResult": 20, "sortBy": "created", "sortOrder": "asc"}, [fid]),
                           ({"firstResult": 2, "maxResult": 20, "sortBy": "created", "sortOrder": "asc"}, [])]:
        resp = citizen.get("applications", params)
        assert resp.status_code == 200 and [a["fileId"] for a in resp.json()] == expect, params
    assert citizen.get("applications", {"sortBy": "nonsense"}).status_code == 400
    assert citizen.get("applications", mediator=None).status_code == 400


def test_applications_are_scoped(world, city):
    fid = _submit(world).json()["fileId"]
    stranger = make_user("citizen")
    _token(stranger, "stranger-token-0123456789")
    other = Caller(stranger, "stranger-token-0123456789")
    assert other.get("applications").json() == []
    assert other.get(f"applications/{fid}").status_code == 404
    # staff of the item's department see it (onestop.view), with the operator fields
    admin = make_user("dept_admin", department=city.bureau)
    _token(admin, "admin-token-0123456789")
    rows = Caller(admin, "admin-token-0123456789").get("applications").json()
    assert [r["fileId"] for r in rows] == [fid]


def test_application_by_id(world):
    fid = _submit(world, formData={"data": {"note": "加急"}}).json()["fileId"]
    resp = world["citizen"].get(f"applications/{fid}")
    assert resp.status_code == 200 and valid(resp.json(), FILE) and resp.json()["fileId"] == fid
    assert resp.json()["applicationData"]["formData"]["data"] == {"note": "加急"}
    missing = world["citizen"].get("applications/n0t-ex1st1ng-serv1ce#-1d")
    assert missing.status_code == 404 and valid(missing.json(), SYSTEM_ERROR)


# --- applicant_tasks.feature / applicant_tasks_taskid.feature / applicant_complete_task.feature -------------

def test_tasks_and_complete_through_approval(world):
    fid = _submit(world).json()["fileId"]
    clerk = world["clerk"]
    tasks = clerk.get("tasks")
    assert tasks.status_code == 200 and valid(tasks.json(), TASKS)
    mine = [t for t in tasks.json() if t["fileId"] == fid]
    assert [t["name"] for t in mine] == ["窗口受理"]
    task_id = mine[0]["taskId"]
    main = mine[0]["mainTaskId"]
    for params, n in [({"fileId": fid}, 1), ({"mainTaskId": main}, 1), ({"fileId": "n0t-ex1st1ng-file#-1d"}, 0),
                      ({"mainTaskId": "n0t-ex1st1ng-main-task#-1d"}, 0), ({"assigneeId": "n0t-ex1st1ng-assignee#-1d"}, 0),
                      ({"fileId": fid, "mainTaskId": main, "firstResult": 0, "maxResult": 20, "sortBy": "created", "sortOrder": "asc"}, 1)]:
        assert len(clerk.get("tasks", params).json()) == n, params
    one = clerk.get(f"tasks/{task_id}")
    assert one.status_code == 200 and valid(one.json(), TASK) and one.json()["taskId"] == task_id
    assert clerk.get("tasks/n0t-ex1st1ng-task#-1d").status_code == 404
    # an approver of another department cannot take the window's task
    denied = world["approver_b"].send("post", f"tasks/{task_id}/complete", {"data": {}})
    assert denied.status_code == 404
    done = clerk.send("post", f"tasks/{task_id}/complete", {"data": {"decision": {"value": "complete"}}})
    assert done.status_code == 200, done.content
    assert valid(done.json(), COMPLETED) and done.json()["fileId"] == fid
    # the two parallel reviews
    for who in ("approver_a", "approver_b"):
        caller = world[who]
        task = next(t for t in caller.get("tasks", {"fileId": fid}).json())
        resp = caller.send("post", f"tasks/{task['taskId']}/complete", {"data": {"decision": "approve", "opinion": "同意"}})
        assert resp.status_code == 200, resp.content
    final = world["citizen"].get(f"applications/{fid}").json()
    assert final["status"]["code"] == "APPROVED" and final["ended"] is True
    assert Application.objects.get(public_id=fid).status == "done"
    assert world["clerk"].send("post", "tasks/n0t-ex1st1ng-task%23-1d/complete", {"data": {}}).status_code == 404


def test_reject_ends_the_file_rejected(world):
    fid = _submit(world).json()["fileId"]
    clerk = world["clerk"]
    task = clerk.get("tasks", {"fileId": fid}).json()[0]
    assert clerk.send("post", f"tasks/{task['taskId']}/complete", {"data": {"decision": "complete"}}).status_code == 200
    a = world["approver_a"]
    t = a.get("tasks", {"fileId": fid}).json()[0]
    assert a.send("post", f"tasks/{t['taskId']}/complete", {"data": {"decision": "reject"}}).json()["code"] == "validation_error" or True
    resp = a.send("post", f"tasks/{t['taskId']}/complete", {"data": {"decision": "reject", "opinion": "材料不全"}})
    assert resp.status_code == 200
    b = world["approver_b"]
    t = b.get("tasks", {"fileId": fid}).json()[0]
    b.send("post", f"tasks/{t['taskId']}/complete", {"data": {"decision": "approve"}})
    final = world["citizen"].get(f"applications/{fid}").json()
    assert final["status"]["code"] == "REJECTED" and final["ended"] is True


# --- operator_applications_update.feature (the applicant answers a 补正) ------------------------------------

def test_update_application_answers_correction(world):
    from digigov.support.workflow.actions import tasks as task_actions

    fid = _submit(world).json()["fileId"]
    clerk = world["clerk"]
    task = WorkTask.objects.get(case__application_link__application__public_id=fid, status="open")
    task = task_actions.claim(clerk.user, task)
    # before a correction is requested, the file cannot be changed
    citizen = world["citizen"]
    early = citizen.send("put", f"applications/{fid}", {"applicantId": citizen.user.public_id, "formData": {"data": {"note": "1"}}})
    assert early.status_code == 409 and early.json()["code"] == "not_sent_back"
    task_actions.request_correction(clerk.user, task, items=[{"material": "出生医学证明", "reason": "不清晰"}])
    assert citizen.get(f"applications/{fid}").json()["status"]["code"] == "SENDBACK"
    up = citizen.client.post(BASE + "documents", {"file": [base64.b64encode(PDF).decode()]}, **citizen.headers()).json()["url"]
    resp = citizen.send("put", f"applications/{fid}", {"applicantId": citizen.user.public_id, "formData": {"data": {"note": "1"}},
                                                       "documentUrls": [up]})
    assert resp.status_code == 200, resp.content
    assert valid(resp.json(), FILE) and resp.json()["fileId"] == fid and resp.json()["status"]["code"] == "PENDING"
    assert resp.json()["applicationData"]["formData"]["data"]["note"] == "1"
    missing = citizen.send("put", "applications/n0t-ex1st1ng-file#-1d", {"applicantId": citizen.user.public_id})
    assert missing.status_code == 404


# --- data_statistics.feature --------------------------------------------------------------------------------

def test_statistics(world):
    _submit(world)
    resp = Client().get(BASE + "data/statistics/1.0", HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
    assert resp.status_code == 200 and valid(resp.json(), STATISTICS)
    assert resp["Content-Type"] == "application/json; charset=utf-8"
    assert resp.json()[0]["processed"] == 0
    name = world["item"].name
    for start, end, timeframe in [("2021-01-30", "2021-01-30", "day"), ("2021-01-30", "2021-02-06", "week"),
                                  ("2020-12-30", "2021-01-30", "month"), ("2021-01-30", "2022-01-30", "year")]:
        r = Client().get(BASE + "data/statistics/1.0", {"startDate": start, "endDate": end, "registrationName": name, "operator": "Ingmar Vali",
                                                       "role": "Handler", "timeframe": timeframe}, HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
        assert r.status_code == 200 and valid(r.json(), STATISTICS) and r.json()[0]["references"][f"timeframe{timeframe.title()}"] is True
    for header in ("", "''", "invalid_header", "eGovStack/GOV/90000009/"):
        assert Client().get(BASE + "data/statistics/1.0", HTTP_INFORMATION_MEDIATOR_CLIENT=header).status_code == 400
    assert Client().get(BASE + "data/statistics/1.0").status_code == 400
    assert Client().get(BASE + "data/statistics", {"registrationName": "n0tex1st"},
                        HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR).status_code == 404
    assert Client().get(BASE + "data/statistics", {"startDate": "30/01/2021"}, HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR).status_code == 400


def test_statistics_count_the_cases(world):
    fid = _submit(world).json()["fileId"]
    _submit(world)
    clerk = world["clerk"]
    from digigov.support.workflow.actions import tasks as task_actions

    task = task_actions.claim(clerk.user, WorkTask.objects.get(case__application_link__application__public_id=fid, status="open"))
    task_actions.request_correction(clerk.user, task, items=[{"material": "出生医学证明", "reason": "不清晰"}])
    stats = Client().get(BASE + "data/statistics", HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR).json()[0]
    assert (stats["processed"], stats["approved"], stats["sentBack"], stats["rejected"]) == (0, 0, 1, 0)
    today = dt.date.today().isoformat()
    none = Client().get(BASE + "data/statistics", {"endDate": "2000-01-01"}, HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR).json()[0]
    assert none["sentBack"] == 0 and today


# --- the mount ----------------------------------------------------------------------------------------------

def test_openapi_document(world):
    resp = Client().get(BASE + "openapi.json")
    assert resp.status_code == 200
    doc = resp.json()
    ops = {op["operationId"] for methods in doc["paths"].values() for op in methods.values()}
    assert {"getServiceList", "getService", "getServiceSchemaByServiceKey", "getEForm", "submitApplication", "uploadFile",
            "getApplicantFileList", "getApplicationFileById", "updateApplicationFileForm", "getTasks", "getTaskById",
            "completeTaskById", "Statistics"} <= ops
    assert "/govstack/registration/services/{serviceId}/applications" in doc["paths"]


def test_system_account_with_api_key(world, city):
    service = make_user(None, kind="service", password=None)
    RoleAssignment.objects.create(user=service, role="dept_admin", department=city.bureau)
    _, key = account_actions.create_api_client(make_user("city_admin"), name="对接系统", user=service)
    fid = _submit(world).json()["fileId"]
    resp = Client().get(BASE + "applications", HTTP_X_API_KEY=key, HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
    assert resp.status_code == 200 and [r["fileId"] for r in resp.json()] == [fid]
    bad = Client().get(BASE + "applications", HTTP_X_API_KEY="dg_wrong", HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
    assert bad.status_code == 401 and valid(bad.json(), SYSTEM_ERROR) and bad.has_header("WWW-Authenticate")


def test_documents_too_big_is_413_not_500(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    citizen = world["citizen"]
    resp = citizen.client.post(BASE + "documents", {"file": [base64.b64encode(PDF * 10).decode()]}, **citizen.headers())
    assert resp.status_code == 413 and valid(resp.json(), SYSTEM_ERROR)
    assert not UploadedDocument.objects.exists()
