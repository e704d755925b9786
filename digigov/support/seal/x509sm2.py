"""X.509 v3 certificates with SM2 keys signed SM2/SM3 (GM/T 0015), built and checked with asn1crypto.

``cryptography`` cannot load SM2 keys, so it cannot build these either: asn1crypto builds the
``TBSCertificate`` and ``digigov.security.crypto.sm2`` signs its DER with the default user id. The certificates
are ordinary DER X.509 (``openssl x509 -inform DER -text`` prints them; ``openssl verify`` accepts them with
``-vfyopt distid:1234567812345678`` on OpenSSL 3).
"""

from __future__ import annotations

import datetime as dt
import secrets

from asn1crypto import keys, x509

from digigov.core.crypto import sm3
from digigov.security.crypto import sm2

from .ses import SM2_SM3_OID, SESError, cert_public_key


def name(common_name: str, organization: str = "", unit: str = "") -> x509.Name:
    parts = {"country_name": "CN"}
    if organization:
        parts["organization_name"] = organization
    if unit:
        parts["organizational_unit_name"] = unit
    parts["common_name"] = common_name
    return x509.Name.build(parts)


def _time(value: dt.datetime) -> x509.Time:
    value = value.astimezone(dt.timezone.utc).replace(microsecond=0)
    return x509.Time({"utc_time" if 1950 <= value.year < 2050 else "general_time": value})


def build(*, subject: x509.Name, public_key: sm2.SM2PublicKey, issuer: x509.Name | None, issuer_key: sm2.SM2PrivateKey,
          issuer_key_id: bytes | None, not_before: dt.datetime, not_after: dt.datetime, is_ca: bool,
          serial: int | None = None) -> bytes:
    """A DER certificate. ``issuer=None`` makes a self-signed root (issuer = subject)."""
    spki = keys.PublicKeyInfo.load(public_key.to_der())
    key_id = sm3(spki["public_key"].contents)[:20]
    usage = {"key_cert_sign", "crl_sign", "digital_signature"} if is_ca else {"digital_signature", "non_repudiation"}
    extensions = [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": is_ca}},
        {"extn_id": "key_usage", "critical": True, "extn_value": usage},
        {"extn_id": "key_identifier", "critical": False, "extn_value": key_id},
    ]
    if issuer is not None and issuer_key_id:
        extensions.append({"extn_id": "authority_key_identifier", "critical": False,
                           "extn_value": {"key_identifier": issuer_key_id}})
    tbs = x509.TbsCertificate({
        "version": "v3",
        "serial_number": serial or secrets.randbits(127) | 1 << 126,
        "signature": {"algorithm": SM2_SM3_OID},
        "issuer": issuer if issuer is not None else subject,
        "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
        "subject": subject,
        "subject_public_key_info": spki,
        "extensions": extensions,
    })
    signature = issuer_key.sign(tbs.dump(force=True))
    return x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": {"algorithm": SM2_SM3_OID},
                             "signature_value": signature}).dump()


def load(der: bytes) -> x509.Certificate:
    try:
        cert = x509.Certificate.load(bytes(der), strict=True)
        cert.native
    except (ValueError, TypeError) as exc:
        raise SESError("证书不是有效的 X.509 证书", "bad_certificate") from exc
    return cert


def key_id(der: bytes) -> bytes:
    return sm3(load(der)["tbs_certificate"]["subject_public_key_info"]["public_key"].contents)[:20]


def signed_by(der: bytes, issuer_der: bytes) -> bool:
    """Whether the issuer's key made this certificate's signature (False for anything malformed)."""
    try:
        cert = load(der)
        if cert["signature_algorithm"]["algorithm"].dotted != SM2_SM3_OID:
            return False
        return cert_public_key(issuer_der).verify(cert["signature_value"].native, cert["tbs_certificate"].dump(force=True))
    except SESError:
        return False


def fingerprint(der: bytes) -> str:
    """SM3 of the DER certificate, hex: how the registry finds a certificate it issued."""
    return sm3(bytes(der)).hex()
