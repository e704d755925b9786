"""Reception: identify, consent, pull, create the application with materials; bad input writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import LegalPerson
from digigov.core.audit.models import AuditEntry
from digigov.core.errors import DigiGovError
from digigov.core.testing import uscc
from digigov.data.registries.models import LicenceIndex, PersonRecord
from digigov.support.window.actions import queue, reception
from digigov.support.window.models import Consent, Delivery, Reception, TicketStatus
from digigov.support.window.testing import make_person, pdf_bytes
from digigov.support.workflow.models import Case, CaseMaterial, TaskStatus


@pytest.fixture
def person(city):
    return make_person(city.county_a, name="王小红", phone="13900001111")


@pytest.fixture
def started(hall, clerk):
    queue.take_number(clerk, hall, "A")
    ticket = queue.call_next(clerk, hall, 1)
    return reception.start_reception(clerk, hall, ticket=ticket)


@pytest.fixture
def identified(started, clerk, person):
    return reception.identify(clerk, started, kind="person", code=person.id_number)


def test_start_marks_ticket_serving(started):
    assert started.ticket.status == TicketStatus.SERVING or started.ticket.__class__.objects.get(pk=started.ticket_id).status == TicketStatus.SERVING


@pytest.mark.parametrize("kind, code, expected", [
    ("person", "210602199001011235", "invalid_resident_id"),   # wrong check digit
    ("person", "not-an-id", "invalid_resident_id"),
    ("enterprise", "91210602MA0000000X", "invalid_uscc"),
    ("person", "110101199003078515", "person_not_found"),
    ("fax", "x", "invalid_kind"),
])
def test_bad_identification_writes_nothing(started, clerk, kind, code, expected):
    before = AuditEntry.objects.count()
    with pytest.raises(DigiGovError) as err:
        reception.identify(clerk, started, kind=kind, code=code)
    assert err.value.code == expected
    assert Reception.objects.get(pk=started.pk).person_id is None and AuditEntry.objects.count() == before


def test_identify_enterprise(city, started, clerk):
    legal = LegalPerson.objects.create(uscc=uscc(), name="示范科技有限公司", division=city.county_a)
    r = reception.identify(clerk, started, kind="enterprise", code=legal.uscc.lower())
    assert r.legal_person == legal and r.applicant_kind == "enterprise"


def test_pull_needs_live_consent(identified, clerk, person):
    PersonRecord.objects.create(id_number=person.id_number, name=person.name, address="元宝区某路1号", phone="13900001111", division=person.division)
    with pytest.raises(DigiGovError) as err:
        reception.pull(clerk, identified, scope="registries")
    assert err.value.code == "consent_required" and not AuditEntry.objects.filter(action="pii.read").exists()
    consent = reception.record_consent(clerk, identified, method="id_card", scope=["registries"])
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DigiGovError) as err:
        reception.pull(clerk, identified, scope="registries")
    assert err.value.code == "consent_expired" and not AuditEntry.objects.filter(action="pii.read").exists()
    reception.record_consent(clerk, identified, method="sms", scope=["registries"])
    with pytest.raises(DigiGovError) as err:
        reception.pull(clerk, identified, scope="licences")  # registries only
    assert err.value.code == "consent_required"
    out = reception.pull(clerk, identified, scope="registries")
    assert ("住址", "元宝区某路1号") in out["record"] and ("姓名", "王小红") in out["record"]
    entry = AuditEntry.objects.get(action="pii.read")
    assert entry.after["purpose"] == "窗口受理" and "address" in entry.after["fields"]


@pytest.mark.parametrize("kwargs, code", [
    ({"method": "shout", "scope": ["registries"]}, "invalid_method"),
    ({"method": "sms", "scope": []}, "invalid_scope"),
    ({"method": "sms", "scope": ["everything"]}, "invalid_scope"),
    ({"method": "sms", "scope": ["registries"], "minutes": 0}, "invalid_minutes"),
])
def test_bad_consent_writes_nothing(identified, clerk, kwargs, code):
    with pytest.raises(DigiGovError) as err:
        reception.record_consent(clerk, identified, **kwargs)
    assert err.value.code == code and not Consent.objects.exists()


def _licence(city, person):
    return LicenceIndex.objects.create(holder_kind="person", holder_code=person.id_number, holder_name=person.name, licence_type="DL",
                                       licence_name="机动车驾驶证", licence_no="DL-0001", issuer=city.bureau, issued_on=dt.date(2020, 1, 1))


def test_create_application(city, identified, clerk, person, version, materials_dir):
    lic = _licence(city, person)
    reception.record_consent(clerk, identified, method="id_card", scope=["registries", "licences"])
    case = reception.create_application(clerk, identified, version, data={"note": "申请"}, files=[("申请表", pdf_bytes(3))],
                                        licences=[lic.public_id], delivery_method="pickup", idempotency_key="k1")
    assert case.channel == "window" and case.applicant_person == person and case.division == identified.hall.division
    mats = list(CaseMaterial.objects.filter(case=case).order_by("id"))
    assert [m.source for m in mats] == ["scan", "licence"] and mats[0].pages == 3 and len(mats[0].sha256) == 64
    stored = materials_dir / mats[0].storage_path
    assert stored.exists() and stored.read_bytes().startswith(b"%PDF-")
    accept = case.tasks.get(element_id="accept")
    assert accept.status == TaskStatus.COMPLETED and accept.completed_by == clerk
    assert set(case.tasks.filter(status=TaskStatus.OPEN).values_list("department__code", flat=True)) == {"CITY-BDB", "CITY-EDU"}
    assert Delivery.objects.get(case=case).status == "waiting"
    r = Reception.objects.get(pk=identified.pk)
    assert r.case == case and r.finished_at and r.ticket.case_id == case.pk
    again = reception.create_application(clerk, r, version, idempotency_key="k1")
    assert again.pk == case.pk and Case.objects.count() == 1


HTML_AS_PDF = b"<html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize("files, kwargs, code", [
    ([("申请表.pdf", HTML_AS_PDF)], {}, "material_type"),
    ([("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')], {}, "material_type"),
    ([("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)], {}, "material_type"),
    ([("假.pdf", b"%PDF-1.7 not really a pdf")], {}, "material_bad_pdf"),
    ([("空", b"")], {}, "material_empty"),
    ([], {"delivery_method": "post", "address": "", "phone": "13900001111", "recipient_name": "王小红"}, "address_required"),
    ([], {"delivery_method": "post", "address": "某地", "phone": "123", "recipient_name": "王小红"}, "invalid_phone"),
    ([], {"delivery_method": "pigeon"}, "invalid_delivery"),
    ([], {"licences": ["nope"]}, "consent_required"),
])
def test_bad_application_writes_nothing(identified, clerk, version, materials_dir, files, kwargs, code):
    before = AuditEntry.objects.count()
    with pytest.raises(DigiGovError) as err:
        reception.create_application(clerk, identified, version, files=files, **kwargs)
    assert err.value.code == code
    assert not Case.objects.exists() and not CaseMaterial.objects.exists() and not Delivery.objects.exists()
    assert AuditEntry.objects.count() == before
    assert not any(p.is_file() for p in materials_dir.rglob("*")) if materials_dir.exists() else True


def test_too_large_is_refused(identified, clerk, version, monkeypatch):
    from digigov.support.workflow import materials

    monkeypatch.setattr(materials, "MAX_BYTES", 1000)
    with pytest.raises(DigiGovError) as err:
        reception.create_application(clerk, identified, version, files=[("大文件", pdf_bytes(1) + b"\n" * 2000)])
    assert err.value.code == "material_too_large" and not Case.objects.exists()


def test_files_removed_when_a_later_file_fails(identified, clerk, version, materials_dir):
    with pytest.raises(DigiGovError):
        reception.create_application(clerk, identified, version, files=[("好", pdf_bytes(1)), ("坏", HTML_AS_PDF)])
    assert not Case.objects.exists()
    assert not [p for p in materials_dir.rglob("*") if p.is_file()] if materials_dir.exists() else True


def test_other_county_clerk_cannot_touch_reception(city, identified):
    from digigov.core.testing import make_user

    with pytest.raises(DigiGovError) as err:
        reception.record_consent(make_user("window_clerk", division=city.county_b), identified, method="sms", scope=["registries"])
    assert err.value.code == "forbidden" and not Consent.objects.exists()
