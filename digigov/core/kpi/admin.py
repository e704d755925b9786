from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import KpiDefinition, KpiSnapshot


@register(KpiDefinition)
class KpiDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("seq", "code", "category", "name", "baseline_2022", "target_2025", "nature", "system")
    search_fields = ("^code", "name")
    permission_view = "kpi.view"
    public_registry = True  # the city's indicators, shown on the portal


@register(KpiSnapshot)
class KpiSnapshotAdmin(KpiDefinitionAdmin):
    list_display = ("kpi", "computed_at", "value", "numerator", "denominator", "duration_ms")
    list_select_related = ("kpi",)
    search_fields = ("=kpi__code",)
    never_shown = ("breakdown",)  # the drill-down is the KPI board's, not raw JSON here
