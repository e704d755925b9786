"""Registry admin of the exchange: read-only. Jobs, runs and return tasks are created, run, paused and retried
on the workbench (``/workbench/data/exchange/``) through the actions; the admin only lets staff look them up."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import ExchangeJob, ExchangeRun, ReturnTask


@register(ExchangeJob)
class ExchangeJobAdmin(ReadOnlyAdmin):
    list_display = ("name", "entry", "provider", "consumer", "mode", "delivery", "schedule", "status", "last_run_at")
    list_filter = ("status", "mode", "delivery", "schedule")
    search_fields = ("^name",)
    list_select_related = ("entry", "provider", "consumer")
    exclude = ("subscription",)
    permission_view = "exchange.view"
    scope_department_field = "consumer"
    scope_division_field = "consumer__division"


@register(ExchangeRun)
class ExchangeRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "entry", "provider", "receiver", "status", "attempts", "rows", "bytes")
    list_filter = ("kind", "status")
    list_select_related = ("entry", "provider", "receiver")
    exclude = ("job", "return_task")
    permission_view = "exchange.view"
    scope_department_field = "receiver"
    scope_division_field = "receiver__division"


@register(ReturnTask)
class ReturnTaskAdmin(ReadOnlyAdmin):
    list_display = ("name", "entry", "provider", "division_field", "created_at")
    search_fields = ("^name",)
    list_select_related = ("entry", "provider")
    permission_view = "exchange.view"
    scope_department_field = "provider"
    scope_division_field = "provider__division"
