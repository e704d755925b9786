"""``manage.py seal_sign --seal CODE --file DOC --out SIG.der``: a detached GB/T 38540 SES_Signature over a file.

Signs the file's SM3 through the signing service as the platform's system account (so the seal must carry its
unit certificate: 公章, 业务/合同专用章), writes a ``Signing`` record like any other signing, and writes the DER
to ``--out``. Independent verifiers check it with the certificates ``manage.py seal_certs`` writes.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digigov.core.errors import DigiGovError
from digigov.core.rbac.system import system_account
from digigov.support.seal import ses, signing
from digigov.support.seal.models import Seal, SigningKind

MAX_FILE = 2 * 1024**3


class Command(BaseCommand):
    help = "用电子印章对文件做独立签名（GB/T 38540 SES_Signature，DER）"

    def add_arguments(self, parser):
        parser.add_argument("--seal", required=True, help="印章编码（esID）")
        parser.add_argument("--file", required=True, help="待签文件")
        parser.add_argument("--out", required=True, help="签名输出文件（DER）")
        parser.add_argument("--reason", default="命令行签章", help="签章事由")

    def handle(self, *args, seal, file, out, reason, **options):
        obj = Seal.objects.select_related("department").filter(code=seal.strip()).first()
        if obj is None:
            raise CommandError(f"印章不存在：{seal}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if path.stat().st_size > MAX_FILE:
            raise CommandError("文件超过 2 GB")
        digest = _sm3_file(path)
        try:
            signed = signing.sign_digest(system_account(), obj, digest, kind=SigningKind.DETACHED, document_name=path.name,
                                         reason=reason, property_info=None)
        except DigiGovError as exc:
            raise CommandError(exc.message) from None
        Path(out).write_bytes(signed.der)
        self.stdout.write(f"已签章：{obj.code}\t{path.name}\tSM3 {digest.hex()}\t记录 {signed.signing.public_id}\t→ {out}")


def _sm3_file(path: Path) -> bytes:
    data = path.read_bytes()
    return ses.document_hash(data)
