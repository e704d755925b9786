"""电子印章与电子签章 (GB/T 38540-2020): the city CA, seals, signings and verifications.

The contract between the parts of this app and the apps that sign with it (e-licences, e-bills, 一网通办):

* ``Certificate`` — an X.509 SM2 certificate the city CA (``ca.py``) issued: the root, the seal maker
  (制章者, the city seal-making centre) and one per unit (单位) or staff member (个人) who may sign. The private
  key never leaves the platform: it is kept as PKCS#8 sealed by the key store (purpose ``seal.sm2``, bound to
  the row's fingerprint) and opened only inside ``signing.py``. Revocation is the row's ``status``; a CRL-like
  check is a lookup by ``fingerprint`` (SM3 of the DER).
* ``SealApplication`` — 印章申请: a unit applies for a seal (type, name, holders allowed to sign), the seal
  authority (公安/城市 seal admin) approves or rejects, and approval makes the seal (``Seal``), all audited.
  Re-issue is an application with ``replaces`` set.
* ``Seal`` — a made seal: its GB/T 38540 DER ``SESeal`` (``der``, signed by the maker), its PNG image, the
  certificates in its certList (``signers``), validity, status (active / suspended / revoked). ``code`` is the
  esID printed on documents and used on the command line (``seal_sign --seal CODE``).
* ``Signing`` — 签章记录: one per signed document (detached, PDF or OFD): document SM3, seal, signer, time,
  reason, the DER ``SES_Signature``; ``token`` is the random key the QR code printed on a signed page opens
  (``/verify/s/<token>/``). Signings are counted on the seal (``sign_count``).
* ``Verification`` — 验章记录: one per verification (public page, API, scan): outcome and the failed checks,
  counted on the seal (``verify_count``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel


class CertKind(models.TextChoices):
    ROOT = "root", _("根证书")
    MAKER = "maker", _("制章者证书")
    UNIT = "unit", _("单位证书")
    PERSON = "person", _("个人证书")


class CertStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已吊销")


class Certificate(PublicModel):
    kind = models.CharField(_("证书类型"), max_length=8, choices=CertKind.choices)
    subject = models.CharField(_("证书主体"), max_length=200)
    serial = models.CharField(_("序列号"), max_length=40)
    fingerprint = models.CharField(_("证书指纹（SM3）"), max_length=64, unique=True)
    der = models.BinaryField(_("证书（DER）"))
    private_sealed = models.BinaryField(_("私钥密文"), null=True, blank=True, editable=False)
    issuer = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发者"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("持有人"))
    not_before = models.DateTimeField(_("生效时间"))
    not_after = models.DateTimeField(_("失效时间"))
    status = models.CharField(_("状态"), max_length=8, choices=CertStatus.choices, default=CertStatus.VALID)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("数字证书")
        verbose_name_plural = _("数字证书")
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    def rbac_scope(self):
        return self.department, None

    def valid_at(self, when) -> bool:
        return self.status == CertStatus.VALID and self.not_before <= when <= self.not_after


class SealType(models.IntegerChoices):
    """GB/T 38540 leaves ``type`` to the application; these are the city's five kinds."""

    OFFICIAL = 1, _("公章")
    BUSINESS = 2, _("业务专用章")
    CONTRACT = 3, _("合同专用章")
    LEGAL_REP = 4, _("法人章")
    PERSONAL = 5, _("个人签名章")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准并制作")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class SealApplication(PublicModel):
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请单位"))
    seal_type = models.PositiveSmallIntegerField(_("印章类型"), choices=SealType.choices)
    name = models.CharField(_("印章名称"), max_length=64)
    holders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("授权签章人"))
    valid_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=5)
    reason = models.CharField(_("申请事由"), max_length=200)
    replaces = models.ForeignKey("Seal", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("重新制作所替换的印章"))
    status = models.CharField(_("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    opinion = models.CharField(_("审批意见"), max_length=200, blank=True)
    seal = models.OneToOneField("Seal", null=True, blank=True, on_delete=models.PROTECT, related_name="application", verbose_name=_("制作的印章"))

    class Meta:
        verbose_name = _("印章申请")
        verbose_name_plural = _("印章申请")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"印章申请：{self.name}"

    def rbac_scope(self):
        return self.department, None


class SealStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已注销")


class Seal(PublicModel):
    code = models.CharField(_("印章编码"), max_length=32, unique=True, help_text=_("GB/T 38540 印章标识 esID"))
    name = models.CharField(_("印章名称"), max_length=64)
    seal_type = models.PositiveSmallIntegerField(_("印章类型"), choices=SealType.choices)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位"))
    maker_cert = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+", verbose_name=_("制章者证书"))
    signers = models.ManyToManyField(Certificate, related_name="seals", verbose_name=_("签章人证书"))
    image_png = models.BinaryField(_("印章图像（PNG）"))
    width_mm = models.PositiveSmallIntegerField(_("宽度（毫米）"), default=42)
    height_mm = models.PositiveSmallIntegerField(_("高度（毫米）"), default=42)
    der = models.BinaryField(_("电子印章（DER）"))
    valid_start = models.DateTimeField(_("有效期起"))
    valid_end = models.DateTimeField(_("有效期止"))
    status = models.CharField(_("状态"), max_length=12, choices=SealStatus.choices, default=SealStatus.ACTIVE)
    status_reason = models.CharField(_("状态说明"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by", verbose_name=_("替换的印章"))
    sign_count = models.BigIntegerField(_("签章次数"), default=0)
    verify_count = models.BigIntegerField(_("验章次数"), default=0)

    class Meta:
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, None

    def usable_at(self, when) -> bool:
        return self.status == SealStatus.ACTIVE and self.valid_start <= when <= self.valid_end


class SigningKind(models.TextChoices):
    DETACHED = "detached", _("独立签名")
    PDF = "pdf", _("PDF 签章")
    OFD = "ofd", _("OFD 签章")


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Signing(PublicModel):
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="signings", verbose_name=_("印章"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签章人"))
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+", verbose_name=_("签章人证书"))
    kind = models.CharField(_("签章方式"), max_length=10, choices=SigningKind.choices)
    document_name = models.CharField(_("文件名"), max_length=200)
    document_sm3 = models.CharField(_("原文杂凑值（SM3）"), max_length=64, db_index=True)
    signature = models.BinaryField(_("电子签章（DER）"))
    signed_at = models.DateTimeField(_("签章时间"), default=timezone.now)
    reason = models.CharField(_("签章事由"), max_length=200)
    batch = models.CharField(_("批次"), max_length=32, blank=True, db_index=True)
    token = models.CharField(_("验证码"), max_length=32, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("签章记录")
        verbose_name_plural = _("签章记录")
        indexes = [models.Index(fields=["seal", "-signed_at"])]

    def __str__(self) -> str:
        return f"签章：{self.document_name}"

    def rbac_scope(self):
        return self.seal.department, None


class VerifyChannel(models.TextChoices):
    PAGE = "page", _("验章页面")
    API = "api", _("接口")
    SCAN = "scan", _("扫码")
    CLI = "cli", _("命令行")


class Verification(models.Model):
    seal = models.ForeignKey(Seal, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("印章"))
    signing = models.ForeignKey(Signing, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("签章记录"))
    channel = models.CharField(_("验证渠道"), max_length=8, choices=VerifyChannel.choices)
    kind = models.CharField(_("文件类型"), max_length=10, choices=SigningKind.choices, blank=True)
    valid = models.BooleanField(_("验证通过"))
    failed_checks = models.CharField(_("未通过的检查"), max_length=300, blank=True)
    at = models.DateTimeField(_("验证时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("验章记录")
        verbose_name_plural = _("验章记录")

    def __str__(self) -> str:
        return f"验章：{'通过' if self.valid else '未通过'}"
