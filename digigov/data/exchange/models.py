"""批量交换与数据回流.

* ``ExchangeJob`` — a table synchronisation of one entry's mounted table to a consumer department, under
  an active ``sharing.Subscription`` of that department's app (only the approved fields; masked per the
  subscription's clear fields, like the gateway). The delivery goes into the consumer's 前置库 table in
  the platform database (``qz_<job pk>``, created from the entry's items) — full (replace) or incremental
  after the stored high-water mark of the source keyset ``(_batch_id, _row_no)`` — or into a file (CSV
  with BOM, JSON Lines) the consumer department downloads.
* ``ReturnTask`` — 数据回流: a providing department pushes an entry back down to county/town/village
  units; each unit receives only the rows whose division item lies inside its own division.
* ``ExchangeRun`` — one delivery (a job's run, or one unit's delivery of a return task): rows, bytes,
  attempts, the Chinese error; after ``max_attempts`` failures it is a dead letter an administrator may retry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel


class SyncMode(models.TextChoices):
    FULL = "full", _("全量（替换）")
    INCREMENTAL = "incremental", _("增量（按序号）")


class Delivery(models.TextChoices):
    TABLE = "table", _("前置库表")
    CSV = "csv", _("CSV 文件")
    JSONL = "jsonl", _("JSON Lines 文件")


FILE_DELIVERIES = (Delivery.CSV, Delivery.JSONL)


class Schedule(models.TextChoices):
    MANUAL = "manual", _("手动")
    HOURLY = "hourly", _("每小时")
    DAILY = "daily", _("每天")


class JobStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    PAUSED = "paused", _("已暂停")


class ExchangeJob(PublicModel):
    name = models.CharField(_("任务名称"), max_length=100)
    subscription = models.ForeignKey("sharing.Subscription", on_delete=models.PROTECT, related_name="exchange_jobs", verbose_name=_("共享授权"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="exchange_jobs", verbose_name=_("目录条目"))
    provider = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("提供部门"))
    consumer = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="exchange_jobs", verbose_name=_("使用部门"))
    mode = models.CharField(_("同步方式"), max_length=16, choices=SyncMode.choices, default=SyncMode.INCREMENTAL)
    delivery = models.CharField(_("交付方式"), max_length=8, choices=Delivery.choices, default=Delivery.TABLE)
    schedule = models.CharField(_("执行周期"), max_length=8, choices=Schedule.choices, default=Schedule.MANUAL)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.ACTIVE)
    target_table = models.CharField(_("前置库表名"), max_length=64, blank=True)
    mark_batch = models.BigIntegerField(_("已同步批次号"), default=0)
    mark_row = models.BigIntegerField(_("已同步行号"), default=0)
    batch_size = models.PositiveIntegerField(_("每批行数"), default=5000)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试次数"), default=3)
    next_run_at = models.DateTimeField(_("下次执行时间"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("上次执行时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("交换任务")
        verbose_name_plural = _("交换任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["consumer", "status"]), models.Index(fields=["provider", "status"]),
                   models.Index(fields=["status", "next_run_at"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.consumer, self.consumer.division


class ReturnTask(PublicModel):
    name = models.CharField(_("回流任务名称"), max_length=100)
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="return_tasks", verbose_name=_("目录条目"))
    provider = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="return_tasks", verbose_name=_("提供部门"))
    division_field = models.CharField(_("区划信息项"), max_length=64, help_text=_("按此信息项的行政区划代码筛选各单位的数据"))
    fields = models.JSONField(_("回流信息项"), default=list)
    clear_fields = models.JSONField(_("明文信息项"), default=list, blank=True, help_text=_("其余个人信息项脱敏后回流"))
    receivers = models.ManyToManyField("org.Department", related_name="return_tasks_received", verbose_name=_("接收单位"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("数据回流任务")
        verbose_name_plural = _("数据回流任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "created_at"])]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.provider, self.provider.division


class RunKind(models.TextChoices):
    EXCHANGE = "exchange", _("批量交换")
    RETURN = "return", _("数据回流")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("执行中")
    SUCCEEDED = "succeeded", _("成功")
    RETRYING = "retrying", _("等待重试")
    DEAD = "dead", _("失败（死信）")


class ExchangeRun(PublicModel):
    kind = models.CharField(_("类型"), max_length=8, choices=RunKind.choices, default=RunKind.EXCHANGE)
    job = models.ForeignKey(ExchangeJob, null=True, blank=True, on_delete=models.PROTECT, related_name="runs", verbose_name=_("交换任务"))
    return_task = models.ForeignKey(ReturnTask, null=True, blank=True, on_delete=models.PROTECT, related_name="runs", verbose_name=_("回流任务"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("目录条目"))
    provider = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("提供部门"))
    receiver = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="exchange_runs", verbose_name=_("接收单位"))
    trigger = models.CharField(_("触发方式"), max_length=16, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    rows = models.BigIntegerField(_("交付行数"), default=0)
    bytes = models.BigIntegerField(_("交付字节数"), default=0)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    file_name = models.CharField(_("文件名"), max_length=120, blank=True)
    file_sha = models.CharField(_("文件摘要（SM3）"), max_length=64, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))

    class Meta:
        verbose_name = _("交换记录")
        verbose_name_plural = _("交换记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["receiver", "created_at"]),
                   models.Index(fields=["job", "created_at"]), models.Index(fields=["return_task", "created_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(job__isnull=False) | models.Q(return_task__isnull=False),
                                              name="exchange_run_has_origin")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.receiver} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else str(self.get_kind_display())

    def rbac_scope(self):
        return self.receiver, self.receiver.division

    @property
    def has_file(self) -> bool:
        return bool(self.file_name) and self.status == RunStatus.SUCCEEDED
