"""Append-only audit log, chained with HMAC-SM3 under a key the database does not hold.

``hash = HMAC-SM3(audit key, prev_hash ‖ canonical JSON of the entry)``; ``seq`` is dense and assigned
under the lock on ``ChainHead``, so deleting, inserting or editing any row breaks the chain at that
row, and without the key nobody can recompute it. Signed checkpoints of the head outside the database
(``checkpoints.py``) catch a deleted tail with a rewound head.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, db_index=True)
    actor = models.CharField(_("操作人"), max_length=64, db_index=True)
    role = models.CharField(_("角色"), max_length=32, blank=True)
    channel = models.CharField(_("渠道"), max_length=16)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # canonical JSON text, stored as text: the hash covers these exact bytes, and no database may
    # rewrite them (PostgreSQL jsonb would renormalise numbers and key order)
    before_json = models.TextField(_("变更前"), blank=True, default="")
    after_json = models.TextField(_("变更后"), blank=True, default="")
    ip = models.CharField(_("IP"), max_length=45, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=32, blank=True, db_index=True)
    prev_hash = models.CharField(_("前序摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action}"

    @property
    def before(self):
        return json.loads(self.before_json) if self.before_json else None

    @property
    def after(self):
        return json.loads(self.after_json) if self.after_json else None

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计记录只可追加，不可修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")


class ChainHead(models.Model):
    """Single row: the last sequence number and hash; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")


class AuditVerification(models.Model):
    """One run of ``verify_chain``: who asked, when, and what it found. The audit page shows the newest."""

    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    ok = models.BooleanField(_("链完整"), null=True)  # None while running
    checked = models.BigIntegerField(_("已校验记录数"), default=0)
    checkpoints = models.IntegerField(_("已比对检查点数"), default=0)
    first_bad_seq = models.BigIntegerField(_("第一条异常记录序号"), null=True, blank=True)
    reason = models.CharField(_("异常原因"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )

    class Meta:
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"审计链校验 #{self.pk}"

    @property
    def running(self) -> bool:
        return self.finished_at is None
