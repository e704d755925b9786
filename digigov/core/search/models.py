"""The full-text index: one ``SearchDocument`` per indexed object, whatever its app.

The text columns hold *tokens* (jieba ``cut_for_search`` output joined by spaces), not the original
text: the database's own tokenizer then only has to split on spaces, which both back ends do the
same way. Which index structure sits on top is the database's business and is created by migration
0002 for the vendor at hand (SQLite: an FTS5 external-content table kept in step by triggers;
PostgreSQL: a generated weighted ``tsvector`` column with a GIN index). Code never writes those
structures directly: writing a row here is indexing it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    kind = models.CharField(_("对象类型"), max_length=32)
    key = models.CharField(_("对象标识"), max_length=64)
    ref = models.BigIntegerField(_("整数标识"), null=True, blank=True, help_text=_("对象的整数主键（有则填），用于与业务表关联"))
    name = models.TextField(_("名称分词"), blank=True)
    items = models.TextField(_("明细分词"), blank=True)
    body = models.TextField(_("正文分词"), blank=True)
    filters = models.JSONField(_("筛选值"), default=dict, blank=True)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_unique")]
        indexes = [models.Index(fields=["kind", "ref"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
