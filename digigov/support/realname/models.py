"""Real-name verification (实名认证): one-time codes and the record of each verification done.

The account's level itself is ``accounts.User.realname_level`` (the highest level ever verified); the level of
the current login lives in the session (``selectors.session_level``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CodeChannel(models.TextChoices):
    SMS = "sms", _("短信验证码")
    EMAIL = "email", _("邮件验证码")


class Method(models.TextChoices):
    SMS = "sms", _("短信验证码")
    EMAIL = "email", _("邮件验证码")
    FACE = "face", _("人脸核验")


class OneTimeCode(models.Model):
    """One code sent to one destination. Neither the code nor the destination is stored in clear: both only as
    HMAC-SM3 under ``DIGIGOV_OTP_KEY`` (the destination's hash counts the daily cap; the code's is salted
    with ``nonce``). Only the newest code of an account and channel counts: a new one closes the older ones."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("账户"))
    channel = models.CharField(_("方式"), max_length=8, choices=CodeChannel.choices)
    destination_hash = models.CharField(_("接收方摘要"), max_length=64)
    destination_masked = models.CharField(_("接收方（脱敏）"), max_length=80)
    nonce = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(_("请求地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")
        indexes = [
            models.Index(fields=["user", "channel", "created_at"]),
            models.Index(fields=["destination_hash", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.destination_masked}"


class Verification(models.Model):
    """One successful verification: what the "我的实名认证" page lists and what raised the account's level."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("账户"))
    level = models.PositiveSmallIntegerField(_("实名等级"))
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    destination_masked = models.CharField(_("手机/邮箱（脱敏）"), max_length=80, blank=True)
    verifier = models.CharField(_("核验器"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("实名认证记录")
        verbose_name_plural = _("实名认证记录")
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_method_display()}"
