from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KpiDefinition(models.Model):
    code = models.CharField(_("编号"), max_length=8, primary_key=True)
    seq = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("类别"), max_length=16)
    name = models.CharField(_("主要指标"), max_length=64)
    definition = models.CharField(_("指标释义"), max_length=200)
    baseline_2022 = models.CharField(_("2022年"), max_length=16)
    target_2025 = models.CharField(_("2025年"), max_length=16)
    nature = models.CharField(_("属性"), max_length=8)
    system = models.CharField(_("数据来源系统"), max_length=32)

    class Meta:
        verbose_name = _("主要指标")
        verbose_name_plural = _("主要指标（表1）")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}"


class KpiSnapshot(models.Model):
    """One computation of one KPI: the value, the breakdown for drill-down, and how long it took."""

    kpi = models.ForeignKey(KpiDefinition, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("指标"))
    computed_at = models.DateTimeField(_("计算时间"), db_index=True)
    value = models.FloatField(_("值"), null=True)
    numerator = models.FloatField(_("分子"), null=True)
    denominator = models.FloatField(_("分母"), null=True)
    unit = models.CharField(_("单位"), max_length=8, default="%")
    breakdown = models.JSONField(_("分解"), default=dict)
    duration_ms = models.FloatField(_("耗时(毫秒)"))

    class Meta:
        verbose_name = _("指标计算结果")
        verbose_name_plural = _("指标计算结果")
        indexes = [models.Index(fields=["kpi", "-computed_at"])]

    def __str__(self) -> str:  # the admin showed "KpiSnapshot object (2)"
        from django.utils import timezone

        return f"{self.kpi.name}（{timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}）"
