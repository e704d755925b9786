"""数据质量治理: quality rules attached to an entry's data items, check runs over its mounted table,
daily score snapshots for trends, and rectification (整改) tasks sent to the providing department.

Rules are rows, not code: ``rule_type`` picks the check, ``params`` (JSON, validated per type by
``rules.clean_params``) configures it. Baseline rules are derived from the item declarations
(required → 非空, format → 格式, code list → 代码值, is_key → 唯一), so every dataset has one.

Runs never store personal data in clear: failing-row samples hold the row number, the reason and a
masked value (``checks.masked``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel


class RuleType(models.TextChoices):
    REQUIRED = "required", _("非空")
    FORMAT = "format", _("格式")
    RANGE = "range", _("取值范围")
    CODE_LIST = "code_list", _("代码值")
    REFERENCE = "reference", _("参照完整性")
    UNIQUE = "unique", _("唯一性")
    TIMELINESS = "timeliness", _("及时性")
    CONSISTENCY = "consistency", _("一致性")


class Severity(models.TextChoices):
    LOW = "low", _("提示")
    MEDIUM = "medium", _("一般")
    HIGH = "high", _("严重")


class QualityRule(VoidableModel):
    """One check over an entry's dataset. ``item`` is the checked data item (None only for the
    dataset-level timeliness rule); further items (composite uniqueness, the second column of a
    consistency rule) are named by field name in ``params``."""

    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.CASCADE, related_name="quality_rules", verbose_name=_("目录条目"))
    item = models.ForeignKey("catalog.DataItem", null=True, blank=True, on_delete=models.CASCADE, related_name="quality_rules", verbose_name=_("信息项"))
    rule_type = models.CharField(_("规则类型"), max_length=16, choices=RuleType.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    enabled = models.BooleanField(_("启用"), default=True)
    derived = models.BooleanField(_("由信息项声明生成"), default=False)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("质量规则")
        verbose_name_plural = _("质量规则")
        ordering = ["entry", "item__seq", "rule_type", "id"]
        indexes = [models.Index(fields=["entry", "voided_at"])]

    def __str__(self) -> str:
        from .rules import describe

        return describe(self)

    def rbac_scope(self):
        return self.entry.rbac_scope()


class RunStatus(models.TextChoices):
    DONE = "done", _("已完成")
    NO_DATA = "no_data", _("无数据表")
    FAILED = "failed", _("检查出错")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("手动检查")
    LOADED = "loaded", _("数据归集后")
    SCHEDULE = "schedule", _("定时检查")
    VERIFY = "verify", _("整改核验")
    DEMO = "demo", _("演示数据")


class QualityRun(PublicModel):
    """One check of an entry's dataset. ``score`` = the weighted pass rate (``checks.score``); None
    when nothing could be checked (no table, no rows, no rules)."""

    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.CASCADE, related_name="quality_runs", verbose_name=_("目录条目"))
    table_name = models.CharField(_("数据表名"), max_length=64, blank=True)
    trigger = models.CharField(_("触发方式"), max_length=16, choices=RunTrigger.choices, default=RunTrigger.MANUAL)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.DONE)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("检查时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rows_checked = models.BigIntegerField(_("检查行数"), default=0)
    failed_checks = models.BigIntegerField(_("不合格项次"), default=0)
    score = models.DecimalField(_("质量得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    batch_id = models.BigIntegerField(_("归集批次"), null=True, blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("执行人"))

    class Meta:
        verbose_name = _("质量检查")
        verbose_name_plural = _("质量检查")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["entry", "-started_at"]), models.Index(fields=["-started_at"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.started_at:%Y-%m-%d %H:%M}"

    def rbac_scope(self):
        return self.entry.rbac_scope()


class RuleResult(models.Model):
    """What one rule found in one run. ``label`` keeps the rule's description as it was then."""

    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("质量检查"))
    rule = models.ForeignKey(QualityRule, null=True, on_delete=models.SET_NULL, related_name="results", verbose_name=_("规则"))
    rule_type = models.CharField(_("规则类型"), max_length=16, choices=RuleType.choices)
    label = models.CharField(_("规则"), max_length=200)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    weight = models.PositiveSmallIntegerField(_("权重"))
    checked = models.BigIntegerField(_("检查数"), default=0)
    failed = models.BigIntegerField(_("不合格数"), default=0)
    error = models.CharField(_("无法检查的原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("规则检查结果")
        verbose_name_plural = _("规则检查结果")
        ordering = ["run", "id"]

    @property
    def pass_rate(self) -> float | None:
        return None if not self.checked else round(100 * (self.checked - self.failed) / self.checked, 2)


class FailureSample(models.Model):
    """A failing row (at most ``checks.SAMPLES_PER_RULE`` per rule and run); ``value`` is masked."""

    result = models.ForeignKey(RuleResult, on_delete=models.CASCADE, related_name="samples", verbose_name=_("规则检查结果"))
    row_no = models.BigIntegerField(_("行号"))
    value = models.CharField(_("值（已脱敏）"), max_length=80, blank=True)
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("不合格样例")
        verbose_name_plural = _("不合格样例")
        ordering = ["result", "row_no"]


class ScoreScope(models.TextChoices):
    ENTRY = "entry", _("数据集")
    DEPARTMENT = "department", _("部门")
    CITY = "city", _("全市")


class DailyScore(models.Model):
    """The score of a dataset, a department or the city on a day (the last run of that day; a
    department's and the city's are the mean of their datasets' latest scores): the trends."""

    day = models.DateField(_("日期"))
    scope = models.CharField(_("范围"), max_length=16, choices=ScoreScope.choices)
    entry = models.ForeignKey("catalog.CatalogEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("目录条目"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("部门"))
    score = models.DecimalField(_("质量得分"), max_digits=5, decimal_places=2)
    datasets = models.PositiveIntegerField(_("数据集数"), default=1)

    class Meta:
        verbose_name = _("每日质量得分")
        verbose_name_plural = _("每日质量得分")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "entry", "day"], condition=models.Q(scope="entry"), name="quality_daily_entry"),
            models.UniqueConstraint(fields=["scope", "department", "day"], condition=models.Q(scope="department"), name="quality_daily_dept"),
            models.UniqueConstraint(fields=["scope", "day"], condition=models.Q(scope="city"), name="quality_daily_city"),
        ]
        indexes = [models.Index(fields=["scope", "day"])]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    SUBMITTED = "submitted", _("已提交待核验")
    CLOSED = "closed", _("已核验关闭")
    REOPENED = "reopened", _("核验未通过")


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED, TaskStatus.REOPENED)


