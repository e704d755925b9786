"""GB/T 38540-2020 (GM/T 0031 v4) electronic seal and signature structures, strict DER, with asn1crypto.

The two structures every signed document of the city carries::

    SESeal ::= SEQUENCE {                       -- 电子印章
        eSealInfo   SES_SealInfo,
        cert        OCTET STRING,               -- the maker's (制章者) X.509 certificate, DER
        signAlgID   OBJECT IDENTIFIER,          -- 1.2.156.10197.1.501 SM2 with SM3
        signedValue BIT STRING }                -- maker's SM2 signature over DER SEQUENCE{eSealInfo, cert, signAlgID}
    SES_SealInfo ::= SEQUENCE {
        header SES_Header, esID IA5String, property SES_ESPropertyInfo,
        picture SES_ESPictrueInfo, extDatas ExtensionDatas OPTIONAL }
    SES_Header ::= SEQUENCE { ID IA5String ("ES"), version INTEGER (4), Vid IA5String }
    SES_ESPropertyInfo ::= SEQUENCE {
        type INTEGER, name UTF8String, certListType INTEGER (1 = certs),
        certList SES_CertList, createDate GeneralizedTime, validStart GeneralizedTime, validEnd GeneralizedTime }
    SES_CertList ::= CHOICE { certs CertInfoList, certDigestList CertDigestList }
    CertInfoList ::= SEQUENCE OF OCTET STRING   -- the signers' (签章人) certificates, DER
    SES_ESPictrueInfo ::= SEQUENCE { type IA5String ("PNG"), data OCTET STRING, width INTEGER, height INTEGER }  -- mm

    SES_Signature ::= SEQUENCE {                -- 电子签章
        toSign TBS_Sign, cert OCTET STRING (signer's certificate), signatureAlgID OBJECT IDENTIFIER,
        signature BIT STRING,                   -- signer's SM2 signature over DER(toSign)
        timeStamp [0] BIT STRING OPTIONAL }
    TBS_Sign ::= SEQUENCE {
        version INTEGER (4), eseal SESeal, timeInfo GeneralizedTime,
        dataHash BIT STRING (SM3 of the document, or of Signature.xml for OFD), propertyInfo IA5String,
        extDatas ExtensionDatas OPTIONAL }

SM2 signatures are DER ``SEQUENCE{r, s}`` inside the BIT STRING, made with SM3 and the GB/T 32918 default user
id ``1234567812345678`` (as ofdrw, the reference Java implementation, and the national verifiers expect).

Parsing is strict: ``parse_signature`` re-encodes what it read and refuses input whose DER differs (BER
lengths, trailing bytes, wrong tags), so a verifier never accepts two encodings of one signature.
This module knows only bytes and keys; the seal registry, certificates and records live in the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import core, x509

from digigov.security.crypto import CryptoError, sm3
from digigov.security.crypto import sm2

SM2_SM3_OID = "1.2.156.10197.1.501"
SES_VERSION = 4
HEADER_ID = "ES"
VENDOR_ID = "DigiGov"


class SESError(ValueError):
    """A structure that is not a well-formed GB/T 38540 object; ``message`` is Chinese, ``code`` stable."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- ASN.1 definitions ----------------------------------------------------------------------------

class ExtData(core.Sequence):
    _fields = [("extnID", core.ObjectIdentifier), ("critical", core.Boolean, {"default": False}),
               ("extnValue", core.OctetString)]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SESHeader(core.Sequence):
    _fields = [("ID", core.IA5String), ("version", core.Integer), ("Vid", core.IA5String)]


class CertInfoList(core.SequenceOf):
    _child_spec = core.OctetString


class CertDigestObj(core.Sequence):
    _fields = [("type", core.PrintableString), ("value", core.OctetString)]


class CertDigestList(core.SequenceOf):
    _child_spec = CertDigestObj


class SESESPropertyInfo(core.Sequence):
    # SES_CertList is an untagged CHOICE of two SEQUENCE OFs; certListType (1 = certs, 2 = digests) says which.
    # DigiGov writes certs; reading the digest form is refused with a clear reason.
    _fields = [("type", core.Integer), ("name", core.UTF8String), ("certListType", core.Integer),
               ("certList", CertInfoList), ("createDate", core.GeneralizedTime),
               ("validStart", core.GeneralizedTime), ("validEnd", core.GeneralizedTime)]


class SESESPictureInfo(core.Sequence):
    _fields = [("type", core.IA5String), ("data", core.OctetString), ("width", core.Integer), ("height", core.Integer)]


