"""分类分级 proposals and the confirmed changes they lead to.

The confirmed levels live on ``catalog.CatalogEntry`` / ``catalog.DataItem`` (``level``, ``personal``).
A department data admin files a ``LevelProposal`` for an entry or one of its items (several at once form
one ``batch``); the data authority confirms it (the levels are written onto the entry/item, one
``LevelChange`` per object changed) or rejects it with a reason. ``LevelChange`` is the grading history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel
from digigov.data.catalog.models import DataLevel, PersonalKind


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ProposalSource(models.TextChoices):
    MANUAL = "manual", _("人工提出")
    SUGGESTED = "suggested", _("采纳自动建议")


class LevelProposal(PublicModel):
    """A proposed level for an entry (``item`` empty) or one of its data items."""

    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="level_proposals", verbose_name=_("目录条目"))
    item = models.ForeignKey("catalog.DataItem", null=True, blank=True, on_delete=models.CASCADE, related_name="level_proposals", verbose_name=_("信息项"))
    batch = models.CharField(_("批次"), max_length=22, db_index=True, help_text=_("一次提交的多条建议共用一个批次号"))
    current_level = models.PositiveSmallIntegerField(_("原数据级别"), choices=DataLevel.choices)
    current_personal = models.PositiveSmallIntegerField(_("原个人信息类别"), choices=PersonalKind.choices)
    level = models.PositiveSmallIntegerField(_("建议数据级别"), choices=DataLevel.choices)
    personal = models.PositiveSmallIntegerField(_("建议个人信息类别"), choices=PersonalKind.choices)
    reason = models.CharField(_("理由"), max_length=500)
    basis = models.CharField(_("依据"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=ProposalSource.choices, default=ProposalSource.MANUAL)
    status = models.CharField(_("状态"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("分级建议")
        verbose_name_plural = _("分级建议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"]), models.Index(fields=["entry", "status"])]

    def __str__(self) -> str:
        target = self.item.name if self.item_id else self.entry.name
        return f"{target}：{self.get_level_display()}／{self.get_personal_display()}"

    @property
    def target_name(self) -> str:
        return f"{self.entry.name} · {self.item.name}" if self.item_id else self.entry.name

    def rbac_scope(self):
        return self.entry.rbac_scope()


class LevelChange(models.Model):
    """One confirmed change of an entry's or item's levels: the grading history."""

    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="level_changes", verbose_name=_("目录条目"))
    item = models.ForeignKey("catalog.DataItem", null=True, blank=True, on_delete=models.CASCADE, related_name="level_changes", verbose_name=_("信息项"))
    proposal = models.ForeignKey(LevelProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="changes", verbose_name=_("分级建议"))
    level_before = models.PositiveSmallIntegerField(_("原数据级别"), choices=DataLevel.choices)
    level_after = models.PositiveSmallIntegerField(_("新数据级别"), choices=DataLevel.choices)
    personal_before = models.PositiveSmallIntegerField(_("原个人信息类别"), choices=PersonalKind.choices)
    personal_after = models.PositiveSmallIntegerField(_("新个人信息类别"), choices=PersonalKind.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分级变更记录")
        verbose_name_plural = _("分级变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["entry", "-at"])]

    def __str__(self) -> str:
        target = self.item.name if self.item_id else self.entry.name
        return f"{target}：{self.get_level_before_display()}→{self.get_level_after_display()}"

    @property
    def target_name(self) -> str:
        return f"{self.entry.name} · {self.item.name}" if self.item_id else self.entry.name

    def rbac_scope(self):
        return self.entry.rbac_scope()
