"""站内消息 (in-site messages): the notice every user always gets, whatever else is configured.

Each task or status change that concerns a user (an applicant's case moved, a clerk got a task, a
deadline turned yellow) becomes one ``InboxMessage``; when the user has a phone or an e-mail address and
the platform has an SMS gateway or SMTP configured, the same notice also goes out through the senders
in ``digigov.core.notify.senders`` (``Delivery`` rows record each attempt, recipient masked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboxMessage(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inbox", verbose_name=_("收件人"))
    topic = models.CharField(_("类别"), max_length=32, help_text=_("如 任务、办件进度、时限预警"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notify_inbox_unread")]

    def __str__(self) -> str:
        return self.title


class DeliveryChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class Delivery(models.Model):
    message = models.ForeignKey(InboxMessage, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("消息"))
    channel = models.CharField(_("渠道"), max_length=8, choices=DeliveryChannel.choices)
    to_masked = models.CharField(_("收件地址（脱敏）"), max_length=100)
    ok = models.BooleanField(_("发送成功"), default=False)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消息外发记录")
        verbose_name_plural = _("消息外发记录")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.to_masked}"
