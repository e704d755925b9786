"""GovStack Digital Registries: registries defined by a JSON schema, and their records.

* ``Database`` — one registry ("database" in the GovStack Database API): a short ``code`` (the Data API's
  ``registryName``), a ``version`` (its ``versionNumber``) and the JSON schema its records must satisfy.
  ``base`` marks the two registries that are not stored here but published read-only from the base
  registries (``registries.PersonRecord`` as ``population``, ``registries.EnterpriseRecord`` as
  ``legal-persons``); their schemas are fixed in ``base.py``.
* ``Record`` — one record of a schema-defined registry. ``record_id`` is the value of the schema's
  primary-key field (unique per registry, indexed: every read, update and delete by ID is an index
  lookup). The clear fields are ``content`` (JSON); the fields the schema marks personal
  (``"personal": true`` on the property) are sealed together in ``personal`` with ``digigov.core.pii``,
  with one blind index per field in ``blinds`` so exact-match queries work without unsealing.
  ``search_text`` holds the clear string values only, for the list endpoint's free-text ``search``.
* ``RecordValue`` — one row per scalar field of a record: a digest of its value (SHA-256 of the canonical
  JSON for clear fields, the blind index for personal ones), indexed by (registry, field, digest). Every
  equality query (``read``, ``exists``, ``update*``, ``filter``/``query.<field>``) is an index lookup here
  instead of a scan of the JSON column (1.4 s → milliseconds at 200 000 records, see bench/govstack_registry.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.pii import EncryptedQuerySetMixin, EncryptedTextField


class BaseKind(models.TextChoices):
    NONE = "", _("自定义登记簿")
    PERSON = "person", _("人口基础库（只读发布）")
    ENTERPRISE = "enterprise", _("法人基础库（只读发布）")


class Database(models.Model):
    code = models.CharField(_("登记簿代码"), max_length=64)
    version = models.CharField(_("版本"), max_length=16, default="1.0")
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    group_name = models.CharField(_("分组"), max_length=64, blank=True)
    catalog_name = models.CharField(_("目录名称"), max_length=100, blank=True)
    schema = models.JSONField(_("数据结构（JSON Schema）"), default=dict)
    id_field = models.CharField(_("主键字段"), max_length=64, blank=True)
    personal_fields = models.JSONField(_("个人信息字段"), default=list, blank=True)
    base = models.CharField(_("来源"), max_length=16, choices=BaseKind.choices, blank=True, default="")
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属部门"))
    data_index_increment = models.PositiveIntegerField(_("编号计数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    modified_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("数字登记簿")
        verbose_name_plural = _("数字登记簿")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="dregistries_code_version_uniq")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} {self.version}）"

    def rbac_scope(self):
        return self.department, None

    @property
    def is_base(self) -> bool:
        return bool(self.base)


class RecordQuerySet(EncryptedQuerySetMixin, models.QuerySet):
    pass


class Record(models.Model):
    PII_FIELDS = ("personal",)

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="records", verbose_name=_("登记簿"))
    record_id = models.CharField(_("记录编号"), max_length=128)
    uuid = models.UUIDField(_("记录标识"), default=uuid.uuid4, unique=True, editable=False)
    content = models.JSONField(_("记录内容"), default=dict)
    personal = EncryptedTextField(_("个人信息（密文）"), max_length=60000, blank=True)
    blinds = models.JSONField(_("个人信息盲索引"), default=dict, blank=True)
    search_text = models.TextField(_("检索文本"), blank=True, default="")
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("登记簿记录")
        verbose_name_plural = _("登记簿记录")
        constraints = [models.UniqueConstraint(fields=["database", "record_id"], name="dregistries_record_id_uniq")]
        indexes = [models.Index(fields=["database", "id"], name="dregistries_rec_db_id")]

    def __str__(self) -> str:
        return self.record_id

    def rbac_scope(self):
        return self.database.department, None


class RecordValue(models.Model):
    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="+", verbose_name=_("登记簿"))
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="values", verbose_name=_("记录"))
    field = models.CharField(_("字段"), max_length=64)
    digest = models.CharField(_("取值摘要"), max_length=64)

    class Meta:
        verbose_name = _("登记簿记录索引")
        verbose_name_plural = _("登记簿记录索引")
        indexes = [models.Index(fields=["database", "field", "digest"], name="dregistries_value_lookup")]
