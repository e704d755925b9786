"""The public 验章 page, the QR target and the API: no login, 是/否 per check, clear refusals, rate limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from digigov.core.org.models import Department
from digigov.core.rbac.system import system_account
from digigov.support.seal import documents, verify
from digigov.support.seal.models import Seal, Verification, VerifyChannel
from digigov.support.seal.testing import make_seal
from digigov.support.seal.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(city):
    return make_seal(Department.objects.first())


@pytest.fixture
def signed_pdf(seal):
    return documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="通知.pdf", reason="发文")


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_page_shows_all_yes_for_a_signed_pdf(signed_pdf):
    pdf, rec = signed_pdf
    client = Client()
    assert client.get("/verify/").status_code == 200
    response = client.post("/verify/", {"file": _upload("通知.pdf", pdf)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证通过" in html and html.count('data-ok="1"') == len(verify.LABELS) and 'data-ok="0"' not in html
    assert rec.seal.name in html and "发文" in html


def test_page_shows_the_failing_check_for_a_tampered_pdf(signed_pdf):
    pdf, _ = signed_pdf
    tampered = bytearray(pdf)
    tampered[300] ^= 1
    html = Client().post("/verify/", {"file": _upload("通知.pdf", bytes(tampered))}).content.decode()
    assert "验证未通过" in html and 'data-check="文件完整性" data-ok="0"' in html


def test_page_refuses_html_named_pdf_with_a_field_error(seal):
    response = Client().post("/verify/", {"file": _upload("x.pdf", b"<html><body>hi</body></html>")})
    assert response.status_code == 400
    assert "不是 PDF 或 OFD" in response.content.decode()


def test_page_detached_signature_and_garbage_der(seal):
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    ok = Client().post("/verify/", {"file": _upload("a.txt", b"hello"), "signature": _upload("a.der", der)})
    assert "验证通过" in ok.content.decode()
    bad = Client().post("/verify/", {"file": _upload("a.txt", b"hello"), "signature": _upload("a.der", b"garbage")})
    assert bad.status_code == 400 and "签名文件不是有效的电子签章" in bad.content.decode()


def test_qr_page_shows_the_signing_record(signed_pdf):
    _pdf, rec = signed_pdf
    response = Client().get(f"/verify/s/{rec.token}/")
    html = response.content.decode()
    assert response.status_code == 200 and "验证通过" in html and rec.seal.name in html
    assert Verification.objects.get().channel == VerifyChannel.SCAN
    missing = Client().get("/verify/s/nosuchtoken/")
    assert missing.status_code == 404 and "未找到签章记录" in missing.content.decode()


def test_api_verifies_a_file_and_a_token_without_login(signed_pdf):
    pdf, rec = signed_pdf
    client = Client()
    body = client.post("/api/v1/verify/", {"file": _upload("a.pdf", pdf)}).json()
    assert body["valid"] is True and body["kind"] == "pdf"
    [sig] = body["signatures"]
    assert [c["label"] for c in sig["checks"]] == list(verify.LABELS) and all(c["ok"] for c in sig["checks"])
    assert sig["seal_code"] == rec.seal.code
    token = client.get(f"/api/v1/verify/{rec.token}").json()
    assert token["valid"] is True
    assert Seal.objects.get(pk=rec.seal_id).verify_count == 2


def test_api_bad_input_is_422_with_the_error_body(seal):
    client = Client()
    response = client.post("/api/v1/verify/", {"file": _upload("a.pdf", b"%PDF-1.7 broken")})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "detail"} and body["message"]
    assert client.post("/api/v1/verify/", {}).status_code == 422
    assert client.get("/api/v1/verify/nosuchtoken").status_code == 404


def test_rate_limited_per_address(signed_pdf, settings):
    _pdf, rec = signed_pdf
    settings.SEAL_VERIFY_MAX_PER_MINUTE = 2
    client = Client(REMOTE_ADDR="198.51.100.9")
    assert [client.get(f"/api/v1/verify/{rec.token}").status_code for _ in range(3)] == [200, 200, 429]
    assert Client(REMOTE_ADDR="198.51.100.9").get(f"/verify/s/{rec.token}/").status_code == 429
