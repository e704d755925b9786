from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import KpiDefinition, KpiSnapshot


@register(KpiDefinition)
class KpiDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("seq", "code", "category", "name", "baseline_2022", "target_2025", "nature", "system")
    permission_view = "kpi.view"

    def get_queryset(self, request):
        from digigov.core.rbac.checks import can

        return KpiDefinition.objects.all() if can(request.user, "kpi.view") else KpiDefinition.objects.none()


@register(KpiSnapshot)
class KpiSnapshotAdmin(KpiDefinitionAdmin):
    list_display = ("kpi", "computed_at", "value", "numerator", "denominator", "duration_ms")

    def get_queryset(self, request):
        from digigov.core.rbac.checks import can

        return KpiSnapshot.objects.select_related("kpi") if can(request.user, "kpi.view") else KpiSnapshot.objects.none()
