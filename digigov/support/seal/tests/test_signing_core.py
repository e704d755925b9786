"""The signing service end to end: CA, a seal made by the maker, a detached SES_Signature checked by the parser."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.crypto import sm3
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.system import system_account
from digigov.support.seal import ca, ses, signing, x509sm2
from digigov.support.seal.models import Seal, SealStatus, SealType, Signing

pytestmark = pytest.mark.django_db


def _seal(actor, department, signer_certs):
    root, maker = ca.ensure_ca(actor)
    now = timezone.now()
    info = ses.seal_info(es_id="21020000000001", seal_type=SealType.OFFICIAL, name=department.name,
                         signer_certs=[bytes(c.der) for c in signer_certs], created=now, valid_start=now,
                         valid_end=now + dt.timedelta(days=365), picture_png=b"\x89PNG\r\n", width_mm=42, height_mm=42)
    der = ses.make_seal(info, maker_cert=bytes(maker.der), maker_key=signing.private_key(maker))
    seal = Seal.objects.create(code="21020000000001", name=department.name, seal_type=SealType.OFFICIAL, department=department,
                               maker_cert=maker, image_png=b"\x89PNG\r\n", der=der, valid_start=now,
                               valid_end=now + dt.timedelta(days=365))
    seal.signers.set(signer_certs)
    return seal


def test_unit_signs_detached_and_the_structure_verifies(city):
    system = system_account()
    dept = Department.objects.first()
    unit = ca.issue_unit_certificate(system, dept)
    seal = _seal(system, dept, [unit])
    doc = b"%PDF-1.7 hello"
    signed = signing.sign_digest(system, seal, sm3(doc), kind="detached", document_name="通知.pdf", reason="测试")
    parsed = ses.parse_signature(signed.der)
    assert parsed.signature_ok and parsed.seal.maker_signature_ok
    assert parsed.data_hash == sm3(doc)
    assert x509sm2.signed_by(parsed.signer_cert, bytes(ca.root().der))
    assert signing.certificate_status(parsed.signer_cert, parsed.signed_at) == (True, "证书有效")
    seal.refresh_from_db()
    assert seal.sign_count == 1 and Signing.objects.count() == 1


def test_suspended_seal_and_stranger_sign_nothing(city, user_factory):
    system = system_account()
    dept = Department.objects.first()
    seal = _seal(system, dept, [ca.issue_unit_certificate(system, dept)])
    with pytest.raises(Forbidden):
        signing.sign_digest(user_factory(), seal, sm3(b"x"), kind="detached", document_name="a", reason="测试")
    Seal.objects.filter(pk=seal.pk).update(status=SealStatus.SUSPENDED)
    seal.refresh_from_db()
    with pytest.raises(ValidationFailed):
        signing.sign_digest(system, seal, sm3(b"x"), kind="detached", document_name="a", reason="测试")
    assert Signing.objects.count() == 0


def test_batch_signing_writes_what_one_by_one_signing_writes(city):
    """``sign_digests``: one SES_Signature, record and audit entry per document, counted once per document,
    and the audit chain still verifies."""
    from digigov.core.audit.actions import verify_chain
    from digigov.core.audit.models import AuditEntry

    system = system_account()
    dept = Department.objects.first()
    seal = _seal(system, dept, [ca.issue_unit_certificate(system, dept)])
    docs = [(sm3(f"文件{i}".encode()), f"文件{i}.txt") for i in range(5)]
    before = AuditEntry.objects.filter(action="seal.sign").count()
    signed = signing.sign_digests(system, seal, docs, kind="detached", reason="批量测试", batch="b1")
    assert [s.signing.document_name for s in signed] == [name for _, name in docs]
    for (digest, _), s in zip(docs, signed):
        parsed = ses.parse_signature(s.der)
        assert parsed.signature_ok and parsed.data_hash == digest
        assert s.signing.pk and s.signing.token and s.signing.batch == "b1"
    seal.refresh_from_db()
    assert seal.sign_count == 5 and Signing.objects.count() == 5
    assert AuditEntry.objects.filter(action="seal.sign").count() == before + 5
    assert verify_chain().ok


@pytest.mark.parametrize("docs, kwargs, code", [
    ([], {"reason": "测试"}, "no_documents"),
    ([(b"short", "a")], {"reason": "测试"}, "invalid_hash"),
    ([(b"\0" * 32, "a")], {"reason": " "}, "reason_required"),
    ([(b"\0" * 32, "a")], {"reason": "测试", "kind": "fax"}, "invalid_kind"),
])
def test_batch_signing_bad_input_signs_nothing(city, docs, kwargs, code):
    system = system_account()
    dept = Department.objects.first()
    seal = _seal(system, dept, [ca.issue_unit_certificate(system, dept)])
    with pytest.raises(ValidationFailed) as err:
        signing.sign_digests(system, seal, docs, **{"kind": "detached", **kwargs})
    assert err.value.code == code
    assert Signing.objects.count() == 0


def test_batch_signing_by_a_stranger_signs_nothing(city, user_factory):
    system = system_account()
    dept = Department.objects.first()
    seal = _seal(system, dept, [ca.issue_unit_certificate(system, dept)])
    with pytest.raises(Forbidden):
        signing.sign_digests(user_factory(), seal, [(sm3(b"x"), "a")], kind="detached", reason="测试")
    assert Signing.objects.count() == 0
