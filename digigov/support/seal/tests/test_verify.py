"""验章: every kind round-trips to all 是; each tamper turns exactly the check it should to 否; bad input is a
clear Chinese refusal (never a 500); every verification is recorded and counted."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.crypto import sm3
from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.system import system_account
from digigov.support.seal import ca, documents, ofd as ofdmod, ses, signing, verify
from digigov.support.seal.models import CertStatus, Seal, SealStatus, Verification, VerifyChannel
from digigov.support.seal.testing import make_seal
from digigov.support.seal.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(city):
    return make_seal(Department.objects.first())


def _checks(result, i=0):
    return {c.label: c.ok for c in result.reports[i].checks}


def _failed(result, i=0):
    return [c.label for c in result.reports[i].checks if not c.ok]


def test_signed_pdf_verifies_all_yes_and_is_recorded(seal):
    out, rec = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="通知.pdf", reason="发文")
    result = verify.verify_document(out)
    assert result.valid and result.kind == "pdf"
    assert list(_checks(result)) == list(verify.LABELS)
    report = result.reports[0]
    assert report.seal == seal and report.signing == rec and report.unit == seal.department.name
    assert report.seal_name == seal.name and report.signed_at == rec.signed_at and report.reason == "发文"
    v = Verification.objects.get()
    assert v.valid and v.seal == seal and v.signing == rec and v.channel == VerifyChannel.PAGE and v.kind == "pdf"
    assert Seal.objects.get(pk=seal.pk).verify_count == 1


def test_signed_ofd_and_detached_verify_all_yes(seal):
    out, _ = documents.sign_ofd(system_account(), seal, samples.make_ofd(), document_name="a.ofd", reason="发文")
    assert verify.verify_document(out).valid
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    result = verify.verify_document(b"hello", signature=der, channel=VerifyChannel.API)
    assert result.valid and result.kind == "detached"
    assert Seal.objects.get(pk=seal.pk).verify_count == 2


def test_tampered_pdf_byte_fails_integrity_only(seal):
    out, _ = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    tampered = bytearray(out)
    tampered[300] ^= 1
    result = verify.verify_document(bytes(tampered))
    assert _failed(result) == ["文件完整性"]
    assert not Verification.objects.get().valid and Verification.objects.get().failed_checks == "文件完整性"


def test_appended_pdf_content_fails_integrity(seal):
    out, _ = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    result = verify.verify_document(out + b"\n% appended\n")
    assert _failed(result) == ["文件完整性"]


def test_tampered_ofd_page_fails_integrity(seal):
    out, _ = documents.sign_ofd(system_account(), seal, samples.make_ofd(), document_name="a.ofd", reason="发文")
    files = ofdmod.unpack(out)
    files["Doc_0/Pages/Page_0/Content.xml"] += b" "
    result = verify.verify_document(ofdmod.pack(files))
    assert _failed(result) == ["文件完整性"]
    assert "Content.xml" in result.reports[0].checks[0].detail


def test_wrong_file_for_a_detached_signature(seal):
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    assert _failed(verify.verify_document(b"hellO", signature=der)) == ["文件完整性"]


def test_tampered_signature_value_fails_the_signer_signature(seal):
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    parsed = ses.SESSignature.load(der)
    sig = bytearray(parsed["signature"].native)
    sig[-1] ^= 1
    forged = ses.SESSignature({"toSign": parsed["toSign"], "cert": parsed["cert"], "signatureAlgID": parsed["signatureAlgID"],
                               "signature": bytes(sig)}).dump(force=True)
    assert _failed(verify.verify_document(b"hello", signature=forged)) == ["签章签名"]


def test_revoked_seal_fails_status_and_a_remade_one_does_not(seal, user_factory):
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    later = timezone.now() + dt.timedelta(seconds=5)
    Seal.objects.filter(pk=seal.pk).update(status=SealStatus.REVOKED, status_changed_at=later)
    result = verify.verify_document(b"hello", signature=der)
    assert _failed(result) == ["印章状态"] and "注销" in result.reports[0].checks[3].detail
    # revoked before the signing time: not valid when signed
    Seal.objects.filter(pk=seal.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=1))
    assert "签章时印章已注销" in verify.verify_document(b"hello", signature=der).reports[0].checks[3].detail
    # re-made: the old seal's signings stand
    Seal.objects.filter(pk=seal.pk).update(status_changed_at=later)
    make_seal(seal.department, signer_certs=list(seal.signers.all()), code="21020000000002")
    Seal.objects.filter(code="21020000000002").update(replaces=seal)
    assert verify.verify_document(b"hello", signature=der).valid


def test_suspended_seal_fails_status(seal):
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    Seal.objects.filter(pk=seal.pk).update(status=SealStatus.SUSPENDED, status_changed_at=timezone.now() + dt.timedelta(seconds=5))
    assert _failed(verify.verify_document(b"hello", signature=der)) == ["印章状态"]


def test_revoked_certificate_fails_signer_certificate(seal):
    der, _ = documents.sign_detached(system_account(), seal, b"hello", document_name="a.txt", reason="发文")
    seal.signers.update(status=CertStatus.REVOKED, revoked_at=timezone.now())
    result = verify.verify_document(b"hello", signature=der)
    assert _failed(result) == ["签章人证书"] and "吊销" in result.reports[0].checks[5].detail


def _forge(seal, cert, when, data=b"hello"):
    return ses.sign(seal_der=bytes(seal.der), data_hash=sm3(data), property_info="x", signer_cert=bytes(cert.der),
                    signer_key=signing.private_key(cert), when=when)


def test_signature_outside_the_seal_validity_fails_validity(seal):
    cert = seal.signers.get()
    der = _forge(seal, cert, seal.valid_end + dt.timedelta(days=1))
    failed = _failed(verify.verify_document(b"hello", signature=der))
    assert "印章有效期" in failed


def test_stranger_signer_fails_authorisation(seal, user_factory):
    other = ca.issue_person_certificate(system_account(), user_factory(), seal.department)
    der = _forge(seal, other, timezone.now())
    assert _failed(verify.verify_document(b"hello", signature=der)) == ["签章人已授权"]


@pytest.mark.parametrize("data,code", [
    (b"<html><script>x</script></html>", "unsupported_type"),
    (b"%PDF-1.7\n1 0 obj <<", "bad_pdf"),
    (b"PK\x03\x04broken", "unsupported_type"),
])
def test_bad_files_are_clear_refusals(seal, data, code):
    with pytest.raises(ValidationFailed) as exc:
        verify.verify_document(data)
    assert exc.value.code == code and exc.value.message
    assert Verification.objects.get().failed_checks == "文件无法核验"


def test_truncated_signed_files_are_refused_or_fail(seal):
    pdf, _ = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    with pytest.raises(ValidationFailed):
        verify.verify_document(pdf[: len(pdf) // 2])
    ofd, _ = documents.sign_ofd(system_account(), seal, samples.make_ofd(), document_name="a.ofd", reason="发文")
    with pytest.raises(ValidationFailed):
        verify.verify_document(ofd[: len(ofd) - 40])


def test_unsigned_pdf_and_garbage_der_and_oversize(seal, monkeypatch):
    with pytest.raises(ValidationFailed) as exc:
        verify.verify_document(samples.make_pdf())
    assert exc.value.code == "no_signature"
    with pytest.raises(ValidationFailed) as exc:
        verify.verify_document(b"hello", signature=b"\x30\x03\x02\x01\x01")
    assert exc.value.detail == {"field": "signature"}
    monkeypatch.setattr(verify, "MAX_BYTES", 10)
    with pytest.raises(ValidationFailed) as exc:
        verify.verify_document(b"x" * 11)
    assert exc.value.code == "file_too_large"


def test_token_verification(seal):
    _out, rec = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    result = verify.verify_token(rec.token)
    assert result.valid and result.reports[0].signing == rec
    assert Verification.objects.get().channel == VerifyChannel.SCAN
    with pytest.raises(NotFound):
        verify.verify_token("nope")