class SESSealInfo(core.Sequence):
    _fields = [("header", SESHeader), ("esID", core.IA5String), ("property", SESESPropertyInfo),
               ("picture", SESESPictureInfo), ("extDatas", ExtensionDatas, {"optional": True})]


class _SealToSign(core.Sequence):
    _fields = [("eSealInfo", SESSealInfo), ("cert", core.OctetString), ("signAlgID", core.ObjectIdentifier)]


class SESeal(core.Sequence):
    _fields = [("eSealInfo", SESSealInfo), ("cert", core.OctetString), ("signAlgID", core.ObjectIdentifier),
               ("signedValue", core.OctetBitString)]


class TBSSign(core.Sequence):
    _fields = [("version", core.Integer), ("eseal", SESeal), ("timeInfo", core.GeneralizedTime),
               ("dataHash", core.OctetBitString), ("propertyInfo", core.IA5String),
               ("extDatas", ExtensionDatas, {"optional": True})]


class SESSignature(core.Sequence):
    _fields = [("toSign", TBSSign), ("cert", core.OctetString), ("signatureAlgID", core.ObjectIdentifier),
               ("signature", core.OctetBitString), ("timeStamp", core.OctetBitString, {"implicit": 0, "optional": True})]


# --- building -----------------------------------------------------------------------------------

