"""电子证照 (GB/T 36901-36905): licence types, issued licences with their history, the holder's wallet,
one-time use grants and the use log.

The contract between the parts of this app and its callers:

* ``LicenceType`` — 证照类型 (身份证明, 结婚证, 营业执照 …): the issuing department, who holds it (person /
  enterprise), its field template (``fields``: list of ``{key, label, type, required}``), its page layout
  (``layout``: page size and positioned elements, in mm, the OFD/PDF renderer's input), validity.
  ``is_licensing``: the type is the result of a 行政许可 (licensing) item.
* ``Licence`` — one issued licence: ``identifier`` is the GB/T 36903 证照标识 (unique), ``number`` the
  printed 证照编号; holder (kind + sealed code + blind index + name); the field values (sealed);
  the OFD file (GB/T 33190, signed inside the container by the issuing unit's seal) and a sealed PDF rendering;
  status and validity. A change or re-issue makes a NEW row with ``previous`` pointing at the old one, whose
  status becomes ``superseded``; ``LicenceEvent`` keeps the history. Issuance also writes the e-licence index
  (``data.registries.actions.index_licence``) with ``source_ref`` = ``public_id``.
* ``ItemLicencePolicy`` — per service item (today a workflow ``ProcessDefinition``; the 一网通办 catalog links
  its items to it): whether it is a licensing item and which licence types it accepts instead of paper.
* ``UseGrant`` — the holder's one-time, time-limited grant of one licence to a department / window / item.
  The token is shown once; only its SM3 is stored. Using it sets ``used_at`` (a second use is refused).
* ``LicenceUse`` — the use log (用证记录): who used which licence, for which item and department, through which
  channel (grant, 亮证 scan, window with consent, data sharing); visible to the holder; the KPI 电子证照用证率
  counts licensing items with at least one use.
* ``PresentToken`` — 亮证: a short-lived QR token a holder shows on a phone; scanning it once by staff
  records a ``LicenceUse``; replay and expiry are refused.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel
from digigov.core.pii import BlindIndexField, EncryptedJSONField, EncryptedQuerySetMixin, EncryptedTextField


class HolderKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人和其他组织")


class LicenceType(PublicModel):
    code = models.CharField(_("证照类型代码"), max_length=32, unique=True)
    name = models.CharField(_("证照名称"), max_length=64)
    holder_kind = models.CharField(_("持证主体类型"), max_length=12, choices=HolderKind.choices)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("发证部门"))
    fields = models.JSONField(_("字段模板"), default=list)
    layout = models.JSONField(_("版式"), default=dict)
    valid_years = models.PositiveSmallIntegerField(_("有效期（年）"), null=True, blank=True, help_text=_("空表示长期有效"))
    is_licensing = models.BooleanField(_("行政许可证照"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, None


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已注销")
    SUPERSEDED = "superseded", _("已变更（被新证替代）")


class LicenceSource(models.TextChoices):
    APPROVAL = "approval", _("审批结果")
    BATCH = "batch", _("批量导入")
    MIGRATION = "migration", _("纸质证照转换")


class LicenceQuerySet(EncryptedQuerySetMixin, models.QuerySet):
    pass


class Licence(PublicModel):
    PII_FIELDS = ("holder_code", "data")

    identifier = models.CharField(_("证照标识"), max_length=64, unique=True)
    number = models.CharField(_("证照编号"), max_length=64)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences", verbose_name=_("证照类型"))
    holder_kind = models.CharField(_("持证主体类型"), max_length=12, choices=HolderKind.choices)
    holder_code = EncryptedTextField(_("持证主体代码"), max_length=18)
    holder_code_bidx = BlindIndexField(_("持证主体代码盲索引"), source="holder_code")
    holder_name = models.CharField(_("持证主体名称"), max_length=100)
    data = EncryptedJSONField(_("证照信息"), default=dict)
    issuer = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("发证部门"))
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.VALID)
    status_reason = models.CharField(_("状态说明"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=LicenceSource.choices)
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办件"))
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next", verbose_name=_("变更前证照"))
    ofd = models.BinaryField(_("OFD 文件"), editable=False)
    pdf = models.BinaryField(_("PDF 文件"), editable=False)
    seal = models.ForeignKey("seal.Seal", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("签章印章"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        indexes = [models.Index(fields=["holder_code_bidx", "status"]), models.Index(fields=["licence_type", "number"]),
                   models.Index(fields=["issuer", "-issued_on"])]

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.number}" if self.licence_type_id else self.number

    def rbac_scope(self):
        return self.issuer, None


class LicenceEventKind(models.TextChoices):
    ISSUE = "issue", _("签发")
    CHANGE = "change", _("变更")
    REISSUE = "reissue", _("补发")
    REVOKE = "revoke", _("注销")
    EXPIRE = "expire", _("到期")


class LicenceEvent(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events", verbose_name=_("证照"))
    kind = models.CharField(_("事件"), max_length=8, choices=LicenceEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证照事件")
        verbose_name_plural = _("证照事件")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.licence}"


class ItemLicencePolicy(models.Model):
    process = models.OneToOneField("workflow.ProcessDefinition", on_delete=models.CASCADE, related_name="licence_policy", verbose_name=_("事项"))
    is_licensing = models.BooleanField(_("行政许可事项"), default=False)
    accepted_types = models.ManyToManyField(LicenceType, blank=True, related_name="+", verbose_name=_("可用电子证照代替纸质材料的证照类型"))

    class Meta:
        verbose_name = _("事项用证设置")
        verbose_name_plural = _("事项用证设置")

    def __str__(self) -> str:
        return f"用证设置：{self.process}"

    def rbac_scope(self):
        return self.process.department, None


class GranteeKind(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    WINDOW = "window", _("窗口")
    SERVICE = "service", _("服务事项")


class UseGrant(PublicModel):
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="grants", verbose_name=_("证照"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("授权人"))
    grantee_kind = models.CharField(_("被授权方类型"), max_length=12, choices=GranteeKind.choices)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("被授权部门"))
    process = models.ForeignKey("workflow.ProcessDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("事项"))
    hall = models.ForeignKey("window.ServiceHall", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("被授权窗口"))
    purpose = models.CharField(_("用途"), max_length=200)
    token_sm3 = models.CharField(_("授权码杂凑"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用证授权")
        verbose_name_plural = _("用证授权")

    def __str__(self) -> str:
        return f"用证授权：{self.licence}"

    def rbac_scope(self):
        """Who may redeem it: staff reaching the granted department; for a window grant, staff of the hall's
        division (window clerks hold division-scoped grants); for an item, the item's department (or, for the
        comprehensive window's division-scoped clerks, that department's division)."""
        if self.grantee_kind == GranteeKind.WINDOW and self.hall_id:
            return None, self.hall.division
        if self.grantee_kind == GranteeKind.SERVICE and self.process_id:
            dept = self.process.department
            return dept, dept.division if dept else None
        return self.department, None


class UseChannel(models.TextChoices):
    GRANT = "grant", _("持证人授权")
    PRESENT = "present", _("亮证扫码")
    WINDOW = "window", _("窗口调取")
    SHARING = "sharing", _("数据共享")


class LicenceUse(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="uses", verbose_name=_("证照"))
    channel = models.CharField(_("用证方式"), max_length=8, choices=UseChannel.choices)
    grant = models.OneToOneField(UseGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="use", verbose_name=_("授权"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("用证人"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("用证部门"))
    process = models.ForeignKey("workflow.ProcessDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("事项"))
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办件"))
    purpose = models.CharField(_("用途"), max_length=200)
    at = models.DateTimeField(_("用证时间"), default=timezone.now)

    class Meta:
        verbose_name = _("用证记录")
        verbose_name_plural = _("用证记录")
        indexes = [models.Index(fields=["licence", "-at"]), models.Index(fields=["process", "at"]), models.Index(fields=["department", "at"])]

    def __str__(self) -> str:
        return f"用证：{self.licence}"

    def rbac_scope(self):
        return self.department, None


class PresentToken(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="+", verbose_name=_("证照"))
    nonce = models.CharField(_("随机数"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    scanned_at = models.DateTimeField(_("扫码时间"), null=True, blank=True)
    scanned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("扫码人"))

    class Meta:
        verbose_name = _("亮证码")
        verbose_name_plural = _("亮证码")

    def __str__(self) -> str:
        return f"亮证码：{self.licence}"
