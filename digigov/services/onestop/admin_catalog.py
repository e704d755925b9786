"""Registry admin of the service item catalog: read-only. Items, their materials and topics are written on the
workbench pages (/workbench/services/catalog/) through ``actions.catalog``, which validate, audit and tell the
search index; the admin only looks."""

from django.contrib import admin

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import ServiceItem, Topic


@register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "order")  # the slug code is for URLs, not for people
    list_filter = ("kind",)
    search_fields = ("name", "code")
    permission_view = "onestop.manage"
    public_registry = True  # the city's topics: reference data
    scope_department_field = None
    scope_division_field = None


@register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "item_type", "audience", "department", "online_depth", "citywide", "active")
    list_filter = ("item_type", "audience", "online_depth", "citywide", "active")
    search_fields = ("name", "code")
    list_select_related = ("department",)
    permission_view = "onestop.manage"
    scope_department_field = "department"
    scope_division_field = None
    exclude = ("fees", "process_steps")  # JSON: shown on the workbench page as the guide reads them
    readonly_fields = ("fee_summary",)

    @admin.display(description="收费标准")
    def fee_summary(self, obj):
        return "；".join(f"{f.get('name', '')} {f.get('amount_cents', 0) / 100:.2f} 元" for f in (obj.fees or [])) or "不收费"
