"""一网通办 (the citizen and enterprise portal): the service item catalog, 一件事 bundles, online
applications and 好差评.

The contract between the parts of this app (catalog, search, application, bundles, ratings, statistics):

* ``Topic`` — a way in for people who do not know the item's name: a life event (人生事件: 出生, 上学, 就业,
  结婚, 购房, 退休, 身后事 …) for persons, an enterprise stage (开办, 经营, 变更, 注销) for enterprises.
* ``ServiceItem`` — 政务服务事项 as the national basic catalog (国家政务服务事项基本目录) lists it, coded per
  GB/T 39554.1 (``code`` = the implementing code, ``basic_code`` = the catalog's basic code it implements):
  type (行政许可, 行政给付, 行政确认 …), competent department, legal basis, conditions, fees, statutory and
  promised time limits, online depth (网办深度 1–4), 全市通办 flag, the divisions where it is handled (none
  listed: every division), the workflow process and form that run it, its topics and search keywords
  (colloquial names people use), and its popularity (cases in the last year, refreshed by a job).
* ``ItemMaterial`` — one application material of an item: original or copy, how many, required or not, and
  what may replace it (免证办): an e-licence type (``licence_type``) or a shared-data source (``shared_source``,
  a key of ``onestop.prefill.SOURCES``). A replaced material is not asked of the applicant.
* ``Bundle`` / ``BundleMember`` — 一件事一次办: one combined form and one set of materials that fan out to the
  member items (of several departments) in parallel. ``modelled``: the bundle runs on real processes (else its
  structure is real but it is offered for information and routing only).
* ``Application`` — what an applicant submits in the portal (or a clerk at the window for 全市通办): for one
  item or one bundle; drafts live here before any case exists. On submission it becomes one ``ApplicationCase``
  per member item (one for a single item), each linked to a workflow ``Case``; the applicant sees the
  application as one case and its status follows its cases.
* ``ApplicationMaterial`` — a material given with an application: an uploaded file (checked by
  ``workflow.materials``, stored outside the web root), an e-licence, or shared data (the source shown).
* ``Rating`` — 好差评 (GB/T 39734): five levels with reasons, per application (case) or per window visit.
* ``Rectification`` — the ticket a poor rating (不满意 / 非常不满意) opens for the department: deadline, reply,
  follow-up visit (回访).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel
from digigov.core.pii import EncryptedJSONField


class Audience(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("法人")
    BOTH = "both", _("个人和法人")


class TopicKind(models.TextChoices):
    LIFE_EVENT = "life", _("个人生命周期")
    ENTERPRISE_STAGE = "stage", _("企业生命周期")


class Topic(PublicModel):
    code = models.SlugField(_("主题代码"), max_length=32, unique=True)
    name = models.CharField(_("主题名称"), max_length=32)
    kind = models.CharField(_("主题类别"), max_length=8, choices=TopicKind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    keywords = models.CharField(_("口语说法"), max_length=500, blank=True, help_text=_("群众常用的说法，空格分隔，供搜索使用"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办事主题")
        verbose_name_plural = _("办事主题")
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ItemType(models.TextChoices):
    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    ENFORCEMENT = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    RULING = "09", _("行政裁决")
    OTHER = "10", _("其他行政权力")
    PUBLIC = "20", _("公共服务")


class OnlineDepth(models.IntegerChoices):
    GUIDE = 1, _("一级：网上办事指南")
    PRECHECK = 2, _("二级：网上预审")
    ACCEPT = 3, _("三级：网上受理")
    FULL = 4, _("四级：全程网办")


class ServiceItem(VoidableModel):
    code = models.CharField(_("实施编码"), max_length=40, unique=True)
    basic_code = models.CharField(_("基本编码"), max_length=20, db_index=True)
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices, db_index=True)
    audience = models.CharField(_("服务对象"), max_length=12, choices=Audience.choices, db_index=True)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("实施主体"))
    legal_basis = models.TextField(_("设定依据"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    process_steps = models.JSONField(_("办理流程"), default=list, blank=True, help_text=_("环节名称列表，用于办事指南和营商环境便利度"))
    fee_required = models.BooleanField(_("是否收费"), default=False)
    fees = models.JSONField(_("收费标准"), default=list, blank=True, help_text=_("[{名称, 金额（分）, 依据}]"))
    statutory_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"), null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"), null=True, blank=True)
    online_depth = models.PositiveSmallIntegerField(_("网办深度"), choices=OnlineDepth.choices, default=OnlineDepth.FULL)
    visits_required = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    citywide = models.BooleanField(_("全市通办"), default=False, db_index=True)
    divisions = models.ManyToManyField("org.Division", blank=True, related_name="+", verbose_name=_("办理区划"),
                                       help_text=_("为空表示全市各区划均可办理"))
    process = models.ForeignKey("workflow.ProcessDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("办理流程"))
    form = models.ForeignKey("forms.FormDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("申请表单"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="items", verbose_name=_("办事主题"))
    keywords = models.CharField(_("搜索关键词"), max_length=500, blank=True, help_text=_("俗称、简称、口语说法，空格分隔"))
    popularity = models.PositiveIntegerField(_("近一年办件量"), default=0, db_index=True)
    high_frequency = models.BooleanField(_("高频事项"), default=False)
    window_phone = models.CharField(_("咨询电话"), max_length=32, blank=True)
    active = models.BooleanField(_("在线"), default=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        indexes = [models.Index(fields=["department", "active"], name="onestop_item_dept"),
                   models.Index(fields=["active", "-popularity"], name="onestop_item_pop")]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, None


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    BOTH = "both", _("原件和复印件")
    ELECTRONIC = "electronic", _("电子材料")


class ItemMaterial(PublicModel):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials", verbose_name=_("事项"))
    name = models.CharField(_("材料名称"), max_length=200)
    form = models.CharField(_("材料形式"), max_length=12, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必要"), default=True)
    note = models.CharField(_("填报须知"), max_length=300, blank=True)
    licence_type = models.ForeignKey("license.LicenceType", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("可替代的电子证照"))
    shared_source = models.CharField(_("可替代的共享数据"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def replaceable(self) -> bool:
        return self.licence_type_id is not None or bool(self.shared_source)


class Bundle(VoidableModel):
    code = models.CharField(_("一件事编码"), max_length=40, unique=True)
    name = models.CharField(_("一件事名称"), max_length=100)
    audience = models.CharField(_("服务对象"), max_length=12, choices=Audience.choices)
    description = models.TextField(_("说明"), blank=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="bundles", verbose_name=_("办事主题"))
    lead_department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头部门"))
    members = models.ManyToManyField(ServiceItem, through="BundleMember", related_name="bundles", verbose_name=_("包含事项"))
    form = models.ForeignKey("forms.FormDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("合并申请表"))
    promised_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"), null=True, blank=True)
    keywords = models.CharField(_("搜索关键词"), max_length=500, blank=True)
    modelled = models.BooleanField(_("可全程网办"), default=False, help_text=_("各成员事项均有真实流程，可合并申请"))
    popularity = models.PositiveIntegerField(_("近一年办件量"), default=0)
    active = models.BooleanField(_("在线"), default=True)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.lead_department, None


class BundleMember(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("一件事"))
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("事项"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    optional = models.BooleanField(_("可选"), default=False, help_text=_("申请人可按情形勾选"))

    class Meta:
        verbose_name = _("一件事包含事项")
        verbose_name_plural = _("一件事包含事项")
        ordering = ["bundle", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="onestop_bundle_member_uniq")]

    def __str__(self) -> str:
        return f"{self.bundle}：{self.item}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    IN_PROGRESS = "in_progress", _("办理中")
    CORRECTION = "correction", _("待补正")
    AWAITING_PAYMENT = "awaiting_payment", _("待缴费")
    DONE = "done", _("已办结")
    REJECTED = "rejected", _("不予办理")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_PROGRESS, ApplicationStatus.CORRECTION,
                             ApplicationStatus.AWAITING_PAYMENT)


class Application(PublicModel):
    number = models.CharField(_("申请编号"), max_length=32, unique=True, null=True, blank=True, help_text=_("提交时生成"))
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="applications", verbose_name=_("事项"))
    bundle = models.ForeignKey(Bundle, null=True, blank=True, on_delete=models.PROTECT, related_name="applications", verbose_name=_("一件事"))
    title = models.CharField(_("申请事项"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True)
    channel = models.CharField(_("申请渠道"), max_length=16, choices=[("online", _("网上办理")), ("mobile", _("移动端")), ("window", _("窗口受理"))],
                               default="online")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("申请人账户"))
    applicant_person = models.ForeignKey("accounts.NaturalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("申请人（自然人）"))
    acting_for = models.ForeignKey("accounts.LegalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("代办企业"))
    applicant_name = models.CharField(_("申请人名称"), max_length=100, blank=True)
    division = models.ForeignKey("org.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("申请地区划"), help_text=_("全市通办：提交所在区划，可与承办部门不同"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("窗口受理人"))
    data = EncryptedJSONField(_("申请数据"))
    prefilled = models.JSONField(_("预填来源"), default=dict, blank=True, help_text=_("字段 → 数据来源名称（免填）"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("网上申请")
        verbose_name_plural = _("网上申请")
        indexes = [models.Index(fields=["applicant", "-created_at"], name="onestop_app_applicant"),
                   models.Index(fields=["status", "submitted_at"], name="onestop_app_status")]
        constraints = [models.CheckConstraint(condition=models.Q(item__isnull=False) | models.Q(bundle__isnull=False),
                                              name="onestop_app_item_or_bundle")]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else f"{self.title}（草稿）"


class ApplicationCase(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="cases", verbose_name=_("申请"))
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("事项"))
    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="application_link", verbose_name=_("办件"))

    class Meta:
        verbose_name = _("申请办件")
        verbose_name_plural = _("申请办件")
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="onestop_appcase_uniq")]

    def __str__(self) -> str:
        return f"{self.application}：{self.item}"


class AppMaterialSource(models.TextChoices):
    UPLOAD = "upload", _("申请人上传")
    LICENCE = "licence", _("电子证照替代")
    SHARED = "shared", _("共享数据替代")


class ApplicationMaterial(PublicModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials", verbose_name=_("申请"))
    item_material = models.ForeignKey(ItemMaterial, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("对应材料"))
    name = models.CharField(_("材料名称"), max_length=200)
    source = models.CharField(_("来源"), max_length=12, choices=AppMaterialSource.choices)
    reference = models.CharField(_("证照/数据来源"), max_length=200, blank=True)
    storage_path = models.CharField(_("存储位置"), max_length=300, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料（网上）")
        verbose_name_plural = _("申请材料（网上）")

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


POOR_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class RatingChannel(models.TextChoices):
    PC = "pc", _("网上办事大厅")
    MOBILE = "mobile", _("移动端")
    PAD = "pad", _("窗口评价器")
    SMS = "sms", _("短信")
    HOTLINE = "hotline", _("12345热线")


class Rating(PublicModel):
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings",
                                    verbose_name=_("申请"))
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办件"))
    reception = models.ForeignKey("window.Reception", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("窗口接待"))
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("事项"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("被评价部门"))
    hall = models.ForeignKey("window.ServiceHall", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("政务服务大厅"))
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("评价人账户"))
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=RatingLevel.choices)
    reasons = models.JSONField(_("评价原因"), default=list, blank=True, help_text=_("GB/T 39734 评价原因代码"))
    comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=8, choices=RatingChannel.choices, default=RatingChannel.PC)
    created_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        indexes = [models.Index(fields=["department", "created_at"], name="onestop_rating_dept"),
                   models.Index(fields=["item", "created_at"], name="onestop_rating_item")]
        constraints = [
            models.UniqueConstraint(fields=["application", "rater"], condition=models.Q(application__isnull=False),
                                    name="onestop_rating_once_per_application"),
            models.UniqueConstraint(fields=["reception"], condition=models.Q(reception__isnull=False), name="onestop_rating_once_per_visit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.department}"

    def rbac_scope(self):
        return self.department, None


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    REPLIED = "replied", _("已整改待回访")
    CLOSED = "closed", _("已回访办结")


class Rectification(PublicModel):
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification", verbose_name=_("差评"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("整改部门"))
    status = models.CharField(_("状态"), max_length=8, choices=RectificationStatus.choices, default=RectificationStatus.OPEN, db_index=True)
    deadline = models.DateField(_("整改期限"))
    reply = models.TextField(_("整改情况"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("整改人"))
    replied_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    visit_note = models.CharField(_("回访记录"), max_length=500, blank=True)
    visit_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("回访人"))
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"差评整改：{self.department}"

    def rbac_scope(self):
        return self.department, None


class UploadedDocument(PublicModel):
    """A document uploaded before the application that uses it exists (GovStack Registration ``POST /documents``:
    upload first, then name the returned URL in ``documentUrls`` when submitting). Checked like every material
    (``workflow.materials.check``: type sniffed from the content, size, PDF pages) and stored outside the web
    root; only its uploader may use it, once. ``application`` is set when an application takes it over (it
    then also appears as an ``ApplicationMaterial``)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人"))
    name = models.CharField(_("文件名称"), max_length=200)
    note = models.CharField(_("附加说明"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_path = models.CharField(_("存储位置"), max_length=300)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("所属申请"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预先上传的材料")
        verbose_name_plural = _("预先上传的材料")
        indexes = [models.Index(fields=["owner", "-created_at"], name="onestop_upload_owner")]

    def __str__(self) -> str:
        return f"上传材料：{self.name}"
