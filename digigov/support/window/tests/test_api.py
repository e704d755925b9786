"""The window's API: typed answers, Chinese errors, nothing written on bad input."""

import pytest

from digigov.core.testing import logged_in_client, make_user
from digigov.support.window.models import QueueTicket, Reception
from digigov.support.window.testing import make_person, pdf_bytes
from digigov.support.workflow.models import Case, CaseMaterial

BASE = "/api/v1/support/window"


@pytest.fixture
def api(clerk):
    c = logged_in_client(clerk)
    c.defaults["HTTP_X_CSRFTOKEN"] = "x"
    return c


def _post(c, url, body):
    return c.post(BASE + url, body, content_type="application/json")


def test_queue_and_screen(hall, api):
    r = _post(api, f"/halls/{hall.public_id}/tickets", {"category": "B"})
    assert r.status_code == 201 and r.json()["number"] == "B001" and r.json()["category_label"] == "企业服务"
    r = _post(api, f"/halls/{hall.public_id}/tickets", {"category": "Q"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_category" and QueueTicket.objects.count() == 1
    r = _post(api, f"/halls/{hall.public_id}/call-next", {"counter": 4})
    assert r.json()["ticket"]["counter"] == 4
    assert _post(api, f"/halls/{hall.public_id}/call-next", {"counter": 4}).json() == {"ticket": None}
    r = api.get(f"{BASE}/halls/{hall.public_id}/screen")
    assert r.json()["calls"][0] == {"number": "B001", "counter": 4, "status_label": "已叫号"}
    t = QueueTicket.objects.get()
    assert _post(api, f"/tickets/{t.public_id}/absent", {}).json()["status"] == "absent"
    assert _post(api, f"/tickets/{t.public_id}/recall", {"counter": 2}).json()["status"] == "called"
    assert _post(api, f"/tickets/{t.public_id}/explode", {}).status_code == 404


def test_reception_flow(city, hall, api, version):
    person = make_person(city.county_a)
    r = _post(api, f"/halls/{hall.public_id}/receptions", {})
    rid = r.json()["public_id"]
    r = _post(api, f"/receptions/{rid}/identify", {"kind": "person", "code": "210602199001011239"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_resident_id" and "身份证" in r.json()["message"]
    assert _post(api, f"/receptions/{rid}/identify", {"kind": "person", "code": person.id_number}).json()["applicant_name"] == "李华"
    r = _post(api, f"/receptions/{rid}/pull", {"scope": "registries"})
    assert r.status_code == 403 and r.json()["code"] == "consent_required"
    assert _post(api, f"/receptions/{rid}/consent", {"method": "sms", "scope": ["registries"]}).status_code == 201
    assert _post(api, f"/receptions/{rid}/pull", {"scope": "registries"}).json()["found"] is False
    r = _post(api, f"/receptions/{rid}/application", {"version": "nope"})
    assert r.status_code == 404 and not Case.objects.exists()
    r = _post(api, f"/receptions/{rid}/application", {"version": version.public_id, "idempotency_key": "a1"})
    assert r.status_code == 201
    number = r.json()["number"]
    again = _post(api, f"/receptions/{rid}/application", {"version": version.public_id, "idempotency_key": "a1"})
    assert again.json()["number"] == number and Case.objects.count() == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = api.post(f"{BASE}/cases/{number}/materials", {"name": "营业执照", "file": SimpleUploadedFile("a.pdf", pdf_bytes(2))})
    assert ok.status_code == 201 and ok.json()["pages"] == 2
    bad = api.post(f"{BASE}/cases/{number}/materials", {"name": "x", "file": SimpleUploadedFile("a.pdf", b"<svg/>")})
    assert bad.status_code == 422 and bad.json()["code"] == "material_type" and CaseMaterial.objects.count() == 1
    assert api.post(f"{BASE}/cases/{number}/materials", {"name": "x"}).json()["code"] == "material_required"


def test_outsiders_refused(city, hall):
    citizen = logged_in_client(make_user("citizen"))
    citizen.defaults["HTTP_X_CSRFTOKEN"] = "x"
    assert _post(citizen, f"/halls/{hall.public_id}/tickets", {"category": "A"}).status_code == 403
    other = logged_in_client(make_user("window_clerk", division=city.county_b))
    other.defaults["HTTP_X_CSRFTOKEN"] = "x"
    assert _post(other, f"/halls/{hall.public_id}/receptions", {}).status_code == 404
    assert not Reception.objects.exists() and not QueueTicket.objects.exists()