class RectificationTask(VoidableModel):
    """整改任务: the problems a run found, sent to the entry's department; closed only by a re-run
    whose results pass (``actions.tasks``)."""

    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="rectification_tasks", verbose_name=_("目录条目"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="rectification_tasks", verbose_name=_("整改部门"))
    run = models.ForeignKey(QualityRun, on_delete=models.PROTECT, related_name="tasks_opened", verbose_name=_("发现问题的检查"))
    last_run = models.ForeignKey(QualityRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("最近核验检查"))
    problems = models.TextField(_("问题"), max_length=4000)
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_on = models.DateField(_("整改期限"))
    note = models.CharField(_("整改说明"), max_length=1000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("派发人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["entry", "status"])]

    def __str__(self) -> str:
        return f"{self.entry} 整改"

    def rbac_scope(self):
        return self.department, self.department.division

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and self.voided_at is None

    def overdue(self, today=None) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_on < (today or timezone.localdate())


class TaskEvent(models.Model):
    """The readable history of a task (the audit log has the same steps with snapshots)."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="events", verbose_name=_("整改任务"))
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    run = models.ForeignKey(QualityRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("核验检查"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["task", "at", "id"]


class DatasetLoad(models.Model):
    """When a dataset was last loaded (from ``dataset_loaded``): what the timeliness rule measures
    against the entry's update cycle."""

    entry = models.OneToOneField("catalog.CatalogEntry", on_delete=models.CASCADE, related_name="quality_load", verbose_name=_("目录条目"))
    loaded_at = models.DateTimeField(_("最近归集时间"))
    batch_id = models.BigIntegerField(_("归集批次"), null=True, blank=True)
    rows = models.BigIntegerField(_("新增行数"), default=0)

    class Meta:
        verbose_name = _("数据集更新记录")
        verbose_name_plural = _("数据集更新记录")
