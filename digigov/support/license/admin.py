"""Registry admin of e-licences: read-only (types are managed on the workbench pages through ``actions``,
licences are issued, changed and revoked only through the issuance actions, which seal the files)."""

from django.contrib import admin

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import Licence, LicenceType


@register(LicenceType)
class LicenceTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "department", "holder_kind", "valid_years", "is_licensing", "active")
    list_filter = ("holder_kind", "is_licensing", "active")
    search_fields = ("name", "code")
    list_select_related = ("department",)
    permission_view = "license.view"
    public_registry = True  # the type catalog is city-wide reference data
    scope_department_field = "department"
    scope_division_field = None
    never_shown = ("fields", "layout")  # JSON documents: shown as the field list below, edited on the workbench
    readonly_fields = ("field_summary",)

    @admin.display(description="字段模板")
    def field_summary(self, obj):
        return "；".join(f"{f.get('label', '')}{'（必填）' if f.get('required') else ''}" for f in (obj.fields or [])) or "—"


@register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ("number", "licence_type", "holder_name", "issuer", "issued_on", "status")
    list_filter = ("status", "source")
    search_fields = ("number", "identifier")
    list_select_related = ("licence_type", "issuer")
    permission_view = "license.view"
    scope_department_field = "issuer"
    scope_division_field = None
    exclude = ("ofd", "pdf", "data", "holder_code", "holder_code_bidx")
