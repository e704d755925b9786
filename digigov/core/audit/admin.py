from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html_join

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import AuditEntry, AuditVerification


def _label(object_type: str, key: str) -> str:
    """The field's Chinese name when the object type is a model we know, else the key itself."""
    try:
        return str(apps.get_model(object_type)._meta.get_field(key).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key


def _changes(entry: AuditEntry, data) -> str:
    if not data:
        return "-"
    if not isinstance(data, dict):
        return str(data)
    rows = ((_label(entry.object_type, k), "-" if v in (None, "") else v) for k, v in data.items())
    return format_html_join("", "<div>{}：{}</div>", rows)


@register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The log belongs to no department: only an unscoped ``audit.view`` grant reads it here. Changes are
    shown field by field under their Chinese names (personal fields were masked when recorded)."""

    list_display = ("seq", "at", "actor", "role", "action", "object_type", "object_id", "ip")
    list_filter = ("channel",)
    search_fields = ("=actor", "=object_id", "=request_id", "^action")
    sortable_by = ("seq", "at")
    permission_view = "audit.view"
    ordering = ("-seq",)
    fields = ("seq", "at", "actor", "role", "channel", "action", "object_type", "object_id", "object_repr", "before_display",
              "after_display", "ip", "request_id", "prev_hash", "hash")

    @admin.display(description="变更前")
    def before_display(self, obj):
        return _changes(obj, obj.before)

    @admin.display(description="变更后")
    def after_display(self, obj):
        return _changes(obj, obj.after)

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
