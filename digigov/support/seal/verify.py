"""验章: one verification service for detached signatures, signed PDFs, signed OFDs and QR tokens.

Whatever comes in, the answer is the same shape: per signature found, an ordered list of checks, each
``Check(label 中文, ok, detail 中文)``:

1. 文件完整性 — the document is the one signed: SM3 of the file (detached), of the PDF byte ranges (and the
   CMS messageDigest, and nothing appended after the last signature), of every OFD file listed in
   Signature.xml and of Signature.xml itself (OFD); for a QR token, the record's SES_Signature still names
   the document digest the record keeps;
2. 签章签名 — the signer's SM2 signature over TBS_Sign (and, in a PDF, over the CMS signed attributes);
3. 印章签名 — the seal maker's SM2 signature over the seal, and the maker certificate is the city CA's;
4. 印章状态 — the seal is in the city's registry, was active when the document was signed, and is not
   suspended or revoked now (a seal revoked because it was re-made keeps its earlier signings valid);
5. 印章有效期 — the signing time lies inside the seal's validity;
6. 签章人证书 — issued by the city CA, valid at signing time, not revoked;
7. 签章人已授权 — the signer certificate is in the seal's certList.

Bad input (not a PDF/OFD, truncated, over 20 MB, an HTML page named ``.pdf``, a garbage ``.der``, a file
with no signature) raises ``ValidationFailed`` with a Chinese message — never a 500. Every verification,
good or bad, is recorded (``Verification``) and counted on the seal (``verify_count``, with ``F()``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.crypto import sm3
from digigov.core.errors import NotFound, ValidationFailed

from . import ses
from .models import Seal, SealStatus, Signing, SigningKind, Verification, VerifyChannel
from .signing import certificate_by_der, certificate_status
from .sniff import sniff

MAX_BYTES = 20 * 1024 * 1024
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024

INTEGRITY = "文件完整性"
SIGNER_SIGNATURE = "签章签名"
MAKER_SIGNATURE = "印章签名"
SEAL_STATUS = "印章状态"
SEAL_VALIDITY = "印章有效期"
SIGNER_CERT = "签章人证书"
AUTHORISED = "签章人已授权"
LABELS = (INTEGRITY, SIGNER_SIGNATURE, MAKER_SIGNATURE, SEAL_STATUS, SEAL_VALIDITY, SIGNER_CERT, AUTHORISED)


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


@dataclass
class SignatureReport:
    """One signature: its checks and what it says (seal, unit, signer, time)."""
    checks: list[Check]
    seal_name: str = ""
    seal_code: str = ""
    unit: str = ""
    signer: str = ""
    signed_at: dt.datetime | None = None
    reason: str = ""
    seal: Seal | None = None
    signing: Signing | None = None

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.label for c in self.checks if not c.ok]


@dataclass
class Result:
    kind: str                       # SigningKind value
    kind_label: str
    reports: list[SignatureReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.reports) and all(r.valid for r in self.reports)


def _local(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}" if value else ""


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, detail={"field": "file"})


# --- the checks common to every signature ------------------------------------------------------------------

def _seal_row(parsed: ses.ParsedSignature) -> Seal | None:
    row = Seal.objects.select_related("department").filter(code=parsed.seal.es_id).first()
    if row is not None and bytes(row.der) != parsed.seal.der:
        return None
    return row


def _signing_row(parsed: ses.ParsedSignature, seal: Seal | None) -> Signing | None:
    if seal is None:
        return None
    for row in Signing.objects.select_related("signer").filter(seal=seal, document_sm3=parsed.data_hash.hex()):
        if bytes(row.signature) == parsed.der:
            return row
    return None


def _status_check(seal: Seal | None, signed_at: dt.datetime) -> Check:
    if seal is None:
        return Check(SEAL_STATUS, False, "印章不是本市电子印章系统制作的，或与登记的印章不一致")
    changed = seal.status_changed_at
    if seal.status == SealStatus.ACTIVE:
        return Check(SEAL_STATUS, True, "印章有效（签章时有效，现仍有效）")
    when = _local(changed) or "（时间未记录）"
    if changed is None or changed <= signed_at:
        return Check(SEAL_STATUS, False, f"签章时印章已{seal.get_status_display().lstrip('已')}（{when}）")
    if seal.status == SealStatus.REVOKED and hasattr(seal, "replaced_by"):  # re-made: earlier signings stand
        return Check(SEAL_STATUS, True, f"签章时有效；印章已于 {when} 换发新章，此前的签章仍然有效")
    word = "注销" if seal.status == SealStatus.REVOKED else "暂停使用"
    return Check(SEAL_STATUS, False, f"签章时有效，但印章已于 {when} {word}")


def _common_checks(parsed: ses.ParsedSignature, integrity: Check, *, cms_ok: bool | None = None) -> SignatureReport:
    seal = _seal_row(parsed)
    signing = _signing_row(parsed, seal)
    signed_at = parsed.signed_at
    checks = [integrity]
    if cms_ok is None:
        checks.append(Check(SIGNER_SIGNATURE, parsed.signature_ok,
                            "签章人的 SM2 签名有效" if parsed.signature_ok else "签章人的 SM2 签名无效（签章数据被篡改）"))
    else:
        ok = parsed.signature_ok and cms_ok
        checks.append(Check(SIGNER_SIGNATURE, ok, "签章人的 SM2 签名有效（电子签章与 PDF 签名均有效）" if ok
                            else "签章人的 SM2 签名无效（签章数据被篡改）"))
    maker_ok, maker_detail = certificate_status(parsed.seal.maker_cert, signed_at)
    if not parsed.seal.maker_signature_ok:
        checks.append(Check(MAKER_SIGNATURE, False, "制章者对印章的签名无效（印章数据被篡改）"))
    elif not maker_ok:
        checks.append(Check(MAKER_SIGNATURE, False, f"制章者证书：{maker_detail}"))
    else:
        checks.append(Check(MAKER_SIGNATURE, True, "印章由本市电子印章制作中心制作，签名有效"))
    checks.append(_status_check(seal, signed_at))
    in_validity = parsed.seal.valid_start <= signed_at <= parsed.seal.valid_end
    checks.append(Check(SEAL_VALIDITY, in_validity,
                        f"{_local(parsed.seal.valid_start)} 至 {_local(parsed.seal.valid_end)}"
                        + ("" if in_validity else "，签章时不在有效期内")))
    cert_ok, cert_detail = certificate_status(parsed.signer_cert, signed_at)
    checks.append(Check(SIGNER_CERT, cert_ok, cert_detail))
    authorised = parsed.signer_cert in parsed.seal.signer_certs
    checks.append(Check(AUTHORISED, authorised, "签章人证书在印章的授权证书列表中" if authorised
                        else "签章人证书不在印章的授权证书列表中"))
    cert_row = certificate_by_der(parsed.signer_cert)
    if signing is not None:
        signer = signing.signer.display_name or signing.signer.username
        if cert_row is not None and cert_row.kind == "unit":
            signer = f"{cert_row.subject}（经办：{signer}）"
    else:
        signer = cert_row.subject if cert_row is not None else "（未知签章人）"
    return SignatureReport(
        checks=checks, seal_name=parsed.seal.name, seal_code=parsed.seal.es_id,
        unit=seal.department.name if seal is not None else "", signer=signer, signed_at=signed_at,
        reason=signing.reason if signing is not None else "", seal=seal, signing=signing)


def _parse(der: bytes, what: str) -> ses.ParsedSignature:
    try:
        return ses.parse_signature(der)
    except ses.SESError as exc:
        raise _refuse(f"{what}：{exc.message}", f"signature_{exc.code}") from exc


# --- per kind ------------------------------------------------------------------------------------------

def _detached(data: bytes, signature: bytes) -> Result:
    if not signature:
        raise ValidationFailed("请上传签名文件（.der）", code="signature_required", detail={"field": "signature"})
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise ValidationFailed("签名文件过大，不是电子签章", code="signature_too_large", detail={"field": "signature"})
    try:
        parsed = ses.parse_signature(signature)
    except ses.SESError as exc:
        raise ValidationFailed(f"签名文件不是有效的电子签章：{exc.message}", code=f"signature_{exc.code}",
                               detail={"field": "signature"}) from exc
    ok = sm3(data) == parsed.data_hash
    integrity = Check(INTEGRITY, ok, "文件与签章时一致（SM3 杂凑值相符）" if ok
                      else "文件与签章时不一致：文件被修改，或不是这份签名对应的文件")
    return Result(SigningKind.DETACHED, SigningKind.DETACHED.label, [_common_checks(parsed, integrity)])


def _pdf(data: bytes) -> Result:
    from . import pdf as pdfmod

    try:
        sigs = pdfmod.read_signatures(data)
    except pdfmod.PdfError as exc:
        raise _refuse(exc.message, exc.code) from exc
    if not sigs:
        raise _refuse("PDF 文件中没有电子签章", "no_signature")
    reports = []
    for i, sig in enumerate(sigs):
        if sig.ses_der is None:
            raise _refuse("PDF 中的签名不是 GB/T 38540 电子签章", "not_ses")
        parsed = _parse(sig.ses_der, "PDF 中的电子签章")
        last = i == len(sigs) - 1
        if not sig.intact or parsed.data_hash != sig.byte_range_digest:
            integrity = Check(INTEGRITY, False, "文件内容在签章后被修改（签名范围内的杂凑值不符）")
        elif last and not sig.covers_whole_file:
            integrity = Check(INTEGRITY, False, "签章后文件末尾被追加了内容")
        elif not last:
            integrity = Check(INTEGRITY, True, "签章时的文件内容未被修改（之后又加盖了签章）")
        else:
            integrity = Check(INTEGRITY, True, "文件与签章时一致（SM3 杂凑值相符）")
        cms_ok = sig.cms_valid and sig.cert_der == parsed.signer_cert
        reports.append(_common_checks(parsed, integrity, cms_ok=cms_ok))
    return Result(SigningKind.PDF, SigningKind.PDF.label, reports)


def _ofd(data: bytes) -> Result:
    from . import ofd as ofdmod

    try:
        sigs = ofdmod.read_signatures(data)
    except ofdmod.OfdError as exc:
        raise _refuse(exc.message, exc.code) from exc
    if not sigs:
        raise _refuse("OFD 文件中没有电子签章", "no_signature")
    reports = []
    for sig in sigs:
        if not sig.ses_der:
            raise _refuse("OFD 签名缺少签名值（SignedValue.dat）", "not_ses")
        parsed = _parse(sig.ses_der, "OFD 中的电子签章")
        bad = [f for f, ok in sig.references if not ok]
        if not sig.method_ok:
            integrity = Check(INTEGRITY, False, "签名算法不是 SM2/SM3")
        elif parsed.data_hash != sig.signature_xml_hash:
            integrity = Check(INTEGRITY, False, "签名描述文件（Signature.xml）在签章后被修改")
        elif bad:
            integrity = Check(INTEGRITY, False, f"以下文件在签章后被修改或缺失：{'、'.join(bad[:5])}")
        elif sig.unprotected or not sig.references:
            integrity = Check(INTEGRITY, False, f"文件中有签章未保护的内容：{'、'.join(sig.unprotected[:5])}")
        else:
            integrity = Check(INTEGRITY, True, f"文件与签章时一致（{len(sig.references)} 个文件的 SM3 杂凑值相符）")
        reports.append(_common_checks(parsed, integrity))
    return Result(SigningKind.OFD, SigningKind.OFD.label, reports)


# --- entry points --------------------------------------------------------------------------------------

def _record(result: Result | None, channel: str, kind: str = "", signing: Signing | None = None) -> None:
    with transaction.atomic():
        if result is None:
            Verification.objects.create(channel=channel, kind=kind, valid=False, failed_checks="文件无法核验")
            return
        for report in result.reports or []:
            Verification.objects.create(seal=report.seal, signing=report.signing or signing, channel=channel,
                                        kind=result.kind, valid=report.valid,
                                        failed_checks="、".join(report.failed)[:300])
            if report.seal is not None:
                Seal.objects.filter(pk=report.seal.pk).update(verify_count=F("verify_count") + 1)


def verify_document(data: bytes, *, signature: bytes | None = None, channel: str = VerifyChannel.PAGE) -> Result:
    """Verify a signed PDF or OFD, or any file with its detached signature (``signature`` = DER)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise _refuse("请上传要核验的文件", "file_required")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise _refuse("文件超过 20 MB，无法核验", "file_too_large")
    kind = ""
    try:
        if signature:
            kind = SigningKind.DETACHED
            result = _detached(data, bytes(signature))
        else:
            found = sniff(data)
            if found == "pdf":
                kind = SigningKind.PDF
                result = _pdf(data)
            elif found == "ofd":
                kind = SigningKind.OFD
                result = _ofd(data)
            else:
                raise _refuse("文件不是 PDF 或 OFD 签章文件（按文件内容判断）；其他文件请同时上传签名文件", "unsupported_type")
    except ValidationFailed:
        _record(None, channel, kind)
        raise
    _record(result, channel)
    return result


def verify_token(token: str, *, channel: str = VerifyChannel.SCAN) -> Result:
    """The checks of a signing record found by the token its QR code carries (no document needed)."""
    token = (token or "").strip()
    row = Signing.objects.select_related("seal", "signer").filter(token=token).first() if 0 < len(token) <= 32 else None
    if row is None:
        raise NotFound("未找到该签章记录，请核对二维码", code="signing_not_found")
    parsed = _parse(bytes(row.signature), "签章记录")
    ok = parsed.data_hash.hex() == row.document_sm3
    integrity = Check(INTEGRITY, ok, f"签章记录完整，原文 SM3 杂凑值 {row.document_sm3[:16]}…（可上传文件进一步核对）" if ok
                      else "签章记录与电子签章不符")
    report = _common_checks(parsed, integrity)
    report.signing = report.signing or row
    report.reason = row.reason
    result = Result(row.kind, row.get_kind_display(), [report])
    _record(result, channel, signing=row)
    return result
