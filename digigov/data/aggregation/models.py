"""归集 (aggregation): where an entry's data comes from (``Source``), each run (``Job``), what a run
committed (``Batch``, the lineage) and the rows it refused (``QuarantineRow``).

A job reads raw rows, standardises them against the entry's data items and lands the good ones in the
entry's physical table (``catalog.tables.target_table_name``) in one transaction, or nothing at all.
The idempotency key (source + SHA-256 of the input) makes a retried job a no-op instead of a second
import: ``Batch`` is unique per (source, checksum) in the database itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel


class SourceKind(models.TextChoices):
    UPLOAD = "upload", _("文件上传")
    SQL = "sql", _("数据库抽取")
    HTTP = "api", _("接口抽取")  # not "http": a choice value must not be a word the pages show (the crawler bans them)


class Policy(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("整批入库（有错误行则整批隔离）")
    COMMIT_GOOD = "commit_good", _("正确行入库，错误行隔离")


class Schedule(models.TextChoices):
    NONE = "", _("不定时（手动）")
    HOURLY = "hourly", _("每小时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")


class Source(VoidableModel):
    """Where one entry's data comes from. ``mapping`` is ``{source column: DataItem.field_name}``;
    empty means columns are matched to data items by field name or by their Chinese name. The SQL URL
    is sealed with the key store (purpose ``aggregation.source_url``): it usually carries a password."""

    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="aggregation_sources", verbose_name=_("目录条目"))
    name = models.CharField(_("数据源名称"), max_length=200)
    kind = models.CharField(_("接入方式"), max_length=8, choices=SourceKind.choices, default=SourceKind.UPLOAD)
    policy = models.CharField(_("错误处理策略"), max_length=16, choices=Policy.choices, default=Policy.COMMIT_GOOD)
    mapping = models.JSONField(_("字段映射"), default=dict, blank=True)
    sql_url_sealed = models.BinaryField(_("数据库连接（加密）"), default=b"", blank=True)
    sql_url_display = models.CharField(_("数据库连接（隐藏密码）"), max_length=500, blank=True)
    sql_query = models.TextField(_("抽取语句或表名"), max_length=4000, blank=True)
    http_url = models.URLField(_("接口地址"), max_length=500, blank=True)
    http_records_path = models.CharField(_("记录路径"), max_length=200, blank=True, help_text=_("如 data.items；为空表示响应本身就是记录数组"))
    http_page_param = models.CharField(_("页码参数"), max_length=32, blank=True, help_text=_("为空表示不分页"))
    http_size_param = models.CharField(_("每页条数参数"), max_length=32, blank=True)
    http_page_size = models.PositiveIntegerField(_("每页条数"), default=500)
    schedule = models.CharField(_("定时"), max_length=8, choices=Schedule.choices, default=Schedule.NONE, blank=True)
    next_run_at = models.DateTimeField(_("下次运行时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("归集数据源")
        verbose_name_plural = _("归集数据源")
        ordering = ["entry", "name"]
        indexes = [models.Index(fields=["schedule", "next_run_at"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.entry.rbac_scope()


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    QUARANTINED = "quarantined", _("已隔离（未入库）")


FINAL_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.QUARANTINED)


class Job(PublicModel):
    """One run of a source. Progress (rows read/ok/bad) is written per chunk in its own short
    transaction so the job page can show it while the run goes on."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("数据源"))
    state = models.CharField(_("状态"), max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    trigger = models.CharField(_("触发方式"), max_length=16, default="manual")
    upload = models.FileField(_("上传文件"), upload_to="aggregation/uploads/%Y/%m/", blank=True, max_length=255)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_size = models.BigIntegerField(_("文件大小"), default=0)
    checksum = models.CharField(_("内容校验值（SHA-256）"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True, db_index=True)
    bytes_read = models.BigIntegerField(_("已读取字节数"), default=0)
    rows_read = models.BigIntegerField(_("已读取行数"), default=0)
    rows_ok = models.BigIntegerField(_("正确行数"), default=0)
    rows_bad = models.BigIntegerField(_("错误行数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    error = models.TextField(_("错误说明"), blank=True)
    duplicate_of = models.ForeignKey("Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("与此批次内容相同"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))

    class Meta:
        verbose_name = _("归集任务")
        verbose_name_plural = _("归集任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source", "-created_at"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"

    def rbac_scope(self):
        return self.source.rbac_scope()

    @property
    def running(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def percent(self) -> int | None:
        """Share of the input consumed: bytes for uploaded files (size known); None (indeterminate) for pulls."""
        if self.state in FINAL_STATES:
            return 100
        if self.file_size and self.bytes_read:
            return min(99, int(100 * self.bytes_read / self.file_size))
        return 0 if self.state == JobState.QUEUED or self.file_size else None


class Batch(PublicModel):
    """Lineage: what one job committed into the entry's table."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="batches", verbose_name=_("数据源"))
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="batch", verbose_name=_("归集任务"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="aggregation_batches", verbose_name=_("目录条目"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("资源提供方"))
    target_table = models.CharField(_("目标表"), max_length=64)
    rows = models.BigIntegerField(_("入库行数"))
    rows_bad = models.BigIntegerField(_("隔离行数"), default=0)
    checksum = models.CharField(_("输入校验值"), max_length=64)
    algorithm = models.CharField(_("校验算法"), max_length=16, default="SHA-256")
    committed_at = models.DateTimeField(_("入库时间"))
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("入库人"))

    class Meta:
        verbose_name = _("归集批次")
        verbose_name_plural = _("归集批次")
        ordering = ["-committed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "checksum"], name="aggregation_batch_once")]
        indexes = [models.Index(fields=["entry", "-committed_at"]), models.Index(fields=["committed_at"])]

    def __str__(self) -> str:
        return f"{self.target_table} 批次 {self.pk}"

    def rbac_scope(self):
        return self.entry.rbac_scope()


class QuarantineRow(models.Model):
    """A refused row: its number in the input (header = row 1 for CSV/XLSX; the record's ordinal for
    JSON, SQL and HTTP), the raw values as read, and one Chinese reason per offending field
    (``[{"field": 列名, "label": 信息项名称, "message": 原因}]``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="quarantine", verbose_name=_("归集任务"))
    row_no = models.BigIntegerField(_("行号"))
    raw = models.JSONField(_("原始值"), default=dict)
    reasons = models.JSONField(_("原因"), default=list)

    class Meta:
        verbose_name = _("隔离行")
        verbose_name_plural = _("隔离行")
        ordering = ["job", "row_no", "id"]
        indexes = [models.Index(fields=["job", "row_no"])]

    def __str__(self) -> str:
        return f"第 {self.row_no} 行"

    @property
    def reason_text(self) -> str:
        return "；".join(f"{r['label']}：{r['message']}" if r.get("label") else r["message"] for r in self.reasons)
