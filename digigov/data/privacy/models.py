"""隐私计算 · differential privacy: the owning department's policy per catalog entry, and the ε each calling
app spends on it per day.

* ``PrivacyPolicy`` — per entry: the daily ε budget every app gets (default 1.0), the largest ε one query
  may spend, the threshold under which a noisy group count is suppressed, and the declared clamping bounds
  of each numeric item a sum may use (the sum's sensitivity is the larger absolute bound).
* ``PrivacySpend`` — app × entry × day: ε spent, in millionths (integers: spent exactly, never drifting),
  raised by one conditional UPDATE that refuses to pass the budget (never overdrawn under concurrency).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel

MICRO = 1_000_000


class PrivacyPolicy(PublicModel):
    entry = models.OneToOneField("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="privacy_policy", verbose_name=_("目录条目"))
    daily_epsilon = models.DecimalField(_("每日隐私预算 ε"), max_digits=6, decimal_places=3, default=Decimal("1.000"),
                                        help_text=_("每个调用应用每天在该资源上可花费的 ε 总额"))
    max_query_epsilon = models.DecimalField(_("单次查询 ε 上限"), max_digits=6, decimal_places=3, default=Decimal("0.500"))
    min_group_count = models.PositiveIntegerField(_("小组抑制阈值"), default=5, help_text=_("加噪计数低于该值的分组不给出结果"))
    bounds = models.JSONField(_("数值信息项取值范围"), default=dict, blank=True, help_text=_("字段名 → [下限, 上限]；求和前截断到该范围"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("设置人"))

    class Meta:
        verbose_name = _("差分隐私策略")
        verbose_name_plural = _("差分隐私策略")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return str(self.entry)

    def rbac_scope(self):
        return self.entry.rbac_scope()


class PrivacySpend(models.Model):
    app = models.ForeignKey("sharing.ConsumerApp", on_delete=models.PROTECT, related_name="+", verbose_name=_("调用应用"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("目录条目"))
    day = models.DateField(_("日期"))
    spent_micro = models.BigIntegerField(_("已花费 ε（百万分之一）"), default=0)
    queries = models.PositiveIntegerField(_("查询次数"), default=0)

    class Meta:
        verbose_name = _("隐私预算使用")
        verbose_name_plural = _("隐私预算使用")
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["app", "entry", "day"], name="privacy_spend_unique")]

    def __str__(self) -> str:
        return f"{self.app_id}·{self.entry_id}·{self.day}"

    @property
    def spent(self) -> Decimal:
        return Decimal(self.spent_micro) / MICRO
