from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import AuditEntry, AuditVerification


@register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "role", "action", "object_type", "object_id", "ip")
    list_filter = ("channel",)
    search_fields = ("=actor", "=object_id", "=request_id", "action")
    permission_view = "audit.view"
    ordering = ("-seq",)

    def get_queryset(self, request):
        from digigov.core.rbac.checks import can

        return AuditEntry.objects.all() if can(request.user, "audit.view") else AuditEntry.objects.none()


@register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "ok", "checked", "checkpoints", "first_bad_seq", "reason", "requested_by")
    permission_view = "audit.view"
    ordering = ("-started_at",)

    def get_queryset(self, request):
        from digigov.core.rbac.checks import can

        qs = AuditVerification.objects.select_related("requested_by")
        return qs if can(request.user, "audit.view") else qs.none()
