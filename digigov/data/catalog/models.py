"""政务数据资源目录 (GB/T 21063): catalog entries, their data items, mounted resources (挂载), each
department's 责任清单 (what it should catalogue) and the 需求目录 (data other departments ask for).

The levels of 分类分级 (GB/T 43697-2024 数据安全技术 数据分类分级规则; 个人信息保护法 §28) live on
every entry and data item as two axes: the data level (一般/重要/核心) and the personal-information
kind (非个人信息/个人信息/敏感个人信息). The levels stored here are the *confirmed* ones: department data
admins propose changes, the data authority confirms them (``digigov.data.grading``).

Every write goes through the apps' ``actions``. Entries are voided, never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel


# --- 分类分级 -------------------------------------------------------------------------------------
class DataLevel(models.IntegerChoices):
    """GB/T 43697 data levels, ordered: a higher value is more protected."""

    GENERAL = 1, _("一般数据")
    IMPORTANT = 2, _("重要数据")
    CORE = 3, _("核心数据")


class PersonalKind(models.IntegerChoices):
    """个人信息保护法: personal information and, within it, sensitive personal information (§28)."""

    NONE = 0, _("非个人信息")
    PERSONAL = 1, _("个人信息")
    SENSITIVE = 2, _("敏感个人信息")


# --- classification: 基础/主题/部门 and the subject tree -----------------------------------------------
class CategoryKind(models.TextChoices):
    BASIC = "basic", _("基础信息资源")
    THEME = "theme", _("主题信息资源")
    DEPARTMENT = "department", _("部门信息资源")


class Category(PublicModel):
    """A node of the resource classification tree (GB/T 21063.4: 大类 → 主题类 → 小类)."""

    code = models.CharField(_("分类代码"), max_length=32, unique=True)
    name = models.CharField(_("分类名称"), max_length=64)
    kind = models.CharField(_("资源大类"), max_length=16, choices=CategoryKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级分类"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("资源分类")
        verbose_name_plural = _("资源分类")
        ordering = ["kind", "order", "code"]

    def __str__(self) -> str:
        return self.name


class CodeList(PublicModel):
    """A code list (代码表) data items refer to, e.g. GB/T 2261.1 性别代码."""

    code = models.CharField(_("代码表编号"), max_length=64, unique=True)
    name = models.CharField(_("代码表名称"), max_length=100)
    standard = models.CharField(_("依据标准"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("代码表")
        verbose_name_plural = _("代码表")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CodeListValue(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="values", verbose_name=_("代码表"))
    value = models.CharField(_("代码"), max_length=64)
    label = models.CharField(_("名称"), max_length=100)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("代码值")
        verbose_name_plural = _("代码值")
        ordering = ["code_list", "order", "value"]
        constraints = [models.UniqueConstraint(fields=["code_list", "value"], name="catalog_codevalue_unique")]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


# --- the catalog entry (GB/T 21063.3 core metadata) ---------------------------------------------------
class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DEPT_REVIEW = "dept_review", _("部门审核中")
    AUTHORITY_REVIEW = "authority_review", _("数据主管部门审核中")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤销")


class ResourceFormat(models.TextChoices):
    DATABASE = "database", _("数据库")
    FILE = "file", _("电子文件")
    SPREADSHEET = "spreadsheet", _("电子表格")
    API = "api", _("接口服务")
    IMAGE = "image", _("图形图像")
    STREAM = "stream", _("流媒体")
    OTHER = "other", _("其他")


class SharingType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    NONE = "none", _("不予开放")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")
    IRREGULAR = "irregular", _("不定期")


class CatalogEntry(VoidableModel):
    """One 政务信息资源 in the catalog. ``version`` counts published versions; every change is an
    ``EntryRevision`` with a readable summary.

    Revising a published entry (变更) must not disturb its readers: the row and its ``DataItem`` rows
    always hold the *published* version, which stays visible, searchable and mounted while the change
    is being written and reviewed. The proposed next version lives in ``pending`` (a JSON document
    ``{"fields": {...}, "items": [...]}`` in the same shape as ``EntryRevision.snapshot``) and runs the
    same lifecycle through ``pending_status`` (草稿 → 部门审核中 → 数据主管部门审核中 → 退回…).
    Publishing applies it to the row and its items (matched by ``field_name`` so the confirmed levels
    of unchanged items are kept), raises ``version`` and clears ``pending``; withdrawing the change
    just drops it. An entry never published has no ``pending``: its row *is* the draft and ``status``
    carries the lifecycle. So ``status`` always describes what readers see, and "is there a change
    under review" is ``pending_status``.
    """

    code = models.CharField(_("资源代码"), max_length=64, unique=True)
    name = models.CharField(_("资源名称"), max_length=200)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="catalog_entries", verbose_name=_("资源提供方"))
    abstract = models.TextField(_("资源摘要"), max_length=2000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries", verbose_name=_("资源分类"))
    resource_format = models.CharField(_("资源格式"), max_length=16, choices=ResourceFormat.choices, default=ResourceFormat.DATABASE)
    sharing_type = models.CharField(_("共享类型"), max_length=16, choices=SharingType.choices, default=SharingType.CONDITIONAL)
    sharing_condition = models.CharField(_("共享条件"), max_length=500, blank=True)
    sharing_basis = models.CharField(_("不予共享依据"), max_length=500, blank=True)
    open_type = models.CharField(_("开放类型"), max_length=16, choices=OpenType.choices, default=OpenType.NONE)
    open_condition = models.CharField(_("开放条件"), max_length=500, blank=True)
    update_cycle = models.CharField(_("更新周期"), max_length=16, choices=UpdateCycle.choices, default=UpdateCycle.MONTHLY)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    maintainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("元数据维护人")
    )
    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("已发布的版本号；未发布为 0"))
    status = models.CharField(_("状态"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    level = models.PositiveSmallIntegerField(_("数据级别"), choices=DataLevel.choices, default=DataLevel.GENERAL)
    personal = models.PositiveSmallIntegerField(_("个人信息类别"), choices=PersonalKind.choices, default=PersonalKind.NONE)
    pending = models.JSONField(_("待发布的变更"), null=True, blank=True, editable=False,
                               help_text=_("已发布条目的变更版本（元数据和信息项）；发布后写入条目并清空"))
    pending_status = models.CharField(_("变更状态"), max_length=20, choices=EntryStatus.choices, blank=True, default="")

    class Meta:
        verbose_name = _("目录条目")
        verbose_name_plural = _("目录条目")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "published_on"]),
            models.Index(fields=["category"]),
            models.Index(fields=["pending_status"]),
        ]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, self.department.division

    @property
    def review_status(self) -> str:
        """Where the work in progress stands: the pending change's status, else the entry's own."""
        return self.pending_status or self.status

    @property
    def review_status_label(self) -> str:
        return EntryStatus(self.review_status).label


class DataType(models.TextChoices):
    """GB/T 21063.3 数据项 types."""

    STRING = "C", _("字符型")
    NUMBER = "N", _("数值型")
    DATE = "D", _("日期型")
    DATETIME = "T", _("日期时间型")
    BOOLEAN = "B", _("布尔型")
    BINARY = "BLOB", _("二进制")


class ItemFormat(models.TextChoices):
    """Well-known formats with their own check rules (check digits and the like)."""

    NONE = "", _("无")
    RESIDENT_ID = "resident_id", _("公民身份号码")
    USCC = "uscc", _("统一社会信用代码")
    PHONE = "phone", _("手机号码")
    DIVISION = "division", _("行政区划代码")
    EMAIL = "email", _("电子邮箱")


class DataItem(models.Model):
    """A data item (信息项) of an entry: the columns of its mounted table."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="items", verbose_name=_("目录条目"))
    seq = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("信息项名称"), max_length=100)
    field_name = models.CharField(_("字段名"), max_length=64, help_text=_("挂载数据表中的列名：小写字母、数字和下划线"))
    data_type = models.CharField(_("数据类型"), max_length=4, choices=DataType.choices, default=DataType.STRING)
    length = models.PositiveIntegerField(_("数据长度"), null=True, blank=True)
    format = models.CharField(_("数据格式"), max_length=16, choices=ItemFormat.choices, default=ItemFormat.NONE, blank=True)
    code_list = models.ForeignKey(CodeList, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("代码表"))
    required = models.BooleanField(_("必填"), default=False)
    is_key = models.BooleanField(_("主键"), default=False, help_text=_("唯一标识一行记录的信息项"))
    description = models.CharField(_("说明"), max_length=500, blank=True)
    level = models.PositiveSmallIntegerField(_("数据级别"), choices=DataLevel.choices, default=DataLevel.GENERAL)
    personal = models.PositiveSmallIntegerField(_("个人信息类别"), choices=PersonalKind.choices, default=PersonalKind.NONE)

    class Meta:
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")
        ordering = ["entry", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "seq"], name="catalog_item_seq_unique"),
            models.UniqueConstraint(fields=["entry", "field_name"], name="catalog_item_field_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.entry.rbac_scope()


# --- 挂载: the resources behind an entry ------------------------------------------------------------
class MountKind(models.TextChoices):
    TABLE = "table", _("库表资源")
    API = "api", _("接口资源")
    FILE = "file", _("文件资源")


class MountedResource(VoidableModel):
    """A resource mounted on an entry: a database table (``table_name`` in the platform database,
    filled by aggregation), an API (``endpoint``) or a file (``file``)."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.PROTECT, related_name="mounts", verbose_name=_("目录条目"))
    kind = models.CharField(_("挂载类型"), max_length=8, choices=MountKind.choices)
    name = models.CharField(_("资源名称"), max_length=200)
    table_name = models.CharField(_("数据表名"), max_length=64, blank=True)
    endpoint = models.CharField(_("接口地址"), max_length=500, blank=True)
    method = models.CharField(_("请求方法"), max_length=8, blank=True)
    file = models.FileField(_("文件"), upload_to="catalog/mounts/%Y/%m/", blank=True, max_length=255)
    record_count = models.BigIntegerField(_("记录数"), default=0)
    mounted_at = models.DateTimeField(_("挂载时间"), auto_now_add=True)
    mounted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("挂载人"))

    class Meta:
        verbose_name = _("挂载资源")
        verbose_name_plural = _("挂载资源")
        ordering = ["entry", "kind", "name"]
        indexes = [models.Index(fields=["kind", "voided_at"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.entry.rbac_scope()


# --- history ------------------------------------------------------------------------------------------
class EntryRevision(models.Model):
    """One change to an entry: what it looked like after the change (``snapshot``, the entry and its
    items) and a readable summary (``summary``, Chinese, e.g. “共享类型：有条件共享 → 无条件共享”)."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("目录条目"))
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=20, choices=EntryStatus.choices)
    action = models.CharField(_("操作"), max_length=64)
    summary = models.TextField(_("变更说明"), blank=True)
    opinion = models.CharField(_("审核意见"), max_length=500, blank=True)
    snapshot = models.JSONField(_("快照"), default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["entry", "-at", "-id"]
        indexes = [models.Index(fields=["entry", "-at"])]

    def __str__(self) -> str:
        return f"{self.entry} v{self.version} {self.action}"


# --- 责任清单 and 需求目录 -------------------------------------------------------------------------------
class ResponsibilityItem(VoidableModel):
    """A line of a department's 数据责任清单: a resource it must catalogue (应编尽编). The
    denominator of 数据编目率; ``entry`` is set once it is catalogued."""

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="data_responsibilities", verbose_name=_("责任部门"))
    name = models.CharField(_("数据资源名称"), max_length=200)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("资源分类"))
    basis = models.CharField(_("职责依据"), max_length=500, blank=True, help_text=_("三定方案、法律法规或权责清单中的依据"))
    update_cycle = models.CharField(_("更新周期"), max_length=16, choices=UpdateCycle.choices, default=UpdateCycle.MONTHLY)
    entry = models.ForeignKey(CatalogEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="responsibilities", verbose_name=_("对应目录条目"))

    class Meta:
        verbose_name = _("责任清单事项")
        verbose_name_plural = _("责任清单事项")
        ordering = ["department", "name"]
        indexes = [models.Index(fields=["department", "voided_at"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, self.department.division


class DemandStatus(models.TextChoices):
    OPEN = "open", _("待响应")
    ACCEPTED = "accepted", _("已受理")
    MET = "met", _("已满足")
    REJECTED = "rejected", _("不予满足")


class DataDemand(VoidableModel):
    """A line of the 需求目录: data one department (``requester``) needs from another (``provider``),
    optionally against an existing entry. The denominator of 数据归集率 is the demanded resources."""

    requester = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="data_demands_made", verbose_name=_("需求部门"))
    provider = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="data_demands_received", verbose_name=_("提供部门"))
    entry = models.ForeignKey(CatalogEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="demands", verbose_name=_("对应目录条目"))
    title = models.CharField(_("需求名称"), max_length=200)
    items = models.CharField(_("所需信息项"), max_length=1000, blank=True)
    purpose = models.CharField(_("用途"), max_length=500)
    basis = models.CharField(_("依据"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    reply = models.CharField(_("答复意见"), max_length=500, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人"))

    class Meta:
        verbose_name = _("数据需求")
        verbose_name_plural = _("数据需求")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["requester", "status"])]

    def __str__(self) -> str:
        return self.title

    def rbac_scope(self):
        # the provider answers it; the requester's own staff see theirs through the selectors
        return self.provider, self.provider.division
