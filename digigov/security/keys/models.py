"""Data keys, stored only wrapped (encrypted) under the master key, which is never in the database.

One row per key version of a purpose (``pii.id_number``, ``pii.blind_index``, ``oidc.signing`` …). The
newest version of a purpose is the active one: new data is encrypted under it; older versions stay to
read data written before a rotation until a re-encryption pass has moved that data forward.
"""

from __future__ import annotations

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
