"""The city's e-seal CA (示范市政务电子印章 CA) inside the platform.

One self-signed SM2 root, one seal-maker certificate (制章者: the city seal-making centre, which signs every
``SESeal``), and end-entity certificates for units (单位证书) and staff (个人证书) who sign. Keys are made here,
sealed by the key store at once and never exported. The root and maker are made on first use by the system
account (``ensure_ca``); end-entity certificates are issued by the seal actions.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.security.crypto import sm2

from . import x509sm2
from .models import CertKind, Certificate, CertStatus
from .signing import private_key, seal_private_key

CITY_CA_NAME = "示范市政务电子印章 CA"
MAKER_NAME = "示范市电子印章制作中心"
ROOT_YEARS = 20
MAKER_YEARS = 10


def _issue(actor, *, kind: str, common_name: str, organization: str, issuer: Certificate | None, years: int,
           department=None, user=None) -> Certificate:
    now = timezone.now().replace(microsecond=0)
    key = sm2.generate_private_key()
    not_after = now + dt.timedelta(days=365 * years)
    subject = x509sm2.name(common_name, organization)
    if issuer is None:
        der = x509sm2.build(subject=subject, public_key=key.public_key(), issuer=None, issuer_key=key, issuer_key_id=None,
                            not_before=now, not_after=not_after, is_ca=True)
    else:
        issuer_der = bytes(issuer.der)
        der = x509sm2.build(subject=subject, public_key=key.public_key(),
                            issuer=x509sm2.load(issuer_der)["tbs_certificate"]["subject"], issuer_key=private_key(issuer),
                            issuer_key_id=x509sm2.key_id(issuer_der), not_before=now, not_after=not_after,
                            is_ca=kind == CertKind.MAKER)
    fp = x509sm2.fingerprint(der)
    cert = Certificate.objects.create(
        kind=kind, subject=f"{organization} {common_name}".strip() if organization != common_name else common_name,
        serial=format(x509sm2.load(der).serial_number, "x"), fingerprint=fp, der=der,
        private_sealed=seal_private_key(key, fp), issuer=issuer, department=department, user=user,
        not_before=now, not_after=not_after)
    record(actor, "seal.certificate.issue", cert, after=snapshot(cert))
    return cert


def root() -> Certificate | None:
    return Certificate.objects.filter(kind=CertKind.ROOT, status=CertStatus.VALID).order_by("-not_after").first()


def maker() -> Certificate | None:
    return Certificate.objects.filter(kind=CertKind.MAKER, status=CertStatus.VALID).order_by("-not_after").first()


def ensure_ca(actor) -> tuple[Certificate, Certificate]:
    """The root and the maker certificate, made on first use (idempotent, race-safe under a transaction)."""
    with transaction.atomic():
        r = root()
        if r is None:
            r = _issue(actor, kind=CertKind.ROOT, common_name=CITY_CA_NAME, organization="示范市", issuer=None, years=ROOT_YEARS)
        m = maker()
        if m is None:
            m = _issue(actor, kind=CertKind.MAKER, common_name=MAKER_NAME, organization="示范市", issuer=r, years=MAKER_YEARS)
    return r, m


def issue_unit_certificate(actor, department, years: int = 5) -> Certificate:
    r, _ = ensure_ca(actor)
    return _issue(actor, kind=CertKind.UNIT, common_name=department.name, organization=department.name, issuer=r,
                  years=years, department=department)


def issue_person_certificate(actor, user, department, years: int = 3) -> Certificate:
    r, _ = ensure_ca(actor)
    return _issue(actor, kind=CertKind.PERSON, common_name=user.display_name or user.username,
                  organization=department.name, issuer=r, years=years, department=department, user=user)
