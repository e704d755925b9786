"""综合窗口 (the comprehensive window): 前台综合受理、后台分类审批、统一窗口出件.

* ``ServiceHall`` — a government service hall (政务服务大厅) of a division, with its counters.
* ``QueueTicket`` — a queue number taken in the hall (A001 …), called to a counter, served, linked to
  the case it produced. The hall screen shows the latest calls.
* ``Reception`` — one walk-in reception by a front-desk clerk: who came (looked up by ID number or
  unified social credit code), the consent the holder gave to pull registry data and e-licences, and
  the case created on the applicant's behalf.
* ``Consent`` — the holder's time-limited, scoped permission (registry data / e-licences) for this
  reception, recorded with how it was given.
* ``Delivery`` — 出件: a case's result handed out at the unified window (pick-up, checked against the
  recipient) or by post (address sealed, tracking number), with the record of who handed it over.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel
from digigov.core.pii import EncryptedQuerySetMixin, EncryptedTextField


class ServiceHall(VoidableModel):
    name = models.CharField(_("大厅名称"), max_length=100)
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    counters = models.PositiveSmallIntegerField(_("窗口数"), default=8)

    class Meta:
        verbose_name = _("政务服务大厅")
        verbose_name_plural = _("政务服务大厅")

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return None, self.division


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    ABSENT = "absent", _("过号")


class TicketCategory(models.TextChoices):
    GENERAL = "A", _("综合受理")
    ENTERPRISE = "B", _("企业服务")
    PICKUP = "C", _("出件取证")
    CONSULT = "D", _("咨询")


class QueueTicket(PublicModel):
    hall = models.ForeignKey(ServiceHall, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("大厅"))
    day = models.DateField(_("日期"))
    category = models.CharField(_("业务类别"), max_length=1, choices=TicketCategory.choices, default=TicketCategory.GENERAL)
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("排队号"), max_length=8)
    status = models.CharField(_("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    counter = models.PositiveSmallIntegerField(_("窗口号"), null=True, blank=True)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("窗口人员"))
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办件"))

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        constraints = [models.UniqueConstraint(fields=["hall", "day", "category", "seq"], name="window_ticket_uniq")]
        indexes = [models.Index(fields=["hall", "day", "status"], name="window_ticket_day")]

    def __str__(self) -> str:
        return self.number

    def rbac_scope(self):
        return None, self.hall.division


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class Reception(PublicModel):
    hall = models.ForeignKey(ServiceHall, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("大厅"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人员"))
    ticket = models.ForeignKey(QueueTicket, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("排队号"))
    applicant_kind = models.CharField(_("申请人类型"), max_length=16, choices=ApplicantKind.choices)
    person = models.ForeignKey("accounts.NaturalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("自然人"))
    legal_person = models.ForeignKey("accounts.LegalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("法人"))
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办件"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("窗口受理")
        verbose_name_plural = _("窗口受理")

    def __str__(self) -> str:
        return f"{self.hall} 受理"

    def rbac_scope(self):
        return None, self.hall.division


class ConsentMethod(models.TextChoices):
    ID_CARD = "id_card", _("刷身份证并签字确认")
    SMS = "sms", _("短信验证码确认")
    SIGNATURE = "signature", _("手写签名确认")


class Consent(PublicModel):
    reception = models.ForeignKey(Reception, on_delete=models.PROTECT, related_name="consents", verbose_name=_("受理"))
    scope = models.JSONField(_("授权范围"), default=list, help_text=_("registries（基础库数据）/ licences（电子证照）"))
    method = models.CharField(_("确认方式"), max_length=16, choices=ConsentMethod.choices)
    granted_at = models.DateTimeField(_("授权时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据使用授权")
        verbose_name_plural = _("数据使用授权")

    def __str__(self) -> str:
        return f"{self.reception} 授权"


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    POST = "post", _("邮寄送达")


class DeliveryStatus(models.TextChoices):
    WAITING = "waiting", _("待出件")
    READY = "ready", _("已出件待领取")
    POSTED = "posted", _("已寄出")
    HANDED_OUT = "handed_out", _("已领取")
    DELIVERED = "delivered", _("已签收")


class DeliveryQuerySet(EncryptedQuerySetMixin, models.QuerySet):
    pass


class Delivery(PublicModel):
    PII_FIELDS = ("address", "phone")

    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="delivery", verbose_name=_("办件"))
    hall = models.ForeignKey(ServiceHall, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("出件大厅"))
    method = models.CharField(_("出件方式"), max_length=16, choices=DeliveryMethod.choices)
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.WAITING, db_index=True)
    recipient_name = models.CharField(_("领取/收件人"), max_length=64, blank=True)
    address = EncryptedTextField(_("邮寄地址"), max_length=200, blank=True)
    phone = EncryptedTextField(_("联系电话"), max_length=11, blank=True)
    tracking_no = models.CharField(_("邮件单号"), max_length=32, blank=True)
    handed_at = models.DateTimeField(_("出件时间"), null=True, blank=True)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("出件人员"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("统一出件")
        verbose_name_plural = _("统一出件")

    def __str__(self) -> str:
        return f"{self.case.number} 出件"

    def rbac_scope(self):
        return self.case.department, self.case.division
