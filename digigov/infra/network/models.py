"""电子政务外网: access points at the four division levels and the budget units they connect.

Every write goes through ``actions.py``. Records are voided, never deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import VoidableModel
from digigov.core.org.models import DivisionLevel


class AccessStatus(models.TextChoices):
    CONNECTED = "connected", _("已接入")
    PLANNED = "planned", _("规划中")
    DOWN = "down", _("中断")


class AccessPoint(VoidableModel):
    """One 外网接入点: in a division (any level), optionally serving one budget unit."""

    name = models.CharField(_("名称"), max_length=100)
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="access_points", verbose_name=_("所在区划"))
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="access_points", verbose_name=_("接入单位"),
        help_text=_("该接入点服务的财政预算单位；区划级公共接入点留空"),
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=DivisionLevel.choices, db_index=True, editable=False,
                                             help_text=_("由所在区划自动得出"))
    bandwidth_mbps = models.PositiveIntegerField(_("带宽（Mbps）"))
    ipv6_ready = models.BooleanField(_("已完成IPv6改造"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=AccessStatus.choices, default=AccessStatus.PLANNED, db_index=True)
    commissioned_on = models.DateField(_("开通日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("外网接入点")
        verbose_name_plural = _("外网接入点")
        ordering = ["division__code", "id"]
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, self.division
