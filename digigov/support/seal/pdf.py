"""PDF e-seals: an incremental-update PDF signature carrying the GB/T 38540 ``SES_Signature``.

What a signed PDF holds (and why this form):

* a signature field whose widget shows the seal image, with a QR code next to it pointing at
  ``/verify/s/<token>/`` (one PNG composed here, drawn by pyHanko's stamp machinery);
* a signature dictionary ``/Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached`` with ``/ByteRange`` and
  ``/Contents`` = a CMS ``SignedData`` (RFC 5652) built here with asn1crypto: digest SM3
  (1.2.156.10197.1.401) of the byte ranges, the signer's SM2 X.509 certificate, signed attributes
  (contentType, messageDigest, signingTime) signed SM2-with-SM3 (1.2.156.10197.1.501, the GM/T 0010 way);
* the GB/T 38540 ``SES_Signature`` (whose ``dataHash`` is the same SM3 of the byte ranges) as an **unsigned
  attribute** of that signerInfo, type ``SES_ATTRIBUTE_OID``, value an OCTET STRING of its DER.

GB/T 38540's PDF annex puts the SES_Signature itself in ``/Contents``. We carry it inside a CMS instead
because every PDF tool (pypdf, pyHanko's validator, Adobe Reader, browsers) can parse a CMS container and
report the byte ranges intact, whereas a bare SES_Signature in ``/Contents`` makes them call the file
damaged. The national structure is there bit for bit and ``extract_ses`` returns it for the verifier; the
CMS signature and the SES_Signature are made with the same certificate over the same digest.

pyHanko does not know SM2, so it is used only for what it does well (placeholder, byte ranges, appearance,
incremental update) through its interrupted-signing API: ``prepare`` → digest, then the caller signs
(synchronously, with the database; pyHanko's asyncio loop never touches Django), then ``finish``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
from dataclasses import dataclass

from asn1crypto import algos, cms, core, x509

from digigov.core.crypto import sm3

SM3_OID = "1.2.156.10197.1.401"
SM2_SM3_OID = "1.2.156.10197.1.501"
# A UUID-derived OID (ITU-T X.667, no registration needed): "GB/T 38540 SES_Signature of this signature".
SES_ATTRIBUTE_OID = "2.25.271207452733349916399212094934331765827"
MM = 72 / 25.4
QR_MM = 22


class PdfError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _register_oids() -> None:
    """Teach asn1crypto the SM3 and SM2-with-SM3 names so pyHanko's digest plumbing (which goes through
    ``DigestAlgorithmId.native`` → ``cryptography.hazmat.primitives.hashes.SM3``) can hash byte ranges."""
    for cls, oid, name in ((algos.DigestAlgorithmId, SM3_OID, "sm3"),
                           (algos.SignedDigestAlgorithmId, SM2_SM3_OID, "sm2_sm3")):
        if oid not in cls._map:
            cls._map[oid] = name
            if cls._reverse_map is not None:
                cls._reverse_map[name] = oid


_register_oids()


def _run(coro):
    """Run one of pyHanko's coroutines to completion from synchronous code. Where this thread already runs
    an event loop (Playwright's sync API in the browser tests, an async caller), on a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --- appearance -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def _seal_picture(seal_png: bytes, width_px: int, height_px: int):
    """The seal's picture at stamp size (RGBA). The same few seals stamp every document of a department, so
    the decode and resample are done once per process and seal, not once per document; callers copy nothing
    (``Image.paste`` only reads it)."""
    from PIL import Image

    try:
        seal = Image.open(io.BytesIO(seal_png))
        seal.load()
        return seal.convert("RGBA").resize((width_px, height_px))
    except Exception:  # a seal whose picture is not a PNG still signs; the stamp shows only the QR code
        return Image.new("RGBA", (width_px, height_px), (255, 255, 255, 0))


def _qr(verify_url: str, size_px: int):
    """The verification QR code, ``size_px`` square. Error correction M and a fixed mask pattern: choosing the
    "best" of the eight masks (qrcode's default) scores every one and cost more than the rest of the stamp,
    while any mask gives a code every reader decodes (ISO/IEC 18004 §7.8: the choice only avoids runs that
    could confuse a poor reader). Drawn at whole modules, then scaled with NEAREST so the edges stay sharp."""
    import qrcode
    from PIL import Image

    qr = qrcode.QRCode(border=1, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2)
    qr.add_data(verify_url)
    return qr.make_image(fill_color="black", back_color="white").convert("RGBA").resize((size_px, size_px), Image.NEAREST)


def stamp_image(seal_png: bytes, verify_url: str, *, width_mm: int, height_mm: int):
    """The seal image with the verification QR code to its right, as one PIL image (300 dpi)."""
    from PIL import Image

    dpi = 300
    px = lambda mm: max(1, round(mm / 25.4 * dpi))  # noqa: E731
    seal = _seal_picture(bytes(seal_png), px(width_mm), px(height_mm))
    qr_img = _qr(verify_url, px(QR_MM))
    out = Image.new("RGBA", (seal.width + px(2) + qr_img.width, max(seal.height, qr_img.height)), (255, 255, 255, 0))
    out.paste(seal, (0, 0), seal)
    out.paste(qr_img, (seal.width + px(2), out.height - qr_img.height))
    return out


@dataclass
class Prepared:
    """A PDF in its pre-signing state: the output holding the placeholder, pyHanko's byte-range digest."""
    output: io.BytesIO
    prepared: object
    digest: bytes  # SM3 of the byte ranges


def page_count_and_box(pdf: bytes, page: int) -> tuple[int, int, tuple[float, float, float, float]]:
    """(page count, 0-based index of ``page``, that page's MediaBox in points); ``PdfError`` if unreadable."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise PdfError("PDF 文件已加密，不能签章", "pdf_encrypted")
        n = len(reader.pages)
    except PdfError:
        raise
    except Exception as exc:  # noqa: BLE001 — pypdf raises many types for malformed input
        raise PdfError("PDF 文件已损坏，无法读取页面", "bad_pdf") from exc
    if n < 1:
        raise PdfError("PDF 文件没有页面", "no_pages")
    index = page if page >= 0 else n + page
    if not 0 <= index < n:
        raise PdfError(f"页码超出范围（共 {n} 页）", "bad_page")
    try:
        box = reader.pages[index].mediabox
        return n, index, (float(box.left), float(box.bottom), float(box.right), float(box.top))
    except Exception as exc:  # noqa: BLE001
        raise PdfError("PDF 文件已损坏，无法读取页面", "bad_pdf") from exc


def prepare(pdf: bytes, *, cert_der: bytes, seal_png: bytes, width_mm: int, height_mm: int, verify_url: str,
            page: int = 0, x_mm: float | None = None, y_mm: float | None = None, reason: str = "",
            field_name: str = "DigiGovSeal", reserve: int = 16384) -> Prepared:
    """Add the signature field and appearance, reserve ``/Contents`` and digest the byte ranges (SM3).

    ``x_mm``/``y_mm`` are the stamp's top-left corner measured from the page's top-left corner (as on paper
    and as OFD does); ``None`` puts it at the bottom right, 15 mm from the edges. ``page`` counts from 0;
    negative counts from the end (-1 = last page)."""
    from pyhanko.pdf_utils import images
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    _n, index, (left, bottom, right, top) = page_count_and_box(pdf, page)
    img = stamp_image(seal_png, verify_url, width_mm=width_mm, height_mm=height_mm)
    w_pt = (width_mm + 2 + QR_MM) * MM
    h_pt = max(height_mm, QR_MM) * MM
    if x_mm is None or y_mm is None:
        x1 = right - 15 * MM - w_pt
        y1 = bottom + 15 * MM
    else:
        x1 = left + float(x_mm) * MM
        y1 = top - float(y_mm) * MM - h_pt
    x1 = min(max(left, x1), right - w_pt)
    y1 = min(max(bottom, y1), top - h_pt)
    box = (round(x1, 2), round(y1, 2), round(x1 + w_pt, 2), round(y1 + h_pt, 2))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        existing = {name for name, _v, _r in fields.enumerate_sig_fields(writer)}
        name = field_name
        i = 1
        while name in existing:
            i += 1
            name = f"{field_name}{i}"
        cert = x509.Certificate.load(bytes(cert_der))
        signer = signers.ExternalSigner(signing_cert=cert, cert_registry=None, signature_value=bytes(72),
                                        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": SM2_SM3_OID}))
        meta = signers.PdfSignatureMetadata(field_name=name, md_algorithm="sm3", reason=reason or None,
                                            subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
        style = TextStampStyle(stamp_text="", border_width=0, background=images.PdfImage(img),
                               background_opacity=1.0)
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style,
                                       new_field_spec=fields.SigFieldSpec(sig_field_name=name, on_page=index, box=box))
        prepared, _tbs, output = _run(pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=reserve))
    except PdfError:
        raise
    except Exception as exc:  # noqa: BLE001 — pyHanko raises many types for malformed input
        raise PdfError("PDF 文件已损坏或受保护，无法签章", "bad_pdf") from exc
    return Prepared(output=output, prepared=prepared, digest=bytes(prepared.document_digest))


def signed_attributes(digest: bytes, when: dt.datetime) -> cms.CMSAttributes:
    return cms.CMSAttributes([
        {"type": "content_type", "values": ["data"]},
        {"type": "message_digest", "values": [digest]},
        {"type": "signing_time", "values": [cms.Time({"utc_time": when.astimezone(dt.timezone.utc).replace(microsecond=0)})]},
    ])


def build_cms(*, cert_der: bytes, signed_attrs: cms.CMSAttributes, signature: bytes, ses_der: bytes) -> bytes:
    """DER ContentInfo(SignedData) with one SM2 signerInfo carrying the SES_Signature unsigned."""
    cert = x509.Certificate.load(bytes(cert_der))
    sm3_alg = algos.DigestAlgorithm({"algorithm": SM3_OID})
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": cert.issuer, "serial_number": cert.serial_number})}),
        "digest_algorithm": sm3_alg,
        "signed_attrs": signed_attrs,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": SM2_SM3_OID}),
        "signature": signature,
        "unsigned_attrs": cms.CMSAttributes([
            cms.CMSAttribute({"type": SES_ATTRIBUTE_OID,
                              "values": cms.SetOfAny([core.Any.load(core.OctetString(bytes(ses_der)).dump())])})]),
    })
    signed_data = cms.SignedData({
        "version": "v1", "digest_algorithms": [sm3_alg], "encap_content_info": {"content_type": "data"},
        "certificates": [cert], "signer_infos": [signer_info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def finish(prep: Prepared, cms_der: bytes) -> bytes:
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    _run(PdfTBSDocument.async_finish_signing(prep.output, prep.prepared, cms_der))
    return prep.output.getvalue()


# --- reading ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PdfSignature:
    """One signature found in a PDF, as pyHanko's validator reads it (with SM2 plugged in)."""
    field_name: str
    ses_der: bytes | None
    intact: bool              # pyHanko: the messageDigest attribute equals SM3 of the byte ranges
    cms_valid: bool           # pyHanko with ``SM2SignatureValidator``: the CMS signature verifies
    byte_range_digest: bytes  # SM3 of the signed byte ranges
    covers_whole_file: bool   # nothing was appended after this signature
    cert_der: bytes | None


class SM2SignatureValidator:
    """pyHanko's ``SignatureValidator`` for SM2-with-SM3 (``cryptography`` has no SM2 curve): verification
    through ``digigov.security.crypto.sm2`` with the default user id."""

    def validate_signature(self, signature, signed_data, public_key_info, signature_algorithm, context=None):
        from cryptography.exceptions import InvalidSignature

        from digigov.security.crypto import CryptoError, sm2

        if signature_algorithm["algorithm"].dotted != SM2_SM3_OID:
            raise InvalidSignature("not SM2-with-SM3")
        try:
            ok = sm2.load_public_key(public_key_info.dump()).verify(bytes(signature), bytes(signed_data))
        except CryptoError:
            ok = False
        if not ok:
            raise InvalidSignature("SM2 signature does not verify")


def _ses_from_signer_info(si) -> bytes | None:
    attrs = si["unsigned_attrs"]
    if attrs.native is None:
        return None
    for attr in attrs:
        if attr["type"].dotted == SES_ATTRIBUTE_OID:
            raw = attr["values"][0]
            if isinstance(raw, core.Any):
                raw = raw.parse(core.OctetString)
            return bytes(raw.native)
    return None


def read_signatures(pdf: bytes) -> list[PdfSignature]:
    """Every CMS signature in ``pdf``, checked by pyHanko's integrity validation (SM3 over the byte ranges,
    the SM2 CMS signature through ``SM2SignatureValidator``), with the SES_Signature it carries."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    from pyhanko.sign.validation.pdf_embedded import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001
        raise PdfError("PDF 文件已损坏，无法读取签名", "bad_pdf") from exc
    found = []
    for sig in embedded:
        try:
            si = sig.signer_info
            cert = sig.signer_cert
            sig.compute_integrity_info()
            digest = sig.compute_digest()
            try:
                intact, valid = validate_sig_integrity(si, cert, "data", digest, sig_validator=SM2SignatureValidator())
            except SignatureValidationError:
                intact, valid = False, False
            found.append(PdfSignature(
                field_name=sig.field_name, ses_der=_ses_from_signer_info(si), intact=intact, cms_valid=valid,
                byte_range_digest=digest, covers_whole_file=sig.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                cert_der=cert.dump() if cert is not None else None))
        except PdfError:
            raise
        except Exception as exc:  # noqa: BLE001 — a damaged signature dictionary is a failed check, not a 500
            raise PdfError("PDF 中的签名已损坏，无法读取", "bad_signature") from exc
    return found
