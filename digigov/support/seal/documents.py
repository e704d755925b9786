"""Signing documents with a seal: detached, PDF and OFD (the functions other apps call).

Every signing goes through ``signing.sign_digest`` (authorisation, the ``Signing`` record, counts, audit);
nothing here opens a key. A PDF also needs a raw SM2 signature for its CMS container
(``signing.sign_raw``, same rules). Each function runs in one transaction, so a failure after the record is
written (a broken PDF at the last step) leaves no record behind.

* ``sign_detached`` — DER ``SES_Signature`` whose dataHash is SM3 of the bytes (file + ``.der``/``.ses``);
* ``sign_pdf`` — incremental-update PDF signature with the seal and its QR code (see ``pdf.py``);
* ``sign_ofd`` — GB/T 33190 signature inside the OFD container (see ``ofd.py``).

Positions: ``page`` counts from 0 (negative from the end, -1 = last page); ``x_mm``/``y_mm`` are the stamp's
top-left corner from the page's top-left corner; ``None`` = bottom right of that page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from digigov.core.errors import ValidationFailed

from . import ses, signing
from .models import Seal, Signing, SigningKind, new_token

MAX_BYTES = 20 * 1024 * 1024


def verify_path(token: str) -> str:
    return f"/verify/s/{token}/"


def verify_url(token: str) -> str:
    base = (getattr(settings, "DIGIGOV_SITE_URL", "") or "").rstrip("/")  # the site's public origin: a phone scans it
    return f"{base}{verify_path(token)}"


def _check_size(data: bytes) -> None:
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValidationFailed("文件为空", code="empty_file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("文件超过 20 MB，不能签章", code="file_too_large")


def sign_detached(actor, seal: Seal, data: bytes, *, document_name: str, reason: str, batch: str = "") -> tuple[bytes, Signing]:
    """A detached GB/T 38540 signature over ``data``: ``(DER SES_Signature, record)``."""
    _check_size(data)
    signed = signing.sign_digest(actor, seal, ses.document_hash(bytes(data)), kind=SigningKind.DETACHED,
                                 document_name=document_name, reason=reason, batch=batch)
    return signed.der, signed.signing


def sign_pdf(actor, seal: Seal, pdf: bytes, *, document_name: str, reason: str, page: int = 0,
             x_mm: float | None = None, y_mm: float | None = None, batch: str = "") -> tuple[bytes, Signing]:
    """``pdf`` with an added signature of ``seal`` by ``actor``: ``(signed PDF bytes, record)``."""
    from . import pdf as pdfmod
    from .sniff import sniff

    _check_size(pdf)
    pdf = bytes(pdf)
    if sniff(pdf) != "pdf":
        raise ValidationFailed("文件不是 PDF 文件", code="not_pdf")
    signing.check_seal_usable(seal, timezone.now())
    cert = signing.signer_certificate(actor, seal)  # the certificate the CMS names; sign_raw checks it again
    token = new_token()
    seal_der = bytes(seal.der)
    reserve = 2 * (len(seal_der) + 2 * len(bytes(cert.der)) + 4096)
    try:
        prep = pdfmod.prepare(pdf, cert_der=bytes(cert.der), seal_png=bytes(seal.image_png), width_mm=seal.width_mm,
                              height_mm=seal.height_mm, verify_url=verify_url(token), page=page, x_mm=x_mm, y_mm=y_mm,
                              reason=reason, reserve=reserve)
    except pdfmod.PdfError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from exc
    with transaction.atomic():
        signed = signing.sign_digest(actor, seal, prep.digest, kind=SigningKind.PDF, document_name=document_name,
                                     reason=reason, property_info="pdf:byterange", batch=batch, token=token)
        attrs = pdfmod.signed_attributes(prep.digest, timezone.now())
        signature, _cert = signing.sign_raw(actor, seal, attrs.dump(), certificate=cert)
        cms_der = pdfmod.build_cms(cert_der=bytes(cert.der), signed_attrs=attrs, signature=signature, ses_der=signed.der)
        out = pdfmod.finish(prep, cms_der)
    return out, signed.signing


def sign_ofd(actor, seal: Seal, ofd: bytes, *, document_name: str, reason: str, page: int = 0,
             x_mm: float | None = None, y_mm: float | None = None, batch: str = "") -> tuple[bytes, Signing]:
    """``ofd`` with an added GB/T 33190 seal signature: ``(signed OFD bytes, record)``."""
    from . import ofd as ofdmod

    _check_size(ofd)
    ofd = bytes(ofd)
    signing.check_seal_usable(seal, timezone.now())
    signing.signer_certificate(actor, seal)  # refuse a stranger before the work of laying out the file
    try:
        plan = ofdmod.prepare(ofd, seal_png=bytes(seal.image_png), width_mm=seal.width_mm, height_mm=seal.height_mm,
                              page=page, x_mm=x_mm, y_mm=y_mm)
    except ofdmod.OfdError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from exc
    with transaction.atomic():
        signed = signing.sign_digest(actor, seal, plan.signature_xml_hash, kind=SigningKind.OFD,
                                     document_name=document_name, reason=reason, property_info=plan.signature_path,
                                     batch=batch)
        out = ofdmod.finish(plan, signed.der)
    return out, signed.signing