def _gt(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("GeneralizedTime needs an aware datetime")
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def seal_info(*, es_id: str, seal_type: int, name: str, signer_certs: list[bytes], created: dt.datetime,
              valid_start: dt.datetime, valid_end: dt.datetime, picture_png: bytes, width_mm: int,
              height_mm: int) -> SESSealInfo:
    """The unsigned SES_SealInfo of a seal (its certList holds the DER certificates allowed to sign with it)."""
    return SESSealInfo({
        "header": {"ID": HEADER_ID, "version": SES_VERSION, "Vid": VENDOR_ID},
        "esID": es_id,
        "property": {"type": seal_type, "name": name, "certListType": 1, "certList": list(signer_certs),
                     "createDate": _gt(created), "validStart": _gt(valid_start), "validEnd": _gt(valid_end)},
        "picture": {"type": "PNG", "data": picture_png, "width": width_mm, "height": height_mm},
    })


def make_seal(info: SESSealInfo, *, maker_cert: bytes, maker_key: sm2.SM2PrivateKey) -> bytes:
    """The maker signs the seal info: DER ``SESeal``."""
    to_sign = _SealToSign({"eSealInfo": info, "cert": maker_cert, "signAlgID": SM2_SM3_OID}).dump(force=True)
    signed = maker_key.sign(to_sign)
    return SESeal({"eSealInfo": info, "cert": maker_cert, "signAlgID": SM2_SM3_OID, "signedValue": signed}).dump()


def sign(*, seal_der: bytes, data_hash: bytes, property_info: str, signer_cert: bytes,
         signer_key: sm2.SM2PrivateKey, when: dt.datetime) -> bytes:
    """DER ``SES_Signature`` over ``data_hash`` (32-byte SM3) with the signer's key; the caller has checked
    that ``signer_cert`` is in the seal's certList and that the seal and certificate are valid at ``when``."""
    if len(data_hash) != 32:
        raise ValueError("dataHash must be a 32-byte SM3 digest")
    seal = SESeal.load(seal_der)
    tbs = TBSSign({"version": SES_VERSION, "eseal": seal, "timeInfo": _gt(when), "dataHash": data_hash,
                   "propertyInfo": property_info})
    # not ``force``: the seal keeps the DER bytes it was loaded from (already strict DER), so a signature
    # does not re-encode a 50 KB picture; the new fields are encoded once
    tbs_der = tbs.dump()
    signature = signer_key.sign(tbs_der)
    return SESSignature({"toSign": tbs, "cert": signer_cert, "signatureAlgID": SM2_SM3_OID,
                         "signature": signature}).dump()


# --- parsing and checking -----------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedSeal:
    der: bytes
    es_id: str
    seal_type: int
    name: str
    signer_certs: tuple[bytes, ...]
    created: dt.datetime
    valid_start: dt.datetime
    valid_end: dt.datetime
    picture_type: str
    picture: bytes
    width_mm: int
    height_mm: int
    maker_cert: bytes
    maker_signature_ok: bool


@dataclass(frozen=True)
class ParsedSignature:
    der: bytes
    seal: ParsedSeal
    signed_at: dt.datetime
    data_hash: bytes
    property_info: str
    signer_cert: bytes
    signature_ok: bool


def _strict(cls, der: bytes, what: str):
    if not isinstance(der, (bytes, bytearray)) or not der:
        raise SESError(f"{what}为空", "empty")
    try:
        obj = cls.load(bytes(der), strict=True)
        obj.native  # parse every field now (asn1crypto is lazy)
        again = obj.dump(force=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise SESError(f"{what}不是有效的 GB/T 38540 结构（DER 解析失败）", "malformed") from exc
    if again != bytes(der):
        raise SESError(f"{what}不是严格 DER 编码", "not_der")
    return obj


def cert_public_key(cert_der: bytes) -> sm2.SM2PublicKey:
    """The SM2 public key of a DER X.509 certificate (``SESError`` when it is not one)."""
    try:
        cert = x509.Certificate.load(bytes(cert_der), strict=True)
        spki = cert["tbs_certificate"]["subject_public_key_info"].dump()
        return sm2.load_public_key(spki)
    except (ValueError, TypeError, CryptoError) as exc:
        raise SESError("证书不是有效的 SM2 X.509 证书", "bad_certificate") from exc


def _verify(cert_der: bytes, signature: bytes, message: bytes) -> bool:
    try:
        return cert_public_key(cert_der).verify(signature, message)
    except SESError:
        return False


def parse_seal(der: bytes) -> ParsedSeal:
    seal = _strict(SESeal, der, "电子印章")
    return _parsed_seal(seal)


def _parsed_seal(seal: SESeal) -> ParsedSeal:
    info = seal["eSealInfo"]
    header = info["header"]
    if header["ID"].native != HEADER_ID or header["version"].native != SES_VERSION:
        raise SESError("电子印章版本不受支持（仅支持 GB/T 38540-2020 第 4 版）", "unsupported_version")
    if seal["signAlgID"].dotted != SM2_SM3_OID:
        raise SESError("电子印章签名算法不是 SM2/SM3", "unsupported_algorithm")
    prop = info["property"]
    if prop["certListType"].native != 1:
        raise SESError("电子印章的签章人证书列表类型不受支持（仅支持证书列表）", "unsupported_cert_list")
    to_sign = _SealToSign({"eSealInfo": info, "cert": seal["cert"], "signAlgID": seal["signAlgID"]}).dump(force=True)
    maker_cert = seal["cert"].native
    return ParsedSeal(
        der=seal.dump(), es_id=info["esID"].native, seal_type=prop["type"].native, name=prop["name"].native,
        signer_certs=tuple(c.native for c in prop["certList"]), created=prop["createDate"].native,
        valid_start=prop["validStart"].native, valid_end=prop["validEnd"].native,
        picture_type=info["picture"]["type"].native, picture=info["picture"]["data"].native,
        width_mm=info["picture"]["width"].native, height_mm=info["picture"]["height"].native,
        maker_cert=maker_cert, maker_signature_ok=_verify(maker_cert, seal["signedValue"].native, to_sign))


def parse_signature(der: bytes) -> ParsedSignature:
    """Parse a DER ``SES_Signature`` and check both signatures in it (seal maker's and signer's).

    Raises ``SESError`` only for structures that are not GB/T 38540 v4; a signature that does not verify is
    reported in ``signature_ok`` / ``seal.maker_signature_ok``, never raised."""
    sig = _strict(SESSignature, der, "电子签章")
    tbs = sig["toSign"]
    if tbs["version"].native != SES_VERSION:
        raise SESError("电子签章版本不受支持（仅支持 GB/T 38540-2020 第 4 版）", "unsupported_version")
    if sig["signatureAlgID"].dotted != SM2_SM3_OID:
        raise SESError("电子签章签名算法不是 SM2/SM3", "unsupported_algorithm")
    data_hash = tbs["dataHash"].native
    if len(data_hash) != 32:
        raise SESError("原文杂凑值长度不是 SM3 的 32 字节", "bad_hash")
    signer_cert = sig["cert"].native
    return ParsedSignature(
        der=bytes(der), seal=_parsed_seal(tbs["eseal"]), signed_at=tbs["timeInfo"].native, data_hash=data_hash,
        property_info=tbs["propertyInfo"].native, signer_cert=signer_cert,
        signature_ok=_verify(signer_cert, sig["signature"].native, tbs.dump(force=True)))


def document_hash(data: bytes) -> bytes:
    """SM3 of a document: the dataHash of a detached signature."""
    return sm3(data)
