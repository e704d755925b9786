"""流程与办件 (processes and cases): BPMN 2.0 run by SpiffWorkflow, persisted so that a restart (or
``kill -9``) loses nothing and repeats nothing.

* ``ProcessDefinition`` / ``ProcessVersion`` — a process by its BPMN process id, and each imported
  ``.bpmn`` file as an immutable version (the XML as drawn, its SHA-256). One version is ``active``: new
  cases start on it; running cases stay on the version they started on.
* ``Case`` — 办件: one running process instance. ``state`` is SpiffWorkflow's serialized workflow (JSON)
  and ``revision`` the optimistic lock every engine step checks: a step reads the case, runs the engine,
  and saves with ``UPDATE … WHERE revision = old``, in the same transaction as the task rows, timers and
  audit entries it produced — so a crash mid-step rolls back to the last saved state and the step runs
  again, once.
* ``WorkTask`` — a user task waiting for people, assigned by role + department + division (``candidate_*``)
  and, once claimed, to one ``assignee``. Its ``spiff_task_id`` ties it to the task inside ``state``.
* ``CaseEvent`` — the case's timeline (what applicants and staff read), one row per transition.
* ``Timer`` — a BPMN timer (boundary or intermediate) waiting to fire; the task queue fires due timers.
* ``Incident`` — a failed service task: the case waits in ``incident`` until an administrator retries.
* ``IdempotentRequest`` — a write sent with an idempotency key and the answer it got, so a repeat is
  answered the same and applied once.
* ``CaseMaterial`` — 申请材料 attached to a case (uploaded, scanned at the window, or replaced by an
  e-licence or shared data), stored outside the web root.
* Time limits (时限): ``CalendarDay`` (the city's holidays and 调休 working weekends; other days follow
  Monday–Friday), the limits and due dates on ``Case``, and ``ClockSuspension`` (补正, 听证, 检验, 专家评审 …
  stop the clock).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel
from digigov.core.pii import EncryptedJSONField


class ProcessDefinition(VoidableModel):
    key = models.CharField(_("流程标识"), max_length=100, unique=True, help_text=_("BPMN 文件中的流程 id"))
    name = models.CharField(_("流程名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("主管部门"))
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("流程")
        verbose_name_plural = _("流程")

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, None


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("生效中")
    RETIRED = "retired", _("已停用")


class ProcessVersion(PublicModel):
    process = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="versions", verbose_name=_("流程"))
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    bpmn_xml = models.TextField(_("BPMN 文件"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    start_form = models.ForeignKey("forms.FormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请表单"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入人"))
    activated_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("流程版本")
        verbose_name_plural = _("流程版本")
        constraints = [models.UniqueConstraint(fields=["process", "version"], name="workflow_version_uniq")]

    def __str__(self) -> str:
        return f"{self.process.name} 第{self.version}版"

    def rbac_scope(self):
        return self.process.department, None


class CaseStatus(models.TextChoices):
    RUNNING = "running", _("办理中")
    CORRECTION = "correction", _("待补正")
    SUSPENDED = "suspended", _("特别程序（暂停计时）")
    INCIDENT = "incident", _("异常待处理")
    APPROVED = "approved", _("已办结（准予）")
    REJECTED = "rejected", _("已办结（不予）")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已终止")


OPEN_CASE_STATUSES = (CaseStatus.RUNNING, CaseStatus.CORRECTION, CaseStatus.SUSPENDED, CaseStatus.INCIDENT)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上办理")
    MOBILE = "mobile", _("移动端")
    WINDOW = "window", _("窗口受理")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("暂停计时")
    STOPPED = "stopped", _("已结束")


class Warning(models.TextChoices):
    NORMAL = "normal", _("正常")
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯预警")
    OVERDUE = "overdue", _("已超期")


class Case(PublicModel):
    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    process_version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="cases", verbose_name=_("流程版本"))
    title = models.CharField(_("事项名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RUNNING, db_index=True)
    channel = models.CharField(_("受理渠道"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门"))
    division = models.ForeignKey("org.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办理区划"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人账户"))
    applicant_person = models.ForeignKey("accounts.NaturalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人（自然人）"))
    applicant_legal_person = models.ForeignKey("accounts.LegalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请单位（法人）"))
    applicant_name = models.CharField(_("申请人名称"), max_length=100)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人"))
    submission = models.ForeignKey("forms.FormSubmission", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请表"))
    # sealed (SM4-GCM): the application's answers and the process's task data hold personal information
    data = EncryptedJSONField(_("办件数据"))
    state = EncryptedJSONField(_("流程状态"))
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    outcome_note = models.CharField(_("办理结果说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("受理时间"), db_index=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # time limits (时限), in working days on the city's calendar
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), null=True, blank=True)
    statutory_due = models.DateField(_("法定期限"), null=True, blank=True)
    promised_due = models.DateField(_("承诺期限"), null=True, blank=True, db_index=True)
    paused_days = models.PositiveSmallIntegerField(_("暂停计时工作日"), default=0)
    clock = models.CharField(_("计时状态"), max_length=16, choices=ClockState.choices, default=ClockState.RUNNING)
    warning = models.CharField(_("预警"), max_length=16, choices=Warning.choices, default=Warning.NORMAL, db_index=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            models.Index(fields=["department", "status", "started_at"], name="wf_case_dept_status"),
            models.Index(fields=["applicant", "started_at"], name="wf_case_applicant"),
            models.Index(fields=["warning", "status"], name="wf_case_warning"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def rbac_scope(self):
        return self.department, self.division


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("办理中")
    COMPLETED = "completed", _("已办理")
    CANCELLED = "cancelled", _("已取消")


class TaskOutcome(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")
    CORRECTION = "correction", _("退回补正")
    COMPLETE = "complete", _("已完成")


class WorkTask(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("办件"))
    spiff_task_id = models.CharField(_("流程任务标识"), max_length=36)
    element_id = models.CharField(_("流程节点"), max_length=100)
    name = models.CharField(_("环节名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    candidate_role = models.CharField(_("办理角色"), max_length=32, blank=True)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办理部门"))
    division = models.ForeignKey("org.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办理区划"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办理人"))
    delegated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("委托人"))
    form_version = models.ForeignKey("forms.FormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("环节表单"))
    outcome = models.CharField(_("办理结果"), max_length=16, choices=TaskOutcome.choices, blank=True)
    opinion = models.TextField(_("办理意见"), blank=True)
    corrections = models.JSONField(_("补正清单"), default=list, blank=True)
    due_at = models.DateTimeField(_("环节期限"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办理人"))

    class Meta:
        verbose_name = _("待办任务")
        verbose_name_plural = _("待办任务")
        constraints = [models.UniqueConstraint(fields=["case", "spiff_task_id"], name="wf_task_spiff_uniq")]
        indexes = [
            models.Index(fields=["status", "department", "candidate_role"], name="wf_task_queue"),
            models.Index(fields=["assignee", "status"], name="wf_task_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.case.number}）"

    def rbac_scope(self):
        return self.department, self.division


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("办件"))
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    kind = models.CharField(_("类型"), max_length=32)
    text = models.CharField(_("说明"), max_length=500)
    task = models.ForeignKey(WorkTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("环节"))
    public = models.BooleanField(_("申请人可见"), default=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        indexes = [models.Index(fields=["case", "at"], name="wf_event_case_at")]

    def __str__(self) -> str:
        return self.text


class TimerStatus(models.TextChoices):
    PENDING = "pending", _("等待中")
    FIRED = "fired", _("已触发")
    CANCELLED = "cancelled", _("已取消")


class Timer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timers", verbose_name=_("办件"))
    spiff_task_id = models.CharField(_("流程任务标识"), max_length=36)
    element_id = models.CharField(_("流程节点"), max_length=100)
    fire_at = models.DateTimeField(_("触发时间"))
    status = models.CharField(_("状态"), max_length=16, choices=TimerStatus.choices, default=TimerStatus.PENDING)
    fired_at = models.DateTimeField(_("实际触发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时器")
        verbose_name_plural = _("定时器")
        constraints = [models.UniqueConstraint(fields=["case", "spiff_task_id"], name="wf_timer_uniq")]
        indexes = [models.Index(fields=["status", "fire_at"], name="wf_timer_due")]

    def __str__(self) -> str:
        return f"{self.case.number} 定时器"


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class Incident(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("办件"))
    spiff_task_id = models.CharField(_("流程任务标识"), max_length=36)
    element_id = models.CharField(_("流程节点"), max_length=100)
    component = models.CharField(_("业务组件"), max_length=100, blank=True)
    error_code = models.CharField(_("错误代码"), max_length=64)
    message = models.CharField(_("错误说明"), max_length=500)
    status = models.CharField(_("状态"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("流程异常")
        verbose_name_plural = _("流程异常")

    def __str__(self) -> str:
        return f"{self.case.number} 异常"

    def rbac_scope(self):
        return self.case.department, self.case.division


class IdempotentRequest(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    key = models.CharField(_("幂等键"), max_length=100)
    scope = models.CharField(_("操作"), max_length=64)
    target = models.CharField(_("对象"), max_length=64, blank=True)
    result = models.JSONField(_("结果"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [models.UniqueConstraint(fields=["actor", "scope", "key"], name="wf_idem_uniq")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("申请人上传")
    SCAN = "scan", _("窗口扫描")
    LICENCE = "licence", _("电子证照替代")
    SHARED = "shared", _("共享数据替代")


class CaseMaterial(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials", verbose_name=_("办件"))
    name = models.CharField(_("材料名称"), max_length=200)
    source = models.CharField(_("来源"), max_length=16, choices=MaterialSource.choices)
    reference = models.CharField(_("证照/数据来源"), max_length=200, blank=True)
    storage_path = models.CharField(_("存储位置"), max_length=300, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.case.department, self.case.division


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=32, help_text=_("如 春节、国庆节、国庆调休"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("维护人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class SuspensionReason(models.TextChoices):
    CORRECTION = "correction", _("补正材料")
    HEARING = "hearing", _("听证")
    INSPECTION = "inspection", _("检验检测")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    OTHER = "other", _("其他特别程序")


class ClockSuspension(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions", verbose_name=_("办件"))
    reason = models.CharField(_("原因"), max_length=16, choices=SuspensionReason.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("暂停工作日"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("结束人"))

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_reason_display()}"

    def rbac_scope(self):
        return self.case.department, self.case.division
