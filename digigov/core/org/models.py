"""Administrative divisions (行政区划) and organisations (委办局 and their units).

Divisions use the 12-digit statistical division code, whose prefix *is* the tree:
city ``2106 00 000 000`` → county ``210602 000000`` → town ``210602 001 000`` → village ``210602001 001``.
Departments keep a materialised ``path`` (``/12/57/``) so a subtree is one indexed prefix scan.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel


class DivisionLevel(models.IntegerChoices):
    CITY = 1, _("市")
    COUNTY = 2, _("县（区）")
    TOWN = 3, _("乡（镇、街道）")
    VILLAGE = 4, _("村（社区）")


# how many leading digits of the 12-digit code identify a division of each level
PREFIX_LENGTH = {DivisionLevel.CITY: 4, DivisionLevel.COUNTY: 6, DivisionLevel.TOWN: 9, DivisionLevel.VILLAGE: 12}

# ``\d`` also matches full-width and other scripts' digits; kept as is because the validator is part of
# the migration state. ``Division.clean`` and ``org.actions`` (through core.validators) require ASCII.
division_code_validator = RegexValidator(r"^\d{12}$", _("区划代码必须是12位数字"), code="division_code")


def _check(obj, field: str, label: str, max_length: int, *, required: bool = True) -> None:
    from django.core.exceptions import ValidationError

    from digigov.core.validators import name_error, normalize_name

    error = name_error(getattr(obj, field), label, max_length, required=required)
    if error:
        raise ValidationError({field: error}, code="invalid_name")
    setattr(obj, field, normalize_name(getattr(obj, field)))


class Division(PublicModel):
    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[division_code_validator])
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=DivisionLevel.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, blank=True, help_text=_("如 区、县、街道、镇、乡、社区、村"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from digigov.core.validators import normalize_identifier

        code = normalize_identifier(self.code)
        if not (len(code) == 12 and code.isascii() and code.isdigit()):
            raise ValidationError({"code": _("区划代码必须是12位数字")}, code="division_code")
        self.code = code
        _check(self, "name", "名称", 64)

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[DivisionLevel(self.level)]]

    def rbac_scope(self):
        return None, self


class DepartmentKind(models.TextChoices):
    COMMITTEE = "committee", _("委办局")
    GOVERNMENT = "government", _("人民政府")
    SECOND = "second", _("二级单位")
    THIRD = "third", _("三级单位")


class Department(VoidableModel):
    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DepartmentKind.choices)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属区划"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级单位"))
    is_budget_unit = models.BooleanField(_("财政预算单位"), default=True)
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("深度"), default=0, editable=False)

    class Meta:
        verbose_name = _("部门/单位")
        verbose_name_plural = _("部门/单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        _check(self, "name", "单位名称", 100)
        _check(self, "short_name", "简称", 32, required=False)

    def rbac_scope(self):
        return self, self.division


class Post(VoidableModel):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="posts", verbose_name=_("单位"))
    name = models.CharField(_("岗位名称"), max_length=64)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="uniq_post_per_department")]

    def __str__(self) -> str:
        return f"{self.department.short_name or self.department.name}·{self.name}"

    def rbac_scope(self):
        return self.department, self.department.division


class StaffMember(VoidableModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff", verbose_name=_("账户"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("单位"))
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name=_("岗位"))
    employee_no = models.CharField(_("工号"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return f"{self.user.display_name}（{self.department.name}）"

    def rbac_scope(self):
        return self.department, self.department.division
