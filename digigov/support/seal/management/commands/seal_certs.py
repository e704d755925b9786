"""``manage.py seal_certs --out DIR``: the city CA's public certificates, for verifiers outside the platform.

Writes ``root.pem`` (the trust anchor), ``maker.pem`` (the seal maker, which signs every SESeal) and
``signers/<fingerprint>.pem`` for every valid unit and person certificate; ``--der`` writes DER instead.
Only public certificates leave: private keys stay sealed in the key store.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import pem
from django.core.management.base import BaseCommand, CommandError

from digigov.support.seal import ca
from digigov.support.seal.models import CertKind, Certificate, CertStatus


def _write(path: Path, der: bytes, as_der: bool) -> None:
    path.write_bytes(der if as_der else pem.armor("CERTIFICATE", der))


class Command(BaseCommand):
    help = "导出电子印章 CA 的根证书、制章者证书和签章人证书（仅公钥证书）"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--der", action="store_true", help="写 DER（默认 PEM）")

    def handle(self, *args, out, der=False, **options):
        root, maker = ca.root(), ca.maker()
        if root is None or maker is None:
            raise CommandError("电子印章 CA 尚未建立（制作第一枚印章时自动建立）")
        ext = "der" if der else "pem"
        base = Path(out)
        (base / "signers").mkdir(parents=True, exist_ok=True)
        _write(base / f"root.{ext}", bytes(root.der), der)
        _write(base / f"maker.{ext}", bytes(maker.der), der)
        n = 0
        for cert in Certificate.objects.filter(kind__in=[CertKind.UNIT, CertKind.PERSON], status=CertStatus.VALID).iterator():
            _write(base / "signers" / f"{cert.fingerprint}.{ext}", bytes(cert.der), der)
            n += 1
        self.stdout.write(f"已导出：根证书、制章者证书和 {n} 张签章人证书 → {base}")
