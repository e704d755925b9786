"""表单 (forms): versioned form definitions and what applicants submitted.

* ``FormDefinition`` — one form by its key (e.g. ``birth-registration``), owned by a department.
* ``FormVersion`` — an immutable published version: ``schema`` is the JSON Schema (draft 2020-12) the
  server validates with ``jsonschema``; ``ui`` is the form-js document the designer edits (components with
  labels, sections, repeating groups, conditional visibility) and the server renders from; ``bindings``
  maps a field path to where its value can be pre-filled from (免填): ``registries.person.<attribute>``,
  ``registries.enterprise.<attribute>``, ``licence.<type code>.<field>`` or ``profile.<field>``. A draft
  version may change; a published one never does — a change is a new version, and cases that started on
  an old version keep it.
* ``FormSubmission`` — what an applicant (or a clerk on the applicant's behalf) submitted against one
  version: the answers, and per field where a pre-filled value came from and whether the applicant
  confirmed or changed it (``provenance``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel
from digigov.core.pii import EncryptedJSONField


class FormDefinition(VoidableModel):
    key = models.SlugField(_("表单标识"), max_length=64, unique=True)
    name = models.CharField(_("表单名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属部门"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("表单")
        verbose_name_plural = _("表单")

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, None


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class FormVersion(PublicModel):
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="versions", verbose_name=_("表单"))
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=16, choices=FormStatus.choices, default=FormStatus.DRAFT)
    schema = models.JSONField(_("校验规则（JSON Schema）"), default=dict)
    ui = models.JSONField(_("界面定义（form-js）"), default=dict)
    bindings = models.JSONField(_("数据绑定（免填）"), default=dict)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人"))

    class Meta:
        verbose_name = _("表单版本")
        verbose_name_plural = _("表单版本")
        constraints = [models.UniqueConstraint(fields=["form", "version"], name="forms_version_uniq")]

    def __str__(self) -> str:
        return f"{self.form.name} 第{self.version}版"

    def rbac_scope(self):
        return self.form.department, None


class FormSubmission(PublicModel):
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("表单版本"))
    data = EncryptedJSONField(_("填报内容"))  # sealed: answers hold ID numbers, names, addresses
    provenance = models.JSONField(_("数据来源"), default=dict, help_text=_("字段 → {来源, 来源名称, 是否确认, 是否修改}"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人"))
    is_draft = models.BooleanField(_("草稿"), default=False)

    class Meta:
        verbose_name = _("表单填报")
        verbose_name_plural = _("表单填报")

    def __str__(self) -> str:
        return f"{self.form_version} 填报"
