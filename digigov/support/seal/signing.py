"""The signing service: the only place a seal's private keys are opened.

Callers (this app's actions, e-licences, e-bills, the portal) sign through ``sign_digest``; they never see a
key. The rules a signing obeys, checked here in one place:

* the seal is active and inside its validity; the signer certificate is valid, not revoked, and listed in the
  seal's certList (``Seal.signers``);
* the actor may sign with the seal: either the actor holds their own person certificate in the certList, or
  the actor has ``seal.sign`` over the seal's department (or is the platform's system account, e.g. a
  process issuing a licence) and the unit's certificate is in the certList;
* one transaction writes the ``Signing`` record, counts it on the seal and writes the audit entry.

Private keys are PKCS#8 sealed by the key store under ``seal.sm2`` bound to the certificate fingerprint (so a
sealed key copied to another row does not open) and cached per process once opened (they never change).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.rbac.checks import can
from digigov.security.crypto import sm2

from . import ses
from .models import CertKind, Certificate, CertStatus, Seal, SealStatus, Signing, SigningKind

PURPOSE = "seal.sm2"
_lock = threading.Lock()
_keys: dict[str, sm2.SM2PrivateKey] = {}


def aad(fingerprint: str) -> bytes:
    return f"seal.certificate\0{fingerprint}".encode()


def seal_private_key(key: sm2.SM2PrivateKey, fingerprint: str) -> bytes:
    from digigov.security.keys import api as keys

    return keys.seal(PURPOSE, key.to_der(), aad=aad(fingerprint))


def private_key(cert: Certificate) -> sm2.SM2PrivateKey:
    cached = _keys.get(cert.fingerprint)
    if cached is not None:
        return cached
    if not cert.private_sealed:
        raise ValidationFailed("该证书的私钥不在本平台，不能用于签章", code="no_private_key")
    from digigov.security.keys import api as keys

    key = sm2.load_private_key(keys.unseal(PURPOSE, bytes(cert.private_sealed), aad=aad(cert.fingerprint)))
    with _lock:
        _keys[cert.fingerprint] = key
    return key


def signer_certificate(actor, seal: Seal, when=None, *, may_sign: bool | None = None) -> Certificate:
    """The certificate ``actor`` signs ``seal`` with, or ``Forbidden`` saying why not (``may_sign``: the
    caller's ``can(actor, "seal.sign", seal)`` when it already has it)."""
    when = when or timezone.now()
    certs = [c for c in seal.signers.all() if c.valid_at(when)]
    own = [c for c in certs if c.kind == CertKind.PERSON and c.user_id == actor.pk]
    if own:
        return own[0]
    if may_sign if may_sign is not None else can(actor, "seal.sign", seal):
        unit = [c for c in certs if c.kind == CertKind.UNIT and c.department_id == seal.department_id]
        if unit:
            return unit[0]
    raise Forbidden("您不是该印章的授权签章人", code="not_authorised_signer")


def check_seal_usable(seal: Seal, when) -> None:
    if seal.status == SealStatus.SUSPENDED:
        raise ValidationFailed("印章已暂停使用，不能签章", code="seal_suspended")
    if seal.status == SealStatus.REVOKED:
        raise ValidationFailed("印章已注销，不能签章", code="seal_revoked")
    if not (seal.valid_start <= when <= seal.valid_end):
        raise ValidationFailed("印章不在有效期内，不能签章", code="seal_expired")


@dataclass(frozen=True)
class Signed:
    signing: Signing
    der: bytes


def sign_digest(actor, seal: Seal, data_hash: bytes, *, kind: str, document_name: str, reason: str,
                property_info: str | None = None, batch: str = "", token: str | None = None) -> Signed:
    """Sign a 32-byte SM3 digest with ``seal`` as ``actor``: the DER ``SES_Signature`` and its record.

    ``property_info`` goes into TBS_Sign (defaults to the document name); for OFD it is the Signature.xml
    path, for PDF the byte range description. ``token`` (h-docs) lets a PDF/OFD signer print the QR code of
    the record into the appearance before the record exists; by default the record makes its own."""
    if kind not in SigningKind.values:
        raise ValidationFailed("签章方式无效", code="invalid_kind")
    if not isinstance(data_hash, bytes) or len(data_hash) != 32:
        raise ValidationFailed("原文杂凑值必须是 32 字节的 SM3 值", code="invalid_hash")
    document_name = (document_name or "").strip()[:200] or "未命名文件"
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写签章事由", code="reason_required", detail={"field": "reason"})
    if len(reason) > 200:
        raise ValidationFailed("签章事由不能超过 200 字", code="reason_too_long", detail={"field": "reason"})
    when = timezone.now()
    check_seal_usable(seal, when)
    may_sign = can(actor, "seal.sign", seal)  # asked once: the rule is checked twice below from this answer
    cert = signer_certificate(actor, seal, when, may_sign=may_sign)
    if not may_sign and not (cert.kind == CertKind.PERSON and cert.user_id == actor.pk):
        raise Forbidden("您不是该印章的授权签章人", code="not_authorised_signer")
    info = property_info if property_info is not None else document_name
    try:
        info.encode("ascii")
    except UnicodeEncodeError:
        info = "document"  # propertyInfo is IA5String: non-ASCII names stay in the record, not in the structure
    der = ses.sign(seal_der=bytes(seal.der), data_hash=data_hash, property_info=info[:200],
                   signer_cert=bytes(cert.der), signer_key=private_key(cert), when=when)
    with transaction.atomic():
        signing = Signing.objects.create(seal=seal, signer=actor, certificate=cert, kind=kind, document_name=document_name,
                                         document_sm3=data_hash.hex(), signature=der, signed_at=when.replace(microsecond=0),
                                         reason=reason, batch=batch, **({"token": token} if token else {}))
        Seal.objects.filter(pk=seal.pk).update(sign_count=F("sign_count") + 1)
        record(actor, "seal.sign", signing, after={"seal": seal.code, "kind": kind, "document_sm3": data_hash.hex(),
                                                    "document": document_name, "reason": reason})
    return Signed(signing=signing, der=der)


def sign_digests(actor, seal: Seal, documents: list[tuple[bytes, str]], *, kind: str, reason: str, batch: str = "") -> list[Signed]:
    """Batch signing (批量签章) by one signer: ``sign_digest`` for each ``(sm3 digest, document name)``, with
    the rules checked once for the batch, and the records, the seal's counter and the audit entries written
    together in one transaction (all or nothing). Each document still gets its own SES_Signature, record and
    audit entry, exactly as one-by-one signing would write them."""
    if kind not in SigningKind.values:
        raise ValidationFailed("签章方式无效", code="invalid_kind")
    if not documents:
        raise ValidationFailed("请至少提供一份文件", code="no_documents")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写签章事由", code="reason_required", detail={"field": "reason"})
    if len(reason) > 200:
        raise ValidationFailed("签章事由不能超过 200 字", code="reason_too_long", detail={"field": "reason"})
    for data_hash, _name in documents:
        if not isinstance(data_hash, bytes) or len(data_hash) != 32:
            raise ValidationFailed("原文杂凑值必须是 32 字节的 SM3 值", code="invalid_hash")
    when = timezone.now()
    check_seal_usable(seal, when)
    may_sign = can(actor, "seal.sign", seal)
    cert = signer_certificate(actor, seal, when, may_sign=may_sign)
    if not may_sign and not (cert.kind == CertKind.PERSON and cert.user_id == actor.pk):
        raise Forbidden("您不是该印章的授权签章人", code="not_authorised_signer")
    key, seal_der, cert_der = private_key(cert), bytes(seal.der), bytes(cert.der)
    rows, ders = [], []
    for data_hash, name in documents:
        name = (name or "").strip()[:200] or "未命名文件"
        info = name if name.isascii() else "document"  # IA5String, as in ``sign_digest``
        der = ses.sign(seal_der=seal_der, data_hash=data_hash, property_info=info[:200], signer_cert=cert_der, signer_key=key, when=when)
        ders.append(der)
        rows.append(Signing(seal=seal, signer=actor, certificate=cert, kind=kind, document_name=name, document_sm3=data_hash.hex(),
                            signature=der, signed_at=when.replace(microsecond=0), reason=reason, batch=batch))
    from digigov.core.audit.actions import record_many

    with transaction.atomic():
        Signing.objects.bulk_create(rows, batch_size=500)
        if any(r.pk is None for r in rows):  # backends without RETURNING on bulk insert: read the ids back
            by_token = {s.token: s for s in Signing.objects.filter(token__in=[r.token for r in rows])}
            rows = [by_token[r.token] for r in rows]
        Seal.objects.filter(pk=seal.pk).update(sign_count=F("sign_count") + len(rows))
        record_many(actor, "seal.sign", [(r, None, {"seal": seal.code, "kind": kind, "document_sm3": r.document_sm3,
                                                    "document": r.document_name, "reason": reason, "batch": batch}) for r in rows])
    return [Signed(signing=r, der=d) for r, d in zip(rows, ders)]


# --- h-docs: the raw SM2 signature a PDF's CMS SignedData needs ---------------------------------------------
# A PDF signature is a CMS container whose signerInfo carries the signer's SM2 signature over the signed
# attributes; the GB/T 38540 SES_Signature rides inside it (see pdf.py). The same rules as ``sign_digest``
# apply; the record and audit entry are written by the ``sign_digest`` call that makes the SES_Signature.

def sign_raw(actor, seal: Seal, message: bytes, *, certificate: Certificate | None = None) -> tuple[bytes, Certificate]:
    """The actor's SM2 signature (DER, SM3, default user id) over ``message`` with the certificate they sign
    ``seal`` with (``certificate`` when given must be that one): ``(signature, certificate)``."""
    when = timezone.now()
    check_seal_usable(seal, when)
    cert = signer_certificate(actor, seal, when)
    if certificate is not None and certificate.pk != cert.pk:
        raise Forbidden("签章人证书与印章授权不符", code="not_authorised_signer")
    return private_key(cert).sign(bytes(message)), cert


def certificate_by_der(der: bytes) -> Certificate | None:
    from .x509sm2 import fingerprint

    return Certificate.objects.filter(fingerprint=fingerprint(der)).first()


def certificate_status(cert_der: bytes, when) -> tuple[bool, str]:
    """(ok, Chinese reason) for a certificate found in a signature: issued by the city CA, valid at ``when``
    and not revoked now."""
    from .x509sm2 import signed_by

    row = certificate_by_der(cert_der)
    if row is None:
        return False, "证书不是本市电子印章 CA 签发的"
    if row.issuer_id and not signed_by(cert_der, bytes(row.issuer.der)):
        return False, "证书签名无效"
    if row.status == CertStatus.REVOKED:
        return False, f"证书已于 {timezone.localtime(row.revoked_at):%Y-%m-%d %H:%M} 吊销"
    if not (row.not_before <= when <= row.not_after):
        return False, "签章时证书不在有效期内"
    return True, "证书有效"
