from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import AuditEntry


@register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "role", "action", "object_type", "object_id", "ip")
    list_filter = ("channel",)
    search_fields = ("=actor", "=object_id", "=request_id", "^action")
    sortable_by = ("seq", "at")
    permission_view = "audit.view"  # the log belongs to no department: only an unscoped grant reads it here
    ordering = ("-seq",)
