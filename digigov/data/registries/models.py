"""基础数据库: the population and legal-person registries built "一数一源、多元校核" from several
departments' feeds, plus the credit registry and the e-licence index.

How the parts fit:

* ``Feed`` — one department's extract of persons or enterprises: a catalog entry whose mounted table
  the aggregation pipeline fills, and a mapping from the canonical linkage fields to its columns.
* ``SourceRecord`` — one row of a feed as delivered (sealed), with its lineage (feed, aggregation
  batch, row number) and the golden record linkage put it in.
* ``AttributeAuthority`` — the source-of-truth table: for each attribute of a registry, the one
  department whose value wins (公安 for name and ID, 人社 for insured status, 民政 for marriage …).
* ``PersonRecord`` / ``EnterpriseRecord`` — golden records; each attribute taken from its
  authoritative source when that source has it, else from the most recent other source.
* ``AttributeValue`` — every value any source gave for an attribute of a golden record, with lineage
  and whether it is the current golden value: the history and the conflicts seen.
* ``StewardTask`` — what linkage could not decide (an uncertain pair) or what sources disagree on (an
  attribute conflict), for a data steward; decisions become ``TrainingLabel`` rows the next run learns
  from. ``version`` on golden records and tasks is the optimistic lock.
* ``LinkRun`` — one linkage/build run with its figures.
* ``CreditRecord`` — 信用: red/black lists, licences and penalties per subject.
* ``LicenceIndex`` — 电子证照目录索引, filled as e-licences are issued (a later issue).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel
from digigov.core.pii import BlindIndexField, EncryptedQuerySetMixin, EncryptedTextField


class RegistryKind(models.TextChoices):
    PERSON = "person", _("人口基础库")
    ENTERPRISE = "enterprise", _("法人基础库")


class Feed(VoidableModel):
    """A department's extract feeding a registry. ``mapping`` maps canonical field → column of the
    entry's dataset (see ``digigov.data.linkage.result.CANONICAL_FIELDS`` for persons and
    ``ENTERPRISE_FIELDS`` for enterprises; other attribute codes of ``attributes.py`` may be mapped too)."""

    registry = models.CharField(_("基础库"), max_length=16, choices=RegistryKind.choices)
    name = models.CharField(_("数据源名称"), max_length=64)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="registry_feeds", verbose_name=_("提供部门"))
    entry = models.ForeignKey("catalog.CatalogEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="registry_feeds", verbose_name=_("目录条目"))
    mapping = models.JSONField(_("字段映射"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("基础库数据源")
        verbose_name_plural = _("基础库数据源")
        constraints = [models.UniqueConstraint(fields=["registry", "name"], name="registries_feed_name_uniq")]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, None


class SourceRecordQuerySet(EncryptedQuerySetMixin, models.QuerySet):
    pass


class SourceRecord(models.Model):
    """One delivered row. ``data`` is the row's canonical fields as sealed JSON (personal data);
    ``key_bidx`` is the blind index of its normalised identifier (18-digit ID or USCC) for lookups."""

    PII_FIELDS = ("data",)

    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="records", verbose_name=_("数据源"))
    row_id = models.CharField(_("源记录标识"), max_length=64)
    batch = models.ForeignKey("aggregation.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("归集批次"))
    row_no = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    data = EncryptedTextField(_("记录内容"), max_length=8000)
    # pii.blind_digest("registries_sourcerecord", "key", normalised id) — set by the builder, not a field's copy
    key_bidx = models.BinaryField(_("标识盲索引"), null=True, blank=True)
    person = models.ForeignKey("PersonRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records", verbose_name=_("人口基础库记录"))
    enterprise = models.ForeignKey("EnterpriseRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records", verbose_name=_("法人基础库记录"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    objects = SourceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("源记录")
        verbose_name_plural = _("源记录")
        constraints = [models.UniqueConstraint(fields=["feed", "row_id"], name="registries_source_row_uniq")]
        indexes = [models.Index(fields=["key_bidx"]), models.Index(fields=["person"]), models.Index(fields=["enterprise"])]

    def __str__(self) -> str:
        return f"{self.feed_id}:{self.row_id}"


class AttributeAuthority(models.Model):
    """一数一源: the authoritative department for one attribute of one registry."""

    registry = models.CharField(_("基础库"), max_length=16, choices=RegistryKind.choices)
    attribute = models.CharField(_("属性"), max_length=32)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("权威来源部门"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("权威数据源")
        verbose_name_plural = _("权威数据源")
        constraints = [models.UniqueConstraint(fields=["registry", "attribute"], name="registries_authority_uniq")]

    def __str__(self) -> str:
        from .attributes import label

        return f"{self.get_registry_display()}·{label(self.registry, self.attribute)}"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    MERGED = "merged", _("已合并")
    RETIRED = "retired", _("已注销")


class GoldenQuerySet(EncryptedQuerySetMixin, models.QuerySet):
    pass


class PersonRecord(PublicModel):
    """人口基础库 golden record. Personal values sealed; ``id_number_bidx`` finds a person by ID."""

    PII_FIELDS = ("id_number", "name", "address", "phone")

    id_number = EncryptedTextField(_("公民身份号码"), max_length=18, blank=True)
    id_number_bidx = BlindIndexField(_("公民身份号码盲索引"), source="id_number", null=True, blank=True)
    name = EncryptedTextField(_("姓名"), max_length=64, blank=True)
    name_bidx = BlindIndexField(_("姓名盲索引"), source="name", null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True)  # M/F, shown as 男/女
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    address = EncryptedTextField(_("住址"), max_length=200, blank=True)
    phone = EncryptedTextField(_("手机号码"), max_length=11, blank=True)
    division = models.ForeignKey("org.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("户籍区划"))
    attributes = models.JSONField(_("其他属性"), default=dict, blank=True)  # non-identifying golden values (insured, marital …)
    status = models.CharField(_("状态"), max_length=8, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("合并至"))
    source_count = models.PositiveSmallIntegerField(_("来源数"), default=0)
    conflict_count = models.PositiveSmallIntegerField(_("冲突属性数"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = GoldenQuerySet.as_manager()

    class Meta:
        verbose_name = _("人口基础库记录")
        verbose_name_plural = _("人口基础库记录")
        indexes = [models.Index(fields=["id_number_bidx"]), models.Index(fields=["name_bidx"]),
                   models.Index(fields=["division", "status"]), models.Index(fields=["status", "conflict_count"])]

    def __str__(self) -> str:
        return self.public_id

    def rbac_scope(self):
        return None, self.division


class EnterpriseRecord(PublicModel):
    """法人基础库 golden record (names and codes of enterprises are public registration data)."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    name = models.CharField(_("名称"), max_length=100, blank=True, db_index=True)
    division = models.ForeignKey("org.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记区划"))
    attributes = models.JSONField(_("其他属性"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("合并至"))
    source_count = models.PositiveSmallIntegerField(_("来源数"), default=0)
    conflict_count = models.PositiveSmallIntegerField(_("冲突属性数"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("法人基础库记录")
        verbose_name_plural = _("法人基础库记录")
        indexes = [models.Index(fields=["division", "status"]), models.Index(fields=["status", "conflict_count"])]

    def __str__(self) -> str:
        return self.name or self.public_id

    def rbac_scope(self):
        return None, self.division


class AttributeValueQuerySet(EncryptedQuerySetMixin, models.QuerySet):
    pass


class AttributeValue(models.Model):
    """A value one source gave for one attribute of a golden record (history with lineage).
    ``is_current``: the golden value now; ``superseded_at`` set when a newer value replaced it."""

    PII_FIELDS = ("value",)

    person = models.ForeignKey(PersonRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="values", verbose_name=_("人口基础库记录"))
    enterprise = models.ForeignKey(EnterpriseRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="values", verbose_name=_("法人基础库记录"))
    attribute = models.CharField(_("属性"), max_length=32)
    value = EncryptedTextField(_("取值"), max_length=2000, blank=True)
    value_digest = models.CharField(_("取值摘要"), max_length=16, blank=True)  # keyed digest prefix: equal values compare equal without unsealing
    source = models.ForeignKey(SourceRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("源记录"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("来源部门"))
    is_authoritative = models.BooleanField(_("权威来源"), default=False)
    is_current = models.BooleanField(_("当前值"), default=False)
    observed_at = models.DateTimeField(_("采集时间"))
    superseded_at = models.DateTimeField(_("被替代时间"), null=True, blank=True)

    objects = AttributeValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("属性取值")
        verbose_name_plural = _("属性取值")
        indexes = [models.Index(fields=["person", "attribute"]), models.Index(fields=["enterprise", "attribute"])]
        constraints = [models.CheckConstraint(
            condition=(models.Q(person__isnull=False, enterprise__isnull=True) | models.Q(person__isnull=True, enterprise__isnull=False)),
            name="registries_value_one_subject")]

    def __str__(self) -> str:
        from .attributes import label

        return f"{label('person' if self.person_id else 'enterprise', self.attribute)}取值"


class TaskKind(models.TextChoices):
    PAIR = "pair", _("疑似同一人")
    CONFLICT = "conflict", _("属性冲突")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")
    STALE = "stale", _("已失效")


class Decision(models.TextChoices):
    MERGE = "merge", _("合并为同一人")
    SPLIT = "split", _("拆分为不同人")
    ACCEPT = "accept", _("采纳所选取值")
    KEEP = "keep", _("维持现状")


class StewardTask(PublicModel):
    """A data steward's work item. PAIR: ``record_a``/``record_b`` may be the same person or not
    (linkage probability ``probability``). CONFLICT: sources disagree on ``attribute`` of ``person`` /
    ``enterprise``; the steward accepts one ``AttributeValue`` (``chosen_value``)."""

    registry = models.CharField(_("基础库"), max_length=16, choices=RegistryKind.choices)
    kind = models.CharField(_("类型"), max_length=8, choices=TaskKind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    person = models.ForeignKey(PersonRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("人口基础库记录"))
    enterprise = models.ForeignKey(EnterpriseRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("法人基础库记录"))
    record_a = models.ForeignKey(SourceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("源记录甲"))
    record_b = models.ForeignKey(SourceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("源记录乙"))
    probability = models.FloatField(_("匹配概率"), null=True, blank=True)
    attribute = models.CharField(_("属性"), max_length=32, blank=True)
    subject_version = models.PositiveIntegerField(_("创建时记录版本"), default=1)  # golden record's version when the task was raised
    decision = models.CharField(_("处理结果"), max_length=8, choices=Decision.choices, blank=True)
    chosen_value = models.ForeignKey(AttributeValue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("采纳的取值"))
    opinion = models.CharField(_("处理意见"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据管家任务")
        verbose_name_plural = _("数据管家任务")
        indexes = [models.Index(fields=["registry", "status", "kind", "id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}任务 {self.public_id}"

    def rbac_scope(self):
        subject = self.person or self.enterprise
        return None, (subject.division if subject else None)


class TrainingLabel(models.Model):
    """A steward's verdict on a pair of source records, fed back into the next linkage run."""

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+", verbose_name=_("源记录甲"))
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+", verbose_name=_("源记录乙"))
    is_match = models.BooleanField(_("同一主体"))
    task = models.ForeignKey(StewardTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="labels", verbose_name=_("来自任务"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("标注人"))
    created_at = models.DateTimeField(_("标注时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("训练标注")
        verbose_name_plural = _("训练标注")
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="registries_label_pair_uniq")]

    def __str__(self) -> str:
        return "同一主体标注" if self.is_match else "不同主体标注"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class LinkRun(models.Model):
    """One build of a registry: read feeds, link, compose golden records, raise steward tasks."""

    registry = models.CharField(_("基础库"), max_length=16, choices=RegistryKind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    source_rows = models.PositiveIntegerField(_("源记录数"), default=0)
    golden_records = models.PositiveIntegerField(_("主体数"), default=0)
    uncertain_pairs = models.PositiveIntegerField(_("疑似重复对数"), default=0)
    conflicts = models.PositiveIntegerField(_("属性冲突数"), default=0)
    report = models.JSONField(_("运行报告"), default=dict, blank=True)  # problems per feed, model parameters (no personal data)
    error = models.CharField(_("错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("基础库构建")
        verbose_name_plural = _("基础库构建")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_registry_display()}构建（第 {self.pk} 次）"


class SubjectKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class CreditKind(models.TextChoices):
    REWARD = "reward", _("守信激励（红名单）")
    PUNISH = "punish", _("失信惩戒（黑名单）")
    LICENSE = "license", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COMMITMENT = "commitment", _("信用承诺")


class CreditRecord(PublicModel):
    """信用基础库: one credit fact about a subject (双公示 licences/penalties, red/black lists)."""

    PII_FIELDS = ("subject_code",)

    subject_kind = models.CharField(_("主体类型"), max_length=12, choices=SubjectKind.choices)
    subject_code = EncryptedTextField(_("主体代码"), max_length=18)  # USCC or resident ID
    subject_code_bidx = BlindIndexField(_("主体代码盲索引"), source="subject_code")
    subject_name = models.CharField(_("主体名称"), max_length=100)
    enterprise = models.ForeignKey(EnterpriseRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_records", verbose_name=_("法人基础库记录"))
    kind = models.CharField(_("信用信息类别"), max_length=12, choices=CreditKind.choices)
    title = models.CharField(_("事由"), max_length=200)
    document_no = models.CharField(_("决定文书号"), max_length=64, blank=True)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("认定部门"))
    decided_on = models.DateField(_("决定日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # recorded through actions.credit: who entered the fact; a wrong fact is voided with a reason, never deleted
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("作废人"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = GoldenQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [models.Index(fields=["subject_code_bidx"]), models.Index(fields=["kind", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已注销")


class LicenceIndex(PublicModel):
    """电子证照目录索引: where a holder's licence lives (filled as e-licences are issued)."""

    PII_FIELDS = ("holder_code",)

    holder_kind = models.CharField(_("持证主体类型"), max_length=12, choices=SubjectKind.choices)
    holder_code = EncryptedTextField(_("持证主体代码"), max_length=18)
    holder_code_bidx = BlindIndexField(_("持证主体代码盲索引"), source="holder_code")
    holder_name = models.CharField(_("持证主体名称"), max_length=100)
    licence_type = models.CharField(_("证照类型代码"), max_length=32)
    licence_name = models.CharField(_("证照名称"), max_length=64)
    licence_no = models.CharField(_("证照编号"), max_length=64)
    issuer = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("发证部门"))
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=LicenceStatus.choices, default=LicenceStatus.VALID)
    source_ref = models.CharField(_("证照库引用"), max_length=64, blank=True)  # the e-licence's public id once that app exists
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)  # rows the demo city made up, until the e-licence app indexes real ones

    objects = GoldenQuerySet.as_manager()

    class Meta:
        verbose_name = _("电子证照索引")
        verbose_name_plural = _("电子证照索引")
        constraints = [models.UniqueConstraint(fields=["licence_type", "licence_no"], name="registries_licence_no_uniq")]
        indexes = [models.Index(fields=["holder_code_bidx"])]

    def __str__(self) -> str:
        return f"{self.licence_name} {self.licence_no}"
