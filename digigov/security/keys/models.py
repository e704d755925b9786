"""Data keys, stored only wrapped (encrypted) under the master key, which is never in the database.

One row per key version of a purpose (``pii.id_number``, ``pii.blind_index``, ``oidc.signing`` …). The
newest version of a purpose is the active one: new data is encrypted under it; older versions stay to
read data written before a rotation until a re-encryption pass has moved that data forward.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KeyState(models.TextChoices):
    ACTIVE = "active", _("使用中")
    RETIRED = "retired", _("已轮换（仅解密）")


class DataKey(models.Model):
    purpose = models.CharField(_("用途"), max_length=64)
    version = models.PositiveIntegerField(_("版本"))
    algorithm = models.CharField(_("算法"), max_length=16, default="SM4")
    length = models.PositiveSmallIntegerField(_("长度（字节）"), default=16)
    wrapped = models.BinaryField(_("密钥密文"))
    master_key_id = models.CharField(_("主密钥标识"), max_length=32)
    state = models.CharField(_("状态"), max_length=16, choices=KeyState.choices, default=KeyState.ACTIVE)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    retired_at = models.DateTimeField(_("轮换时间"), null=True, blank=True)
    use_count = models.BigIntegerField(_("使用次数"), default=0)

    class Meta:
        verbose_name = _("数据密钥")
        verbose_name_plural = _("数据密钥")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="keys_datakey_purpose_version"),
            models.UniqueConstraint(fields=["purpose"], condition=models.Q(state="active"), name="keys_one_active_per_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version}"


class ReencryptionState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    INCOMPLETE = "incomplete", _("未完成（仍有旧版本密文）")
    FAILED = "failed", _("失败")


class Reencryption(models.Model):
    """One pass moving every encrypted column of a purpose onto its active key version, with its progress
    (shown as a progress bar on the key page while a worker runs it)."""

    purpose = models.CharField(_("密钥用途"), max_length=64)
    target_version = models.PositiveIntegerField(_("目标版本"))
    state = models.CharField(_("状态"), max_length=16, choices=ReencryptionState.choices, default=ReencryptionState.QUEUED)
    total = models.BigIntegerField(_("待处理字段数"), default=0)
    done = models.BigIntegerField(_("已处理字段数"), default=0)
    moved = models.BigIntegerField(_("已重新加密"), default=0)
    left_behind = models.BigIntegerField(_("复核时仍为旧版本"), default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("重新加密任务")
        verbose_name_plural = _("重新加密任务")
        constraints = [models.UniqueConstraint(fields=["purpose"], condition=models.Q(state__in=["queued", "running"]),
                                               name="keys_one_reencryption_running_per_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} → v{self.target_version}"

    @property
    def percent(self) -> int:
        if self.state == ReencryptionState.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def running(self) -> bool:
        return self.state in (ReencryptionState.QUEUED, ReencryptionState.RUNNING)
