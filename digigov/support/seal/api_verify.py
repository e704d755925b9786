"""验章 API at /api/v1/verify/ — public like the page (no login; rate-limited per address):

* ``POST /api/v1/verify/`` (multipart: ``file`` = signed PDF/OFD or the original file, optional
  ``signature`` = detached DER SES_Signature) → the verdict and the ordered checks of every signature;
* ``GET /api/v1/verify/{token}`` → the same for the signing record a QR code names.
"""

from __future__ import annotations

from datetime import datetime

from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from digigov.core.api import errors, public
from digigov.core.errors import ValidationFailed

from . import verify
from .models import VerifyChannel
from .views_verify import check_rate

router = Router(tags=["support.seal 电子签章验证"])


class SealCheckOut(Schema):
    label: str = Field(description="检查项（中文），依次为：" + "、".join(verify.LABELS))
    ok: bool
    detail: str = Field(description="说明（中文）")


class SealSignatureOut(Schema):
    valid: bool
    seal_name: str = Field(description="印章名称")
    seal_code: str = Field(description="印章编码（esID）")
    unit: str = Field(description="所属单位；印章未在本市登记时为空")
    signer: str = Field(description="签章人")
    signed_at: datetime | None = Field(description="签章时间")
    reason: str = Field(description="签章事由（本平台签章记录中有时）")
    checks: list[SealCheckOut]


class SealVerifyOut(Schema):
    valid: bool = Field(description="全部签章的全部检查都通过")
    kind: str = Field(description="detached 独立签名 | pdf | ofd")
    kind_label: str
    signatures: list[SealSignatureOut]


def result_out(result: verify.Result) -> dict:
    return {"valid": result.valid, "kind": str(result.kind), "kind_label": str(result.kind_label), "signatures": [
        {"valid": r.valid, "seal_name": r.seal_name, "seal_code": r.seal_code, "unit": r.unit, "signer": r.signer,
         "signed_at": r.signed_at, "reason": r.reason,
         "checks": [{"label": c.label, "ok": c.ok, "detail": c.detail} for c in r.checks]}
        for r in result.reports]}


@router.post("/", response=SealVerifyOut, auth=None,
             summary="验证签章文件（multipart：file 已签章的 PDF/OFD 或原文件，signature 独立签名 .der，可选；不超过 20 MB）")
@public
@errors(without=(409,))
def verify_file(request, file: UploadedFile | None = File(None, description="已签章的 PDF/OFD，或独立签名对应的原文件"),
                signature: UploadedFile | None = File(None, description="独立签名文件（DER 编码的 GB/T 38540 电子签章）")):
    check_rate(request)
    if file is None:
        raise ValidationFailed("请上传要核验的文件", code="file_required", detail={"field": "file"})
    data = file.read(verify.MAX_BYTES + 1)
    sig = signature.read(verify.MAX_SIGNATURE_BYTES + 1) if signature is not None else None
    return result_out(verify.verify_document(data, signature=sig or None, channel=VerifyChannel.API))


@router.get("/{token}", response=SealVerifyOut, auth=None, summary="按签章二维码中的验证码核验签章记录")
@public
def verify_token(request, token: str):
    check_rate(request)
    return result_out(verify.verify_token(token[:64], channel=VerifyChannel.API))
