from django.contrib import admin
from django.utils.html import format_html_join

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from . import present
from .models import AuditEntry, AuditVerification


def _changes(entry: AuditEntry, side: str) -> str:
    """One side of the change, field by field, as the workbench's detail view shows it (``present.field_rows``:
    Chinese field names, 是/否, choice labels, Beijing time)."""
    data = getattr(entry, side)
    if not data:
        return "-"
    keys = set(data) if isinstance(data, dict) else {"value"}
    rows = [(row.label, getattr(row, side)) for row in present.field_rows(entry) if row.key in keys]
    return format_html_join("", "<div>{}：{}</div>", rows)


@register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The log belongs to no department: only an unscoped ``audit.view`` grant reads it here. Changes are
    shown field by field under their Chinese names (personal fields were masked when recorded)."""

    list_display = ("seq", "at", "actor", "role_display", "action", "object_type", "object_id", "ip")
    list_filter = ("channel",)
    search_fields = ("=actor", "=object_id", "=request_id", "^action")
    sortable_by = ("seq", "at")
    permission_view = "audit.view"
    ordering = ("-seq",)
    fields = ("seq", "at", "actor", "role_display", "channel", "action", "object_type", "object_id", "object_repr", "before_display",
              "after_display", "ip", "request_id", "prev_hash", "hash")

    @admin.display(description="角色")
    def role_display(self, obj):
        return present.role_label(obj.role)

    @admin.display(description="变更前")
    def before_display(self, obj):
        return _changes(obj, "before")

    @admin.display(description="变更后")
    def after_display(self, obj):
        return _changes(obj, "after")

    def get_readonly_fields(self, request, obj=None):
        return self.fields


@register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    """Chain verifications (who started them, what they found); like the log, for unscoped audit.view only."""

    list_display = ("started_at", "finished_at", "ok", "checked", "checkpoints", "first_bad_seq", "reason", "requested_by")
    permission_view = "audit.view"
    ordering = ("-started_at",)
    sortable_by = ("started_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")
