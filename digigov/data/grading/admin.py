"""Registry admin for 分类分级: read-only — proposals are filed, confirmed and rejected on the workbench pages
(``actions``), where the entry rule and the sharing/open rule are enforced."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import LevelChange, LevelProposal

DEPT = "entry__department"
DIV = "entry__department__division"


@register(LevelProposal)
class LevelProposalAdmin(ReadOnlyAdmin):
    list_display = ("entry", "item", "level", "personal", "status", "source", "created_at")
    list_filter = ("status", "source", "level", "personal")
    list_select_related = ("entry", "item")
    search_fields = ("entry__name", "entry__code")
    permission_view = "grading.view"
    scope_department_field = DEPT
    scope_division_field = DIV


@register(LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin):
    list_display = ("entry", "item", "level_before", "level_after", "personal_before", "personal_after", "actor", "at")
    list_filter = ("level_after", "personal_after")
    list_select_related = ("entry", "item", "actor")
    search_fields = ("entry__name", "entry__code")
    permission_view = "grading.view"
    scope_department_field = DEPT
    scope_division_field = DIV
