"""API contract of /api/v1/services/applications/: draft → update → upload → submit with Idempotency-Key
(a repeat answers the same application, one case) → get, list, withdraw; 4xx with Chinese messages;
someone else's application is 404; 全市通办 at a window of another division."""

import pytest

from digigov.core.testing import logged_in_client
from digigov.services.onestop.application_testing import answers, citizen
from digigov.services.onestop.models import Application, ApplicationStatus, MaterialForm
from digigov.services.onestop.testing import item_with_process
from digigov.support.window.testing import pdf_bytes
from digigov.support.workflow.models import Case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/services/applications/"


@pytest.fixture
def applicant(city):
    return citizen(city)


@pytest.fixture
def item(city):
    return item_with_process(city, user=city.system, name="接口事项", materials=(("申请书", MaterialForm.ORIGINAL),))


def test_api_round_trip(applicant, item, city):
    c = logged_in_client(applicant)
    r = c.post(BASE, {"item": item.code}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    pid = body["public_id"]
    assert body["status"] == "draft" and {"field": "applicant_name", "source": "实名认证资料"} in body["prefilled"]
    assert body["materials"][0]["how"] == "missing"
    r = c.post(f"{BASE}{pid}/submit", HTTP_IDEMPOTENCY_KEY="a1")
    assert r.status_code == 422 and r.json()["code"] == "materials_missing" and "申请书" in r.json()["message"]
    r = c.patch(f"{BASE}{pid}", {"data": answers(applicant)}, content_type="application/json")
    assert r.status_code == 200, r.content
    r = c.post(f"{BASE}{pid}/materials", {"key": body["materials"][0]["key"], "file": _file(b"<html>")})
    assert r.status_code == 422 and r.json()["code"] == "material_type"
    r = c.post(f"{BASE}{pid}/materials", {"key": body["materials"][0]["key"], "file": _file(pdf_bytes(1))})
    assert r.status_code == 201 and r.json()["pages"] == 1
    first = c.post(f"{BASE}{pid}/submit", HTTP_IDEMPOTENCY_KEY="a2")
    again = c.post(f"{BASE}{pid}/submit", HTTP_IDEMPOTENCY_KEY="a2")
    assert first.status_code == 200 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"] and len(first.json()["cases"]) == 1
    assert Case.objects.count() == 1
    assert c.post(f"{BASE}{pid}/submit", HTTP_IDEMPOTENCY_KEY="a3").status_code == 409
    listed = c.get(BASE).json()
    assert [a["public_id"] for a in listed["items"]] == [pid]
    other = logged_in_client(citizen(city, name="王五"))
    assert other.get(f"{BASE}{pid}").status_code == 404
    assert other.post(f"{BASE}{pid}/withdraw", {}, content_type="application/json").status_code == 404
    r = c.post(f"{BASE}{pid}/withdraw", {"reason": "不办了"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def _file(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("f.pdf", data, content_type="application/pdf")


@pytest.mark.parametrize("body,status,code", [
    ({}, 422, "item_required"), ({"item": "NOPE"}, 404, "item_not_found"), ({"item": "X", "extra": 1}, 422, None),
    ({"bundle": "NOPE"}, 404, "bundle_not_found"),
])
def test_bad_create_bodies(applicant, body, status, code):
    r = logged_in_client(applicant).post(BASE, body, content_type="application/json")
    assert r.status_code == status
    if code:
        assert r.json()["code"] == code
    assert Application.objects.count() == 0


def test_citywide_item_received_at_a_window_of_another_division(city, applicant):
    from digigov.core.testing import make_user
    from digigov.services.onestop import requirements as req
    from digigov.services.onestop.actions import applications as actions
    from digigov.support.window.models import ServiceHall
    from digigov.support.workflow.models import TaskStatus, WorkTask

    citywide = item_with_process(city, user=city.system, name="通办事项", citywide=True, divisions=[city.county_a])
    local = item_with_process(city, user=city.system, name="属地事项", divisions=[city.county_a])
    hall_b = ServiceHall.objects.create(name="振兴区政务服务中心", division=city.county_b, counters=4)
    clerk_b = make_user("window_clerk", division=city.county_b)
    key = req.for_item(citywide).materials[0].key
    app = actions.receive_at_window(clerk_b, hall_b, item=citywide, person=applicant.person, data=answers(applicant),
                                    files=[(key, pdf_bytes(1))], idempotency_key="w1")
    assert app.status == ApplicationStatus.IN_PROGRESS and app.division == city.county_b and app.received_by == clerk_b
    case = app.cases.get().case
    assert case.department == citywide.department and case.channel == "window"
    assert actions.receive_at_window(clerk_b, hall_b, item=citywide, person=applicant.person, data=answers(applicant),
                                     files=[(key, pdf_bytes(1))], idempotency_key="w1").pk == app.pk  # a double click: one application
    # the competent department's approvers (a department grant) see the review once the window accepted it
    from digigov.core.rbac.system import system_account
    from digigov.support.workflow import runtime
    from digigov.support.workflow.selectors_tasks import worklist

    runtime.complete(WorkTask.objects.get(case=case, candidate_role="window_clerk"), system_account(), outcome="complete")
    approver = make_user("approver", department=city.bureau)
    assert WorkTask.objects.filter(case=case, status=TaskStatus.OPEN, department=city.bureau).exists()
    assert any(t.case_id == case.pk for t in worklist(approver, "open"))
    from digigov.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as e:
        actions.receive_at_window(clerk_b, hall_b, item=local, person=applicant.person, data=answers(applicant),
                                  files=[(req.for_item(local).materials[0].key, pdf_bytes(1))])
    assert e.value.code == "item_not_offered"
    assert Application.objects.count() == 1
