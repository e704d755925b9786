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


# --- ratings, comments, showcase (the portal's users) -----------------------------------------------------
class DatasetRating(models.Model):
    """One rating (1–5) per user per dataset; editable. The dataset keeps the count and the sum."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("开放数据集"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评分人"))
    score = models.PositiveSmallIntegerField(_("评分"))
    created_at = models.DateTimeField(_("评分时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据集评分")
        verbose_name_plural = _("数据集评分")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "user"], name="opendata_rating_one_per_user"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="opendata_rating_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.score}"

    def rbac_scope(self):
        return self.dataset.rbac_scope()


class DatasetComment(PublicModel):
    """A comment on a dataset; the owning department hides it (with a reason) when it breaks the rules."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="comments", verbose_name=_("开放数据集"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评论人"))
    body = models.CharField(_("评论内容"), max_length=1000)
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("隐藏人"))

    class Meta:
        verbose_name = _("数据集评论")
        verbose_name_plural = _("数据集评论")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dataset", "hidden_at", "-id"])]

    def __str__(self) -> str:
        return self.body[:30]

    def rbac_scope(self):
        return self.dataset.rbac_scope()


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class Showcase(PublicModel):
    """An application built on open data, submitted by a developer and reviewed by the department owning its dataset."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.PROTECT, related_name="showcases", verbose_name=_("所用数据集"))
    title = models.CharField(_("应用名称"), max_length=100)
    description = models.CharField(_("应用简介"), max_length=1000)
    url = models.URLField(_("应用地址"), max_length=300, blank=True)
    developer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("开发者"))
    status = models.CharField(_("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED)
    reply = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应用展示")
        verbose_name_plural = _("应用展示")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def rbac_scope(self):
        return self.dataset.rbac_scope()


class OpenApplication(PublicModel):
    """A developer's application to call a 有条件开放 dataset; approval creates the gateway subscription."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.PROTECT, related_name="applications", verbose_name=_("开放数据集"))
    app = models.ForeignKey("sharing.ConsumerApp", on_delete=models.PROTECT, related_name="open_applications", verbose_name=_("调用应用"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    purpose = models.CharField(_("用途"), max_length=500)
    intended_use = models.CharField(_("使用场景"), max_length=1000)
    period_start = models.DateField(_("使用期限起"))
    period_end = models.DateField(_("使用期限止"))
    status = models.CharField(_("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED)
    reply = models.CharField(_("审核意见"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    subscription = models.OneToOneField("sharing.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="open_application",
                                        verbose_name=_("调用授权"))

    class Meta:
        verbose_name = _("开放数据调用申请")
        verbose_name_plural = _("开放数据调用申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"]), models.Index(fields=["applicant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.app} · {self.dataset}"

    def rbac_scope(self):
        return self.dataset.rbac_scope()
