"""Admin for forms: read-only lists. Forms are designed, published and retired in the workbench designer
(``/workbench/support/forms/``) through ``actions``; the form-js document and the JSON Schema are shown
there, not as raw JSON here."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import FormDefinition, FormVersion


@register(FormDefinition)
class FormDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("name", "key", "department", "created_at", "voided_at")
    search_fields = ("name", "key")
    list_select_related = ("department",)
    fields = ("key", "name", "description", "department", "created_by", "created_at", "voided_at", "void_reason")
    permission_view = "forms.view"
    scope_department_field = "department"
    scope_division_field = "department__division"


@register(FormVersion)
class FormVersionAdmin(ReadOnlyAdmin):
    list_display = ("form", "version", "status", "published_at", "published_by")
    list_filter = ("status",)
    list_select_related = ("form", "published_by")
    fields = ("form", "version", "status", "published_at", "published_by", "created_at")
    permission_view = "forms.view"
    scope_department_field = "form__department"
    scope_division_field = "form__department__division"
