"""Role assignments with an object scope (a department subtree and/or a division subtree)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import VoidableModel


class Role(models.TextChoices):
    CITIZEN = "citizen", _("公众")
    ENTERPRISE_AGENT = "enterprise_agent", _("企业经办人")
    WINDOW_CLERK = "window_clerk", _("窗口人员")
    APPROVER = "approver", _("审批人员")
    DEPT_ADMIN = "dept_admin", _("部门管理员")
    DATA_ADMIN = "data_admin", _("数据管理员")
    DATA_AUTHORITY = "data_authority", _("数据主管部门")
    CITY_ADMIN = "city_admin", _("市级管理员")
    LEADER = "leader", _("领导")
    AUDITOR = "auditor", _("审计员")
    SECURITY_OFFICER = "security_officer", _("安全管理员")
    SYSTEM = "system", _("系统作业")  # held only by the platform's named system account (see rbac.system)


# roles whose reach is the whole city unless an assignment narrows it
CITY_WIDE_ROLES = {Role.CITY_ADMIN, Role.DATA_AUTHORITY, Role.LEADER, Role.AUDITOR, Role.SECURITY_OFFICER}
# roles of the public (no workbench, no second factor); every other role but SYSTEM is a staff role
PUBLIC_ROLES = {Role.CITIZEN, Role.ENTERPRISE_AGENT}
STAFF_ROLES = set(Role.values) - PUBLIC_ROLES - {Role.SYSTEM}


class RoleAssignment(VoidableModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("账户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门范围"),
        help_text=_("限定在该部门及其下属单位；留空表示不按部门限定"),
    )
    division = models.ForeignKey(
        "org.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("区划范围"),
        help_text=_("限定在该区划及其下级区划；留空表示不按区划限定"),
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        scope = self.department or self.division or "全市"
        return f"{self.user} · {self.get_role_display()} · {scope}"
