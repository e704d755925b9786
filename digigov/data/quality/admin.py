"""Registry admin for quality governance: read-only. Rules are edited, checks run and tasks moved on in
the workbench or the API, where every write goes through ``actions`` (validated, scoped, audited)."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import QualityRule, QualityRun, RectificationTask

VIA_ENTRY_DEPT = "entry__department"
VIA_ENTRY_DIV = "entry__department__division"


@register(QualityRule)
class QualityRuleAdmin(ReadOnlyAdmin):
    list_display = ("entry", "item", "rule_type", "severity", "weight", "enabled", "derived", "voided_at")
    list_filter = ("rule_type", "severity", "enabled", "derived")
    list_select_related = ("entry", "item")
    search_fields = ("entry__name", "entry__code")
    permission_view = "quality.view"
    scope_department_field = VIA_ENTRY_DEPT
    scope_division_field = VIA_ENTRY_DIV


@register(QualityRun)
class QualityRunAdmin(ReadOnlyAdmin):
    list_display = ("entry", "started_at", "trigger", "status", "rows_checked", "failed_checks", "score")
    list_filter = ("trigger", "status")
    list_select_related = ("entry",)
    search_fields = ("entry__name", "entry__code")
    permission_view = "quality.view"
    scope_department_field = VIA_ENTRY_DEPT
    scope_division_field = VIA_ENTRY_DIV


@register(RectificationTask)
class RectificationTaskAdmin(ReadOnlyAdmin):
    list_display = ("entry", "department", "status", "due_on", "created_at", "closed_at")
    list_filter = ("status",)
    list_select_related = ("entry", "department")
    search_fields = ("entry__name", "entry__code")
    permission_view = "quality.view"
    scope_department_field = "department"
    scope_division_field = "department__division"
