"""Counters shared by every worker process (see ``digigov.core.counters``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailureCounter(models.Model):
    """Failures of one kind from one source (e.g. wrong API keys from one address) within a window.

    One row per key, bumped with a single ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` so that
    concurrent workers never lose an increment (a per-process cache would let each worker allow the
    limit again)."""

    key = models.CharField(_("计数键"), max_length=120, unique=True)
    window_start = models.DateTimeField(_("窗口起点"))
    n = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("失败计数")
        verbose_name_plural = _("失败计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.n}"
