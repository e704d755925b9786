"""公共数据开放平台: the datasets opened to the public.

An ``OpenDataset`` is a published catalog entry whose open type allows opening (无条件开放 / 有条件开放)
and that passed the privacy check (k-anonymity over its quasi-identifiers) when it was opened. Title,
description, provider, category and fields are the entry's (one source of truth); this row holds what
only the portal has: the URL name, keywords, licence, the privacy check's result, and the counters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel


class DatasetStatus(models.TextChoices):
    OPEN = "open", _("已开放")
    WITHDRAWN = "withdrawn", _("已下线")


class License(models.TextChoices):
    OPEN_GOV = "odc-gov-cn", _("政府数据开放许可协议")
    CC_BY = "cc-by-4.0", _("署名 4.0 国际（CC BY 4.0）")
    CC0 = "cc-zero", _("公共领域贡献（CC0）")


class OpenDataset(PublicModel):
    entry = models.OneToOneField("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="open_dataset", verbose_name=_("目录条目"))
    name = models.SlugField(_("数据集标识"), max_length=100, unique=True, help_text=_("网址和 CKAN 接口使用的名称：小写字母、数字、- 和 _"))
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    license = models.CharField(_("许可协议"), max_length=20, choices=License.choices, default=License.OPEN_GOV)
    status = models.CharField(_("状态"), max_length=16, choices=DatasetStatus.choices, default=DatasetStatus.OPEN)
    quasi_identifiers = models.JSONField(_("准标识符"), default=list, blank=True, help_text=_("k-匿名检查所用的信息项（字段名）"))
    kanon_k = models.PositiveIntegerField(_("k-匿名度"), null=True, blank=True)
    kanon_checked_at = models.DateTimeField(_("隐私检查时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开放时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("开放人"))
    data_updated_at = models.DateTimeField(_("数据更新时间"), null=True, blank=True)
    download_count = models.BigIntegerField(_("下载次数"), default=0)
    view_count = models.BigIntegerField(_("浏览次数"), default=0)
    call_count = models.BigIntegerField(_("接口调用次数"), default=0)
    rating_count = models.PositiveIntegerField(_("评分人数"), default=0)
    rating_sum = models.PositiveIntegerField(_("评分总和"), default=0)

    class Meta:
        verbose_name = _("开放数据集")
        verbose_name_plural = _("开放数据集")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "-opened_at"]), models.Index(fields=["status", "-download_count"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.entry.rbac_scope()

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None
