"""The window's pages: a whole reception through the browser forms, the receipt, the route, output."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client, make_user
from digigov.data.registries.models import PersonRecord
from digigov.support.window.actions import queue
from digigov.support.window.models import Delivery, DeliveryStatus, Reception
from digigov.support.window.testing import make_person, pdf_bytes
from digigov.support.workflow import runtime
from digigov.support.workflow.models import Case, TaskStatus


@pytest.fixture
def web(clerk):
    return logged_in_client(clerk)


def test_reception_journey(city, hall, clerk, web, version):
    person = make_person(city.county_a, name="周星")
    PersonRecord.objects.create(id_number=person.id_number, name="周星", address="元宝区星光路8号", division=city.county_a)
    queue.take_number(clerk, hall, "A")
    r = web.post(reverse("window:hall_call", args=[hall.public_id]), {"counter": "2", "category": ""})
    assert r.status_code == 302
    page = web.get(reverse("window:hall", args=[hall.public_id])).content.decode()
    assert "A001" in page and "受理" in page
    ticket = hall.tickets.get()
    r = web.post(reverse("window:reception_start", args=[hall.public_id]), {"ticket": ticket.public_id})
    rec = Reception.objects.get()
    assert r["Location"] == reverse("window:reception", args=[rec.public_id])
    bad = web.post(reverse("window:reception_identify", args=[rec.public_id]), {"kind": "person", "code": person.id_number[:-1] + "0" if person.id_number[-1] != "0" else person.id_number[:-1] + "1"})
    assert bad.status_code == 400 and "身份证" in bad.content.decode() and Reception.objects.get().person_id is None
    web.post(reverse("window:reception_identify", args=[rec.public_id]), {"kind": "person", "code": person.id_number})
    pulled = web.post(reverse("window:reception_pull", args=[rec.public_id]), {"scope": "registries"})
    assert pulled.status_code == 302 and not AuditEntry.objects.filter(action="pii.read").exists()
    web.post(reverse("window:reception_consent", args=[rec.public_id]), {"method": "id_card", "scope": ["registries", "licences"], "confirm": "on"})
    pulled = web.post(reverse("window:reception_pull", args=[rec.public_id]), {"scope": "registries"})
    assert "元宝区星光路8号" in pulled.content.decode() and pulled["Cache-Control"] == "no-store"
    assert "元宝区星光路8号" not in web.get(reverse("window:reception", args=[rec.public_id])).content.decode()
    html = SimpleUploadedFile("evil.pdf", b"<html><script>1</script></html>", content_type="application/pdf")
    r = web.post(reverse("window:reception_apply", args=[rec.public_id]), {"version": version.public_id, "delivery_method": "pickup",
                                                                          "files": [html], "idempotency_key": "x1"})
    assert r.status_code == 400 and "文件类型不允许" in r.content.decode() and not Case.objects.exists()
    pdf = SimpleUploadedFile("身份证复印件.pdf", pdf_bytes(1), content_type="application/pdf")
    r = web.post(reverse("window:reception_apply", args=[rec.public_id]), {"version": version.public_id, "delivery_method": "pickup",
                                                                          "files": [pdf], "idempotency_key": "x2", "data__note": "办证"})
    case = Case.objects.get()
    assert r["Location"] == reverse("window:receipt", args=[case.number])
    receipt = web.get(r["Location"]).content.decode()
    assert case.number in receipt and "身份证复印件" in receipt and "窗口领取" in receipt
    route = web.get(reverse("window:route", args=[case.number])).content.decode()
    assert "并联审批" in route and "示范市营商环境建设局" in route and "示范市教育局" in route
    approver = make_user("approver")
    for t in list(case.tasks.filter(status=TaskStatus.OPEN)):
        runtime.complete(t, approver, outcome="approve", data={f"{t.element_id}_decision": "approve"})
    d = Delivery.objects.get(case=case)
    assert d.status == DeliveryStatus.READY
    listing = web.get(reverse("window:deliveries") + "?status=ready").content.decode()
    assert case.number in listing
    wrong = web.post(reverse("window:delivery_hand_out", args=[d.public_id]), {"recipient": "applicant", "name": "李四", "id_number_last4": "1234"})
    assert wrong.status_code == 400 and "不符" in wrong.content.decode()
    ok = web.post(reverse("window:delivery_hand_out", args=[d.public_id]), {"recipient": "applicant", "name": "周星",
                                                                          "id_number_last4": person.id_number[-4:]})
    assert ok.status_code == 302 and Delivery.objects.get(pk=d.pk).status == DeliveryStatus.HANDED_OUT


def test_other_county_sees_nothing(city, hall, client):
    other = logged_in_client(make_user("window_clerk", division=city.county_b))
    assert other.get(reverse("window:hall", args=[hall.public_id])).status_code == 404
    assert hall.name not in other.get(reverse("window:home")).content.decode()


def test_hall_management(city, hall):
    admin = logged_in_client(make_user("city_admin"))
    r = admin.post(reverse("window:hall_new"), {"name": "振兴区政务服务中心", "division": city.county_b.public_id, "address": "", "counters": "0"})
    assert r.status_code == 400
    r = admin.post(reverse("window:hall_new"), {"name": "振兴区政务服务中心", "division": city.county_b.public_id, "address": "", "counters": "10"})
    assert r.status_code == 302 and AuditEntry.objects.filter(action="window.hall_create").exists()
    r = admin.post(reverse("window:hall_edit", args=[hall.public_id]), {"name": "元宝区市民中心", "address": "某路", "counters": "12"})
    hall.refresh_from_db()
    assert r.status_code == 302 and hall.counters == 12 and hall.name == "元宝区市民中心"


def test_list_pages_query_counts(city, hall, clerk, web, django_assert_max_num_queries):
    for _ in range(5):
        queue.take_number(clerk, hall, "A")
        queue.call_next(clerk, hall, 1)
    with django_assert_max_num_queries(20):
        assert web.get(reverse("window:home")).status_code == 200
    with django_assert_max_num_queries(25):
        assert web.get(reverse("window:hall", args=[hall.public_id])).status_code == 200
    with django_assert_max_num_queries(20):
        assert web.get(reverse("window:deliveries")).status_code == 200
    with django_assert_max_num_queries(8):
        assert web.get(reverse("hall:board", args=[hall.public_id])).status_code == 200
